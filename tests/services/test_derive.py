"""services/derive.py: web exports, caption edits and re-associated copies signed with this computer's identity (in
the real keyring), made on first use from the settings' name, once even when two copies start together; the
caption read in an isolated worker; nothing in the original changes."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
from pathlib import Path

from tests.conftest import CORPUS
from tests.geotagged import CAPTION, CREDIT, KEYWORDS, geotagged_jpeg
from trustnxt_desktop.domain.derive import Caption, CaptionEdit, WebExport, WebFormat
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectStatus
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.domain.secrets import SecretStore
from trustnxt_desktop.engine.identity import IdentityStore
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.protect import protect_file
from trustnxt_desktop.engine.trust import TrustConfig, TrustSource
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.derive import DerivedCopies

SETTINGS = Settings(display_name="Ada Derived", organisation="Harbour Desk", timestamps=False)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _trust(home: Path, secrets: SecretStore) -> TrustConfig:
    root = IdentityStore(home, secrets).root_pem()
    assert root is not None
    return TrustConfig(sources=(TrustSource("This computer", anchors_pem=root),))


async def test_the_first_copies_make_one_identity_from_the_settings(home: Path, secret_store: SecretStore,
                                                                    tmp_path: Path) -> None:
    photo = geotagged_jpeg(tmp_path / "harbour.jpg", 600, 400)
    before = _sha(photo)
    copies = DerivedCopies(home, secret_store, lambda: SETTINGS)
    out = tmp_path / "out"
    out.mkdir()
    web, captioned = await asyncio.gather(
        copies.export_for_web(photo, WebExport(long_edge=300, format=WebFormat.WEBP), out),
        copies.save_caption(photo, CaptionEdit(caption="Cranes"), out))
    info = IdentityStore(home, secret_store).info()
    assert info is not None and (info.display_name, info.organisation) == ("Ada Derived", "Harbour Desk")
    assert web.status is ProtectStatus.DONE and captioned.status is ProtectStatus.DONE, (web.error, captioned.error)
    assert web.output == out / "harbour.web.webp" and captioned.output == out / "harbour.captioned.jpg"
    trust = _trust(home, secret_store)
    for result in (web, captioned):
        assert result.output is not None
        assert inspect_file(result.output, trust).verdict is Verdict.TRUSTED
    assert _sha(photo) == before
    assert captioned.output is not None
    assert await copies.read_caption(captioned.output) == Caption("Cranes", CREDIT, tuple(KEYWORDS))
    assert await copies.read_caption(photo) == Caption(CAPTION, CREDIT, tuple(KEYWORDS))


async def test_a_copy_is_written_next_to_its_file_by_default_and_an_existing_identity_is_kept(
        home: Path, secret_store: SecretStore, tmp_path: Path) -> None:
    identities = IdentityStore(home, secret_store)
    identities.create("Already Here", None)
    fingerprint = identities.certificate_fingerprints()
    photo = tmp_path / "icon.jpg"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", photo)
    copies = DerivedCopies(home, secret_store, lambda: SETTINGS)
    result = await copies.export_for_web(photo, WebExport(long_edge=128))
    assert result.status is ProtectStatus.DONE and result.output == tmp_path / "icon.web.jpg"
    assert identities.certificate_fingerprints() == fingerprint
    info = identities.info()
    assert info is not None and info.display_name == "Already Here"


async def test_a_file_that_cannot_be_exported_fails_with_a_reason(home: Path, secret_store: SecretStore,
                                                                 tmp_path: Path) -> None:
    notes = tmp_path / "in" / "notes.txt"
    notes.parent.mkdir()
    notes.write_text("not a picture")
    result = await DerivedCopies(home, secret_store, lambda: SETTINGS).export_for_web(notes, WebExport())
    assert result.status is not ProtectStatus.DONE and result.error and result.output is None
    assert sorted(p.name for p in notes.parent.iterdir()) == ["notes.txt"]


async def test_recovered_credentials_are_reassociated_with_a_stripped_copy(home: Path, secret_store: SecretStore,
                                                                          tmp_path: Path) -> None:
    copies = DerivedCopies(home, secret_store, lambda: SETTINGS)
    original = tmp_path / "photo.jpg"
    shutil.copy(CORPUS / "media" / "P1000827.jpg", original)
    await copies.export_for_web(original, WebExport(long_edge=64))  # makes the identity
    protected = protect_file(original, IdentityStore(home, secret_store).load(), ProtectOptions())
    assert protected.manifest_store is not None and protected.manifest_label is not None
    received = tmp_path / "received" / "photo.jpg"
    received.parent.mkdir()
    shutil.copy(original, received)  # as a platform hands it on: without the manifest
    before = _sha(received)
    copy = await copies.reassociate(received, protected.manifest_store, "found in this computer's repository")
    assert copy == received.parent / "photo.reassociated.jpg"
    assert _sha(received) == before
    report = inspect_file(copy, _trust(home, secret_store))
    assert report.verdict is Verdict.TRUSTED
