"""The signing identity: a certificate chain on disk and its private key, encrypted at rest.

The key file is useless without its passphrase, which lives only in the OS keyring (SecretStore).
Layout under <data root>/identity/: identity.json, chain.pem (leaf first), root.pem (local identities),
key.pem (PKCS#8, encrypted). A replaced identity moves to identity/retired/<time>/ so files signed
with it keep their trust anchor.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12

from ..domain.errors import IdentityError
from ..domain.secrets import SecretStore
from ..runtime.atomic import replace_folder
from . import certs
from .identity_assertion import PemSigner

if TYPE_CHECKING:  # loaded by c2pa_signer(): reading or making an identity needs no c2pa
    from .c2pa_loader import c2pa

# Each algorithm's hash (named as c2pa.C2paSigningAlg's members are); Ed25519 hashes inside the signature.
_ALGS = {
    "ES256": hashes.SHA256,
    "ES384": hashes.SHA384,
    "ES512": hashes.SHA512,
    "PS256": hashes.SHA256,
    "ED25519": None,
}


def _signing_key(key: PrivateKeyTypes) -> certs.PrivateKey:
    """The key, when it is of a type C2PA signs with (EC, RSA, Ed25519); IdentityError for any other."""
    if isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey):
        return key
    raise IdentityError("unsupported key type: use an EC (P-256/384/521), RSA or Ed25519 key")


@dataclass(frozen=True)
class IdentityInfo:
    kind: str  # "local" (made here) or "imported"
    display_name: str
    organisation: str | None
    issuer: str
    algorithm: str
    fingerprint: str  # sha256 of the signing certificate
    not_before: str
    not_after: str
    created_at: str
    secret_name: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def person_name(info: IdentityInfo) -> str | None:
    """The person the signing certificate names (its common name), for a CAWG identity assertion; None when it
    names nobody in particular (the name used when neither the person nor the system gave one)."""
    name = info.display_name.strip()
    return name if name and name != certs.UNNAMED else None


class SigningIdentity:
    """A loaded identity whose key is in memory; produces c2pa signers."""

    def __init__(self, info: IdentityInfo, chain_pem: str, key: certs.PrivateKey) -> None:
        self.info = info
        self.chain_pem = chain_pem
        self._key = key

    def __repr__(self) -> str:  # never show key material
        return f"SigningIdentity({self.info.display_name!r}, {self.info.algorithm}, {self.info.fingerprint[:16]})"

    def sign(self, data: bytes) -> bytes:
        """Raw signature as COSE wants it (ECDSA as r||s, RSA-PSS, Ed25519)."""
        key = self._key
        if isinstance(key, ec.EllipticCurvePrivateKey):
            hash_cls = _ALGS[self.info.algorithm]
            if hash_cls is None:  # an elliptic-curve key recorded with a hashless algorithm (Ed25519)
                raise IdentityError(f"{self.info.algorithm} does not sign with an elliptic-curve key")
            r, s = utils.decode_dss_signature(key.sign(data, ec.ECDSA(hash_cls())))
            size = (key.curve.key_size + 7) // 8
            return r.to_bytes(size, "big") + s.to_bytes(size, "big")
        if isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())
        return key.sign(data)

    def c2pa_signer(self, tsa_url: str | None = None) -> c2pa.Signer:
        from .c2pa_loader import c2pa

        algorithm = getattr(c2pa.C2paSigningAlg, self.info.algorithm)
        return c2pa.Signer.from_callback(self.sign, algorithm, self.chain_pem, tsa_url or None)

    def pem_signer(self, tsa_url: str | None = None) -> PemSigner:
        """This identity as a signer c2pa-rs settings describe (engine.identity_assertion): the key leaves this
        object unencrypted, in memory only, for the one signing call that needs it as PEM."""
        key_pem = self._key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()).decode("ascii")
        return PemSigner(self.info.algorithm.lower(), self.chain_pem, key_pem, tsa_url or None)

    def person_name(self) -> str | None:
        return person_name(self.info)


class IdentityStore:
    def __init__(self, root: Path, secret_store: SecretStore) -> None:
        self.dir = root / "identity"
        self._secrets = secret_store

    # -- reading -----------------------------------------------------------------------------
    def exists(self) -> bool:
        return (self.dir / "identity.json").is_file()

    def info(self) -> IdentityInfo | None:
        if not self.exists():
            return None
        return IdentityInfo(**json.loads((self.dir / "identity.json").read_text("utf-8")))

    def chain_pem(self) -> str:
        return (self.dir / "chain.pem").read_text("ascii")

    def root_pem(self) -> str | None:
        """The local root CA to trust; None for imported identities (their CA is someone else's)."""
        path = self.dir / "root.pem"
        return path.read_text("ascii") if path.is_file() else None

    def certificate_fingerprints(self) -> set[str]:
        """sha256 fingerprints of the signing certificate in use and of every retired one."""
        found = {info.fingerprint} if (info := self.info()) is not None else set()
        retired = self.dir / "retired"
        for chain in sorted(retired.glob("*/chain.pem")) if retired.is_dir() else ():
            try:
                found.add(certs.fingerprint(certs.load_pem_chain(chain.read_bytes())[0]))
            except (OSError, ValueError):
                continue
        return found

    def retired_root_pems(self) -> list[str]:
        retired = self.dir / "retired"
        return [p.read_text("ascii") for p in sorted(retired.glob("*/root.pem"))] if retired.is_dir() else []

    def load(self) -> SigningIdentity:
        info = self.info()
        if info is None:
            raise IdentityError("No signing identity yet: run `trustnxt identity create`.")
        passphrase = self._secrets.get(info.secret_name)
        if passphrase is None:
            raise IdentityError(
                "The passphrase of your signing key is missing from the OS keyring. "
                "Restore the keyring, or create a new identity with `trustnxt identity create --replace`."
            )
        try:
            key = serialization.load_pem_private_key((self.dir / "key.pem").read_bytes(), passphrase.encode())
        except (ValueError, TypeError) as e:
            raise IdentityError("The signing key could not be decrypted with the passphrase in the keyring.") from e
        return SigningIdentity(info, self.chain_pem(), _signing_key(key))

    # -- writing -----------------------------------------------------------------------------
    def create(self, display_name: str, organisation: str | None = None, *, replace: bool = False) -> IdentityInfo:
        issued = certs.issue_identity(display_name, organisation)
        return self._save("local", [issued.leaf, issued.root], issued.leaf_key, issued.root, replace=replace)

    def import_pem(self, chain_pem: bytes, key_pem: bytes, password: str | None = None, *,
                   replace: bool = False) -> IdentityInfo:
        try:
            chain = certs.load_pem_chain(chain_pem)
        except ValueError as e:
            raise IdentityError("The certificate file holds no PEM certificate.") from e
        try:
            key = serialization.load_pem_private_key(key_pem, password.encode() if password else None)
        except TypeError as e:
            raise IdentityError("The key file is encrypted: give its password.") from e
        except ValueError as e:
            raise IdentityError("The key file could not be read (wrong password or not a PEM private key).") from e
        return self._import(chain, _signing_key(key), replace=replace)

    def import_pkcs12(self, data: bytes, password: str | None = None, *, replace: bool = False) -> IdentityInfo:
        try:
            key, leaf, extra = pkcs12.load_key_and_certificates(data, password.encode() if password else None)
        except ValueError as e:
            raise IdentityError("The PKCS#12 file could not be opened (wrong password or damaged file).") from e
        if key is None or leaf is None:
            raise IdentityError("The PKCS#12 file must hold both a certificate and its private key.")
        return self._import([leaf, *extra], _signing_key(key), replace=replace)

    def _import(self, chain: list[x509.Certificate], key: certs.PrivateKey, *, replace: bool) -> IdentityInfo:
        try:
            certs.c2pa_algorithm(key)
        except ValueError as e:
            raise IdentityError(str(e)) from e
        leaf = next((c for c in chain if certs.public_keys_match(key, c)), None)
        if leaf is None:
            raise IdentityError("The private key does not belong to any certificate in the chain.")
        ordered = [leaf] + [c for c in chain if c is not leaf]
        if len(ordered) < 2:
            raise IdentityError(
                "Give the whole chain (your certificate plus its issuing CA): validators reject a lone certificate."
            )
        return self._save("imported", ordered, key, None, replace=replace)

    def _save(self, kind: str, chain: list[x509.Certificate], key: certs.PrivateKey,
              root: x509.Certificate | None, *, replace: bool) -> IdentityInfo:
        if self.exists() and not replace:
            raise IdentityError("A signing identity already exists; replacing it retires the current one first.")
        leaf = chain[0]
        fp = certs.fingerprint(leaf)
        secret_name = f"signing-key-passphrase:{fp[:24]}"
        passphrase = secrets.token_urlsafe(32)
        # Keyring first: if it fails nothing is touched, so no unusable key file is left behind.
        self._secrets.set(secret_name, passphrase)
        if self.exists():
            self._retire(keep=secret_name)
        info = IdentityInfo(
            kind=kind,
            display_name=certs.common_name(leaf),
            organisation=certs.organisation(leaf),
            issuer=leaf.issuer.rfc4514_string(),
            algorithm=certs.c2pa_algorithm(key),
            fingerprint=fp,
            not_before=leaf.not_valid_before_utc.isoformat(),
            not_after=leaf.not_valid_after_utc.isoformat(),
            created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            secret_name=secret_name,
        )
        staging = self.dir.with_name("identity.new")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        encrypted = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase.encode()),
        )
        _write_private(staging / "key.pem", encrypted)
        (staging / "chain.pem").write_text(certs.to_pem(chain), "ascii")
        if root is not None:
            (staging / "root.pem").write_text(certs.to_pem([root]), "ascii")
        (staging / "identity.json").write_text(json.dumps(info.to_dict(), indent=2), "utf-8")
        retired = self.dir / "retired"
        if retired.is_dir():
            shutil.move(str(retired), staging / "retired")
        shutil.rmtree(self.dir, ignore_errors=True)
        replace_folder(staging, self.dir)  # every file fsynced first: never an identity half on disk
        return info

    def _retire(self, *, keep: str) -> None:
        """`keep`: the new identity's passphrase entry, which the same certificate imported again shares."""
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.dir / "retired" / stamp
        target.mkdir(parents=True)
        old = self.info()
        # Keep what verifies old files (certificates); destroy what could sign new ones (key + passphrase).
        for name in ("identity.json", "chain.pem", "root.pem"):
            if (self.dir / name).exists():
                shutil.move(str(self.dir / name), target / name)
        (self.dir / "key.pem").unlink(missing_ok=True)
        if old is not None and old.secret_name != keep:
            self._secrets.delete(old.secret_name)


def verify_signature(certificate: x509.Certificate, algorithm: str, data: bytes, signature: bytes) -> bool:
    """Whether `signature` is `certificate`'s key's signature of `data` in the form SigningIdentity.sign
    makes (ECDSA as r||s, RSA-PSS with SHA-256, Ed25519; `algorithm` as in IdentityInfo)."""
    key = certificate.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey) and algorithm in _ALGS and algorithm.startswith("ES"):
            size = (key.curve.key_size + 7) // 8
            if len(signature) != 2 * size:
                return False
            der = utils.encode_dss_signature(int.from_bytes(signature[:size], "big"),
                                             int.from_bytes(signature[size:], "big"))
            key.verify(der, data, ec.ECDSA(_ALGS[algorithm]()))  # type: ignore[misc]  # every ES* names its hash
        elif isinstance(key, rsa.RSAPublicKey) and algorithm == "PS256":
            key.verify(signature, data, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
                       hashes.SHA256())
        elif isinstance(key, ed25519.Ed25519PublicKey) and algorithm == "ED25519":
            key.verify(signature, data)
        else:
            return False
    except InvalidSignature:
        return False
    return True


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
