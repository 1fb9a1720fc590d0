"""cli/jobs_cmd.py: `trustnxt jobs list | retry | clear` over the real job store (sqlite) that protect runs
fill: batches and their counts, one batch's files, retrying failures, forgetting finished batches."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli.conftest import Trustnxt
from tests.conftest import CORPUS


@pytest.fixture
def one_failure(trustnxt: Trustnxt, secret_store, tmp_path: Path) -> Path:
    """A protect batch of two photos, one of them truncated (it fails)."""
    folder = tmp_path / "shoot"
    folder.mkdir()
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", folder / "good.jpg")
    (folder / "broken.jpg").write_bytes((CORPUS / "media" / "trustnxt-icon.jpg").read_bytes()[:300])
    assert trustnxt("protect", folder, "--quiet").code == 4
    return folder


def test_no_batches_yet(trustnxt: Trustnxt) -> None:
    ran = trustnxt("jobs", "list")
    assert ran.code == 0 and ran.out == "No batches.\n"
    assert json.loads(trustnxt("jobs", "list", "--json").out) == []


def test_list_counts_each_batch_and_lists_its_files(trustnxt: Trustnxt, one_failure: Path) -> None:
    (summary,) = json.loads(trustnxt("jobs", "list", "--json").out)
    assert summary["kind"] == "protect" and summary["origin"] == "cli" and summary["backend"] == "local"
    assert summary["counts"] == {"done": 1, "failed": 1}
    text = trustnxt("jobs", "list").out
    assert text.startswith(f"batch {summary['batch']:>4}  ") and "2 files: 1 done, 1 failed" in text
    files = json.loads(trustnxt("jobs", "list", "--batch", str(summary["batch"]), "--json").out)
    states = {Path(f["source"]).name: (f["state"], f["attempts"]) for f in files}
    assert states == {"good.jpg": ("done", 1), "broken.jpg": ("failed", 1)}
    listed = trustnxt("jobs", "list", "--batch", str(summary["batch"])).out
    assert "good.protected.jpg" in listed and "failed" in listed
    missing = trustnxt("jobs", "list", "--batch", "999")
    assert missing.code == 2 and "there is no batch 999" in missing.err


def test_retry_runs_the_failed_file_again(trustnxt: Trustnxt, one_failure: Path) -> None:
    (summary,) = json.loads(trustnxt("jobs", "list", "--json").out)
    still = trustnxt("jobs", "retry")
    assert still.code == 4 and f"retrying 1 file of batch {summary['batch']}" in still.err
    (broken,) = [f for f in json.loads(trustnxt("jobs", "list", "--batch", str(summary["batch"]), "--json").out)
                 if f["state"] == "failed"]
    assert broken["attempts"] == 2
    # Mended, the same job succeeds: only it is run; the done file is not protected twice.
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", one_failure / "broken.jpg")
    mended = trustnxt("jobs", "retry", str(broken["id"]), "--json")
    assert mended.code == 0, mended.err
    assert sorted(r["status"] for r in json.loads(mended.out)) == ["done", "done"]
    assert sorted(p.name for p in one_failure.glob("*.protected.jpg")) == ["broken.protected.jpg",
                                                                            "good.protected.jpg"]
    assert trustnxt("jobs", "retry").err.strip().endswith("no failed or cancelled files to retry")


def test_retry_refuses_jobs_the_batch_does_not_have(trustnxt: Trustnxt, one_failure: Path) -> None:
    (summary,) = json.loads(trustnxt("jobs", "list", "--json").out)
    ran = trustnxt("jobs", "retry", "424242", "--batch", str(summary["batch"]))
    assert ran.code == 2 and f"batch {summary['batch']} has no job 424242" in ran.err
    assert trustnxt("jobs", "retry", "--batch", "999").code == 2


def test_clear_forgets_finished_batches_and_keeps_the_outputs(trustnxt: Trustnxt, one_failure: Path) -> None:
    ran = trustnxt("jobs", "clear")
    assert ran.code == 0 and ran.out == "Cleared 1 batch.\n"
    assert trustnxt("jobs", "list").out == "No batches.\n"
    assert (one_failure / "good.protected.jpg").is_file()
