"""Add a timestamp to a copy protected without one: an update manifest carrying a `c2pa.time-stamp` assertion.

C2PA 2.2 §18.19 ("Time-stamp assertion") lets a later manifest carry RFC 3161 time-stamp tokens for the
signatures of earlier manifests; an update manifest (§11.4.3, "Update manifests": one parentOf ingredient, no
change to the media) is the place for it. c2pa-python 0.38.1 (c2pa-rs 0.91) writes it: the Builder's intent
UPDATE makes the file its own parent ingredient, and the builder setting `auto_timestamp_assertion`
({enabled, skip_existing, fetch_scope: "parent"}) asks the timestamp authority for a token over the parent
manifest's signature while signing. c2pa-rs then judges the parent's signing certificate at the time the token
gives, so the copy stays valid after that certificate expires (tests/engine/test_timestamp.py shows it).

The copy is replaced in place (one atomic rename), and only when its bytes are still exactly what was read (and,
when given, what protecting wrote): the media is unchanged and the earlier manifest is kept inside the new one.
Only a copy this identity signed, whose Content Credentials still match its content and whose active manifest has
no timestamp yet, is timestamped (`AlreadyTimestamped` otherwise says there is nothing to do).

`authority_answers` asks a timestamp authority for one token over a random hash (RFC 3161 §2.4): whether the
authority can be used again, before copies are handed to it.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

from .. import APP_NAME, __version__
from ..domain.errors import ProtectError
from ..domain.regular_files import open_regular, problem_sentence
from ..runtime import atomic as output
from .c2pa_loader import c2pa
from .formats import c2pa_name, can_protect
from .identity import SigningIdentity
from .media import sniff
from .parent import short_error

TIME_STAMP_LABEL = "c2pa.time-stamp"
_SETTINGS = {
    "builder": {"thumbnail": {"enabled": False},
                "auto_timestamp_assertion": {"enabled": True, "skip_existing": True, "fetch_scope": "parent"}},
    "verify": {"remote_manifest_fetch": False},
}


class TimestampError(ProtectError):
    """A timestamp could not be added; the message says why in one sentence and that the file is unchanged."""


class AlreadyTimestamped(TimestampError):
    """The copy's active manifest already has a timestamp (in its signature or a time-stamp assertion)."""


@dataclass(frozen=True)
class Timestamped:
    path: Path
    sha256: str  # of the file as it is now, with its timestamp
    authority: str


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def add_timestamp(path: Path, identity: SigningIdentity, tsa_url: str, *,
                  expected_sha256: str | None = None) -> Timestamped:
    """Timestamp the protected copy at `path` (see the module's doc). `expected_sha256`: the copy's hash as it
    was written; a file that no longer has it is left alone. Raises TimestampError (nothing changed) when the
    file cannot be read, has changed, carries no Content Credentials of ours to timestamp, or the authority
    cannot be used; OSError when the new copy cannot be written (the old one is then unchanged)."""
    problem = problem_sentence(path)
    if problem:
        raise TimestampError(problem)
    with open_regular(path) as f:
        data = f.read()
    digest = _sha256(data)
    if expected_sha256 is not None and digest != expected_sha256:
        raise TimestampError("The protected copy was changed after it was made, so no timestamp was added to it.")
    media_type = sniff(path)
    if media_type is None or not can_protect(media_type):
        raise TimestampError(f"{media_type or 'This file type'} files cannot carry a timestamp added later.")
    _check_stampable(data, media_type, identity)
    definition = {"claim_generator_info": [{"name": APP_NAME, "version": __version__}], "title": path.name,
                  "assertions": []}
    signer = identity.c2pa_signer(tsa_url)
    with output.atomic_output(path.parent, path.name) as (tmp_file, tmp_path):
        try:
            with c2pa.Builder(definition, context=c2pa.Context.from_dict(_SETTINGS)) as builder:
                builder.set_intent(c2pa.C2paBuilderIntent.UPDATE)
                builder.sign(signer, c2pa_name(media_type), io.BytesIO(data), tmp_file)
        except c2pa.C2paError as e:
            raise TimestampError(f"The timestamp authority {tsa_url} could not be used ({short_error(e)}). "
                                 "The file is unchanged.") from None
        output.finish(tmp_file)
        tmp_file.seek(0)
        stamped = tmp_file.read()
        if not _has_time_stamp(stamped, media_type):
            raise TimestampError("The C2PA library wrote no time-stamp assertion. The file is unchanged.")
        with open_regular(path) as f:
            if _sha256(f.read()) != digest:
                raise TimestampError("The file changed while the timestamp was being added; it was left as it is.")
        tmp_file.close()
        output.replace_file(tmp_path, path)
    return Timestamped(path, _sha256(stamped), tsa_url)


def _has_time_stamp(data: bytes, media_type: str) -> bool:
    """Whether the active manifest of our own output carries a c2pa.time-stamp assertion (read without trust:
    only its structure matters here)."""
    context = c2pa.Context.from_dict({"verify": {"verify_trust": False, "remote_manifest_fetch": False}})
    with c2pa.Reader(c2pa_name(media_type), io.BytesIO(data), context=context) as reader:
        store = json.loads(reader.json())
    active = (store.get("manifests") or {}).get(store.get("active_manifest")) or {}
    return any(str(a.get("label", "")).startswith(TIME_STAMP_LABEL) for a in active.get("assertions") or [])


def _check_stampable(data: bytes, media_type: str, identity: SigningIdentity) -> None:
    """Raises AlreadyTimestamped, or TimestampError when the copy carries no Content Credentials, they no longer
    match its content (validation state Invalid, C2PA 2.2 §15), or another certificate than this identity's signed
    its active manifest (an update manifest is signed by whoever adds it: only one's own copies are stamped)."""
    context = c2pa.Context.from_dict({"verify": {"verify_trust": False, "remote_manifest_fetch": False}})
    try:
        with c2pa.Reader(c2pa_name(media_type), io.BytesIO(data), context=context) as reader:
            store = json.loads(reader.json())
            state = reader.get_validation_state()
    except c2pa.C2paError as e:
        raise TimestampError(f"The file carries no Content Credentials to timestamp ({short_error(e)}).") from None
    active = (store.get("manifests") or {}).get(store.get("active_manifest")) or {}
    if not active:
        raise TimestampError("The file carries no Content Credentials to timestamp.")
    signature = active.get("signature_info") or {}
    if signature.get("time") or any(str(a.get("label", "")).startswith(TIME_STAMP_LABEL)
                                    for a in active.get("assertions") or []):
        raise AlreadyTimestamped("The copy already has a timestamp.")
    if str(state).lower() == "invalid":
        codes = [c.get("code", "") for c in ((store.get("validation_results") or {}).get("activeManifest") or {})
                 .get("failure") or []]
        raise TimestampError("The copy's Content Credentials are not valid any more "
                             f"({', '.join(sorted(set(codes))) or 'validation failed'}), so no timestamp was added. "
                             "The file is unchanged.")
    leaf = x509.load_pem_x509_certificate(identity.chain_pem.encode("ascii"))
    if str(signature.get("cert_serial_number", "")) != str(leaf.serial_number):
        signer = signature.get("common_name") or signature.get("issuer") or "another certificate"
        raise TimestampError(f"The copy was signed by {signer}, not by your current signing identity; only your own "
                             "copies can be timestamped later. The file is unchanged.")


def authority_answers(tsa_url: str, timeout: float = 10.0) -> bool:
    """Whether the RFC 3161 authority at `tsa_url` grants a token now (status granted or grantedWithMods, RFC 3161
    §2.4.2) for a random SHA-256 hash: only that hash is sent. False when it cannot be reached, refuses, or answers
    something else."""
    import secrets

    import httpx  # here: protecting and inspecting never load the HTTP client for this
    from asn1crypto import algos, core, tsp

    request = tsp.TimeStampReq({
        "version": "v1",
        "message_imprint": {"hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
                            "hashed_message": hashlib.sha256(secrets.token_bytes(32)).digest()},
        "nonce": core.Integer(int.from_bytes(secrets.token_bytes(8), "big")),
        "cert_req": False,
    })
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            response = client.post(tsa_url, content=request.dump(),
                                   headers={"Content-Type": "application/timestamp-query"})
        if response.status_code != 200 or len(response.content) > 1024 * 1024:
            return False
        answer = tsp.TimeStampResp.load(response.content)
        return answer["status"]["status"].native in ("granted", "granted_with_mods")
    except (httpx.HTTPError, ValueError, TypeError, KeyError):
        return False
