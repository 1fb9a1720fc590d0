"""Shared fixtures. Qt runs offscreen; every test gets its own TRUSTNXT_HOME; the keyring is real."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The app checks for newer trust lists when its window opens; tests (and every program they start)
# talk only to this machine, so the lists' address points at a closed local port unless a test serves them.
os.environ.setdefault("TRUSTNXT_TRUST_BASE_URL", "http://127.0.0.1:9/trust")

import pytest

from tests.secrets import MemorySecretStore
from trustnxt_desktop.domain.secrets import SecretStore

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"
CORPUS = SHARED / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text())


def shipped_verdict(expected: dict[str, str]) -> str:
    """The verdict with the app's default trust: the lists shipped with it (the interim list decides the
    corpus's Adobe files); expected.json's plain "verdict" is the one with no trust anchors at all."""
    return expected.get("verdict_with_interim_trust_list", expected["verdict"])


# The verdict the app leads with where it differs from the main validator's own (expected.json): files
# c2pa-rs cannot read and the second validator, encypher-c2pa, reads (docs/verdicts.md, "Two validators").
CROSS_CHECKED = {"no_alg.jpg": "invalid", "prerelease.jpg": "invalid"}


def app_verdict(name: str, expected: dict[str, str]) -> str:
    """The headline verdict of an inspection with both validators (the app's default), trust as shipped."""
    return CROSS_CHECKED.get(name, shipped_verdict(expected))


def _keyring_problem() -> str | None:
    from trustnxt_desktop.services.account.keyring_store import backend_problem

    return backend_problem()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "trustnxt-home"
    root.mkdir()
    monkeypatch.setenv("TRUSTNXT_HOME", str(root))
    # Each test (and every process it starts) gets its own keyring entries: no state leaks between tests.
    monkeypatch.setenv("TRUSTNXT_KEYRING_SERVICE", f"TrustNXT Desktop test {uuid.uuid4().hex[:12]}")
    return root


@pytest.fixture
def secret_store(home: Path) -> Iterator[SecretStore]:
    """The real OS keyring. scripts/test provides one (gnome-keyring on a private D-Bus session)."""
    problem = _keyring_problem()
    if problem:
        pytest.fail(f"No usable OS keyring for this test ({problem}). Run the suite with scripts/test.")
    from trustnxt_desktop.services.account.keyring_store import KeyringSecretStore

    store = KeyringSecretStore()
    yield store


@pytest.fixture
def memory_secrets() -> MemorySecretStore:
    """Some secret store, for tests that are not about the keyring and start no process that reads it."""
    return MemorySecretStore()


@pytest.fixture
def identity_store(home: Path, secret_store: SecretStore):
    from trustnxt_desktop.engine.identity import IdentityStore

    store = IdentityStore(home, secret_store)
    store.create("Test Photographer", "TrustNXT Tests")
    return store


@pytest.fixture
def identity(identity_store):
    return identity_store.load()


@pytest.fixture
def local_trust(identity_store):
    from trustnxt_desktop.engine.trust import TrustConfig, TrustSource

    return TrustConfig(sources=(TrustSource("Test identity", anchors_pem=identity_store.root_pem()),))
