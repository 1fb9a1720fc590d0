"""Where the verification log's head is kept outside the log itself, so a shortened, deleted or rewritten
log shows.

A `LogHead` is a point in the log: the volume (its number and the random id it was created with), how
many entries it had and the hash of the newest one. It is kept in two places that the log's file cannot
be rewritten together with:
- the OS keyring (`KeyringAnchor`), under a name derived from the data root's path; reading or
  changing it needs the account's unlocked keyring;
- a signed checkpoint file, `<data root>/verification-log.checkpoint.json`, when a signing identity
  exists: the head, the time and a signature over both by the identity's key (ES256 for identities made
  here), with the certificate chain, so anyone who knows that certificate can check a copied log.

Checkpoint format ("trustnxt.verification-log-checkpoint/1"): {"schema", "signed": {"schema", "volume",
"log_id", "entries", "head", "at"}, "algorithm", "certificate_chain" (PEM, signing certificate first),
"signature" (base64)}. The signature covers the canonical JSON of "signed" (sorted keys, no spaces,
UTF-8) in the form engine/identity.py's SigningIdentity.sign makes (ECDSA as r||s).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography import x509

from ...domain.secrets import SecretStore
from ...engine import certs
from ...engine.identity import SigningIdentity, verify_signature
from .exports import write_text

ANCHOR_PREFIX = "verification-log-anchor:"
CHECKPOINT_FILE = "verification-log.checkpoint.json"
CHECKPOINT_SCHEMA = "trustnxt.verification-log-checkpoint/1"


class AnchorError(Exception):
    """An anchor or checkpoint exists but cannot be read or does not verify; str(e) says why, in words."""


@dataclass(frozen=True)
class LogHead:
    volume: int  # 1 for verification-log.sqlite3, n for verification-log.<n>.sqlite3
    log_id: str  # random, made when the volume was created
    entries: int
    head: str  # hash of entry `entries`; the genesis hash for an empty volume
    at: str = ""  # when it was anchored (ISO 8601, UTC)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> LogHead:
        """Raises AnchorError for anything but a well-formed head."""
        try:
            head = cls(volume=int(data["volume"]), log_id=str(data["log_id"]), entries=int(data["entries"]),
                       head=str(data["head"]), at=str(data.get("at", "")))
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise AnchorError("it is not a well-formed log head") from e
        if head.volume < 1 or head.entries < 0 or len(head.head) != 64:
            raise AnchorError("it is not a well-formed log head")
        return head


def canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class KeyringAnchor:
    """The log's head in the OS keyring. Every call is blocking keyring I/O: never on the GUI thread."""

    def __init__(self, root: Path, secrets: SecretStore) -> None:
        self.name = ANCHOR_PREFIX + hashlib.sha256(os.path.abspath(root).encode()).hexdigest()[:16]
        self._secrets = secrets

    def read(self) -> LogHead | None:
        """None when there is none; raises KeyringUnavailableError, or AnchorError for an unreadable value."""
        text = self._secrets.get(self.name)
        if text is None:
            return None
        try:
            data = json.loads(text)
        except ValueError as e:
            raise AnchorError("the log's anchor in the OS keyring is not readable") from e
        try:
            return LogHead.from_json(data)
        except AnchorError as e:
            raise AnchorError("the log's anchor in the OS keyring is not readable") from e

    def write(self, head: LogHead) -> None:
        self._secrets.set(self.name, json.dumps(head.to_json(), sort_keys=True))


@dataclass(frozen=True)
class Checkpoint:
    head: LogHead
    algorithm: str
    fingerprint: str  # sha256 of the signing certificate
    signer: str  # its subject, for people


def make_checkpoint(head: LogHead, identity: SigningIdentity) -> dict[str, Any]:
    signed = {"schema": CHECKPOINT_SCHEMA, **head.to_json()}
    return {"schema": CHECKPOINT_SCHEMA, "signed": signed, "algorithm": identity.info.algorithm,
            "certificate_chain": identity.chain_pem,
            "signature": base64.b64encode(identity.sign(canonical(signed))).decode("ascii")}


def write_checkpoint(root: Path, head: LogHead, identity: SigningIdentity) -> None:
    write_text(root / CHECKPOINT_FILE, json.dumps(make_checkpoint(head, identity), indent=2, sort_keys=True),
               private=True)


def read_checkpoint_json(root: Path) -> dict[str, Any] | None:
    """The checkpoint as stored (unchecked); None when there is none. Raises AnchorError when unreadable."""
    try:
        data = json.loads((root / CHECKPOINT_FILE).read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        raise AnchorError(f"the signed checkpoint {root / CHECKPOINT_FILE} is not readable") from e
    if not isinstance(data, dict):
        raise AnchorError(f"the signed checkpoint {root / CHECKPOINT_FILE} is not readable")
    return data


def check_checkpoint(data: dict[str, Any], known_fingerprints: set[str]) -> Checkpoint:
    """The head a checkpoint vouches for, once its signature verifies with its certificate and that
    certificate is one of `known_fingerprints` (the signing identity's, current or retired). Raises
    AnchorError saying which of these fails."""
    try:
        signed = data["signed"]
        head = LogHead.from_json(signed)
        chain = certs.load_pem_chain(str(data["certificate_chain"]).encode("ascii"))
        signature = base64.b64decode(str(data["signature"]), validate=True)
        algorithm = str(data["algorithm"])
    except (KeyError, TypeError, ValueError, UnicodeEncodeError, binascii.Error, AnchorError) as e:
        raise AnchorError("the signed checkpoint is not well-formed") from e
    if signed.get("schema") != CHECKPOINT_SCHEMA:
        raise AnchorError("the signed checkpoint is not well-formed")
    leaf: x509.Certificate = chain[0]
    if not verify_signature(leaf, algorithm, canonical(signed), signature):
        raise AnchorError("the signed checkpoint's signature does not verify: it was altered")
    fingerprint = certs.fingerprint(leaf)
    subject = leaf.subject.rfc4514_string()
    if fingerprint not in known_fingerprints:
        raise AnchorError(f"the signed checkpoint was signed by {subject} (certificate {fingerprint[:16]}…), "
                          "which is not your signing identity")
    return Checkpoint(head, algorithm, fingerprint, subject)
