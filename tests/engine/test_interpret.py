"""engine/interpret.py: the manifest store JSON c2pa returns, turned into the parts of an InspectionReport —
on the stores of real corpus files, and on stores written here for what no corpus file shows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import c2pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import CORPUS
from trustnxt_desktop.domain.checks import CHECK_IDS
from trustnxt_desktop.domain.report import CheckStatus, Ingredient, Validation, Verdict
from trustnxt_desktop.engine import interpret
from trustnxt_desktop.engine.trust import TrustConfig


def _store(name: str) -> dict[str, Any]:
    with open(CORPUS / "c2pa" / name, "rb") as f, c2pa.Reader(
            "video/mp4" if name.endswith(".mp4") else "image/jpeg", f, context=TrustConfig().context()) as reader:
        store: dict[str, Any] = json.loads(reader.json())
    return store


def _active(name: str) -> dict[str, Any]:
    manifest = interpret.active_manifest(_store(name))
    assert manifest is not None
    return manifest


def _checks(store: dict[str, Any], verdict: Verdict = Verdict.VALID) -> dict[str, CheckStatus]:
    results = store.get("validation_results")
    nodes = interpret.ingredients(store, results)
    found = interpret.checks(verdict, interpret.validation(store, results), nodes, trust_source=None,
                             trust_lists=[], signed_time=None)
    assert [c.id for c in found] == list(CHECK_IDS)
    return {c.id: c.status for c in found}


# -- real stores ---------------------------------------------------------------------------------------

def test_signer_claim_generator_and_actions_of_an_adobe_test_file() -> None:
    manifest = _active("adobe-20220124-C.jpg")
    assert interpret.claim_generator(manifest) == "make_test_images/0.16.1 c2pa-rs/0.16.1"
    signer = interpret.signer(manifest)
    assert signer is not None and signer.common_name == "C2PA Signer" and signer.algorithm == "PS256"
    # c2pa-rs reports the subject's organisation as `issuer` (see the docstring): it is the signer's.
    assert signer.organisation == "C2PA Test Signing Cert" and signer.issuer is None
    assert [a.action for a in interpret.actions(manifest)] == ["c2pa.created", "c2pa.drawing"]
    assert interpret.capture(manifest) is None


def test_the_truepic_camera_file_keeps_its_signed_capture_although_its_hash_fails() -> None:
    store = _store("truepic-20230212-camera.jpg")
    capture = interpret.capture(interpret.active_manifest(store) or {})
    assert capture is not None and capture.signed
    assert (capture.make, capture.model, capture.taken_at) == ("Google", "Pixel 5", "2023-02-12T18:44:26Z")
    assert capture.gps is not None and (capture.gps.lat, capture.gps.lon) == (43.1520939, -77.5805328)
    assert interpret.validation_state(store) == "Invalid"
    assert _checks(store, Verdict.INVALID)["integrity"] is CheckStatus.FAIL
    codes = [c.code for c in interpret.validation(store, store.get("validation_results")).failure]
    assert "assertion.dataHash.mismatch" in codes


def test_the_ingredient_tree_of_nested_adobe_files() -> None:
    bare = interpret.ingredients(*(lambda s: (s, s.get("validation_results")))(_store("adobe-20220124-CAI.jpg")))
    assert [(n.title, n.relationship, n.verdict) for n in bare] == [
        ("A.jpg", "parentOf", Verdict.NONE), ("I.jpg", "componentOf", Verdict.NONE)]
    assert _checks(_store("adobe-20220124-CAI.jpg"))["ingredients"] is CheckStatus.UNKNOWN  # no history of its own

    nested_store = _store("adobe-20220124-CICA.jpg")
    (node,) = interpret.ingredients(nested_store, nested_store.get("validation_results"))
    assert (node.title, node.verdict) == ("CA.jpg", Verdict.VALID)
    assert node.signer is not None and node.signer.common_name == "C2PA Signer"
    assert [c.title for c in node.ingredients] == ["A.jpg"]
    assert _checks(nested_store)["ingredients"] is CheckStatus.PASS


def test_a_tampered_signature_fails_the_signature_check() -> None:
    assert _checks(_store("adobe-20220124-E-sig-CA.jpg"), Verdict.INVALID)["signature"] is CheckStatus.FAIL


# -- stores written here ---------------------------------------------------------------------------------

def _manifest(ingredients: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    return {"claim_generator_info": [{"name": "Here"}], "assertions": [], "ingredients": ingredients or [], **extra}


def test_a_remote_ingredient_manifest_is_unverified_not_invalid() -> None:
    store = {"active_manifest": "m1", "manifests": {"m1": _manifest([
        {"title": "far.jpg", "relationship": "parentOf", "label": "c2pa.ingredient.v3",
         "validation_results": {"activeManifest": {"failure": [{"code": "manifest.inaccessible"}]}}},
        {"title": "bad.jpg", "relationship": "componentOf", "label": "c2pa.ingredient.v3__1",
         "validation_status": [{"code": "assertion.dataHash.mismatch"}, {"code": "claimSignature.validated"}]},
    ])}}
    far, bad = interpret.ingredients(store, None)
    assert far.verdict is Verdict.UNVERIFIED and far.failure_codes == ["manifest.inaccessible"]
    assert bad.verdict is Verdict.INVALID and bad.failure_codes == ["assertion.dataHash.mismatch"]
    summary = interpret.ingredient_summary([far, bad])
    assert summary == ("It was made from files whose Content Credentials failed verification or could not be checked "
                       "(“far.jpg”, “bad.jpg”).")
    sentence = interpret.ingredient_problem_sentence([far])
    assert sentence == "“far.jpg”: its Content Credentials are stored elsewhere and were not checked."


def test_a_cycle_of_manifests_ends() -> None:
    def refers_to(other: str) -> dict[str, Any]:
        return _manifest([{"title": other, "relationship": "parentOf", "label": "c2pa.ingredient",
                           "active_manifest": other}], signature_info={"common_name": other})

    store = {"active_manifest": "a", "manifests": {"a": refers_to("b"), "b": refers_to("a")}}
    (b,) = interpret.ingredients(store, None)
    (a,) = b.ingredients
    assert (b.title, a.title, a.ingredients) == ("b", "a", [])


def test_ingredient_deltas_found_now_are_added_to_what_was_recorded() -> None:
    store = {"active_manifest": "m1", "manifests": {
        "m1": _manifest([{"title": "p.jpg", "relationship": "parentOf", "label": "c2pa.ingredient.v3",
                          "active_manifest": "m0"}]),
        "m0": _manifest(signature_info={"common_name": "Old"})}}
    results = {"ingredientDeltas": [{"ingredientAssertionURI": "self#jumbf=/c2pa/m1/c2pa.assertions/c2pa.ingredient.v3",
                                     "validationDeltas": {"failure": [{"code": "claimSignature.mismatch"}]}}]}
    (node,) = interpret.ingredients(store, results)
    assert node.verdict is Verdict.INVALID and node.failure_codes == ["claimSignature.mismatch"]
    assert interpret.ingredients(store, None)[0].verdict is Verdict.VALID


def _identity_store(extra_failure: str | None = None, trusted: bool = True) -> dict[str, Any]:
    failure = [{"code": "cawg.x509.credential.untrusted"}] + ([{"code": extra_failure}] if extra_failure else [])
    success = [{"code": "claimSignature.validated"}, {"code": "claimSignature.insideValidity"}]
    if trusted:
        success.append({"code": "signingCredential.trusted"})
    return {"validation_state": "Valid", "validation_results": {"activeManifest": {"failure": failure,
                                                                                   "success": success}}}


def test_identity_only_failures_do_not_lower_the_state() -> None:
    assert interpret.validation_state(_identity_store()) == "Trusted"
    assert interpret.validation_state(_identity_store(trusted=False)) == "Valid"
    assert interpret.validation_state(_identity_store("assertion.dataHash.mismatch")) == "Valid"  # c2pa's own
    assert interpret.validation_state({"validation_state": "Trusted"}) == "Trusted"
    assert interpret.validation_state({}) is None


def test_claim_generator_and_signer_fallbacks() -> None:
    assert interpret.claim_generator({"claim_generator_info": [{"name": "App", "version": "2"}]}) == "App 2"
    assert interpret.claim_generator({"claim_generator": "Old/1.0"}) == "Old/1.0"
    assert interpret.signer({}) is None
    cert = {"subject": {"CN": "Ana", "O": "Diário"}, "issuer": {"CN": "Diário CA", "O": "Diário"}}
    signer = interpret.signer({"signature_info": {"alg": "es256"}}, cert)
    assert signer is not None and (signer.common_name, signer.organisation, signer.issuer, signer.algorithm) == (
        "Ana", "Diário", "Diário CA", "ES256")
    other = interpret.signer({"signature_info": {"alg": "ps256"}}, {"issuer": {"CN": "Root", "O": "Org Inc"}})
    assert other is not None and other.issuer == "Root (Org Inc)"


def test_actions_take_adobe_parameters_and_agents_as_objects() -> None:
    manifest = {"assertions": [{"label": "c2pa.actions.v2", "data": {"actions": [
        {"action": "c2pa.edited", "softwareAgent": {"name": "Photoshop", "version": "25"},
         "parameters": {"com.adobe.digitalSourceType": "trainedAlgorithmicMedia", "com.adobe.details": "Fill"}},
        "not an action", {"no": "action"}]}}]}
    (action,) = interpret.actions(manifest)
    assert (action.action, action.software_agent, action.digital_source_type, action.description) == (
        "c2pa.edited", "Photoshop 25", "trainedAlgorithmicMedia", "Fill")


def test_certificates_by_manifest_label() -> None:
    crjson = {"manifests": [{"label": "m1", "signature": {"certificateInfo": {"subject": {"CN": "A"}}}},
                            {"label": "m2", "signature": {}}, "junk"]}
    assert interpret.certificates(crjson) == {"m1": {"subject": {"CN": "A"}}}
    assert interpret.certificates(None) == {}


def test_the_ingredients_check_counts_sources_with_and_without_credentials() -> None:
    def check(nodes: list[Ingredient]) -> tuple[CheckStatus, str]:
        found = interpret.checks(Verdict.VALID, Validation(), nodes, trust_source=None, trust_lists=[],
                                 signed_time=None)
        (c,) = [c for c in found if c.id == "ingredients"]
        return c.status, c.detail

    intact = Ingredient(title="a.jpg", relationship="componentOf", verdict=Verdict.VALID, manifest="m")
    bare = Ingredient(title="b.jpg", relationship="componentOf", verdict=Verdict.NONE)
    assert check([]) == (CheckStatus.NOT_APPLICABLE, "Made from no other recorded files.")
    assert check([intact]) == (CheckStatus.PASS, "The Content Credentials of its source file are intact.")
    assert check([intact, bare]) == (CheckStatus.PASS, "The Content Credentials of 1 source file are intact; "
                                                       "1 other carries none of its own.")
    assert check([bare, bare])[0] is CheckStatus.UNKNOWN
    status, detail = check([Ingredient(title="x.jpg", relationship="parentOf", verdict=Verdict.INVALID,
                                       failure_codes=["assertion.dataHash.mismatch"]), intact])
    assert status is CheckStatus.WARN and detail.startswith("1 of its 2 source files did not pass verification — ")


def test_without_codes_nothing_passes_and_a_stopped_validator_says_why() -> None:
    found = interpret.checks(Verdict.ERROR, Validation(), [], trust_source=None, trust_lists=[], signed_time=None,
                             stopped="the manifest could not be loaded")
    assert not any(c.status is CheckStatus.PASS for c in found)
    assert {c.detail for c in found if c.id in ("integrity", "signature", "timestamp")} == {
        "Not checked: the manifest could not be loaded"}
    assert all(c.status is CheckStatus.NOT_APPLICABLE and c.detail == "why"
               for c in interpret.empty_checks("why"))


# -- coordinates (EXIF and XMP forms) ---------------------------------------------------------------------

@given(st.floats(min_value=0, max_value=179.9999, allow_nan=False), st.sampled_from(["N", "S", "E", "W"]))
def test_a_decimal_coordinate_takes_its_hemisphere(value: float, ref: str) -> None:
    got = interpret._coordinate(value, ref)
    assert got == pytest.approx(-value if ref in "SW" and value > 0 else value, abs=1e-7)
    assert interpret._coordinate(str(value), ref) == got


@given(st.integers(0, 179), st.integers(0, 59), st.integers(0, 59), st.sampled_from("NSEW"))
def test_xmp_degrees_minutes_seconds_match_the_decimal_value(deg: int, minutes: int, seconds: int, hemi: str) -> None:
    sign = -1 if hemi in "SW" else 1
    expected = deg + minutes / 60 + seconds / 3600
    assert interpret._coordinate(f"{deg},{minutes},{seconds}{hemi}") == pytest.approx(sign * expected, abs=1e-7)
    assert interpret._coordinate(f"{deg},{minutes}.5{hemi}") == pytest.approx(sign * (deg + (minutes + 0.5) / 60),
                                                                              abs=1e-7)


@pytest.mark.parametrize("value", ["north", "", "1/0", [1, 2], "43;10N"])
def test_unreadable_coordinates_are_none(value: Any) -> None:
    assert interpret._coordinate(value, "N") is None


def test_capture_reads_exif_fractions_and_xmp_coordinates() -> None:
    manifest = {"assertions": [{"label": "stds.exif", "data": {
        "@context": {}, "exif:Make": "Canon", "exif:GPSLatitude": "52,30.6N", "exif:GPSLongitude": "13,24W",
        "exif:GPSAltitude": "1005/10", "exif:DateTimeOriginal": "2026-01-02T03:04:05Z"}}]}
    capture = interpret.capture(manifest)
    assert capture is not None and capture.make == "Canon" and capture.taken_at == "2026-01-02T03:04:05Z"
    assert capture.gps is not None and (capture.gps.lat, capture.gps.lon, capture.gps.alt) == (52.51, -13.4, 100.5)


def test_the_corpus_stores_are_what_the_module_expects(tmp_path: Path) -> None:
    # Every signed corpus file's store names an active manifest that the module finds.
    for path in sorted((CORPUS / "c2pa").glob("adobe-20220124-C*.jpg")):
        assert interpret.active_manifest(_store(path.name)) is not None, path.name
