"""Where a file keeps its Content Credentials, read from its bytes: embedded manifest stores (C2PA 2.x "Manifest
store", ISO/IEC 19566-5 description box) and the XMP `dcterms:provenance` address ("External manifests")."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import CORPUS, SHARED
from trustnxt_desktop.engine import locate
from trustnxt_desktop.engine.locate import STORE_MARKER, count_stores, provenance_url

ONE_STORE = sorted(p for p in (CORPUS / "c2pa").iterdir() if p.name not in ("adobe-20220124-A.jpg",
                                                                              "adobe-20220124-I.jpg"))


@pytest.mark.parametrize("path", ONE_STORE, ids=lambda p: p.name)
def test_each_signed_corpus_file_holds_one_store_read_whole_or_streamed(path: Path) -> None:
    assert count_stores(path.read_bytes(), path) == count_stores(None, path) == 1


def test_files_without_embedded_credentials_hold_none() -> None:
    for path in (CORPUS / "c2pa" / "adobe-20220124-A.jpg", CORPUS / "media" / "sample1.png",
                 SHARED / "cases" / "remote-only.jpg"):
        assert count_stores(None, path) == 0


@settings(max_examples=30, deadline=None)
@given(gaps=st.lists(st.integers(0, 3000), min_size=0, max_size=4))
def test_stores_are_counted_once_across_chunk_boundaries(tmp_path_factory: pytest.TempPathFactory,
                                                         gaps: list[int]) -> None:
    # Markers placed right across the streaming boundaries must be seen exactly once.
    body = bytearray()
    for gap in gaps:
        body += b"\x00" * gap + STORE_MARKER
    path = tmp_path_factory.mktemp("stores") / "f.bin"
    path.write_bytes(bytes(body))
    old = locate.CHUNK
    locate.CHUNK = 37  # tiny pieces: every marker straddles at least one boundary
    try:
        assert count_stores(None, path) == len(gaps)
    finally:
        locate.CHUNK = old
    assert count_stores(bytes(body), path) == len(gaps)


def test_a_remote_manifest_address_is_read_from_the_xmp() -> None:
    remote = SHARED / "cases" / "remote-only.jpg"
    assert provenance_url(None, remote) == provenance_url(remote.read_bytes(), remote) \
        == "http://127.0.0.1:9/manifests/remote-only.c2pa"
    assert provenance_url(None, CORPUS / "media" / "P1000827.jpg") is None
    # A copy whose manifest was stripped still declares where it was (inside the file, now gone).
    assert (provenance_url(None, CORPUS / "media" / "no_manifest.jpg") or "").startswith("self#jumbf=/c2pa/")


def _xmp(inner: str, prefix: str = "dcterms") -> bytes:
    return (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description xmlns:{prefix}="http://purl.org/dc/terms/"'
            f"{inner}</rdf:Description></rdf:RDF></x:xmpmeta>").encode()


@pytest.mark.parametrize(("xmp", "expected"), [
    (_xmp(' dcterms:provenance="https://a.example/m?x=1&amp;y=2">'), "https://a.example/m?x=1&y=2"),
    (_xmp(" dc2:provenance='  https://b.example/m  '>", "dc2"), "https://b.example/m"),
    (_xmp("><dcterms:provenance>https://c.example/m</dcterms:provenance>"), "https://c.example/m"),
    (_xmp(' other:provenance="https://not.example/">'), None),  # a prefix not bound to dcterms
    (_xmp(' dcterms:provenance="">'), None),
    (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"> dcterms:provenance="https://no-namespace.example/"</x:xmpmeta>', None),
])
def test_the_address_follows_the_namespace_not_the_prefix(xmp: bytes, expected: str | None, tmp_path: Path) -> None:
    data = b"\xff\xd8 junk " + xmp + b" more"
    assert provenance_url(data, tmp_path / "unused") == expected


@given(before=st.integers(0, 200), chunk=st.integers(1, 40))
@settings(max_examples=60, deadline=None)
def test_first_offset_finds_a_marker_wherever_the_pieces_split_it(before: int, chunk: int) -> None:
    data = b"j" * before + STORE_MARKER + b"x" * 50 + STORE_MARKER
    old = locate.CHUNK
    locate.CHUNK = chunk
    try:
        assert locate.first_offset(io.BytesIO(data), STORE_MARKER) == before
        assert locate.first_offset(io.BytesIO(data[:before + len(STORE_MARKER) - 1]), STORE_MARKER) is None
    finally:
        locate.CHUNK = old
