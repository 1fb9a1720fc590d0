"""A real PostgreSQL server for tests and benchmarks: Debian's `postgresql` package, a fresh cluster in a temporary
folder, listening on 127.0.0.1 on a free port with a password (SCRAM), stopped and removed afterwards.

PostgreSQL refuses to run as root: as root (CI) the cluster is made and run as the `postgres` account the
package creates. Nothing is skipped: when the server cannot start, PostgresUnavailable says why.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DEBIAN_BINARIES = Path("/usr/lib/postgresql")
USER = "trustnxt"


class PostgresUnavailable(RuntimeError):
    """PostgreSQL could not be found or started; the message says what to install or what went wrong."""


@dataclass(frozen=True)
class PostgresServer:
    port: int
    password: str
    data_dir: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}:{self.password}@127.0.0.1:{self.port}/{database}"


def binaries() -> Path:
    """The newest PostgreSQL's bin folder (Debian keeps each major version apart). Raises PostgresUnavailable."""
    found = sorted((p / "bin" for p in DEBIAN_BINARIES.glob("*") if (p / "bin" / "postgres").exists()),
                   key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    if found:
        return found[-1]
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).resolve().parent
    raise PostgresUnavailable("PostgreSQL is not installed: install Debian's `postgresql` package "
                              "(scripts/test installs it with the other test packages)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(_as_server_user(command), capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise PostgresUnavailable(f"{what} failed ({done.returncode}): {(done.stderr or done.stdout).strip()[-2000:]}")


@contextmanager
def running_postgres(*, fsync: bool = False, settings: dict[str, str] | None = None) -> Iterator[PostgresServer]:
    """Start a throwaway cluster; yields its address. `fsync=False` for tests (a killed client, not a killed
    server, is what they exercise); benchmarks may pass settings such as max_connections."""
    bin_dir = binaries()
    folder = Path(tempfile.mkdtemp(prefix="trustnxt-pg-"))
    data, log = folder / "data", folder / "server.log"
    password = secrets.token_hex(16)
    pwfile = folder / "pw"
    pwfile.write_text(password)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        shutil.chown(pwfile, "postgres", "postgres")
    pwfile.chmod(0o600)
    port = _free_port()
    options = {"listen_addresses": "127.0.0.1", "port": str(port), "unix_socket_directories": str(folder),
               "fsync": "on" if fsync else "off", "max_connections": "100", **(settings or {})}
    started = False
    try:
        _run([str(bin_dir / "initdb"), "-D", str(data), "-U", USER, "--pwfile", str(pwfile),
              "--auth", "scram-sha-256", "-E", "UTF8", "--no-instructions"], "initdb")
        flags = " ".join(f"-c {k}={v}" for k, v in options.items())
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", flags, "-w", "-t", "60", "start"],
             f"pg_ctl start (log: {log.read_text() if log.exists() else 'none'})")
        started = True
        yield PostgresServer(port, password, data)
    finally:
        if started:
            subprocess.run(_as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                                            "stop"]), capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)
