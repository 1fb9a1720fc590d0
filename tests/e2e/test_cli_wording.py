"""What the `trustnxt` command says, as a user reads it: the option to type, the file it wrote, a cleared
batch, and the history of a file with the claim the app shows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import CORPUS
from tests.e2e.test_cli import run


def test_an_existing_identity_names_the_replace_option(tmp_path: Path, home: Path, secret_store) -> None:
    assert run("identity", "create", "--name", "Ana Lima", home=home).returncode == 0
    for command in (("identity", "create", "--name", "Other"),
                    ("identity", "import", "--cert", str(tmp_path / "chain.pem"), "--key", str(tmp_path / "key.pem"))):
        proc = run(*command, home=home)
        assert proc.returncode == 3, proc.stderr
        assert "--replace" in proc.stderr and "pass replace" not in proc.stderr, proc.stderr
    assert json.loads(run("identity", "show", "--json", home=home).stdout)["display_name"] == "Ana Lima"


def test_export_root_says_where_it_wrote_and_never_overwrites(tmp_path: Path, home: Path, secret_store) -> None:
    assert run("identity", "create", "--name", "Ana Lima", home=home).returncode == 0
    target = tmp_path / "ana-root.pem"
    shown = run("identity", "show", "--export-root", str(target), home=home)
    assert shown.returncode == 0, shown.stderr
    assert f"Wrote your root certificate to {target}" in shown.stdout
    assert target.read_text().startswith("-----BEGIN CERTIFICATE-----")

    other = tmp_path / "for-json.pem"
    as_json = run("identity", "show", "--json", "--export-root", str(other), home=home)
    assert json.loads(as_json.stdout)["display_name"] == "Ana Lima", "stdout stays one JSON document"
    assert f"Wrote your root certificate to {other}" in as_json.stderr

    mine = tmp_path / "notes.pem"
    mine.write_text("my own notes\n")
    refused = run("identity", "show", "--export-root", str(mine), home=home)
    assert refused.returncode == 2 and "exists already" in refused.stderr
    assert mine.read_text() == "my own notes\n"


def test_jobs_list_says_a_cleared_batch_has_no_files_left(tmp_path: Path, home: Path) -> None:
    from trustnxt_desktop.services.jobs.store import JobState, JobStore

    photo = tmp_path / "photo.jpg"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", photo)
    store = JobStore(home)
    try:  # as the app leaves a batch after Clear finished: the batch stays, its jobs are gone
        batch = store.create_batch("protect", "gui", options={"content_source": "camera"})
        (job,) = store.add_jobs(batch.id, [(photo, None)])
        store.finish(job.id, JobState.CANCELLED, error="Cancelled.")
        store.delete_jobs([job.id])
    finally:
        store.close()
    listed = run("jobs", "list", home=home)
    assert listed.returncode == 0, listed.stderr
    (line,) = [ln for ln in listed.stdout.splitlines() if ln.startswith("batch")]
    assert line.rstrip().endswith("no files left (cleared)") and "0 files" not in line and ":" not in line.split()[-1]


def test_text_output_shows_the_claim_in_the_history_as_the_app_does(tmp_path: Path, home: Path,
                                                                     secret_store) -> None:
    shot = tmp_path / "screen.png"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.png", shot)
    protected = run("protect", str(shot), "--source", "screen", "--json", home=home)
    assert protected.returncode == 0, protected.stderr
    output = json.loads(protected.stdout)[0]["output"]
    shown = run("inspect", output, home=home)
    assert "  history: Created — Screen capture" in shown.stdout, shown.stdout


def test_import_says_whether_your_copies_are_trusted_here_and_can_trust_the_issuer(
        tmp_path: Path, home: Path, secret_store) -> None:
    from tests.certs import TestCA

    chain, key = TestCA("Diário do Sul Newsroom CA").issue("Ana Lima")
    (tmp_path / "chain.pem").write_bytes(chain)
    (tmp_path / "key.pem").write_bytes(key)
    files = ("--cert", str(tmp_path / "chain.pem"), "--key", str(tmp_path / "key.pem"))
    plain = run("identity", "import", *files, home=home)
    assert plain.returncode == 0, plain.stderr
    assert "show as intact but not trusted on this computer: its CA “Diário do Sul Newsroom CA”" in plain.stdout
    assert "--trust-issuer" in plain.stdout

    again = run("identity", "import", *files, "--replace", "--trust-issuer", home=home)
    assert again.returncode == 0, again.stderr
    assert "Copies you sign show as trusted on this computer (Your anchor: Diário do Sul Newsroom CA)." in again.stdout
    photo = tmp_path / "photo.jpg"
    shutil.copy(CORPUS / "media" / "trustnxt-icon.jpg", photo)
    protected = json.loads(run("protect", str(photo), "--json", home=home).stdout)[0]["output"]
    report = json.loads(run("inspect", protected, "--json", home=home).stdout)[0]
    assert report["verdict"] == "trusted"
    assert report["signer"]["trust_source"] == "Your anchor: Diário do Sul Newsroom CA"
