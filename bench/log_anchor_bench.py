"""What anchoring the verification log costs (services/records/verification_log.py, services/records/log_anchor.py).

- one anchor update (keyring read + write, checkpoint signed with the identity and written), after the
  first, which also loads the signing key from the keyring;
- appending 500 inspections one at a time and in groups of 20 (as the batch path does), with anchoring
  (the real keyring and identity) and without (the hash chain only): the appending thread's time;
- closing the log after one inspection, as every `trustnxt inspect` does: its last anchor update;
- the check every store gets when it opens (`PRAGMA quick_check`), for a log of 10,000 and 100,000 entries.

Run with `bench/run bench/log_anchor_bench.py` (a throwaway keyring). Prints one JSON object.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trustnxt_desktop.domain.report import EngineInfo, FileInfo, InspectionReport, Verdict  # noqa: E402
from trustnxt_desktop.engine.identity import IdentityStore  # noqa: E402
from trustnxt_desktop.services.account.keyring_store import KeyringSecretStore  # noqa: E402
from trustnxt_desktop.services.records.verification_log import VerificationLog  # noqa: E402
from trustnxt_desktop.services.store_health import damage  # noqa: E402


def report(i: int) -> InspectionReport:
    return InspectionReport(
        file=FileInfo(path=f"/in/{i}.jpg", name=f"{i}.jpg", size=i, sha256=f"{i:064x}", media_type="image/jpeg"),
        verdict=Verdict.VALID, summary="", engine=EngineInfo("Bench engine", "1.0", ["C2PA trust list (2026-08-21)"]))


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def appends(root: Path, secrets: KeyringSecretStore | None, group: int, n: int = 500) -> dict[str, float]:
    log = VerificationLog(root, secrets)
    log.append(report(0))  # the first append checks the anchor once; timed separately below
    started = time.perf_counter()
    for i in range(1, n + 1, group):
        log.append_many([report(k) for k in range(i, min(i + group, n + 1))])
    appending = time.perf_counter() - started
    started = time.perf_counter()
    log.close()
    return {"per_entry_ms": round(appending * 1000 / n, 3), "close_ms": ms(time.perf_counter() - started)}


def main() -> None:
    secrets = KeyringSecretStore()
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "anchored"
        IdentityStore(root, secrets).create("Bench Keeper")
        log = VerificationLog(root, secrets)
        log.append(report(1))
        started = time.perf_counter()
        log.anchor_now()
        out["first_anchor_update_ms"] = ms(time.perf_counter() - started)  # includes loading the signing key
        times = []
        for i in range(2, 22):
            log.append_many([report(i)])
            started = time.perf_counter()
            log.anchor_now()
            times.append(time.perf_counter() - started)
        out["anchor_update_ms_median"] = ms(statistics.median(times))
        out["anchor_update_ms_max"] = ms(max(times))
        log.close()

        for group in (1, 20):
            plain = appends(Path(tmp) / f"plain-{group}", None, group)
            anchored_root = Path(tmp) / f"anchored-{group}"
            IdentityStore(anchored_root, secrets).create("Bench Keeper")
            anchored = appends(anchored_root, secrets, group)
            out[f"append_group_{group}"] = {"chain_only": plain, "anchored": anchored,
                                            "ratio": round(anchored["per_entry_ms"] / plain["per_entry_ms"], 2)}

        cli_root = Path(tmp) / "cli"
        IdentityStore(cli_root, secrets).create("Bench Keeper")
        cli_times = []
        for i in range(5):  # a process that inspects one file: open, append, close (its anchor update)
            started = time.perf_counter()
            one = VerificationLog(cli_root, secrets)
            one.append(report(i))
            one.close()
            cli_times.append(time.perf_counter() - started)
        out["one_inspection_open_append_close_ms_median"] = ms(statistics.median(cli_times[1:]))

        for entries in (10_000, 100_000):
            big = Path(tmp) / f"big-{entries}"
            filler = VerificationLog(big)
            for start in range(0, entries, 5000):
                filler.append_many([report(k) for k in range(start, start + 5000)])
            filler.close()
            path = big / "verification-log.sqlite3"
            started = time.perf_counter()
            assert damage(path) is None
            out[f"open_check_{entries}_entries_ms"] = ms(time.perf_counter() - started)
            out[f"log_{entries}_entries_mb"] = round(path.stat().st_size / 1e6, 1)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
