"""`trustnxt`: protect and inspect media from scripts and terminals. Imports no Qt.

Exit codes: 0 ran fine, 2 usage error, 3 configuration error (e.g. no keyring, no or refused API key),
4 some files failed (or the TrustNXT service failed).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

from . import APP_NAME, __version__
from .cloud.contract import resolve_base_url
from .cloud.errors import CloudConfigError, CloudError, CloudQuotaError
from .domain.errors import ConfigurationError, IdentityError, TrustNXTError
from .domain.protect import THUMBNAIL_EDGES, ProtectResult, ProtectStatus
from .domain.report import InspectionReport, Verdict
from .engine import certs
from .engine.inspect import extract_resource
from .engine.trust import TrustSource
from .services.backend import LocalBackend, default_display_name
from .services.backends import make_backend
from .services.batch import run_batch
from .services.cloud_backend import CloudBackend
from .services.credentials import DEFAULT_PROFILE, FROM_ENVIRONMENT, KEY_ENV, CredentialStore, masked
from .services.files import FoundFile, expand
from .services.keyring_store import KeyringSecretStore
from .services.paths import data_root
from .services.settings import BACKENDS, SettingsStore
from .services.text_report import render
from .services.trust_sources import AnchorStore, build_trust_config

EXIT_OK, EXIT_USAGE, EXIT_CONFIG, EXIT_FAILED = 0, 2, 3, 4


class _Progress:
    """One line per finished file on stderr, so stdout stays clean for --json."""

    def __init__(self, total: int, quiet: bool) -> None:
        self.total, self.done, self.quiet = total, 0, quiet or total < 2

    def __call__(self, text: str) -> None:
        self.done += 1
        if not self.quiet:
            print(f"[{self.done}/{self.total}] {text}", file=sys.stderr, flush=True)


def _backend(args: argparse.Namespace) -> LocalBackend | CloudBackend:
    root = data_root()
    settings = SettingsStore(root).load()
    if getattr(args, "jobs", None):
        settings.jobs = args.jobs
    if getattr(args, "fetch_remote", False):
        settings.remote_manifest_fetch = True
    backend = make_backend(root, settings, KeyringSecretStore(), getattr(args, "backend", None),
                           profile=getattr(args, "profile", None) or DEFAULT_PROFILE)
    assert isinstance(backend, (LocalBackend, CloudBackend))
    return backend


# -- protect -----------------------------------------------------------------------------------

async def _protect(args: argparse.Namespace) -> int:
    backend = _backend(args)
    found = expand([Path(p) for p in args.paths], skip_protected_copies=True)
    base = backend.settings.protect_options(Path(args.out) if args.out else None)
    overrides: dict[str, Any] = {}
    if args.thumbnail is not None:
        overrides["thumbnail_edge"] = args.thumbnail
    if args.author is not None:
        overrides["author"] = args.author or None
    if args.allow_training:
        overrides["do_not_train"] = False
    if args.tsa_url is not None:
        overrides["tsa_url"] = args.tsa_url or None
    base = dataclasses.replace(base, **overrides)
    progress = _Progress(len(found), args.quiet)

    async def work(f: FoundFile) -> ProtectResult:
        out_dir = (base.out_dir / f.relative_dir) if base.out_dir else None
        return await backend.protect(f.path, dataclasses.replace(base, out_dir=out_dir))

    def done(_: int, f: FoundFile, r: ProtectResult) -> None:
        progress(f"{r.status.value:<9} {f.path}" + (f" -> {r.output}" if r.output else f": {r.error}" if r.error else ""))

    try:
        if isinstance(backend, CloudBackend):
            await backend.prepare()  # no key or no keyring: say so before any file is touched
        else:
            await backend.identity()
            if backend.identity_created and not args.quiet:
                info = backend.identity_created
                print(f"Created your signing identity “{info.display_name}” ({info.algorithm}); "
                      "see `trustnxt identity show`.", file=sys.stderr)
        results = await run_batch(found, work, backend.settings.jobs, done)
    finally:
        await backend.aclose()
    if args.json:
        print(json.dumps([r.to_dict() for r in results], indent=2))
    elif len(results) == 1 or args.quiet:
        for r in results:
            print(f"{r.status.value}: {r.source}" + (f" -> {r.output}" if r.output else f" ({r.error})" if r.error else ""))
    failed = sum(r.status is ProtectStatus.FAILED for r in results)
    if not args.json and len(results) > 1:
        counts = {s: sum(r.status is s for r in results) for s in ProtectStatus}
        print(f"{counts[ProtectStatus.DONE]} protected, {counts[ProtectStatus.SKIPPED]} skipped, {failed} failed",
              file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


# -- inspect -----------------------------------------------------------------------------------

async def _inspect(args: argparse.Namespace) -> int:
    backend = _backend(args)
    if isinstance(backend, CloudBackend):
        local_only = [flag for flag, given in (("--trust-anchor", args.trust_anchor), ("--no-default-trust",
                      args.no_default_trust), ("--fetch-remote", args.fetch_remote)) if given]
        if local_only:
            await backend.aclose()
            raise _Usage(f"{', '.join(local_only)} work only with --backend local: the TrustNXT service "
                         "uses its own trust lists")
        await backend.prepare()
    else:
        extra = tuple(
            TrustSource(f"Anchor file: {Path(p).name}", anchors_pem=Path(p).read_text("ascii"), kind="user-anchor")
            for p in args.trust_anchor or []
        )
        if extra or args.no_default_trust:
            backend.set_trust(build_trust_config(backend.root, backend.identities, defaults=not args.no_default_trust,
                                                 remote_manifest_fetch=backend.settings.remote_manifest_fetch,
                                                 extra=extra))
    found = expand([Path(p) for p in args.paths])
    progress = _Progress(len(found), args.quiet or not args.json)
    service_failures = 0

    async def one(f: FoundFile) -> InspectionReport | None:
        nonlocal service_failures
        try:
            return await backend.inspect(f.path)
        except CloudError as e:
            if isinstance(e, (CloudConfigError, CloudQuotaError)):
                raise  # every other file would fail the same way
            service_failures += 1
            print(f"trustnxt: {f.path}: {e}", file=sys.stderr, flush=True)
            return None

    def done(_: int, f: FoundFile, r: InspectionReport | None) -> None:
        progress(f"{r.verdict.value if r else 'failed':<11} {f.path}")
        if r is not None and not args.json:
            print(render(r), flush=True)

    try:
        results = await run_batch(found, one, backend.settings.jobs, done)
    finally:
        await backend.aclose()
    reports = [r for r in results if r is not None]
    if args.extract_thumbnails:
        _extract_thumbnails(reports, Path(args.extract_thumbnails))
    if args.json:
        print(json.dumps([r.to_dict() for r in reports], indent=2, ensure_ascii=False))
    return EXIT_FAILED if service_failures or any(r.verdict is Verdict.ERROR for r in reports) else EXIT_OK


def _extract_thumbnails(reports: list[InspectionReport], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for r in reports:
        if not r.thumbnail:
            continue
        target = folder / f"{Path(r.file.name).stem}.{r.file.sha256[:12]}.thumbnail.jpg"
        if target.exists():
            continue
        with open(target, "xb") as out:
            extract_resource(Path(r.file.path), r.thumbnail, out)


# -- identity and trust --------------------------------------------------------------------------

def _identity(args: argparse.Namespace) -> int:
    root = data_root()
    backend = LocalBackend(root, KeyringSecretStore(), SettingsStore(root).load())
    store = backend.identities
    if args.identity_cmd == "create":
        name = args.name or backend.settings.display_name or default_display_name()
        info = store.create(name, args.org or backend.settings.organisation or None,
                            replace=args.replace)
        print(f"Created signing identity “{info.display_name}” ({info.algorithm}, fingerprint {info.fingerprint[:16]}…)")
    elif args.identity_cmd == "import":
        password = sys.stdin.readline().rstrip("\n") if args.password_stdin else (
            getpass.getpass("Password of the key/PKCS#12 file (empty for none): ") if sys.stdin.isatty() else "")
        if args.pkcs12:
            info = store.import_pkcs12(Path(args.pkcs12).read_bytes(), password or None, replace=args.replace)
        else:
            if not (args.cert and args.key):
                raise _Usage("identity import needs --pkcs12 FILE, or --cert CHAIN.pem and --key KEY.pem")
            info = store.import_pem(Path(args.cert).read_bytes(), Path(args.key).read_bytes(), password or None,
                                    replace=args.replace)
        print(f"Imported signing identity “{info.display_name}” issued by {info.issuer}")
    else:  # show
        info = store.info()
        if info is None:
            print("No signing identity yet. One is created on first protect, or run `trustnxt identity create`.")
            return EXIT_OK
        if args.export_root:
            pem = store.root_pem()
            if pem is None:
                raise ConfigurationError("An imported identity has no local root to export; ask its issuer for the CA.")
            Path(args.export_root).write_text(pem, "ascii")
        if args.json:
            print(json.dumps(info.to_dict(), indent=2))
        else:
            for key, value in info.to_dict().items():
                if key != "secret_name":
                    print(f"{key:>13}: {value}")
    return EXIT_OK


def _trust(args: argparse.Namespace) -> int:
    anchors = AnchorStore(data_root())
    if args.trust_cmd == "add":
        path = anchors.add(args.name, Path(args.file).read_bytes())
        print(f"Added trust anchor “{args.name}” ({path})")
    elif args.trust_cmd == "remove":
        anchors.remove(args.name)
        print(f"Removed trust anchor “{args.name}”")
    else:
        listed = anchors.list()
        if not listed:
            print("No trust anchors of your own. Your local identity's root is always trusted.")
        for name, path in listed:
            chain = certs.load_pem_chain(path.read_bytes())
            print(f"{name}: {', '.join(certs.common_name(c) for c in chain)}")
    return EXIT_OK


# -- usage and credentials -----------------------------------------------------------------------

async def _usage(args: argparse.Namespace) -> int:
    backend = _backend(args)
    try:
        snapshot = await backend.usage()
    finally:
        await backend.aclose()
    if args.json:
        print(json.dumps(snapshot.to_dict(), indent=2))
        return EXIT_OK

    def of(limit: int | None) -> str:
        return f" of {limit}" if limit is not None else ""

    print(f"Cycle {snapshot.period_start} to {snapshot.period_end} (from the {snapshot.source})")
    print(f"  Protect calls: {snapshot.protect_calls}{of(snapshot.protect_limit)}")
    print(f"  Inspect calls: {snapshot.inspect_calls}{of(snapshot.inspect_limit)}")
    for day in snapshot.per_day:
        print(f"    {day.day}: {day.protect} protect, {day.inspect} inspect")
    return EXIT_OK


def _read_credentials() -> tuple[str, str | None]:
    """Hidden prompts on a terminal; otherwise the key and an optional secret as the first two stdin lines.
    Never from the command line, where other users and shell history could read them."""
    if sys.stdin.isatty():
        key = getpass.getpass("TrustNXT API key (tnxt_live_…): ")
        secret = getpass.getpass("API secret (tnxt_secret_…, press Enter if you have none): ")
    else:
        key = sys.stdin.readline()
        secret = sys.stdin.readline()
    return key.strip(), secret.strip() or None


def _credentials(args: argparse.Namespace) -> int:
    store = CredentialStore(KeyringSecretStore(), args.profile)
    env_note = (f"Note: {KEY_ENV} is set in this environment and takes precedence over the keyring."
                if os.environ.get(KEY_ENV, "").strip() else None)
    if args.credentials_cmd == "set":
        key, secret = _read_credentials()
        if not key:
            raise _Usage("no API key given: type it at the prompt, or send it as the first line of stdin")
        for warning in store.set(key, secret):
            print(f"warning: {warning}", file=sys.stderr)
        what = "API key and secret" if secret else "API key"
        print(f"Saved the {what} {masked(key)} for profile “{store.profile}” in the OS keyring.")
    elif args.credentials_cmd == "clear":
        store.clear()
        print(f"Removed the API key and secret of profile “{store.profile}” from the OS keyring.")
    else:
        status = store.status()
        url = resolve_base_url(SettingsStore(data_root()).load().api_url, os.environ)
        if args.json:
            print(json.dumps({**dataclasses.asdict(status), "service": url}, indent=2))
        elif not status.configured:
            print(f"No API key for profile “{store.profile}”. Run `trustnxt credentials set`.")
        else:
            where = "environment variables" if status.key_source == FROM_ENVIRONMENT else "OS keyring"
            print(f"Profile:    {status.profile}")
            print(f"API key:    {status.key_masked} (from the {where})")
            print(f"API secret: {'set' if status.secret_set else 'none'}")
            print(f"Service:    {url}")
        for warning in status.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        return EXIT_OK if status.configured else EXIT_CONFIG
    if env_note:
        print(env_note, file=sys.stderr)
    return EXIT_OK


# -- argument parsing ----------------------------------------------------------------------------

class _Usage(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _jobs(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 16:
        raise argparse.ArgumentTypeError("--jobs takes 1 to 16")
    return value


def _add_backend_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--backend", choices=BACKENDS,
                   help="local: this computer, offline; cloud: the TrustNXT service (default from settings)")
    p.add_argument("--profile", default=DEFAULT_PROFILE, metavar="NAME",
                   help="which stored API key the cloud backend uses (default: default)")


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="trustnxt", description=f"{APP_NAME}: protect media with Content Credentials and inspect "
                "what you receive. Works offline with a local signing identity.",
                epilog="Exit codes: 0 ok, 2 usage error, 3 configuration error, 4 some files failed.")
    p.add_argument("--version", action="version", version=f"trustnxt {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    pr = sub.add_parser("protect", help="write protected copies carrying a signed Trust Label")
    pr.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (folders recurse)")
    pr.add_argument("--out", metavar="DIR", help="write copies here (default: next to each original)")
    pr.add_argument("--jobs", type=_jobs, metavar="N", help="files processed at once (default from settings: 2)")
    pr.add_argument("--json", action="store_true", help="print a JSON array of results on stdout")
    pr.add_argument("--thumbnail", type=int, choices=THUMBNAIL_EDGES, help="thumbnail long edge in px, 0 for none")
    pr.add_argument("--author", help="author name written into the Trust Label ('' for none)")
    pr.add_argument("--allow-training", action="store_true", help="omit the 'do not train' assertion")
    pr.add_argument("--tsa-url", help="RFC 3161 timestamp authority URL ('' for none)")
    pr.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    _add_backend_options(pr)

    ins = sub.add_parser("inspect", help="verify Content Credentials and explain them")
    ins.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (folders recurse)")
    ins.add_argument("--json", action="store_true", help="print a JSON array of InspectionReports on stdout")
    ins.add_argument("--jobs", type=_jobs, metavar="N")
    ins.add_argument("--trust-anchor", action="append", metavar="PEM", help="also trust this CA (repeatable)")
    ins.add_argument("--no-default-trust", action="store_true",
                     help="trust only --trust-anchor files, not your identity or saved anchors")
    ins.add_argument("--fetch-remote", action="store_true", help="fetch remote Content Credentials (a network call)")
    ins.add_argument("--extract-thumbnails", metavar="DIR", help="save each manifest thumbnail into DIR")
    ins.add_argument("-q", "--quiet", action="store_true")
    _add_backend_options(ins)

    us = sub.add_parser("usage", help="this month's Protect and Inspect calls")
    us.add_argument("--json", action="store_true", help="print the usage snapshot as JSON")
    _add_backend_options(us)

    cp = sub.add_parser("credentials", help="your TrustNXT API key and secret (kept in the OS keyring)")
    cs = cp.add_subparsers(dest="credentials_cmd", required=True, parser_class=_Parser)
    for name, text in (("set", "store a key (and secret), read from a hidden prompt or stdin, never argv"),
                       ("status", "show the masked key, where it comes from, and format warnings"),
                       ("clear", "remove the key and secret from the OS keyring")):
        c = cs.add_parser(name, help=text)
        c.add_argument("--profile", default=DEFAULT_PROFILE, metavar="NAME", help="(default: default)")
        if name == "status":
            c.add_argument("--json", action="store_true")

    idp = sub.add_parser("identity", help="your signing identity")
    ids = idp.add_subparsers(dest="identity_cmd", required=True, parser_class=_Parser)
    show = ids.add_parser("show", help="show the current identity")
    show.add_argument("--json", action="store_true")
    show.add_argument("--export-root", metavar="FILE", help="write the root certificate others should trust")
    create = ids.add_parser("create", help="create a new local identity")
    create.add_argument("--name", help="display name (default: your account's name)")
    create.add_argument("--org", help="organisation")
    create.add_argument("--replace", action="store_true", help="retire the current identity")
    imp = ids.add_parser("import", help="use a certificate issued to you")
    imp.add_argument("--cert", metavar="CHAIN.pem", help="your certificate followed by its CA chain")
    imp.add_argument("--key", metavar="KEY.pem", help="the private key")
    imp.add_argument("--pkcs12", metavar="FILE.p12", help="certificate, chain and key in one file")
    imp.add_argument("--password-stdin", action="store_true", help="read the file's password from stdin")
    imp.add_argument("--replace", action="store_true", help="retire the current identity")

    tp = sub.add_parser("trust", help="certificates you trust besides your own identity")
    ts = tp.add_subparsers(dest="trust_cmd", required=True, parser_class=_Parser)
    ts.add_parser("list", help="list your trust anchors")
    add = ts.add_parser("add", help="trust a CA certificate (PEM)")
    add.add_argument("name")
    add.add_argument("file")
    rm = ts.add_parser("remove", help="stop trusting an anchor")
    rm.add_argument("name")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "protect":
            return asyncio.run(_protect(args))
        if args.command == "inspect":
            return asyncio.run(_inspect(args))
        if args.command == "identity":
            return _identity(args)
        if args.command == "usage":
            return asyncio.run(_usage(args))
        if args.command == "credentials":
            return _credentials(args)
        return _trust(args)
    except _Usage as e:
        print(f"trustnxt: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except (ConfigurationError, IdentityError) as e:
        print(f"trustnxt: {e}", file=sys.stderr)
        return EXIT_CONFIG
    except TrustNXTError as e:
        print(f"trustnxt: {e}", file=sys.stderr)
        return EXIT_FAILED
    except FileNotFoundError as e:
        print(f"trustnxt: no such file: {e.filename}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("trustnxt: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
