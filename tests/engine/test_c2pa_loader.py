"""A library planted in the working directory is never loaded in place of c2pa's own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, PROJECT

PLANTED = r"""
#include <stdio.h>
__attribute__((constructor)) static void planted(void) {
    FILE *f = fopen("PLANTED-CODE-RAN", "w");
    if (f) { fputs("yes", f); fclose(f); }
}
"""


@pytest.fixture
def booby_trapped_folder(tmp_path: Path) -> Path:
    """A folder of 'received files' that also holds a real shared library named like c2pa's core."""
    if shutil.which("cc") is None:
        pytest.fail("a C compiler (cc) is needed to build the planted library")
    source = tmp_path / "planted.c"
    source.write_text(PLANTED)
    folder = tmp_path / "inbox"
    folder.mkdir()
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(folder / "libc2pa_c.so"), str(source)], check=True)
    shutil.copy(CORPUS / "c2pa" / "adobe-20220124-C.jpg", folder / "photo.jpg")
    return folder


@pytest.mark.skipif(sys.platform != "linux", reason="builds a Linux shared library")
def test_planted_library_in_working_directory_is_never_loaded(booby_trapped_folder: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "TRUSTNXT_HOME": str(tmp_path / "home")}
    plain = subprocess.run([sys.executable, "-c", "import c2pa"], cwd=booby_trapped_folder, capture_output=True,
                           env=env, timeout=60)
    assert (booby_trapped_folder / "PLANTED-CODE-RAN").exists(), "premise: the bare package loads from the cwd"
    (booby_trapped_folder / "PLANTED-CODE-RAN").unlink()
    del plain

    ours = subprocess.run([sys.executable, "-m", "trustnxt_desktop.cli", "inspect", "--json", "photo.jpg"],
                          cwd=booby_trapped_folder, capture_output=True, text=True, env=env, timeout=60)
    assert not (booby_trapped_folder / "PLANTED-CODE-RAN").exists(), "planted code ran inside trustnxt"
    assert ours.returncode == 0, ours.stderr
    assert '"verdict": "valid"' in ours.stdout
