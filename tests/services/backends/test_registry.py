"""One registry of backends: settings, the CLI's --backend, make_backend and the engine's description
are all built from it."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from trustnxt_desktop.cli import parser
from trustnxt_desktop.domain.errors import ConfigurationError
from trustnxt_desktop.services.account.settings import Settings, SettingsStore
from trustnxt_desktop.services.backends.registry import (
    BACKENDS,
    DEFAULT_KIND,
    KIND_NAMES,
    BackendKind,
    backend_info,
    describe_engine,
    make_backend,
)


def test_every_kind_has_one_entry_and_unknown_kinds_are_refused() -> None:
    assert [b.kind for b in BACKENDS] == list(BackendKind) and KIND_NAMES == ("local", "cloud")
    assert all(backend_info(b.kind) is b and backend_info(b.kind.value) is b for b in BACKENDS)
    assert len({b.choice for b in BACKENDS}) == len({b.status for b in BACKENDS}) == len(BACKENDS)
    with pytest.raises(ConfigurationError, match="choose one of local, cloud"):
        backend_info("quantum")


def test_settings_accept_exactly_the_registered_kinds(home: Path) -> None:
    for name in KIND_NAMES:
        settings = Settings(backend=name)
        settings.validate()
        assert settings.backend == name
    unknown = Settings(backend="quantum")
    unknown.validate()
    assert unknown.backend == DEFAULT_KIND.value
    store = SettingsStore(home)
    store.save(Settings(backend=BackendKind.CLOUD))
    assert store.load().backend == "cloud", "stored as its plain name"


def _backend_option(command: str) -> argparse.Action:
    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    chosen: argparse.ArgumentParser = sub.choices[command]
    return next(a for a in chosen._actions if "--backend" in a.option_strings)


@pytest.mark.parametrize("command", ["inspect", "protect", "usage"])
def test_the_cli_offers_the_registered_backends(command: str) -> None:
    option = _backend_option(command)
    assert list(option.choices or []) == list(KIND_NAMES)
    for info in BACKENDS:
        assert f"{info.kind.value}: {info.cli_help}" in (option.help or "")


async def test_each_engine_is_what_its_entry_says(home: Path, secret_store) -> None:
    for info in BACKENDS:
        backend = make_backend(home, Settings(api_url="https://api.example.test"), secret_store, info.kind)
        try:
            assert backend.kind is info.kind and backend.capabilities == info.capabilities
            assert backend.settings.api_url == "https://api.example.test"
        finally:
            await backend.aclose()
    local = make_backend(home, Settings(), secret_store, "local", record=False)
    assert describe_engine(local) == "local (offline)" and local.trust() is not None
    await local.aclose()
    cloud = make_backend(home, Settings(api_url="https://api.example.test"), secret_store, "cloud")
    assert describe_engine(cloud).endswith(" — calls are billed") and "TrustNXT cloud at " in describe_engine(cloud)
    assert cloud.trust() is None
    with pytest.raises(ConfigurationError, match="own trust lists"):
        cloud.use_trust_anchors([])
    await cloud.aclose()
