"""cli/timestamp_cmd.py: `trustnxt timestamp` adds the timestamp a copy protected offline lacks (an update manifest
with a c2pa.time-stamp assertion), from the files named or from the job store's "no timestamp yet" copies, and
leaves every other file exactly as it was."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import c2pa

from tests.c2pa_signing import local_tsa, manifest, sign
from tests.certs import TestCA
from tests.cli.conftest import Trustnxt
from tests.conftest import CORPUS
from trustnxt_desktop.domain.report import CheckStatus, Verdict
from trustnxt_desktop.domain.timestamps import NO_TIMESTAMP_YET
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.timestamp import TIME_STAMP_LABEL
from trustnxt_desktop.engine.trust import TrustConfig

OFFLINE = "http://127.0.0.1:9/tsa"  # nothing listens on the discard port


def active_assertions(path: Path) -> list[str]:
    """The labels of the active manifest's assertions, as c2pa-python reads them."""
    context = c2pa.Context.from_dict({"verify": {"verify_trust": False, "remote_manifest_fetch": False}})
    with c2pa.Reader("image/jpeg", io.BytesIO(path.read_bytes()), context=context) as reader:
        store = json.loads(reader.json())
    return [a["label"] for a in store["manifests"][store["active_manifest"]]["assertions"]]


def test_copies_protected_offline_are_timestamped_later(trustnxt: Trustnxt, secret_store, tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in ("a.jpg", "b.jpg"):
        shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", photos / name)
    ran = trustnxt("protect", photos, "--tsa-url", OFFLINE, "--json")
    assert ran.code == 0, ran.err
    assert NO_TIMESTAMP_YET in ran.err  # said on the terminal …
    copies = sorted(Path(r["output"]) for r in json.loads(ran.out))
    untouched = {c: c.read_bytes() for c in copies}

    listed = trustnxt("timestamp", "--waiting", "--list", "--json")  # … and kept in the job store
    assert listed.code == 0 and sorted(Path(p) for p in json.loads(listed.out)) == copies

    # The authority is still unreachable: nothing changes, the copies keep waiting.
    failed = trustnxt("timestamp", "--waiting", "--tsa-url", OFFLINE, "--json")
    assert failed.code == 4
    assert {r["status"] for r in json.loads(failed.out)} == {"failed"}
    assert all("could not be used" in r["error"] for r in json.loads(failed.out))
    assert {c: c.read_bytes() for c in copies} == untouched
    assert len(json.loads(trustnxt("timestamp", "--waiting", "--list", "--json").out)) == 2

    ca = TestCA()
    with local_tsa(ca) as tsa:
        ran = trustnxt("timestamp", "--waiting", "--tsa-url", tsa)
        assert ran.code == 0, ran.err
        assert sorted(ran.out.splitlines()) == [f"timestamped: {c} (by {tsa})" for c in copies]
        assert "2 timestamped, 0 already timestamped, 0 failed" in ran.err
        again = trustnxt("timestamp", copies[0], "--tsa-url", tsa)
        assert (again.code, again.out.strip()) == (0, f"already timestamped: {copies[0]}")
    assert json.loads(trustnxt("timestamp", "--waiting", "--list", "--json").out) == []
    assert sorted(p.name for p in photos.iterdir()) == ["a.jpg", "a.protected.jpg", "b.jpg", "b.protected.jpg"]

    for copy in copies:
        assert copy.read_bytes() != untouched[copy]
        assert TIME_STAMP_LABEL in active_assertions(copy)
        report = inspect_file(copy, TrustConfig())
        stamp = report.check("timestamp")
        assert stamp is not None and stamp.status is not CheckStatus.NOT_APPLICABLE, stamp
        (earlier,) = report.ingredients  # the earlier manifest, kept as the update manifest's parent
        assert (earlier.relationship, earlier.verdict) == ("parentOf", Verdict.VALID)


def test_files_that_cannot_be_timestamped_are_left_alone(trustnxt: Trustnxt, secret_store, tmp_path: Path) -> None:
    ca = TestCA()
    foreign = tmp_path / "foreign.jpg"  # signed by someone else, without a timestamp
    foreign.write_bytes(sign(CORPUS / "media" / "trustnxt-icon.jpg", manifest(), ca.issue("Someone Else"))[0])
    bare = tmp_path / "bare.jpg"
    shutil.copy(CORPUS / "media" / "no_manifest.jpg", bare)
    mine = tmp_path / "mine.jpg"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", mine)
    assert trustnxt("protect", mine, "--tsa-url", OFFLINE, "--quiet").code == 0
    copy = tmp_path / "mine.protected.jpg"
    broken = tmp_path / "broken.protected.jpg"
    data = bytearray(copy.read_bytes())
    data[-100] ^= 0xFF  # in the picture's data: the hard binding no longer matches
    broken.write_bytes(bytes(data))
    before = {p: p.read_bytes() for p in (foreign, bare, broken)}
    with local_tsa(ca) as tsa:
        ran = trustnxt("timestamp", foreign, bare, broken, "--tsa-url", tsa, "--json")
    assert ran.code == 4
    errors = {Path(r["file"]).name: (r["status"], r["error"]) for r in json.loads(ran.out)}
    assert errors["foreign.jpg"][0] == "failed" and "not by your current signing identity" in errors["foreign.jpg"][1]
    assert errors["bare.jpg"][0] == "failed" and "no Content Credentials" in errors["bare.jpg"][1]
    assert errors["broken.protected.jpg"][0] == "failed" and "not valid any more" in errors["broken.protected.jpg"][1]
    assert {p: p.read_bytes() for p in before} == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [
        "bare.jpg", "broken.protected.jpg", "foreign.jpg", "mine.jpg", "mine.protected.jpg"]


def test_usage(trustnxt: Trustnxt, tmp_path: Path) -> None:
    assert trustnxt("timestamp").code == 2
    assert trustnxt("timestamp", "--list").code == 2
    assert trustnxt("timestamp", tmp_path / "missing.jpg").code == 2
    photo = tmp_path / "a.jpg"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", photo)
    assert trustnxt("timestamp", photo, "--waiting").code == 2
