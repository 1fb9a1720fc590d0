"""A diagnostics archive for support: logs and versions in one zip, with every secret taken out.

The archive holds exactly these members, all UTF-8 text:
  versions.txt     the app, the operating system, the rows the caller adds (Qt), Python, libraries, c2pa-rs
  environment.txt  when it was made, the keyring backend, and which TRUSTNXT_*/QT_* variables are set
                   (names only, never values)
  settings.json    the known settings fields; URLs lose any user:password part, query and fragment
  trust-lists.txt  the trust-list snapshots in use (date, sha256) and the last update's outcome
  logs/<name>      the newest files of <data root>/logs, each cut to its last LOG_LIMIT bytes

Secrets are removed from every member before it is written: first every value known to be secret now
(the API key and secret in the keyring and in the environment, the signing key's passphrase, any
environment variable whose name says key, secret, token, password or auth), then anything shaped like
a TrustNXT key or an auth header (services.redact). Nothing is read from identity/ but its public
identity.json (to find the passphrase's keyring entry).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from ...domain.display import plural
from ...domain.errors import OutputExistsError, TrustNXTError
from ...domain.secrets import SecretStore
from ...engine.identity import IdentityStore
from ...runtime import atomic as output
from ..account.credentials import CredentialStore
from ..account.keyring_store import backend_name, backend_problem
from ..account.settings import Settings
from ..redact import SECRET_NAME as _SECRET_NAME
from ..redact import redact
from ..trust.lists import TrustLists
from ..versions import version_report

LOG_LIMIT = 1024 * 1024  # bytes kept from the end of each log file
MAX_LOGS = 30  # newest first
_SHOWN_VARIABLES = re.compile(r"^(TRUSTNXT_|QT_|XDG_SESSION_TYPE$|WAYLAND_DISPLAY$|DISPLAY$|LANG$|LC_ALL$)")
_URL_FIELDS = ("api_url", "trust_mirror_url", "tsa_url")


class DiagnosticsError(TrustNXTError):
    """The diagnostics archive could not be written; the message names the file and the reason."""


def default_name(now: dt.datetime | None = None) -> str:
    """`trustnxt-diagnostics-20261130-1412.zip` (local time)."""
    return f"trustnxt-diagnostics-{(now or dt.datetime.now()).strftime('%Y%m%d-%H%M')}.zip"


def known_secrets(root: Path, secrets: SecretStore, environ: Mapping[str, str]) -> list[str]:
    """Every secret value this program could know of right now: secret-named environment variables, the
    API key and secret stored in the keyring, the signing key's passphrase. An unavailable keyring adds none."""
    values = [value for name, value in environ.items() if _SECRET_NAME.search(name)]
    with contextlib.suppress(TrustNXTError):  # no keyring, or a locked one: nothing stored can be read either
        stored = CredentialStore(secrets, environ={}).load()  # the keyring's own, even when the environment overrides
        if stored is not None:
            values += [stored.key, stored.secret or ""]
        with contextlib.suppress(OSError, ValueError, TypeError):  # a damaged identity.json names no passphrase
            info = IdentityStore(root, secrets).info()
            if info is not None:
                values.append(secrets.get(info.secret_name) or "")
    return sorted({v for v in values if v}, key=len, reverse=True)  # longest first: no half-replaced value


def _clean_url(url: str) -> str:
    """Drop user:password, query and fragment: the parts of a URL that may carry a credential."""
    if not url:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _settings_json(settings: Settings) -> str:
    data = {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings) if f.name != "extra"}
    for name in _URL_FIELDS:
        data[name] = _clean_url(str(data.get(name) or ""))
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def _environment(environ: Mapping[str, str], now: dt.datetime) -> str:
    names = sorted(n for n in environ if _SHOWN_VARIABLES.match(n))
    lines = [f"Created: {now.isoformat(timespec='seconds')}",
             f"Keyring backend: {backend_name()}",
             f"Keyring problem: {backend_problem() or 'none'}",
             "Environment variables set (values not recorded):",
             *(f"  {n}" for n in names)]
    return "\n".join(lines) + "\n"


def _trust_lists(root: Path, settings: Settings, environ: Mapping[str, str]) -> str:
    status = TrustLists(root, settings, environ=environ).status()
    lines = [status.summary(), f"Last successful check: {status.last_success or 'never'}",
             f"Last error: {status.last_error or 'none'}", f"Mirror: {_clean_url(status.mirror or '') or 'none'}"]
    for s in status.lists:
        snap = s.snapshot
        state = f"snapshot of {snap.date}, sha256 {snap.sha256}" if snap else "no snapshot"
        lines.append(f"{s.spec.title}: {state}{f' ({s.problem})' if s.problem else ''}")
    return "\n".join(lines) + "\n"


def _log_tail(path: Path) -> str:
    with open(path, "rb") as f:
        size = f.seek(0, os.SEEK_END)
        f.seek(max(0, size - LOG_LIMIT))
        data = f.read(LOG_LIMIT)
    text = data.decode("utf-8", errors="replace")
    if size > LOG_LIMIT:
        # Start at a whole line: a secret cut in half at the edge could no longer be recognised.
        text = f"[first {size - LOG_LIMIT} bytes and a partial line left out]\n" + text.partition("\n")[2]
    return text


def _logs(root: Path) -> dict[str, str]:
    folder = root / "logs"
    found: list[tuple[float, Path]] = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            # Regular files only: a link in the logs folder must not pull another file into the archive.
            if entry.is_file(follow_symlinks=False):
                found.append((entry.stat(follow_symlinks=False).st_mtime, Path(entry.path)))
    members: dict[str, str] = {}
    for _mtime, path in sorted(found, reverse=True)[:MAX_LOGS]:
        try:
            members[f"logs/{path.name}"] = _log_tail(path)
        except OSError as e:
            members[f"logs/{path.name}"] = f"[could not be read: {e.strerror or type(e).__name__}]\n"
    return members


def collect(root: Path, settings: Settings, secrets: SecretStore, *, extra_versions: Sequence[tuple[str, str]] = (),
            environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The archive's members (name -> text), secrets already removed. Blocking: keyring and disk reads."""
    env = os.environ if environ is None else environ
    now = dt.datetime.now(dt.UTC)
    members = {
        "versions.txt": version_report(extra_versions),
        "environment.txt": _environment(env, now),
        "settings.json": _settings_json(settings),
        "trust-lists.txt": _trust_lists(root, settings, env),
        **_logs(root),
    }
    known = known_secrets(root, secrets, env)
    return {name: redact(text, known) for name, text in members.items()}


def contents_text(members: Mapping[str, str]) -> str:
    """What an archive of these members holds, in words for the person who saved it:
    "1 log file, 2 crash reports, versions, settings and trust lists" or "no logs yet; versions, …"."""
    logs = [Path(name).name for name in members if name.startswith("logs/")]
    crashes = sum(name.startswith("crash-") for name in logs)
    held = [plural(n, word) for n, word in ((len(logs) - crashes, "log file"), (crashes, "crash report")) if n]
    rest = "versions, settings and trust lists"
    return f"{', '.join(held)}, {rest}" if held else f"no logs yet; {rest}"


def write_archive(members: Mapping[str, str], target: Path, *, replace: bool = False) -> Path:
    """Write the zip next to `target` under a hidden temporary name, fsync it, then give it its name.

    replace=False never touches an existing file (OutputExistsError); replace=True (the person confirmed
    it in a save dialog) swaps the old file for the complete new one in one rename. Raises
    DiagnosticsError when the folder cannot be written.
    """
    target = target.expanduser()
    now = dt.datetime.now().timetuple()[:6]
    try:
        with output.atomic_output(target.parent, target.name) as (f, tmp):
            with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as archive:
                for name, text in members.items():
                    archive.writestr(zipfile.ZipInfo(name, date_time=now), text.encode("utf-8"),
                                     compress_type=zipfile.ZIP_DEFLATED)
            output.finish(f)
            if replace:
                f.close()  # Windows cannot rename a file that is still open
                output.replace_file(tmp, target)
            else:
                output.publish(tmp, iter([target]))
    except OutputExistsError:
        raise OutputExistsError(f"{target.name} already exists; choose another name.") from None
    except OSError as e:
        raise DiagnosticsError(f"Could not write {target}: {e.strerror or e}") from e
    return target


def save_diagnostics(root: Path, settings: Settings, secrets: SecretStore, target: Path, *, replace: bool = False,
                     extra_versions: Sequence[tuple[str, str]] = ()) -> Path:
    """collect() then write_archive(). Blocking: call it off the GUI thread."""
    return write_archive(collect(root, settings, secrets, extra_versions=extra_versions), target, replace=replace)

