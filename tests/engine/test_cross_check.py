"""The second validator (encypher-c2pa) on every corpus and case file: both run, `agrees` is right, every
difference has a sentence, the headline follows the documented rule (docs/verdicts.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import CORPUS, EXPECTED, SHARED, app_verdict, shipped_verdict
from tests.expect import present, protected_copy
from trustnxt_desktop.domain.report import Verdict
from trustnxt_desktop.engine import cross_check
from trustnxt_desktop.engine.cross_check import SecondValidator
from trustnxt_desktop.engine.inspect import inspect_file
from trustnxt_desktop.engine.trust import TrustConfig, TrustSource
from trustnxt_desktop.services.trust.lists import SnapshotStore, list_sources

CASES = SHARED / "cases"
FILES = sorted(p for p in [*CORPUS.rglob("*"), *CASES.iterdir()]
               if p.is_file() and p.suffix not in (".md", ".json", ".pem"))
# Where the two validators differ on the shared files, with the lists shipped with the app (what
# docs/verdicts.md records and explains): file -> (fields that differ, rule, headline verdict).
DISAGREEMENTS: dict[str, tuple[set[str], str, str]] = {
    "ai-https.jpg": ({"verdict", "assertions"}, "primary", "valid"),
    "ai-report.docx": ({"verdict", "hard_binding"}, "primary", "valid"),
    "expired-no-tsa.jpg": ({"verdict"}, "primary", "invalid"),
    "actions-key-renamed.jpg": ({"assertions"}, "agree", "invalid"),
    "adobe-20240110-single_manifest_store.pdf": ({"verdict", "trust", "ingredients"}, "primary", "trusted"),
    "truepic-20230212-camera.jpg": ({"trust"}, "agree", "invalid"),
    "nested_moov_1000.mp4": ({"verdict"}, "primary", "error"),
    "sample3.invalid.wav": ({"verdict"}, "primary", "error"),
    "no_alg.jpg": ({"verdict"}, "readable", "invalid"),
    "prerelease.jpg": ({"verdict"}, "readable", "invalid"),
}


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> TrustConfig:
    """The trust lists shipped with the app, as a fresh install uses them."""
    return TrustConfig(sources=tuple(list_sources(SnapshotStore(tmp_path_factory.mktemp("fresh-home")))))


@pytest.fixture(scope="module")
def second(tmp_path_factory: pytest.TempPathFactory) -> SecondValidator:
    return SecondValidator(str(tmp_path_factory.mktemp("validators") / "encypher-c2pa"))


def _expected(name: str) -> dict[str, str] | None:
    return next((EXPECTED[g][name] for g in ("c2pa", "hostile") if name in EXPECTED[g]), None)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_both_validators_run_and_agreement_is_right(path: Path, shipped: TrustConfig, second: SecondValidator) -> None:
    report = inspect_file(path, shipped, second)
    check = report.cross_check
    assert check is not None and check.ran, check.problem if check else "no cross-check"
    assert check.engine == "encypher-c2pa" and check.version == "1.7.1"
    assert check.verdict is not None and check.findings["verdict"] == check.verdict.value
    fields, rule, headline = DISAGREEMENTS.get(path.name, (set(), "agree", None))
    assert {d.field for d in check.differences} == fields
    assert check.agrees is (not fields)
    assert check.rule == rule and (headline is None or report.verdict.value == headline)
    for d in check.differences:
        assert d.sentence.endswith(".") and "c2pa-rs" in d.sentence and "encypher-c2pa" in d.sentence
        assert d.primary != d.second
    if any(d.field == "verdict" for d in check.differences):
        assert check.rule_detail, "a verdict disagreement says how the headline was chosen"
    if (expected := _expected(path.name)) is not None:
        assert check.primary_verdict is not None
        assert check.primary_verdict.value == shipped_verdict(expected), "the main validator's own verdict"
        assert report.verdict.value == app_verdict(path.name, expected)


def _documented_disagreements() -> dict[str, tuple[str, str, str]]:
    """docs/verdicts.md's table of where the validators differ: file (relative to ../shared) -> the verdicts it
    gives (first `code` of each cell) for c2pa-rs, encypher-c2pa and the one shown."""
    text = (Path(__file__).parents[2] / "docs" / "verdicts.md").read_text(encoding="utf-8")
    table = text.split("**Where the validators differ on the shared files**", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, tuple[str, str, str]] = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not cells[0].startswith("`"):
            continue
        file, primary, second, shown = (cells[i].split("`")[1] for i in (0, 1, 2, 4))
        rows[file] = (primary, second, shown)
    return rows


def test_the_documented_table_is_what_the_validators_say_now(shipped: TrustConfig, second: SecondValidator) -> None:
    """Every shared file on which the two validators differ (any difference, or a headline not theirs in common)
    is a row of docs/verdicts.md, with each validator's verdict and the one shown as they are today; no other
    file is."""
    found: dict[str, tuple[str, str, str]] = {}
    for path in FILES:
        report = inspect_file(path, shipped, second)
        check = report.cross_check
        assert check is not None and check.primary_verdict is not None and check.verdict is not None
        if check.differences or check.rule != "agree":
            found[path.relative_to(SHARED).as_posix()] = (check.primary_verdict.value, check.verdict.value,
                                                          report.verdict.value)
    assert _documented_disagreements() == found


def test_the_signed_docx_differs_on_its_collection_hash(shipped: TrustConfig, second: SecondValidator) -> None:
    report = inspect_file(CASES / "ai-report.docx", shipped, second)
    check = report.cross_check
    assert report.verdict is Verdict.VALID and report.ai_generated, "the main validator's reading leads"
    assert check and check.verdict is Verdict.INVALID and "assertion.collectionHash.malformed" in check.failure_codes
    binding = next(d for d in check.differences if d.field == "hard_binding")
    assert (binding.primary, binding.second) == ("match", "malformed")
    assert "“no uris field”" in binding.sentence, "encypher-c2pa's own words"
    assert check.findings["ai"] == "generated", "both read the AI declaration"


def test_expired_certificate_without_timestamp_with_its_ca_as_anchor(second: SecondValidator) -> None:
    """Both find the certificate outside its validity (under two code names); only c2pa-rs fails the file."""
    anchor = TrustSource("Anchor file: expired-ca.pem", anchors_pem=(CASES / "expired-ca.pem").read_text(),
                         kind="user-anchor")
    report = inspect_file(CASES / "expired-no-tsa.jpg", TrustConfig(sources=(anchor,)), second)
    check = report.cross_check
    assert report.verdict is Verdict.INVALID and check is not None and check.verdict is Verdict.VALID
    assert "signingCredential.expired" in report.validation.failure_codes()
    assert "claimSignature.outsideValidity" in check.failure_codes
    assert check.findings["certificate"] == "outside validity"
    (verdict,) = check.differences
    assert verdict.field == "verdict" and "Both find the signer's certificate outside its validity" in verdict.sentence
    assert check.rule == "primary"


def test_a_file_only_the_second_validator_reads_gets_its_result(shipped: TrustConfig, second: SecondValidator) -> None:
    report = inspect_file(CORPUS / "hostile" / "no_alg.jpg", shipped, second)
    check = report.cross_check
    assert check and check.primary_verdict is Verdict.ERROR and check.rule == "readable"
    assert report.verdict is Verdict.INVALID and report.signer and report.signer.common_name == "C2PA Signer"
    assert "algorithm.unsupported" in report.validation.failure_codes(), "its codes, explained"
    assert present(report.check("integrity")).status.value == "fail"
    assert "Only the second validator (encypher-c2pa 1.7.1) could read" in report.summary
    assert report.error == "unknown algorithm", "the main validator's own words are kept"


def test_same_trust_material_makes_both_trust_your_own_identity(tmp_path: Path, identity, local_trust,
                                                                 second: SecondValidator) -> None:
    from trustnxt_desktop.domain.protect import ProtectOptions
    from trustnxt_desktop.engine.protect import protect_file

    result = protect_file(CORPUS / "media" / "trustnxt-icon.jpg", identity, ProtectOptions(out_dir=tmp_path))
    report = inspect_file(protected_copy(result), local_trust, second)
    assert report.verdict is Verdict.TRUSTED
    assert report.cross_check and report.cross_check.verdict is Verdict.TRUSTED and report.cross_check.agrees
    assert report.cross_check.trust == "valid_for_supplied_material"
    alone = inspect_file(protected_copy(result), TrustConfig(), second)
    assert alone.verdict is Verdict.VALID and alone.cross_check and alone.cross_check.verdict is Verdict.VALID, \
        "its bundled lists are left out: no anchor, no trust, as for the main validator"


def test_telemetry_preference_is_ours_and_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    folder = tmp_path / "data" / "validators" / "encypher-c2pa"
    options = SecondValidator(str(folder)).for_call()
    assert options.marker and Path(options.marker).parent == folder / "running"
    inspect_file(CORPUS / "c2pa" / "adobe-20220124-C.jpg", TrustConfig(), options)
    assert json.loads((folder / "c2pa.json").read_text()) == {"telemetry_enabled": False}
    assert not (home / ".config" / "encypher").exists(), "a person's own Encypher preference is never touched"
    assert os.environ["ENCYPHER_C2PA_TELEMETRY"] == "off" and os.environ["ENCYPHER_C2PA_ONLINE"] == "off"
    assert not list((folder / "running").iterdir()), "the call's marker is gone once it finished"


def test_the_options_are_the_librarys_own() -> None:
    """We call its verify_bytes with the options its verify() builds: its own validator accepts them."""
    from encypher_c2pa import _native

    trust = TrustConfig(sources=(TrustSource("a", anchors_pem=(CASES / "expired-ca.pem").read_text()),))
    _native.validate_options(cross_check.options_json({}))
    _native.validate_options(cross_check._trusted_options(trust, ""))
    options = json.loads(cross_check._trusted_options(trust, ""))
    assert options["online"] is False and options["telemetry"]["enabled"] is False and options["no_default_trust"]
    assert options["trust_pem"] and options["allowed_list_pem"] is None


def test_a_streamed_file_gets_the_same_cross_check(monkeypatch: pytest.MonkeyPatch, shipped: TrustConfig,
                                                   second: SecondValidator) -> None:
    """Past IN_MEMORY_BYTES the main validator streams the file and the second one reads it itself."""
    from trustnxt_desktop.engine import inspect as engine_inspect

    names = [CORPUS / "c2pa" / "truepic-20230212-camera.jpg", CASES / "ai-report.docx",
             CORPUS / "hostile" / "no_alg.jpg"]
    in_memory = [inspect_file(p, shipped, second).to_dict()["cross_check"] for p in names]
    monkeypatch.setattr(engine_inspect, "IN_MEMORY_BYTES", 0)
    assert [inspect_file(p, shipped, second).to_dict()["cross_check"] for p in names] == in_memory


def test_without_the_option_there_is_no_cross_check(shipped: TrustConfig) -> None:
    assert inspect_file(CORPUS / "c2pa" / "adobe-20220124-C.jpg", shipped).cross_check is None


def test_an_empty_file_is_unreadable_to_both(tmp_path: Path, second: SecondValidator) -> None:
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    report = inspect_file(empty, TrustConfig(), second)
    assert report.verdict is Verdict.ERROR and report.cross_check and report.cross_check.agrees


def test_cawg_identities_are_compared_where_both_validators_judge_them(tmp_path: Path, identity, local_trust,
                                                                       second: SecondValidator) -> None:
    """A protected copy naming the photographer: both judge the identity statement (intact; altered once a byte of
    it changes); trust in it only encypher-c2pa judges (c2pa-rs#2599), so that is never a difference."""
    from trustnxt_desktop.domain.cross_check import side_by_side
    from trustnxt_desktop.domain.protect import ProtectOptions
    from trustnxt_desktop.engine.protect import protect_file

    copy = protected_copy(protect_file(CORPUS / "media" / "no_manifest.jpg", identity,
                                       ProtectOptions(out_dir=tmp_path, identity_assertion=True, thumbnail_edge=0)))
    report = inspect_file(copy, local_trust, second)
    check = report.cross_check
    assert check is not None and check.agrees, check.differences if check else None
    assert check.findings["identity"] == "intact" and check.findings["identity_trust"] == "trusted"
    rows = {label: (a, b, same) for label, a, b, same in side_by_side(report)}
    assert rows["Identity statement (CAWG)"] == ("intact", "intact", True)
    assert rows["Trust in the identity (CAWG)"] == ("not checked", "trusted", True)
    data = bytearray(copy.read_bytes())
    data[data.find(b"cawg.identity") + 400] ^= 0x01  # inside the identity assertion
    tampered = tmp_path / "tampered.jpg"
    tampered.write_bytes(bytes(data))
    check = inspect_file(tampered, local_trust, second).cross_check
    assert check is not None and check.findings["identity"] == "altered" and check.agrees


def test_the_corpus_identity_is_judged_by_both(shipped: TrustConfig, second: SecondValidator) -> None:
    check = inspect_file(CORPUS / "c2pa" / "C_with_CAWG_data.jpg", shipped, second).cross_check
    assert check is not None and check.agrees
    # encypher-c2pa stops at the untrusted certificate without checking the identity's signature: no answer there.
    assert (check.findings["identity"], check.findings["identity_trust"]) == ("not checked", "not trusted")
