"""Trust lists: download from a mirror on 127.0.0.1, snapshots, offline reuse, bad downloads, the weekly
schedule, and what the lists do to verdicts (and must not do to your own identity and anchors)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.certs import newsroom_chain
from tests.conftest import CORPUS, EXPECTED, SHARED
from tests.damaged_files import JSON_DAMAGE, damage_json, set_aside_copies
from tests.expect import present
from tests.trust_server import TrustMirror, trust_mirror
from trustnxt_desktop.domain.errors import ConfigurationError
from trustnxt_desktop.domain.protect import ProtectOptions
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine.c2pa_loader import c2pa
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.trust import TSA_KIND, TrustConfig, TrustSource
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.backends.local import LocalBackend
from trustnxt_desktop.services.store_health import take_notices
from trustnxt_desktop.services.trust import lists as trust_lists
from trustnxt_desktop.services.trust.lists import (
    BASE_URL_ENV,
    CATALOGUE,
    ListFile,
    SnapshotStore,
    TrustListError,
    TrustLists,
    list_sources,
    mirror_base,
    validate_file,
)
from trustnxt_desktop.services.trust.sources import LOCAL_IDENTITY_SOURCE, AnchorStore

PDF = CORPUS / "c2pa" / "adobe-20240110-single_manifest_store.pdf"
DAY = dt.datetime(2026, 8, 21, 9, 30, tzinfo=dt.UTC)
PEM = ListFile("X.pem", "https://example.invalid/X.pem", "anchors")
CFG = ListFile("X.cfg", "https://example.invalid/X.cfg", "config", max_bytes=64 * 1024)


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[TrustMirror]:
    with trust_mirror(tmp_path / "mirror") as m:
        yield m


def lists_for(home: Path, mirror: TrustMirror, clock: Clock) -> TrustLists:
    return TrustLists(home, Settings(trust_mirror_url=mirror.url), environ={}, clock=clock)


def by_key(report):
    return {r.spec.key: r for r in report.results}


async def test_download_keeps_snapshots_with_source_date_and_hash(home: Path, mirror: TrustMirror) -> None:
    clock = Clock(DAY)
    lists = lists_for(home, mirror, clock)
    shipped = lists.status()  # nothing downloaded: the snapshots shipped with the app are in force
    assert [(present(s.snapshot).date, present(s.snapshot).origin) for s in shipped.lists] == [
        ("2026-08-21", "bundled"), ("2025-08-28", "bundled"), ("2026-08-21", "bundled")]
    assert shipped.summary().startswith("Trust lists in use: C2PA trust list (2026-08-21), shipped with the app;")
    report = await lists.update()
    assert report.ok and {r.outcome for r in report.results} == {"updated"}

    interim = by_key(report)["interim"].snapshot
    meta = json.loads((interim.path / "snapshot.json").read_text())
    assert meta["date"] == "2026-08-21" and meta["downloaded_at"].startswith("2026-08-21T09:30")
    for f in meta["files"]:
        shared = (SHARED / "trust" / f["name"]).read_bytes()
        assert f["url"] == f"{mirror.url}/{f['name']}"
        assert f["sha256"] == hashlib.sha256(shared).hexdigest() and f["size"] == len(shared)
        assert (interim.path / f["name"]).read_bytes() == shared
    assert {f["name"]: f["certificates"] for f in meta["files"]} == {
        "ITL-anchors.pem": 18, "ITL-allowed.pem": 86, "ITL-store.cfg": 6}
    assert (home / "trust" / "lists" / "interim" / "current").read_text() == interim.id

    names = [(s.name, s.kind) for s in lists.sources()]
    assert names == [("C2PA trust list (2026-08-21)", "trust-list"), ("Interim trust list (2026-08-21)", "trust-list"),
                     ("C2PA TSA trust list (2026-08-21)", TSA_KIND)]
    assert {present(s.provenance).origin for s in lists.sources()} == {"downloaded"}, \
        "downloaded later than shipped: they win"
    status = lists.status()
    assert status.last_success and not status.due and status.mirror == mirror.url
    assert "C2PA trust list (2026-08-21)" in status.summary()

    clock.now += dt.timedelta(days=8)  # the same content a week later: the snapshot (and its date) stays
    again = await lists.update()
    assert {r.outcome for r in again.results} == {"unchanged"}
    assert by_key(again)["interim"].snapshot.id == interim.id
    assert lists.sources()[1].name == "Interim trust list (2026-08-21)"


async def test_offline_keeps_the_last_snapshot(home: Path, mirror: TrustMirror) -> None:
    clock = Clock(DAY)
    lists = lists_for(home, mirror, clock)
    first = await lists.update()
    mirror.stop()
    clock.now += dt.timedelta(days=7)
    offline = await lists.update()
    assert not offline.ok and {r.outcome for r in offline.results} == {"failed"}
    assert "could not reach 127.0.0.1" in by_key(offline)["c2pa"].detail
    assert "still using C2PA trust list (2026-08-21)" in by_key(offline)["c2pa"].detail
    assert [present(r.snapshot).id for r in offline.results] == [present(r.snapshot).id for r in first.results]
    assert len(lists.sources()) == 3
    status = lists.status()
    assert "could not reach" in (status.last_error or "") and (status.last_success or "").startswith("2026-08-21")
    report = inspect_file(PDF, TrustConfig(sources=tuple(lists.sources())))
    assert report.verdict is Verdict.TRUSTED, "offline, the last snapshot still decides"


@pytest.mark.parametrize("damage", ["html", "truncated", "empty", "not-a-cert", "shrunk"])
async def test_a_bad_download_never_replaces_a_good_snapshot(home: Path, mirror: TrustMirror, damage: str) -> None:
    clock = Clock(DAY)
    lists = lists_for(home, mirror, clock)
    good = by_key(await lists.update())["c2pa"].snapshot
    served = mirror.folder / "C2PA-TRUST-LIST.pem"
    original = served.read_bytes()
    served.write_bytes({
        "html": b"<!DOCTYPE html><html><body>Please log in to the hotel wifi</body></html>",
        "truncated": original[: len(original) // 2],
        "empty": b"",
        "not-a-cert": b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n",
        "shrunk": original[: original.index(b"-----END CERTIFICATE-----") + 26],  # one whole certificate of 30
    }[damage])
    (mirror.folder / "ITL-store.cfg").write_text("1.3.6.1.5.5.7.3.4\nnot an OID\n")
    clock.now += dt.timedelta(days=7)
    report = await lists.update()
    c2pa_result = by_key(report)["c2pa"]
    assert c2pa_result.outcome == "failed" and c2pa_result.snapshot.id == good.id
    assert (home / "trust" / "lists" / "c2pa" / "current").read_text() == good.id
    assert (good.path / "C2PA-TRUST-LIST.pem").read_bytes() == original
    assert by_key(report)["interim"].outcome == "failed" and "line 2" in by_key(report)["interim"].detail
    assert by_key(report)["c2pa-tsa"].outcome == "unchanged", "one bad list does not stop the others"
    assert lists.sources()[0].name == "C2PA trust list (2026-08-21)"
    if damage == "shrunk":  # parses fine, but a list that lost 29 of 30 anchors needs a person's yes
        assert "use --force" in c2pa_result.detail
        forced = by_key(await lists.update(force=True))["c2pa"]
        assert forced.outcome == "updated" and forced.snapshot.certificates() == 1


@pytest.mark.parametrize(("spec", "data", "message"), [
    (PEM, b"   \n", "empty"),
    (PEM, b"<html><head></head><body>404</body></html>", "web page"),
    (PEM, b"Subject CN=x\n-----BEGIN CERTIFICATE-----\nMIIB", "truncated"),
    (PEM, b"just some text", "no PEM certificate"),
    (PEM, b"\xff\xfe\x00binary", "not text"),
    (PEM, b"x" * (8 * 1024 * 1024 + 1), "more than"),
    (CFG, b"// only comments\n", "no OID"),
    (CFG, b"1.3.6.1.5.5.7.3.4\nrm -rf /\n", "line 2"),
])
def test_validation_rejects(spec: ListFile, data: bytes, message: str) -> None:
    with pytest.raises(TrustListError, match=message):
        validate_file(spec, data)


def test_validation_accepts_the_published_files() -> None:
    for spec in CATALOGUE:
        for f in spec.files:
            assert validate_file(f, (SHARED / "trust" / f.name).read_bytes()) > 0


async def test_due_weekly_and_waits_after_a_failure(home: Path, mirror: TrustMirror) -> None:
    clock = Clock(DAY)
    lists = lists_for(home, mirror, clock)
    assert lists.due(), "never updated: due"
    assert await lists.update_if_due() is not None
    for days, due in ((1, False), (6.9, False), (7, True)):
        clock.now = DAY + dt.timedelta(days=days)
        assert lists.due() is due, days
    assert await lists.update_if_due() is not None and not lists.due()
    mirror.stop()
    clock.now += dt.timedelta(days=7)
    assert lists.due()
    report = await lists.update_if_due()
    assert report is not None and not report.ok
    clock.now += dt.timedelta(minutes=30)
    assert not lists.due(), "an offline machine does not retry at every start"
    assert await lists.update_if_due() is None
    clock.now += dt.timedelta(hours=1)
    assert lists.due()


def test_mirror_setting_environment_and_plain_http(tmp_path: Path) -> None:
    assert mirror_base(Settings(), {}) is None
    assert mirror_base(Settings(trust_mirror_url="https://mirror.example/trust/"), {}) == "https://mirror.example/trust"
    env = {BASE_URL_ENV: "http://127.0.0.1:9/x"}
    assert mirror_base(Settings(trust_mirror_url="https://mirror.example"), env) == "http://127.0.0.1:9/x"
    with pytest.raises(ConfigurationError, match="plain http"):
        mirror_base(Settings(trust_mirror_url="http://mirror.example"), {})
    with pytest.raises(ConfigurationError, match="not a web address"):
        mirror_base(Settings(trust_mirror_url="ftp://mirror.example"), {})
    lists = TrustLists(tmp_path, Settings(), environ={})
    official = CATALOGUE[0]
    assert lists.url_for(official, official.files[0]) == (
        "https://raw.githubusercontent.com/c2pa-org/conformance-public/main/trust-list/C2PA-TRUST-LIST.pem")


async def test_damaged_snapshot_on_disk_falls_back_to_an_older_one(home: Path, mirror: TrustMirror) -> None:
    clock = Clock(DAY)
    lists = lists_for(home, mirror, clock)
    older = by_key(await lists.update())["c2pa"].snapshot
    text = (SHARED / "trust" / "C2PA-TRUST-LIST.pem").read_bytes()
    (mirror.folder / "C2PA-TRUST-LIST.pem").write_bytes(text[: text.rindex(b"-----BEGIN CERTIFICATE-----")])
    clock.now += dt.timedelta(days=7)
    newer = by_key(await lists.update())["c2pa"].snapshot
    assert newer.id != older.id and newer.certificates() == older.certificates() - 1
    assert lists.sources()[0].name == "C2PA trust list (2026-08-28)"
    (newer.path / "C2PA-TRUST-LIST.pem").write_bytes(b"tampered")
    snap, problem = lists.store.current(CATALOGUE[0])
    assert snap is not None and snap.id == older.id and "damaged" in (problem or "")
    assert lists.sources()[0].name == "C2PA trust list (2026-08-21)"


# -- what the lists do to verdicts --------------------------------------------------------------------

async def test_interim_list_trusts_the_adobe_pdf_and_names_it(
        home: Path, secret_store, mirror: TrustMirror, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(trust_lists, "BUNDLED_DIR", tmp_path / "nothing-shipped")  # only downloads count here
    fresh = LocalBackend(home, secret_store, Settings())
    try:
        none = await fresh.inspect(PDF)
        assert none.verdict is Verdict.VALID and present(none.signer).trust_source is None
        assert none.engine.trust_lists == []
        await lists_for(home, mirror, Clock(DAY)).update()
        fresh.reload_trust()
        report = await fresh.inspect(PDF)
    finally:
        await fresh.aclose()
    assert report.verdict is Verdict.TRUSTED
    assert present(report.signer).trust_source == "Interim trust list (2026-08-21)"
    assert report.engine.trust_lists == ["C2PA trust list (2026-08-21)", "Interim trust list (2026-08-21)",
                                         "C2PA TSA trust list (2026-08-21)"]
    assert "Interim trust list (2026-08-21)" in report.summary


def test_all_lists_loaded_change_no_other_corpus_verdict(home: Path, mirror: TrustMirror) -> None:
    import asyncio

    lists = lists_for(home, mirror, Clock(DAY))
    asyncio.run(lists.update())
    trust = TrustConfig(sources=tuple(list_sources(lists.store)))
    settings = trust.settings()["trust"]
    assert settings["anchors"] == [{"trust_anchors": (SHARED / "trust" / "C2PA-TSA-TRUST-LIST.pem").read_text(),
                                    "trust_kind": "tsa", "trust_uri": "C2PA TSA trust list (2026-08-21)"}]
    assert "Google C2PA Core Time-Stamping" not in settings["trust_anchors"], "TSA anchors never trust a signer"
    for name, expected in EXPECTED["c2pa"].items():
        want = expected.get("verdict_with_interim_trust_list", expected["verdict"])
        assert inspect_file(CORPUS / "c2pa" / name, trust).verdict.value == want, name


def _newsroom_signed(tmp_path: Path) -> tuple[bytes, Path]:
    """A CA of the user's choosing and a file signed by a certificate it issued (EKU emailProtection)."""
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf, ca = newsroom_chain(ec.generate_private_key(ec.SECP256R1()), leaf_key)
    pem = lambda c: c.public_bytes(serialization.Encoding.PEM)  # noqa: E731
    key = leaf_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, pem(leaf) + pem(ca), key, None))
    manifest = {"claim_generator_info": [{"name": "newsroom-test"}], "assertions": [{"label": "c2pa.actions", "data": {
        "actions": [{"action": "c2pa.created",
                     "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"}]}}]}
    out = io.BytesIO()
    with open(CORPUS / "media" / "trustnxt-icon.jpg", "rb") as src:
        c2pa.Builder(manifest, context=c2pa.Context.from_dict({"verify": {"verify_after_sign": False}})).sign(
            signer, "image/jpeg", src, out)
    signed = tmp_path / "newsroom.jpg"
    signed.write_bytes(out.getvalue())
    return pem(ca), signed


async def test_own_identity_and_anchors_stay_trusted_with_the_interim_list(
        home: Path, secret_store, mirror: TrustMirror, tmp_path: Path) -> None:
    ca_pem, newsroom_file = _newsroom_signed(tmp_path)
    AnchorStore(home).add("Newsroom", ca_pem)
    backend = LocalBackend(home, secret_store, Settings(display_name="Ada"))
    try:
        mine = await backend.protect(CORPUS / "media" / "sample1.png", ProtectOptions(out_dir=tmp_path / "out"))
        assert mine.output is not None
        before = [await backend.inspect(p) for p in (mine.output, newsroom_file)]
        await lists_for(home, mirror, Clock(DAY)).update()
        backend.reload_trust()
        assert any(s.trust_config for s in backend.trust().sources), "the interim list's EKUs are in force"
        after = [await backend.inspect(p) for p in (mine.output, newsroom_file)]
    finally:
        await backend.aclose()
    for report in before + after:
        assert report.verdict is Verdict.TRUSTED, report.summary
    assert [present(r.signer).trust_source for r in after] == [LOCAL_IDENTITY_SOURCE, "Your anchor: Newsroom"]
    assert "Interim trust list (2026-08-21)" in after[0].engine.trust_lists


def test_trust_config_keeps_tsa_sources_out_of_signer_trust() -> None:
    tsa = TrustSource("TSA list (x)", anchors_pem=(SHARED / "trust" / "C2PA-TSA-TRUST-LIST.pem").read_text(),
                      kind=TSA_KIND)
    only_tsa = TrustConfig(sources=(tsa,))
    assert only_tsa.signer_sources() == () and only_tsa.names() == ["TSA list (x)"]
    assert "trust_anchors" not in only_tsa.settings()["trust"]
    report = inspect_file(PDF, only_tsa)
    assert report.verdict is Verdict.VALID and report.engine.trust_lists == ["TSA list (x)"]
    assert only_tsa.which_source_trusts(lambda ctx: "Trusted") is None


# -- the snapshot shipped with the app ----------------------------------------------------------------

SHIPPED = {"c2pa": "2026-08-21", "interim": "2025-08-28", "c2pa-tsa": "2026-08-21"}  # ../shared/trust/README.md


def test_the_shipped_snapshot_is_the_published_files_with_their_provenance() -> None:
    provenance = json.loads((trust_lists.BUNDLED_DIR / trust_lists.PROVENANCE_FILE).read_text())
    by_key = {entry["list_key"]: entry for entry in provenance["lists"]}
    assert {k: v["date"] for k, v in by_key.items()} == SHIPPED
    for spec in CATALOGUE:
        entry = by_key[spec.key]
        assert entry["origin"] == "bundled" and entry["downloaded_at"] == f"{SHIPPED[spec.key]}T00:00:00+00:00"
        for published, recorded in zip(spec.files, entry["files"], strict=True):
            data = (trust_lists.BUNDLED_DIR / published.name).read_bytes()
            assert data == (SHARED / "trust" / published.name).read_bytes()
            assert recorded == {"name": published.name, "url": published.url,
                                "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
                                "certificates": validate_file(published, data), "last_modified": None}


def test_the_shipped_snapshot_is_package_data_for_setuptools_and_pyinstaller() -> None:
    import tomllib

    package = trust_lists.BUNDLED_DIR.parents[1]
    config = tomllib.loads((package.parent / "pyproject.toml").read_text())
    globs = config["tool"]["setuptools"]["package-data"]["trustnxt_desktop"]
    packaged = {p for g in globs for p in package.glob(g) if p.parent == trust_lists.BUNDLED_DIR}
    assert packaged == set(trust_lists.BUNDLED_DIR.iterdir()) and len(packaged) == 6
    spec = (package.parent / "packaging" / "trustnxt-desktop.spec").read_text()
    assert '(str(ROOT / "trustnxt_desktop" / "resources" / "trust"), "trustnxt_desktop/resources/trust")' in spec


async def test_a_fresh_offline_machine_trusts_the_adobe_pdf_from_the_shipped_interim_list(
        home: Path, secret_store) -> None:
    backend = LocalBackend(home, secret_store, Settings())  # empty TRUSTNXT_HOME, nothing downloaded
    try:
        report = await backend.inspect(PDF)
    finally:
        await backend.aclose()
    assert report.verdict is Verdict.TRUSTED and report.signer is not None
    assert report.signer.trust_source == "Interim trust list (2025-08-28)"
    assert "Interim trust list (2025-08-28)" in report.summary
    shipped = {t["name"]: t for t in report.engine.trust_snapshots}
    assert list(shipped) == report.engine.trust_lists == [
        "C2PA trust list (2026-08-21)", "Interim trust list (2025-08-28)", "C2PA TSA trust list (2026-08-21)"]
    interim = shipped["Interim trust list (2025-08-28)"]
    lines = "".join(f"{hashlib.sha256((SHARED / 'trust' / n).read_bytes()).hexdigest()}  {n}\n"
                    for n in ("ITL-allowed.pem", "ITL-anchors.pem", "ITL-store.cfg"))
    assert interim["sha256"] == hashlib.sha256(lines.encode()).hexdigest() and interim["origin"] == "bundled"
    assert interim["source"] == ", ".join(f.url for f in CATALOGUE[1].files)
    assert "frozen on 2026-01-01" in interim["note"] and "days old" in interim["note"]
    assert not (home / "trust" / "lists").exists(), "nothing was downloaded or written"


def test_old_snapshots_are_named_with_a_plain_note(home: Path) -> None:
    lists = TrustLists(home, Settings(), environ={}, clock=Clock(dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC)))
    status = lists.status()
    notes = {s.spec.key: s.note(status.now) for s in status.lists}
    assert notes["interim"] == (
        "Interim trust list (2025-08-28) is 458 days old (more than 90). The list was frozen on 2026-01-01; this copy "
        "is from before that and may lack its last changes: update the lists when online to get its final version.")
    assert notes["c2pa"] is not None and notes["c2pa"].startswith("C2PA trust list (2026-08-21) is 100 days old")
    assert "Time-stamp authorities" in (notes["c2pa-tsa"] or "")
    assert "Older than 90 days: C2PA trust list (100 days), Interim trust list (458 days; frozen since 2026-01-01)" \
        in status.summary()
    early = TrustLists(home, Settings(), environ={}, clock=Clock(dt.datetime(2026, 9, 1, tzinfo=dt.UTC)))
    assert [s.note(early.clock()) is None for s in early.status().lists] == [True, False, True]


async def test_a_newer_download_takes_precedence_and_an_older_one_does_not(tmp_path: Path, mirror: TrustMirror) -> None:
    old_home, new_home = tmp_path / "old", tmp_path / "new"
    before = lists_for(old_home, mirror, Clock(dt.datetime(2025, 6, 1, tzinfo=dt.UTC)))
    report = await before.update()  # a machine whose clock says the download predates the shipped lists
    assert report.ok and not report.changed
    assert {r.outcome for r in report.results} == {"unchanged"}
    assert "older than the snapshot shipped" in report.results[0].detail
    assert by_key(report)["interim"].describe() == "unchanged, snapshot of 2025-08-28 shipped with the app"
    assert [present(s.provenance).origin for s in before.sources()] == ["bundled"] * 3

    after = lists_for(new_home, mirror, Clock(DAY))
    (mirror.folder / "C2PA-TRUST-LIST.pem").write_bytes(  # the published list changed since the shipped copy
        (SHARED / "trust" / "C2PA-TRUST-LIST.pem").read_bytes().rsplit(b"-----BEGIN CERTIFICATE-----", 1)[0])
    assert (await after.update()).changed
    sources = after.sources()
    assert [(s.name, present(s.provenance).origin) for s in sources] == [
        ("C2PA trust list (2026-08-21)", "downloaded"), ("Interim trust list (2026-08-21)", "downloaded"),
        ("C2PA TSA trust list (2026-08-21)", "downloaded")]
    assert sources[0].anchors_pem.count("BEGIN CERTIFICATE") == 29, "the downloaded content is what is in force"


def test_a_damaged_or_missing_shipped_list_is_never_used(tmp_path: Path, home: Path) -> None:
    shipped = tmp_path / "shipped"
    shutil.copytree(trust_lists.BUNDLED_DIR, shipped)
    with (shipped / "ITL-allowed.pem").open("ab") as f:
        f.write(b"\n")  # one byte more than the provenance records
    store = SnapshotStore(home, bundled=shipped)
    snap, problem = store.current(CATALOGUE[1])
    assert snap is None and "missing or damaged" in (problem or "")
    assert [s.name for s in list_sources(store)] == ["C2PA trust list (2026-08-21)", "C2PA TSA trust list (2026-08-21)"]
    (shipped / trust_lists.PROVENANCE_FILE).unlink()
    assert list_sources(SnapshotStore(home, bundled=shipped)) == []
    status = TrustLists(home, Settings(), environ={}).status()
    assert status.lists[0].snapshot is not None, "the real shipped copy is unaffected"


def test_make_trust_snapshot_from_a_folder_reproduces_what_ships(tmp_path: Path) -> None:
    out = tmp_path / "trust"
    made = _snapshot_script("--from", str(SHARED / "trust"), "--as-of", "2026-08-21", "--as-of", "interim=2025-08-28",
                            "--out", str(out))
    assert made.returncode == 0, made.stderr
    assert "Interim trust list (2025-08-28): 104 certificates" in made.stdout
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in trust_lists.BUNDLED_DIR.iterdir())
    for p in out.iterdir():
        if p.name != trust_lists.PROVENANCE_FILE:
            assert p.read_bytes() == (trust_lists.BUNDLED_DIR / p.name).read_bytes(), p.name
    ours = json.loads((trust_lists.BUNDLED_DIR / trust_lists.PROVENANCE_FILE).read_text())
    theirs = json.loads((out / trust_lists.PROVENANCE_FILE).read_text())
    assert theirs["lists"] == ours["lists"] and "--from" in theirs["obtained"]
    missing = _snapshot_script("--from", str(SHARED / "trust"), "--as-of", "interim=2025-08-28", "--out", str(out))
    assert missing.returncode != 0 and "no date for c2pa, c2pa-tsa" in missing.stderr


def test_make_trust_snapshot_downloads_and_dates_today(tmp_path: Path, mirror: TrustMirror) -> None:
    out = tmp_path / "trust"
    made = _snapshot_script("--out", str(out), env={BASE_URL_ENV: mirror.url})
    assert made.returncode == 0, made.stderr
    provenance = json.loads((out / trust_lists.PROVENANCE_FILE).read_text())
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert {e["date"] for e in provenance["lists"]} == {today} and provenance["obtained"].endswith(mirror.url)
    assert provenance["lists"][1]["files"][0]["url"] == f"{mirror.url}/ITL-anchors.pem"
    offline = _snapshot_script("--out", str(tmp_path / "x"), env={BASE_URL_ENV: "http://127.0.0.1:9"})
    assert offline.returncode == 1 and "could not reach 127.0.0.1" in offline.stderr


def _snapshot_script(*args: str, env: dict[str, str] | None = None):
    import os
    import subprocess
    import sys

    script = trust_lists.BUNDLED_DIR.parents[2] / "packaging" / "make_trust_snapshot.py"
    return subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


@pytest.mark.parametrize("kind", JSON_DAMAGE)
async def test_a_damaged_update_record_is_set_aside_and_the_lists_update_again(
        home: Path, mirror: TrustMirror, kind: str) -> None:
    take_notices()
    clock = Clock(DAY)
    lists = lists_for(home, mirror, clock)
    await lists.update()
    state = home / "trust" / "lists" / "state.json"
    damage_json(state, kind)

    # Before: a folder there ended `trust update` with IsADirectoryError, a list with AttributeError.
    assert lists.due(), "nothing is known about the last check any more: check again"
    (aside,) = set_aside_copies(state)
    (notice,) = take_notices()
    assert notice.damaged == aside and str(aside) in notice.text and "lists in use are unchanged" in notice.text
    assert [present(s.snapshot).origin for s in lists.status().lists] == ["downloaded"] * 3
    report = await lists.update()
    assert report.ok and not lists.due() and state.is_file()


def test_a_folder_where_the_current_pointer_should_be_is_set_aside(home: Path) -> None:
    take_notices()
    pointer = home / "trust" / "lists" / "c2pa" / "current"
    pointer.mkdir(parents=True)
    snap, _ = SnapshotStore(home).current(CATALOGUE[0])
    assert snap is not None and snap.bundled and pointer.parent.joinpath("current").exists() is False
    (notice,) = take_notices()
    assert "C2PA trust list" in notice.store and notice.damaged.is_dir()
