"""What the app says when the machine has no usable keyring (a fresh machine without a desktop session)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = "from trustnxt_desktop.services.account.keyring_store import backend_problem; print(backend_problem())"


def problem_with(backend: str) -> str:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": backend}
    return subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_no_keyring_service_is_named_plainly() -> None:
    said = problem_with("keyring.backends.fail.Keyring")
    assert said.startswith("No keyring service") and "GNOME Keyring" in said
    assert "(Keyring)" not in said  # no class names from the library


def test_the_real_secret_service_has_no_problem(secret_store: object) -> None:
    assert problem_with("keyring.backends.SecretService.Keyring") == "None"


@pytest.mark.parametrize("backend", ["keyring.backends.null.Keyring"])
def test_a_null_keyring_is_refused(backend: str) -> None:
    assert problem_with(backend).startswith("No keyring service")
