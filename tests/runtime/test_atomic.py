"""Output names: a protected copy's name fits the file system's name limit and stays unique."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.conftest import CORPUS
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectStatus
from trustnxt_desktop.engine.protect import protect_file
from trustnxt_desktop.runtime.atomic import PARTIAL_SUFFIX, candidate_paths, fit_name, name_limit

# 250 bytes of UTF-8 (83 three-byte characters and a byte) plus ".jpg": a name the camera-roll export of a
# phone set to Japanese can produce, and 22 bytes short of what ".protected" needs.
LONG_STEM = "写真" * 41 + "の" + "x"
LONG_NAME = LONG_STEM + ".jpg"


def size(name: str) -> int:
    return len(os.fsencode(name))


def test_the_limit_is_the_file_systems(tmp_path: Path) -> None:
    assert name_limit(tmp_path) == os.pathconf(tmp_path, "PC_NAME_MAX") == 255
    assert name_limit(tmp_path / "not" / "made" / "yet") == 255, "asks the nearest existing folder"


def test_a_long_name_is_shortened_keeping_marker_counter_and_extension(tmp_path: Path) -> None:
    assert size(LONG_NAME) == 254
    first, second = (p.name for p, _ in zip(candidate_paths(Path(LONG_NAME), tmp_path, ".protected"), range(2)))
    for name in (first, second):
        assert size(name) <= 255 and name.startswith("写真写真") and "…" in name
        name.encode("utf-8")  # whole characters only: never an invalid UTF-8 name
    assert first.endswith(".protected.jpg") and second.endswith(".protected (2).jpg")
    assert first != second
    assert fit_name("photo", ".protected.jpg") == "photo.protected.jpg", "short names are left alone"


def test_long_names_that_differ_only_after_the_cut_stay_different() -> None:
    a = fit_name(LONG_STEM + "-a", ".protected.jpg")
    b = fit_name(LONG_STEM + "-b", ".protected.jpg")
    assert a != b and size(a) <= 255 and size(b) <= 255
    assert fit_name(LONG_STEM + "-a", ".protected.jpg") == a, "the same source always gets the same name"


def test_protecting_a_file_with_a_250_byte_name_twice(tmp_path: Path, identity) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "in" / LONG_NAME
    source.parent.mkdir()
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", source)
    out = tmp_path / "out"
    first = protect_file(source, identity, ProtectOptions(out_dir=out))
    second = protect_file(source, identity, ProtectOptions(out_dir=out))
    assert first.status is ProtectStatus.DONE and second.status is ProtectStatus.DONE, (first.error, second.error)
    assert first.output and second.output and first.output != second.output
    assert first.output.name.endswith(".protected.jpg") and second.output.name.endswith(".protected (2).jpg")
    assert all(size(p.name) <= 255 for p in out.iterdir())
    assert not list(out.glob(f".*{PARTIAL_SUFFIX}")), "the temporary name fitted too, and is gone"
