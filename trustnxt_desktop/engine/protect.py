"""Protect one file: sign a copy carrying a Trust Label. The original is only ever opened for reading."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ..domain.errors import ProtectError
from ..domain.privacy import PrivacyChoices
from ..domain.protect import PROTECTED_SUFFIX, ProtectOptions, ProtectResult, ProtectStatus
from ..domain.regular_files import open_regular, problem_sentence
from ..domain.soft_binding import FingerprintResult
from ..domain.timestamps import no_timestamp_warning
from ..runtime import atomic as output
from . import untrusted
from .c2pa_loader import c2pa
from .formats import c2pa_name, can_protect, find, why_not_protected
from .identity import SigningIdentity
from .identity_assertion import x509_identity_builder
from .manifest import THUMBNAIL_ID, build_manifest, soft_binding_assertion
from .manifest_hints import may_have_manifest
from .media import extension_for, is_image, jxl_container, media_type_for_extension, sniff
from .parent import ParentCredentials, short_error
from .privacy.protect import Cleaner, check_signed, privacy_applied, with_edit, without_withheld
from .privacy.rewrite import Cleaned
from .trust import TrustConfig

ENGINE_LABEL = "local"
# (source, media type, long edge) -> JPEG bytes or None; raises when the picture cannot be decoded.
Thumbnailer = Callable[[Path, str, int], "bytes | None"]
# (source, media type, title) -> the original's own credentials (engine.parent); never raises for the file.
ParentReader = Callable[[Path, str, str], ParentCredentials]
# (source) -> the picture's soft binding fingerprints (engine.fingerprints), upright only; raises when it cannot decode.
Fingerprinter = Callable[[Path], FingerprintResult]


# Our own thumbnail replaces c2pa's (which decodes at full size); never fetch remote manifests.
_SETTINGS = {"builder": {"thumbnail": {"enabled": False}}, "verify": {"remote_manifest_fetch": False}}
# What a CAWG identity assertion vouches for besides the hard binding, which c2pa-rs always adds (CAWG identity
# assertion 1.1 §5.1): the actions, i.e. what the file claims it is and how it was made.
IDENTITY_REFERENCES = ("c2pa.actions.v2",)
NO_PERSON_NAMED = ("No identity assertion was added: your signing identity names no person. Give your name in "
                   "Settings › Signing identity and create a new identity.")


def _context() -> c2pa.Context:
    return c2pa.Context.from_dict(_SETTINGS)


@dataclass(frozen=True)
class _Fingerprint:
    size: int
    mtime_ns: int


def _fingerprint(path: Path) -> _Fingerprint:
    st = path.stat()
    return _Fingerprint(st.st_size, st.st_mtime_ns)


class Cancelled(Exception):
    pass


def protect_file(source: Path, identity: SigningIdentity, options: ProtectOptions,
                 cancel: threading.Event | None = None, *, thumbnailer: Thumbnailer | None = None,
                 parent_reader: ParentReader | None = None, privacy_cleaner: Cleaner | None = None,
                 fingerprinter: Fingerprinter | None = None) -> ProtectResult:
    """Never raises for a problem with the file: the result says what happened.

    `cancel` is checked before work starts and again just before the output is published, so a
    cancelled job leaves nothing behind even if signing was already under way. `thumbnailer` and
    `parent_reader` let the caller decode the picture and read the original's own Content Credentials
    with its own pool or trust settings; by default both run in the process-wide pool of isolated
    workers (engine.untrusted), never in this process: Pillow's decoders and the reading of a manifest
    someone else made are parsers of untrusted bytes. (c2pa's signer reads the original here: signing
    needs the key, which stays in this process.)

    The privacy choices (options.location, options.strip_serials) are applied to a copy of the original
    before signing, in an isolated worker by default (`privacy_cleaner`; engine.privacy.protect): a file
    whose removed values cannot all be taken out fails instead of being published with them.

    A file that already carries Content Credentials is protected whatever state they are in: they are
    kept as the parent ingredient with their own verdict (engine.parent), and result.warnings says
    when they are invalid, stored remotely, or could not be read and were left out. Only a failure to
    sign the copy itself fails the file.
    """
    started = time.perf_counter()
    result = ProtectResult(source=source, status=ProtectStatus.FAILED, engine=ENGINE_LABEL)
    try:
        _protect(source, identity, options, result, cancel or threading.Event(), thumbnailer or _thumbnail_isolated,
                 parent_reader or _read_parent_isolated, privacy_cleaner, fingerprinter or _fingerprints_isolated)
    except Cancelled:
        result.status, result.error, result.output = ProtectStatus.CANCELLED, "Cancelled.", None
    except ProtectError as e:
        result.status, result.error = ProtectStatus.FAILED, str(e)
    except c2pa.C2paError as e:
        result.status, result.error = ProtectStatus.FAILED, _explain_c2pa_error(e, options)
    except PermissionError as e:
        result.status, result.error = ProtectStatus.FAILED, f"Permission denied: {e.filename or source}"
    except FileNotFoundError as e:
        result.status, result.error = ProtectStatus.FAILED, f"File not found: {e.filename or source}"
    except OSError as e:
        result.status, result.error = ProtectStatus.FAILED, f"Could not read or write the file: {e.strerror or e}"
    result.seconds = time.perf_counter() - started
    return result


def _read_parent_isolated(source: Path, media_type: str, title: str) -> ParentCredentials:
    return untrusted.parent_isolated(untrusted.shared_pool(), source, media_type, title, TrustConfig())


def _clean_isolated(source: Path, media_type: str, choices: PrivacyChoices, target: Path) -> Cleaned:
    return untrusted.privacy_clean_isolated(untrusted.shared_pool(), source, media_type, choices, target)


def _thumbnail_isolated(source: Path, media_type: str, edge: int) -> bytes | None:
    return untrusted.thumbnail_isolated(untrusted.shared_pool(), source, edge, media_type)


def _fingerprints_isolated(source: Path) -> FingerprintResult:
    return untrusted.fingerprint_isolated(untrusted.shared_pool(), source)


def _protect(source: Path, identity: SigningIdentity, options: ProtectOptions, result: ProtectResult,
             cancel: threading.Event, thumbnailer: Thumbnailer, parent_reader: ParentReader,
             privacy_cleaner: Cleaner | None = None, fingerprinter: Fingerprinter = _fingerprints_isolated) -> None:
    if cancel.is_set():
        raise Cancelled
    problem = problem_sentence(source)  # a FIFO, socket or device is never opened
    if problem:
        raise ProtectError(problem)
    before = _fingerprint(source)
    if before.size == 0:
        raise ProtectError("The file is empty.")
    media_type = sniff(source)
    result.media_type = media_type
    if not can_protect(media_type):
        result.status = ProtectStatus.SKIPPED
        result.error = _why_skipped(media_type)
        return
    extension = source.suffix
    named_as = media_type_for_extension(source)
    if named_as != media_type:
        extension = extension_for(media_type) or source.suffix
        result.warnings.append(f"The file is really {media_type}; the protected copy is named {extension}.")

    title = options.title or source.name
    if options.identity_assertion and identity.person_name() is None:
        result.warnings.append(NO_PERSON_NAMED)
    parent = parent_reader(source, media_type, title) if may_have_manifest(source) else None
    if parent is not None and not parent.present:
        parent = None
    thumb = _thumbnail(source, media_type, options, result, thumbnailer)
    result.thumbnail = thumb
    soft = _soft_binding(source, media_type, options, result, fingerprinter)
    out_dir = options.out_dir or source.parent
    with privacy_applied(source, media_type, options, privacy_cleaner or _clean_isolated) as (signed, cleaned), \
            _open_for_signing(signed, media_type, result) as src, \
            output.atomic_output(out_dir, source.name) as (tmp_file, tmp_path):
        result.warnings.extend(cleaned.notes)
        parent, options = without_withheld(parent, cleaned, result.warnings), with_edit(options, cleaned)
        try:
            options = _sign_or_later(identity, options, media_type, title, thumb, parent, src, tmp_file, result,
                                     soft=soft)
        except c2pa.C2paError as e:
            if parent is None or parent.archive is None:
                raise
            # c2pa refused the original's manifest while signing: keep the original, without its manifest.
            parent = dataclasses.replace(parent, archive=None, problem=short_error(e))
            src.seek(0)
            tmp_file.seek(0)
            tmp_file.truncate()
            try:
                result.manifest_store = _sign(identity, options, media_type, title, thumb, parent, src, tmp_file, soft)
            except c2pa.C2paError:
                raise e from None
        if parent is not None and not cleaned.withhold_parent and (note := parent.warning()):
            result.warnings.append(note)
        result.parent_verdict = parent.verdict if parent is not None else None
        output.finish(tmp_file)
        check_signed(tmp_path, cleaned)  # no removed value anywhere in the signed bytes
        if _fingerprint(source) != before:
            raise ProtectError("The file changed while it was being protected; try again once it is saved.")
        if cancel.is_set():
            raise Cancelled
        final = output.publish(tmp_path, output.candidate_paths(source, out_dir, PROTECTED_SUFFIX, extension))
    result.output = final
    result.status = ProtectStatus.DONE
    if result.manifest_store is not None and result.fingerprints:
        result.manifest_label = _active_label(result.manifest_store)


# An authority that just failed is not asked again for this long: a batch made offline does not wait on it per file.
TSA_RETRY_SECONDS = 60.0
_tsa_down: dict[str, float] = {}
_tsa_down_lock = threading.Lock()


def _sign_or_later(identity: SigningIdentity, options: ProtectOptions, media_type: str, title: str,
                   thumb: bytes | None, parent: ParentCredentials | None, src: BinaryIO, dst: BinaryIO,
                   result: ProtectResult, soft: str | None = None) -> ProtectOptions:
    """_sign (`soft`: the ISCC code written as a c2pa.soft-binding assertion; result.manifest_store the signed
    manifest store); when the timestamp authority cannot be used and `options.timestamp_later` is set, the copy is
    signed without a timestamp and result.warnings says "no timestamp yet" (domain.timestamps; engine.timestamp adds one
    later). Returns the options the copy was signed with. Raises c2pa.C2paError when signing fails for another
    reason (the error of the attempt with the timestamp authority)."""
    url = options.tsa_url
    if not (url and options.timestamp_later):
        result.manifest_store = _sign(identity, options, media_type, title, thumb, parent, src, dst, soft)
        return options
    without = dataclasses.replace(options, tsa_url=None)
    with _tsa_down_lock:
        down_since = _tsa_down.get(url)
    if down_since is not None and time.monotonic() - down_since < TSA_RETRY_SECONDS:
        result.manifest_store = _sign(identity, without, media_type, title, thumb, parent, src, dst, soft)
        result.warnings.append(no_timestamp_warning(url, "it could not be reached a moment ago"))
        return without
    try:
        result.manifest_store = _sign(identity, options, media_type, title, thumb, parent, src, dst, soft)
    except c2pa.C2paError as e:
        src.seek(0)
        dst.seek(0)
        dst.truncate()
        try:
            result.manifest_store = _sign(identity, without, media_type, title, thumb, parent, src, dst, soft)
        except c2pa.C2paError:
            raise e from None  # not the authority's doing
        with _tsa_down_lock:
            _tsa_down[url] = time.monotonic()
        result.warnings.append(no_timestamp_warning(url, short_error(e)))
        return without
    with _tsa_down_lock:
        _tsa_down.pop(url, None)
    return options


def _why_skipped(media_type: str | None) -> str:
    known = find(media_type)
    if known is not None and known.readable:  # c2pa reads it but does not write it (or we choose not to)
        why = why_not_protected(known.media_type) or "the C2PA library cannot write Content Credentials into them"
        return f"{known.description} files can be inspected but not protected: {why}."
    return f"{media_type} files cannot carry Content Credentials." if media_type else \
        "This file type cannot carry Content Credentials."


@contextlib.contextmanager
def _open_for_signing(source: Path, media_type: str, result: ProtectResult) -> Iterator[BinaryIO]:
    """The bytes to sign. A bare JPEG XL codestream has no box to keep a manifest in (ISO/IEC 18181-2),
    so its copy gets the same codestream inside a JPEG XL container, which does."""
    with open_regular(source) as f:
        if media_type == "image/jxl" and f.read(2) == b"\xff\x0a":
            f.seek(0)
            wrapped = io.BytesIO(jxl_container(f.read()))
            result.warnings.append("The JPEG XL image was put in a JPEG XL container (the image data is unchanged) "
                                   "so that it can carry Content Credentials.")
            yield wrapped
            return
        f.seek(0)
        yield f


def _sign(identity: SigningIdentity, options: ProtectOptions, media_type: str, title: str, thumb: bytes | None,
          parent: ParentCredentials | None, src: BinaryIO, dst: BinaryIO, soft: str | None = None) -> bytes:
    """Sign one copy into dst; returns the signed manifest store (application/c2pa). A Builder signs once, so every
    attempt builds its own. `soft`: an ISCC image code, written as a c2pa.soft-binding assertion."""
    attach = parent is not None and parent.archive is not None
    manifest = build_manifest(title=title, media_type=media_type, options=options, has_parent=attach,
                              parent_without_manifest=title if parent is not None and not attach else None,
                              thumbnail=thumb is not None)
    if soft is not None:
        manifest["assertions"].append(soft_binding_assertion(soft))
    named = options.identity_assertion and identity.person_name() is not None
    with _builder(identity, options, manifest, named) as builder:
        if thumb is not None:
            builder.add_resource(THUMBNAIL_ID, io.BytesIO(thumb))
        if parent is not None and parent.archive is not None:  # attach
            builder.add_ingredient_from_archive(io.BytesIO(parent.archive))
        if named:  # both signers are in the builder's context (engine.identity_assertion)
            return bytes(builder.sign(c2pa_name(media_type), src, dst))
        return bytes(builder.sign(identity.c2pa_signer(options.tsa_url), c2pa_name(media_type), src, dst))


@contextlib.contextmanager
def _builder(identity: SigningIdentity, options: ProtectOptions, manifest: dict[str, Any],
             named: bool) -> Iterator[c2pa.Builder]:
    """A Builder for `manifest`; with `named`, one whose signing also writes a CAWG X.509 identity assertion
    signed with the identity's own certificate. The TSA URL is given to both signers; c2pa-rs 0.91 timestamps
    only the claim signature, which covers the identity assertion (docs/cawg-identity.md)."""
    if not named:
        yield c2pa.Builder(manifest, context=_context())
        return
    signer = identity.pem_signer(options.tsa_url)
    with x509_identity_builder(manifest, claim_signer=signer, identity_signer=signer,
                               referenced_assertions=IDENTITY_REFERENCES, settings=_SETTINGS) as builder:
        yield builder


def _thumbnail(source: Path, media_type: str, options: ProtectOptions, result: ProtectResult,
               thumbnailer: Thumbnailer) -> bytes | None:
    if options.thumbnail_edge == 0 or not is_image(media_type):
        return None
    try:
        return thumbnailer(source, media_type, options.thumbnail_edge)
    except Exception as e:  # noqa: BLE001 - a preview must never cost the user their protected copy
        result.warnings.append(f"No thumbnail: the image could not be decoded for a preview ({short_error(e)}).")
        return None


def _soft_binding(source: Path, media_type: str, options: ProtectOptions, result: ProtectResult,
                  fingerprinter: Fingerprinter) -> str | None:
    """The picture's ISCC code for its c2pa.soft-binding assertion (result.fingerprints gets both codes), or None:
    not a picture, soft binding off, or refused (featureless; result.warnings says so)."""
    if not options.soft_binding or not is_image(media_type) or media_type == "image/svg+xml":
        return None
    from .fingerprints import iscc_code

    try:
        found = fingerprinter(source)
    except Exception as e:  # noqa: BLE001 - a fingerprint must never cost the user their protected copy
        result.warnings.append("No soft binding: the picture could not be decoded to fingerprint it "
                               f"({short_error(e)}).")
        return None
    if found.upright is None:
        result.warnings.append(f"No soft binding: {found.refused or 'the picture could not be fingerprinted.'}")
        return None
    result.fingerprints = (found.upright.iscc, found.upright.pdq)
    return iscc_code(found.upright.iscc)


def _active_label(manifest_store: bytes) -> str | None:
    """The active manifest's label in a manifest store we just signed."""
    try:
        reader = c2pa.Reader("application/c2pa", io.BytesIO(manifest_store), context=_context())
        label = reader.get_active_manifest().get("label")
    except (c2pa.C2paError, AttributeError, TypeError):
        return None
    return label if isinstance(label, str) else None


def _explain_c2pa_error(e: c2pa.C2paError, options: ProtectOptions) -> str:
    text = short_error(e)
    if options.tsa_url and any(w in text.lower() for w in ("timestamp", "tsa", "http", "request", "connect")):
        return f"The timestamp authority {options.tsa_url} could not be used ({text}). The file was not protected."
    if "compression method not supported" in text.lower():  # c2pa-rs 0.91 writes only ZIPs whose parts are stored
        return ("This document's parts are compressed, and the C2PA library in this version can sign Office, "
                "OpenDocument, EPUB and OpenXPS files only when their parts are stored uncompressed. "
                "The original is unchanged.")
    if "could not be parsed" in text.lower():
        # c2pa-rs says "unsupported asset" for some damage too (boxes nested too deep): that is a damaged
        # file of a supported type, not a type that cannot carry credentials.
        return (f"This file looks damaged: its structure could not be read ({text}). "
                "The original is unchanged.")
    if "NotSupported" in type(e).__name__ or "unsupported" in text.lower():
        return f"This file cannot carry Content Credentials ({text})."
    return f"The protected copy could not be signed ({text}). The original is unchanged."


# Derived copies (engine.derive: web exports, caption edits) are signed the same way: the same identity assertion,
# the same timestamp rules.
sign_copy = _sign_or_later
explain_c2pa_error = _explain_c2pa_error
