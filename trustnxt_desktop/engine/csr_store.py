"""The certificate request waiting for its CA: its key, encrypted at rest, until the issued chain comes back.

Layout under <data root>/certificate-request/ (beside identity/, which an import replaces as a whole):
request.json (the subject, algorithm, when it was made, the public key's SHA-256 and the keyring entry's name),
request.csr (PEM, public: what is sent to the CA) and key.pem (PKCS#8, encrypted with a random passphrase that
lives only in the OS keyring, as the signing identity's key does). Importing the chain hands the encrypted key and
its passphrase to IdentityStore, which re-encrypts it under the identity's own passphrase; then this folder and
its keyring entry are removed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ..domain.errors import IdentityError
from ..domain.secrets import SecretStore
from ..runtime.atomic import replace_folder, write_atomic
from . import certs, csr
from .identity import IdentityInfo, IdentityStore

FOLDER = "certificate-request"


@dataclass(frozen=True)
class PendingRequest:
    """A request made here whose certificate has not been imported yet."""

    common_name: str
    organisation: str
    country: str
    email: str
    algorithm: str
    created_at: str  # ISO 8601, UTC
    key_sha256: str  # SHA-256 of the public key (SubjectPublicKeyInfo, DER): what the issued certificate must carry
    secret_name: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class IssuedChain:
    """A chain a CA sent back, ordered and checked against the pending request (before anything is imported)."""

    chain: list[x509.Certificate]  # the signing certificate first, then its issuers in order
    profile: csr.Profile
    problems: tuple[str, ...]  # why it cannot be used: the profile's and the chain's own

    @property
    def usable(self) -> bool:
        return not self.problems

    @property
    def leaf(self) -> x509.Certificate:
        return self.chain[0]


def public_key_sha256(key: csr.RequestKey | x509.Certificate) -> str:
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


class RequestStore:
    """The one pending request of a data root. Blocking (disk, keyring, key generation): never on the GUI thread."""

    def __init__(self, root: Path, secret_store: SecretStore) -> None:
        self.dir = root / FOLDER
        self._secrets = secret_store
        self._identities = IdentityStore(root, secret_store)

    def pending(self) -> PendingRequest | None:
        try:
            return PendingRequest(**json.loads((self.dir / "request.json").read_text("utf-8")))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError) as e:
            raise IdentityError(f"The pending certificate request in {self.dir} cannot be read; discard it and "
                                "make a new one.") from e

    def request_pem(self) -> str:
        """The pending request (PKCS#10, PEM) to send to the CA; IdentityError when there is none."""
        if self.pending() is None:
            raise IdentityError("There is no pending certificate request: make one first.")
        return (self.dir / "request.csr").read_text("ascii")

    def create(self, subject: csr.Subject, algorithm: str = "ES256", *, replace: bool = False) -> PendingRequest:
        """A new key pair and its request. An existing pending request is kept unless `replace` (its key is then
        destroyed: a certificate issued for it can no longer be used). Raises IdentityError (keyring, bad subject)."""
        if self.pending() is not None and not replace:
            raise IdentityError("A certificate request is already waiting for its CA; discard it first to make a "
                                "new one (a certificate issued for it could then no longer be used).")
        try:
            subject = subject.checked()
            key = csr.new_key(algorithm)
            request = csr.build_request(key, subject)
        except ValueError as e:
            raise IdentityError(str(e)) from e
        fingerprint = public_key_sha256(key)
        info = PendingRequest(subject.common_name, subject.organisation, subject.country, subject.email, algorithm,
                              dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), fingerprint,
                              f"certificate-request-passphrase:{fingerprint[:24]}")
        passphrase = secrets.token_urlsafe(32)
        self._secrets.set(info.secret_name, passphrase)  # first: if the keyring refuses, nothing is written
        old = self.pending()
        staging = self.dir.with_name(FOLDER + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        write_atomic(staging / "key.pem", key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase.encode())), private=True)
        (staging / "request.csr").write_text(csr.request_pem(request), "ascii")
        (staging / "request.json").write_text(json.dumps(info.to_dict(), indent=2), "utf-8")
        shutil.rmtree(self.dir, ignore_errors=True)
        replace_folder(staging, self.dir)
        if old is not None and old.secret_name != info.secret_name:
            self._secrets.delete(old.secret_name)
        return info

    def discard(self) -> None:
        """Forget the pending request: its key file and its passphrase in the keyring."""
        info = self.pending()
        shutil.rmtree(self.dir, ignore_errors=True)
        if info is not None:
            self._secrets.delete(info.secret_name)

    def check_chain(self, data: bytes, now: dt.datetime | None = None) -> IssuedChain:
        """Read what the CA sent (PEM, DER or PKCS#7), find the certificate issued for the pending request's key,
        order its chain and check it against the C2PA certificate profile (engine.csr.profile_problems). Raises
        IdentityError when there is no pending request, no certificate, or none for this request's key."""
        info = self.pending()
        if info is None:
            raise IdentityError("There is no pending certificate request: the certificate must be imported together "
                                "with its key (Import identity), or a request made here first.")
        try:
            found = csr.load_certificates(data)
        except ValueError as e:
            raise IdentityError("The file holds no certificate (expected PEM, DER or PKCS#7 from your CA).") from e
        leaf = next((c for c in found if public_key_sha256(c) == info.key_sha256), None)
        if leaf is None:
            raise IdentityError("None of these certificates was issued for the request made here (their keys differ "
                                "from the request's). Was it issued for another request?")
        chain = csr.order_chain(found, leaf)
        profile = csr.profile_problems(leaf, now)
        problems = list(profile.problems)
        if len(chain) < 2:
            problems.append("The file holds only your certificate: add the CA certificates that issued it "
                            "(validators reject a lone certificate).")
        return IssuedChain(chain, profile, tuple(problems))

    def import_chain(self, data: bytes, *, replace: bool = False) -> IdentityInfo:
        """Make the issued certificate and the pending key the signing identity (the current one is retired when
        `replace`), then forget the pending request. Raises IdentityError when the chain cannot be used
        (check_chain's problems) or the keyring has lost the request's passphrase."""
        issued = self.check_chain(data)
        if not issued.usable:
            raise IdentityError(" ".join(issued.problems))
        info = self.pending()
        assert info is not None  # check_chain refused otherwise
        passphrase = self._secrets.get(info.secret_name)
        if passphrase is None:
            raise IdentityError("The passphrase of the request's key is missing from the OS keyring: the key cannot "
                                "be used. Discard the request and make a new one.")
        imported = self._identities.import_pem(certs.to_pem(issued.chain).encode("ascii"),
                                               (self.dir / "key.pem").read_bytes(), passphrase, replace=replace)
        self.discard()
        return imported

