"""`python -m tests.reliability.fuzz_cli ARGS...`: `trustnxt ARGS` as the fuzz test's parent process.

The command runs exactly as `trustnxt` does (trustnxt_desktop.cli.main in this process, its isolated
parser workers as children). Two things are added for the test, both on stderr:

- `fuzz-exception <path> <type>: <text>` for an exception that escaped protecting one file. The job
  runner records such an exception as that file's failure and goes on, which would hide a bug among
  the files that legitimately fail; it is re-raised unchanged.
- `fuzz-peak-memory {"start_kib": ..., "end_kib": ...}` as the last line: this process's peak resident
  size (VmHWM in /proc/self/status, Linux) when the command started and when it ended. The peak is
  reset to the current size first where Linux allows it (writing 5 to /proc/self/clear_refs), so
  `end_kib` is the command's own peak. Workers are other processes: not counted, they have their own caps.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any

from trustnxt_desktop import cli
from trustnxt_desktop.services.backends.local import LocalBackend


def peak_kib() -> int:
    """VmHWM of this process in KiB; 0 where /proc is missing."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    line = next((x for x in status.splitlines() if x.startswith("VmHWM:")), "VmHWM: 0 kB")
    return int(line.split()[1])


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _report_escapes() -> None:
    original = LocalBackend.protect

    @functools.wraps(original)
    async def protect(self: LocalBackend, src: Path, *args: Any, **kwargs: Any) -> Any:
        try:
            return await original(self, src, *args, **kwargs)
        except Exception as e:
            print(f"fuzz-exception {src} {type(e).__name__}: {e}", file=sys.stderr, flush=True)
            raise

    LocalBackend.protect = protect  # type: ignore[method-assign]  # wrapped in this fuzzing process only


def main() -> int:
    _report_escapes()
    _reset_peak()
    start = peak_kib()
    try:
        return cli.main(sys.argv[1:])
    finally:
        print("fuzz-peak-memory " + json.dumps({"start_kib": start, "end_kib": peak_kib()}), file=sys.stderr,
              flush=True)


if __name__ == "__main__":
    sys.exit(main())
