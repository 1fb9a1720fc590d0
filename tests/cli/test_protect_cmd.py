"""cli/protect_cmd.py: `trustnxt protect PATH...` with the local engine — copies written, originals untouched,
the options given on the command line in the Trust Label, a resumable batch, usage errors before any work."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli.conftest import Trustnxt
from tests.conftest import CORPUS


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    folder = tmp_path / "shoot"
    (folder / "day2").mkdir(parents=True)
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", folder / "a.jpg")
    shutil.copy(CORPUS / "media" / "sample1.png", folder / "day2" / "b.png")
    (folder / "notes.txt").write_text("not media")
    return folder


def _originals(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_folder_is_protected_into_out_keeping_subfolders(trustnxt: Trustnxt, secret_store, photos: Path,
                                                            tmp_path: Path) -> None:
    before = _originals(photos)
    out = tmp_path / "protected"
    ran = trustnxt("protect", photos, "--out", out, "--json")
    assert ran.code == 0, ran.err
    results = {Path(r["source"]).name: r for r in json.loads(ran.out)}
    assert {n: r["status"] for n, r in results.items()} == {"a.jpg": "done", "b.png": "done", "notes.txt": "skipped"}
    assert Path(results["a.jpg"]["output"]) == out / "a.protected.jpg"
    assert Path(results["b.png"]["output"]) == out / "day2" / "b.protected.png"
    assert _originals(photos) == before
    assert "Created your signing identity" in ran.err
    assert "the Trust Labels will say the files were" in ran.err and "choose with --source" in ran.err


def test_the_options_given_are_what_the_trust_label_says(trustnxt: Trustnxt, secret_store, photos: Path) -> None:
    ran = trustnxt("protect", photos / "a.jpg", "--source", "screen", "--author", "Ana Lima", "--thumbnail", "0",
                   "--allow-training", "--quiet")
    assert ran.code == 0, ran.err
    assert ran.err.count("\n") <= 2 and "[" not in ran.err  # --quiet: no progress, only the engine line(s)
    (line,) = ran.out.splitlines()
    assert line.startswith("done: ") and line.endswith("a.protected.jpg")
    (report,) = json.loads(trustnxt("inspect", photos / "a.protected.jpg", "--json", "--single-validator").out)
    assert report["verdict"] == "trusted" and report["thumbnail"] is None
    assert [a["name"] for a in report["authors"]] == ["Ana Lima"]
    assert report["actions"][0]["digital_source_type"].endswith("/screenCapture")
    assert report["training_mining"] == []


def test_a_second_run_never_overwrites_the_first_copy(trustnxt: Trustnxt, secret_store, photos: Path) -> None:
    first = json.loads(trustnxt("protect", photos / "a.jpg", "--json").out)[0]["output"]
    kept = Path(first).read_bytes()
    second = json.loads(trustnxt("protect", photos / "a.jpg", "--json").out)[0]["output"]
    assert second != first and Path(first).read_bytes() == kept


@pytest.mark.parametrize(("args", "says"), [
    ((), "give the files or folders to protect, or --resume"),
    (("--resume", "x.jpg"), "--resume takes no paths"),
    (("--resume", "--source", "camera"), "drop --source"),
    (("--thumbnail", "77", "x.jpg"), "invalid choice"),
    (("--jobs", "17", "x.jpg"), "--jobs takes 1 to 16"),
])
def test_usage_errors_exit_2_before_any_work(trustnxt: Trustnxt, args: tuple[str, ...], says: str) -> None:
    ran = trustnxt("protect", *args)
    assert ran.code == 2 and says in ran.err


def test_resume_with_nothing_unfinished_says_so(trustnxt: Trustnxt, secret_store, photos: Path) -> None:
    assert trustnxt("protect", photos / "a.jpg").code == 0
    ran = trustnxt("protect", "--resume")
    assert ran.code == 0 and "nothing to resume" in ran.err


def test_a_damaged_file_fails_with_exit_4_and_the_others_are_protected(
        trustnxt: Trustnxt, secret_store, photos: Path) -> None:
    (photos / "broken.jpg").write_bytes((CORPUS / "media" / "trustnxt-icon.jpg").read_bytes()[:300])
    ran = trustnxt("protect", photos)
    assert ran.code == 4
    assert "2 protected, 1 skipped, 1 failed" in ran.err
    assert (photos / "a.protected.jpg").is_file() and not (photos / "broken.protected.jpg").exists()
