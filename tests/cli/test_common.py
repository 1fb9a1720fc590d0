"""cli/common.py: exit codes, argument checks made before any work starts, progress on stderr, the engine
announced for every command that uses one."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from tests.cli.conftest import Trustnxt
from tests.conftest import CORPUS
from trustnxt_desktop.cli import common


def test_every_missing_path_is_named_in_one_usage_error(tmp_path: Path) -> None:
    there = CORPUS / "media" / "sample1.png"
    assert common.given_paths([str(there), str(tmp_path)]) == [there, tmp_path]
    with pytest.raises(common.UsageError) as raised:
        common.given_paths([str(there), str(tmp_path / "a.jgp"), str(tmp_path / "b")])
    assert str(raised.value) == f"no such file: {tmp_path / 'a.jgp'}, {tmp_path / 'b'}"


@pytest.mark.parametrize("text", ["1", "8", "16"])
def test_jobs_takes_1_to_16(text: str) -> None:
    assert common.jobs_arg(text) == int(text)


@pytest.mark.parametrize("text", ["0", "17", "-2"])
def test_jobs_outside_1_to_16_is_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="1 to 16"):
        common.jobs_arg(text)


def test_a_usage_error_exits_2_with_the_reason(trustnxt: Trustnxt, tmp_path: Path) -> None:
    ran = trustnxt("inspect", tmp_path, "--jobs", "0")
    assert ran.code == common.EXIT_USAGE == 2
    assert "--jobs takes 1 to 16" in ran.err and ran.out == ""
    typo = trustnxt("inspect", tmp_path / "IMG_0001.jgp")
    assert typo.code == 2 and f"trustnxt: error: no such file: {tmp_path / 'IMG_0001.jgp'}" in typo.err
    assert trustnxt("inspect", tmp_path, "--backend", "elsewhere").code == 2


def test_progress_counts_finished_files_on_stderr_and_is_quiet_for_one(capsys) -> None:
    progress = common.Progress(3, quiet=False)
    progress("done a.jpg")
    progress("failed \x1b[2Jb.jpg")
    err = capsys.readouterr().err
    assert err == "[1/3] done a.jpg\n[2/3] failed \\x1b[2Jb.jpg\n"
    for quiet in (common.Progress(1, quiet=False), common.Progress(5, quiet=True)):
        quiet("x")
        assert quiet.done == 1
    assert capsys.readouterr().err == ""


def test_the_engine_is_announced_on_stderr_and_stdout_stays_json(trustnxt: Trustnxt) -> None:
    ran = trustnxt("inspect", CORPUS / "c2pa" / "adobe-20220124-C.jpg", "--json", "--backend", "local")
    assert ran.code == 0, ran.err
    assert ran.err.startswith("engine: ") and "local" in ran.err.splitlines()[0]
    assert ran.out.lstrip().startswith("[")


def test_backend_choices_come_from_the_registry() -> None:
    from trustnxt_desktop.services.backends.registry import BACKENDS

    parser = argparse.ArgumentParser()
    common.add_backend_options(parser)
    args = parser.parse_args(["--backend", BACKENDS[-1].kind.value])
    assert args.backend == BACKENDS[-1].kind.value and args.profile == "default"
    with pytest.raises(SystemExit):
        parser.parse_args(["--backend", "nowhere"])
