"""Batches through an unreliable service: 503s, latency, 429s and dropped answers. Nothing is billed twice."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import CORPUS
from tests.sandbox.process import KEY
from trustnxt_desktop.cloud import contract
from trustnxt_desktop.cloud.retry import RetryPolicy
from trustnxt_desktop.domain.protect import ProtectOptions, ProtectStatus
from trustnxt_desktop.services.account.credentials import KEY_ENV, CredentialStore
from trustnxt_desktop.services.account.settings import Settings
from trustnxt_desktop.services.backends.batch import run_batch
from trustnxt_desktop.services.backends.cloud import CloudBackend

# Enough attempts that 30 % injected 503s practically never exhaust them (0.3^12 per file); 429s pace
# the client without using up attempts.
PATIENT = RetryPolicy(max_attempts=12, base_delay=0.05, max_delay=1.0, total_seconds=60)
IMAGES = ["trustnxt-icon.jpg", "trustnxt-icon.png", "sample1.webp", "no_manifest.jpg", "P1000827.jpg"]


class _NoKeyring:
    """The key comes from the environment here; touching the keyring would be a bug."""

    def get(self, name: str) -> str | None:
        raise AssertionError("keyring read although TRUSTNXT_API_KEY is set")

    def set(self, name: str, value: str) -> None:
        raise AssertionError("keyring written although TRUSTNXT_API_KEY is set")

    def delete(self, name: str) -> None:
        raise AssertionError("keyring written although TRUSTNXT_API_KEY is set")


def backend_for(url: str, root: Path) -> CloudBackend:
    env = {KEY_ENV: KEY, contract.API_URL_ENV: url}
    root.mkdir(exist_ok=True)
    return CloudBackend(root, Settings(jobs=4), CredentialStore(_NoKeyring(), environ=env),
                        retry=PATIENT, environ=env)


def batch_folder(tmp_path: Path, count: int) -> list[Path]:
    folder = tmp_path / "shoot"
    folder.mkdir()
    files = []
    for n in range(count):
        name = IMAGES[n % len(IMAGES)]
        target = folder / f"{n:02d}-{name}"
        shutil.copy(CORPUS / "media" / name, target)
        files.append(target)
    return files


async def test_forty_protects_survive_503s_latency_and_429s(sandbox_factory, tmp_path: Path) -> None:
    server = sandbox_factory("--error-rate", "0.3", "--latency", "0-150", "--rate-limit", "6", "--seed", "7")
    files = batch_folder(tmp_path, 40)
    backend = backend_for(server.url, tmp_path / "home")
    try:
        results = await run_batch(files, lambda f: backend.protect(f, ProtectOptions(out_dir=tmp_path / "out")), 4)
    finally:
        await backend.aclose()
    assert [r.status for r in results] == [ProtectStatus.DONE] * 40, [r.error for r in results if r.error]
    assert len({r.output for r in results}) == 40 and all(r.output and r.output.is_file() for r in results)
    assert server.usage(KEY)["protect"]["calls"] == 40, "every file billed exactly once"
    stats = server.stats()
    statuses = stats["requests"][f"POST {contract.PROTECT_PATH}"]
    assert statuses["200"] == 40
    assert statuses["503"] >= 5 and statuses.get("429", 0) >= 1, f"the faults did happen: {statuses}"
    # server.usage() above also meets injected 503s, so compare against every route's 503s.
    assert stats["faults"]["injected_503"] == sum(r.get("503", 0) for r in stats["requests"].values())


async def test_lost_answers_are_replayed_not_billed_again(sandbox_factory, tmp_path: Path) -> None:
    server = sandbox_factory("--drop-rate", "0.4", "--seed", "3")
    files = batch_folder(tmp_path, 12)
    backend = backend_for(server.url, tmp_path / "home")
    try:
        results = await run_batch(files, lambda f: backend.protect(f, ProtectOptions()), 3)
    finally:
        await backend.aclose()
    assert all(r.status is ProtectStatus.DONE for r in results), [r.error for r in results]
    stats = server.stats()
    assert stats["faults"]["dropped"] >= 2, stats
    assert stats["replays"]["protect"] >= 1, "a retry after a dropped answer must get the stored answer"
    assert server.usage(KEY)["protect"]["calls"] == 12 == stats["billable"]["protect"]
    ledger = backend.ledger.snapshot(backend="cloud")
    assert ledger.protect_calls == 12, "the local ledger counts calls, not attempts"
