"""The data root is owner-only: created so whatever the umask, and an existing one tightened on start."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT
from trustnxt_desktop.runtime.private_files import create_private_file, make_private

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes; Windows uses an ACL (untested)")


def modes(root: Path) -> dict[str, str]:
    """Every entry below root (root itself as "."), with its permission bits; links are not followed."""
    found = {".": oct(stat.S_IMODE(root.lstat().st_mode))}
    for path in sorted(root.rglob("*")):
        st = path.lstat()
        if not stat.S_ISLNK(st.st_mode):
            found[str(path.relative_to(root))] = oct(stat.S_IMODE(st.st_mode))
    return found


def not_private(root: Path) -> dict[str, str]:
    return {name: mode for name, mode in modes(root).items() if int(mode, 8) & 0o077}


# What a start does in a process whose umask lets everyone read and write what it creates: the root, the
# stores (jobs, usage ledger, verification log with its keyring anchor), settings, a signing identity and
# its checkpoint, a batch lock, and files other modules write later with plain open().
_START = """
import os, sys
os.umask(0)
from pathlib import Path
from trustnxt_desktop.services.app_context import AppContext
from trustnxt_desktop.services.paths import data_root
from trustnxt_desktop.services.records.verification_log import VerificationLog
from trustnxt_desktop.services.account.keyring_store import KeyringSecretStore
from trustnxt_desktop.domain.report import EngineInfo, FileInfo, InspectionReport, Verdict
root = data_root()
context = AppContext.create(root)
context.settings_store.save(context.settings)
context.identity.store.create("Umask Test", None)
batch = context.jobs.create_batch()
context.jobs.lock_batch(batch.id).close()
log = VerificationLog(root, KeyringSecretStore())
log.append(InspectionReport(file=FileInfo(path="/x.jpg", name="x.jpg", size=1, sha256="0" * 64,
                                          media_type="image/jpeg"),
                            verdict=Verdict.VALID, summary="", engine=EngineInfo("e", "1", [])))
log.close()
(root / "logs").mkdir()
(root / "logs" / "later.log").write_text("written by another module with plain open()")
import asyncio
asyncio.run(context.aclose())
print(oct(os.umask(0)))
"""


def test_a_fresh_root_is_owner_only_whatever_the_umask(home: Path, secret_store) -> None:
    root = home / "fresh" / "TrustNXT"
    env = {**os.environ, "TRUSTNXT_HOME": str(root)}
    done = subprocess.run([sys.executable, "-c", _START], env=env, cwd=PROJECT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0o0", "the umask stayed 000: the app does not rely on changing it"
    found = modes(root)
    assert {"jobs.sqlite3", "usage.sqlite3", "verification-log.sqlite3", "settings.json", "identity/key.pem",
            "identity/chain.pem", "verification-log.checkpoint.json", "logs/later.log"} <= found.keys()
    assert not_private(root) == {}, "every folder 0700 and every file 0600"
    assert found["."] == "0o700" and found["identity"] == "0o700" and found["jobs.sqlite3"] == "0o600"


def test_an_existing_install_is_tightened_on_start(tmp_path: Path) -> None:
    root = tmp_path / "old-install"
    (root / "identity" / "retired").mkdir(parents=True)
    for name in ("jobs.sqlite3", "settings.json", "identity/chain.pem", "identity/retired/root.pem"):
        (root / name).write_text("x")
        os.chmod(root / name, 0o644)
    os.chmod(root / "identity" / "retired", 0o755)
    os.chmod(root / "identity", 0o775)
    os.chmod(root, 0o755)
    outside = tmp_path / "someone-elses.txt"
    outside.write_text("not ours to change")
    os.chmod(outside, 0o644)
    (root / "link-out").symlink_to(outside)
    assert len(not_private(root)) == 7

    make_private(root)

    assert not_private(root) == {}
    assert modes(root)["identity/retired"] == "0o700" and modes(root)["settings.json"] == "0o600"
    assert oct(stat.S_IMODE(outside.stat().st_mode)) == "0o644", "a link is not followed out of the root"


def test_files_created_later_inside_are_owner_only(tmp_path: Path) -> None:
    root = make_private(tmp_path / "root")
    if not _has_default_acl(root):
        pytest.skip("this file system has no POSIX ACLs: later files follow the umask until the next start")
    old = os.umask(0)
    try:
        (root / "sub").mkdir()
        (root / "sub" / "later.txt").write_text("x")
        (root / "top.txt").write_text("x")
    finally:
        os.umask(old)
    assert modes(root) == {".": "0o700", "sub": "0o700", "sub/later.txt": "0o600", "top.txt": "0o600"}


def test_create_private_file_never_replaces_and_ignores_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o277)  # would leave the owner without write permission
    try:
        assert create_private_file(tmp_path / "db") is True
    finally:
        os.umask(old)
    assert oct(stat.S_IMODE((tmp_path / "db").stat().st_mode)) == "0o600"
    (tmp_path / "db").write_bytes(b"content")
    assert create_private_file(tmp_path / "db") is False and (tmp_path / "db").read_bytes() == b"content"


def _has_default_acl(folder: Path) -> bool:
    try:
        return bool(os.getxattr(folder, "system.posix_acl_default"))
    except (OSError, AttributeError):
        return False
