"""The sandbox's manifest repository: what it protects is kept and found again over the C2PA Soft Binding
Resolution API under /v1, with the same keys as the rest of the modelled cloud."""

from __future__ import annotations

import io
import json

import httpx
from PIL import Image

from tests.sandbox.process import KEY, SandboxProcess
from tests.services.repository.test_api import jpeg, picture
from trustnxt_desktop.cloud import contract


def test_a_protected_picture_is_found_by_a_stripped_re_encoded_copy(sandbox: SandboxProcess) -> None:
    headers = {contract.API_KEY_HEADER: KEY}
    original = jpeg(picture(42))
    answer = httpx.post(f"{sandbox.url}{contract.PROTECT_PATH}", headers=headers, timeout=120,
                        files={contract.FILE_FIELD: ("street.jpg", original, "image/jpeg")},
                        data={contract.OPTIONS_FIELD: json.dumps({"title": "street.jpg"})})
    assert answer.status_code == 200, answer.text
    stripped = jpeg(Image.open(io.BytesIO(answer.content)).convert("RGB").resize((400, 300)), 60)
    for wrong in ({}, {contract.API_KEY_HEADER: "tnxt_test_wrong"}):
        refused = httpx.post(f"{sandbox.url}/v1/matches/byContent", content=stripped, timeout=60,
                             headers={**wrong, "Content-Type": "image/jpeg"})
        assert refused.status_code == 401
    found = httpx.post(f"{sandbox.url}/v1/matches/byContent", content=stripped, timeout=60,
                       headers={**headers, "Content-Type": "image/jpeg"}).json()["matches"]
    assert len(found) == 1 and found[0]["manifestId"].startswith("urn:c2pa:")
    store = httpx.get(f"{sandbox.url}/v1/manifests/{found[0]['manifestId']}", headers=headers)
    assert store.status_code == 200 and store.headers["content-type"] == "application/c2pa"
    assert store.content[4:8] == b"jumb"  # a JUMBF superbox: the C2PA manifest store as signed
    algorithms = httpx.get(f"{sandbox.url}/v1/services/supportedAlgorithms").json()
    assert {a["alg"] for a in algorithms["fingerprints"]} == {"io.iscc.v0", "com.trustnxt.pdq"}
