"""Local inspection against real files made by other tools (../shared/corpus, expected.json)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, EXPECTED, SHARED
from tests.expect import present
from trustnxt_desktop.domain.checks import CHECK_IDS
from trustnxt_desktop.domain.report import CheckStatus, InspectionReport, Verdict
from trustnxt_desktop.engine.inspect import extract_resource, inspect_file
from trustnxt_desktop.engine.trust import TrustConfig, TrustSource
from trustnxt_desktop.engine.untrusted import TASKS_MODULE, inspect_isolated
from trustnxt_desktop.runtime.isolation import IsolatedPool, Limits

NO_TRUST = TrustConfig()
C2PA_CASES = sorted((k, v) for k, v in EXPECTED["c2pa"].items())
HOSTILE_CASES = sorted(EXPECTED["hostile"].items())



@pytest.mark.parametrize(("name", "expected"), C2PA_CASES, ids=[c[0] for c in C2PA_CASES])
def test_corpus_c2pa_matches_expected(name: str, expected: dict[str, Any]) -> None:
    report = inspect_file(CORPUS / "c2pa" / name, NO_TRUST)
    assert report.verdict.value == expected["verdict"], report.summary
    assert [c.id for c in report.checks] == list(CHECK_IDS)
    assert report.summary
    if "signer" in expected:
        assert report.signer is not None and report.signer.common_name == expected["signer"]
    if "actions" in expected:
        assert [a.action for a in report.actions] == expected["actions"]
    if "ingredients" in expected:
        assert len(report.ingredients) == expected["ingredients"]
    if "manifests" in expected:
        assert report.manifests == expected["manifests"]
    for code in expected.get("failure_codes", []):
        assert code in report.validation.failure_codes()
        # every code carries our plain-language explanation, not just the validator's words
        explained = next(c for c in report.validation.failure if c.code == code)
        assert explained.explanation and explained.explanation != explained.detail
    if "ai_generated" in expected:
        assert report.ai_generated is expected["ai_generated"]
    if "claim_generator" in expected:
        assert report.claim_generator and report.claim_generator.startswith(expected["claim_generator"])
    if "signed_at" in expected:
        assert report.signed_at is not None
        assert report.signed_at[:19] == expected["signed_at"][:19]
    if "capture" in expected:
        c, want = report.capture, expected["capture"]
        assert c is not None and c.signed
        assert (c.make, c.model) == (want["make"], want["model"])
        assert c.gps is not None
        assert c.gps.lat == pytest.approx(want["lat"], abs=1e-6)
        assert c.gps.lon == pytest.approx(want["lon"], abs=1e-6)
        assert c.taken_at == want["taken_at"]
    if expected["verdict"] == "none":
        assert report.ai_generated is None and report.raw is None
    # JSON round trip: the CLI, the GUI and the cloud all use this form.
    again = InspectionReport.from_dict(json.loads(json.dumps(report.to_dict())))
    assert again.to_dict() == report.to_dict()


def test_pdf_is_trusted_under_interim_list_and_names_it() -> None:
    trust = SHARED / "trust"
    interim = TrustSource(
        "Interim trust list (test snapshot)",
        anchors_pem=(trust / "ITL-anchors.pem").read_text(),
        allowed_pem=(trust / "ITL-allowed.pem").read_text(),
        trust_config=(trust / "ITL-store.cfg").read_text(),
        kind="trust-list",
    )
    official = TrustSource("C2PA trust list (test snapshot)", anchors_pem=(trust / "C2PA-TRUST-LIST.pem").read_text())
    pdf = CORPUS / "c2pa" / "adobe-20240110-single_manifest_store.pdf"
    report = inspect_file(pdf, TrustConfig(sources=(official, interim)))
    assert report.verdict is Verdict.TRUSTED
    assert report.signer is not None and report.signer.trust_source == interim.name
    assert present(report.check("signer_trust")).status is CheckStatus.PASS
    assert interim.name in report.summary
    only_official = inspect_file(pdf, TrustConfig(sources=(official,)))
    assert only_official.verdict is Verdict.VALID
    assert "C2PA trust list (test snapshot)" in present(only_official.check("signer_trust")).detail


def test_ingredients_carry_their_own_verdicts_and_thumbnails(tmp_path: Path) -> None:
    report = inspect_file(CORPUS / "c2pa" / "adobe-20220124-CAI.jpg", NO_TRUST)
    assert [i.title for i in report.ingredients] == ["A.jpg", "I.jpg"]
    assert all(i.verdict is Verdict.NONE for i in report.ingredients)  # no credentials of their own
    nested = inspect_file(CORPUS / "c2pa" / "adobe-20220124-CICA.jpg", NO_TRUST)
    (child,) = nested.ingredients
    assert child.verdict is Verdict.VALID and child.manifest
    assert [g.title for g in child.ingredients] == ["A.jpg"]
    with open(tmp_path / "thumb.jpg", "wb") as out:
        written = extract_resource(CORPUS / "c2pa" / "adobe-20220124-CICA.jpg", present(child.thumbnail), out)
    assert written > 100 and (tmp_path / "thumb.jpg").read_bytes()[:3] == b"\xff\xd8\xff"


def test_truepic_shows_capture_despite_invalid_and_unsigned_exif_apart() -> None:
    report = inspect_file(CORPUS / "c2pa" / "truepic-20230212-camera.jpg", NO_TRUST)
    assert report.verdict is Verdict.INVALID
    assert present(report.check("integrity")).status is CheckStatus.FAIL
    assert present(report.check("timestamp")).status is CheckStatus.PASS
    assert report.capture is not None and report.capture.signed
    assert report.capture_unsigned is not None and not report.capture_unsigned.signed
    assert report.capture_unsigned.make == "Google"


@pytest.fixture(scope="module")
def hostile_pool() -> Iterator[IsolatedPool]:
    with IsolatedPool(TASKS_MODULE, size=1, limits=Limits(seconds=10)) as pool:
        yield pool


@pytest.mark.parametrize(("name", "expected"), HOSTILE_CASES, ids=[c[0] for c in HOSTILE_CASES])
def test_hostile_files_give_expected_verdict_without_stalling(name: str, expected: dict[str, Any],
                                                              hostile_pool: IsolatedPool) -> None:
    # In an isolated worker with a 10 s limit: a stall would be recorded by the pool as a timeout (and the
    # report would be an error), not measured by this test's clock.
    before = dict(hostile_pool.stats.failures)
    report = inspect_isolated(hostile_pool, CORPUS / "hostile" / name, NO_TRUST)
    assert hostile_pool.stats.failures.get("timeout", 0) == before.get("timeout", 0), "the parser stalled"
    assert report.verdict.value == expected["verdict"]
    if report.verdict is Verdict.ERROR:
        assert report.error and report.error in report.summary


def test_hostile_corpus_bounded_memory(tmp_path: Path) -> None:
    """The whole hostile folder, inspected in a fresh process, stays far below a memory blow-up."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from trustnxt_desktop.engine.inspect import inspect_file\n"
        "from trustnxt_desktop.engine.trust import TrustConfig\n"
        "for p in sorted(Path(sys.argv[1]).iterdir()): inspect_file(p, TrustConfig())\n"
        # VmHWM of this process alone (ru_maxrss would include the forking pytest process).
        "print(next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(CORPUS / "hostile")], capture_output=True, text=True,
                         timeout=60, check=True)
    peak_mib = int(out.stdout.strip()) / 1024
    assert peak_mib < 400, f"peak RSS {peak_mib:.0f} MiB"


def test_empty_truncated_and_misnamed_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    assert inspect_file(empty, NO_TRUST).verdict is Verdict.ERROR
    signed = (CORPUS / "c2pa" / "adobe-20220124-C.jpg").read_bytes()
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(signed[: len(signed) // 3])
    report = inspect_file(truncated, NO_TRUST)
    assert report.verdict in (Verdict.ERROR, Verdict.INVALID, Verdict.NONE)
    assert report.summary
    liar = tmp_path / "really-a-jpeg.png"
    shutil.copy(CORPUS / "c2pa" / "adobe-20220124-C.jpg", liar)
    misnamed = inspect_file(liar, NO_TRUST)
    assert misnamed.verdict is Verdict.VALID and misnamed.file.media_type == "image/jpeg"
    missing = inspect_file(tmp_path / "gone.jpg", NO_TRUST)
    assert missing.verdict is Verdict.ERROR and "could not read" in (missing.error or "")


def test_remote_manifest_is_unverified_when_fetching_is_off(tmp_path: Path, identity) -> None:
    import io

    import c2pa

    builder = c2pa.Builder({"claim_generator_info": [{"name": "test"}], "title": "r.jpg", "assertions": [
        {"label": "c2pa.actions.v2", "data": {"actions": [{"action": "c2pa.created", "digitalSourceType":
         "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"}]}}]})
    builder.set_no_embed()
    builder.set_remote_url("https://example.invalid/manifests/r.c2pa")
    out = io.BytesIO()
    with open(CORPUS / "media" / "trustnxt-icon.jpg", "rb") as src:
        builder.sign(identity.c2pa_signer(), "image/jpeg", src, out)
    path = tmp_path / "remote.jpg"
    path.write_bytes(out.getvalue())
    report = inspect_file(path, NO_TRUST)
    assert report.verdict is Verdict.UNVERIFIED
    assert report.remote_url == "https://example.invalid/manifests/r.c2pa"
    assert "settings" in report.summary


def test_reading_a_file_once_in_memory_gives_the_same_report_as_streaming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files up to IN_MEMORY_BYTES are read once for hash, EXIF and validation; bigger ones are streamed."""
    from trustnxt_desktop.engine import inspect as engine_inspect

    names = [CORPUS / "c2pa" / "truepic-20230212-camera.jpg", CORPUS / "c2pa" / "video1.mp4",
             CORPUS / "media" / "P1000827.jpg", CORPUS / "hostile" / "no_alg.jpg", CORPUS / "media" / "sample1.m4a"]
    in_memory = [inspect_file(p, NO_TRUST).to_dict() for p in names]
    monkeypatch.setattr(engine_inspect, "IN_MEMORY_BYTES", 0)
    streamed = [inspect_file(p, NO_TRUST).to_dict() for p in names]
    assert in_memory == streamed
    assert in_memory[2]["capture_unsigned"], "EXIF read from the in-memory copy"
