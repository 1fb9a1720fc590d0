"""No parser worker outlives `trustnxt`, and none prints a traceback, however the command ends: killed
(kill -9, SIGTERM), interrupted (Ctrl-C reaches the command's process group, as from a terminal),
its output pipe closed (`| head`), or finished. Before, a worker in the middle of a file printed a
BrokenPipeError or KeyboardInterrupt traceback on the terminal when the command ended under it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.reliability.process_tree import busy_tree, stalled_folder, start_cli, wait_until_gone

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process tree from /proc")


def quiet(stderr: str) -> None:
    assert "Traceback" not in stderr and "trustnxt-parser" not in stderr, stderr


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM", "SIGINT"])
def test_workers_end_with_the_command_mid_parse(how: str, tmp_path: Path, home: Path) -> None:
    folder = stalled_folder(tmp_path / "received")
    with open(tmp_path / "stderr.txt", "w+") as err:
        proc = start_cli(["inspect", "--json", "--jobs", "2", str(folder)], home, err)
        tree = busy_tree(proc)  # both workers are stuck in a parse (for up to 30 s each)
        sent = time.monotonic()
        if how == "SIGINT":
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        else:
            os.kill(proc.pid, getattr(signal, how))
        code = proc.wait(10)
        ended = time.monotonic() - sent
        left = wait_until_gone(tree, 3)
        err.seek(0)
        stderr = err.read()
    assert not left, f"still running {ended:.1f} s after the command: {sorted(left)}"
    assert code == {"SIGKILL": -9, "SIGTERM": -15, "SIGINT": 130}[how], stderr
    assert ended < 5, f"the command took {ended:.1f} s to end"  # Ctrl-C does not wait for the stalled parses
    quiet(stderr)


def test_no_worker_is_left_after_a_finished_run(tmp_path: Path, home: Path) -> None:
    folder = stalled_folder(tmp_path / "received", count=0)
    from tests.special_files import make_special_files

    make_special_files(folder)  # a real picture among them
    with open(tmp_path / "stderr.txt", "w+") as err:
        proc = start_cli(["inspect", "--json", str(folder)], home, err)
        tree: set[int] = set()
        while proc.poll() is None:  # every process it starts, however briefly
            from tests.reliability.process_tree import descendants

            tree |= descendants(proc.pid)
            time.sleep(0.02)
        assert proc.returncode == 4  # the special files have no verdict
        assert not wait_until_gone(tree, 3)
        err.seek(0)
        quiet(err.read())
    assert tree, "the run started its parser workers"


def test_no_worker_is_left_when_the_reader_closes_the_pipe(tmp_path: Path, home: Path) -> None:
    """`trustnxt inspect FOLDER | head -1`: the reader goes after the first line, the batch still running."""
    import shutil

    from tests.conftest import CORPUS

    folder = tmp_path / "received"
    folder.mkdir()
    for i in range(150):
        shutil.copy(CORPUS / "c2pa" / "adobe-20220124-CA.jpg", folder / f"photo-{i:03d}.jpg")
    with open(tmp_path / "stderr.txt", "w+") as err:
        proc = start_cli(["inspect", str(folder)], home, err, stdout=subprocess.PIPE)
        assert proc.stdout is not None
        assert proc.stdout.readline()  # the first file's result
        tree = busy_tree(proc, workers=1)
        proc.stdout.close()  # head -1 exits
        proc.wait(30)
        assert not wait_until_gone(tree, 3)
        err.seek(0)
        quiet(err.read())
