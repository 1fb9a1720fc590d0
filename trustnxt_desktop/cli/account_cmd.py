"""`trustnxt usage` and `trustnxt credentials set | status | clear`: your TrustNXT account."""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import os
import sys

from ..services.account.credentials import DEFAULT_PROFILE, FROM_ENVIRONMENT, KEY_ENV, CredentialStore, masked
from .common import EXIT_CONFIG, EXIT_OK, Parser, UsageError, add_backend_options, open_backend
from .terminal import print_json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    us = sub.add_parser("usage", help="this month's Protect and Inspect calls")
    us.add_argument("--json", action="store_true", help="print the usage snapshot as JSON")
    add_backend_options(us)
    us.set_defaults(handler=usage)
    cp = sub.add_parser("credentials", help="your TrustNXT API key and secret (kept in the OS keyring)")
    cs = cp.add_subparsers(dest="credentials_cmd", required=True, parser_class=Parser)
    for name, text in (("set", "store a key (and secret), read from a hidden prompt or stdin, never argv"),
                       ("status", "show the masked key, where it comes from, and format warnings"),
                       ("clear", "remove the key and secret from the OS keyring")):
        c = cs.add_parser(name, help=text)
        c.add_argument("--profile", default=DEFAULT_PROFILE, metavar="NAME", help="(default: default)")
        if name == "status":
            c.add_argument("--json", action="store_true")
    cp.set_defaults(handler=credentials)


async def usage(args: argparse.Namespace) -> int:
    backend = open_backend(args)
    try:
        snapshot = await backend.usage()
    finally:
        await backend.aclose()
    if snapshot.note:  # the service did not give its figures: say why these are this computer's counts
        print(f"trustnxt: warning: {snapshot.note} Showing the calls counted on this computer.", file=sys.stderr)
    if args.json:
        print_json(json.dumps(snapshot.to_dict(), indent=2))
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


def credentials(args: argparse.Namespace) -> int:
    from ..cloud.contract import resolve_base_url
    from ..services.account.keyring_store import KeyringSecretStore
    from ..services.account.settings import SettingsStore
    from ..services.paths import data_root

    store = CredentialStore(KeyringSecretStore(), args.profile)
    env_note = (f"Note: {KEY_ENV} is set in this environment and takes precedence over the keyring."
                if os.environ.get(KEY_ENV, "").strip() else None)
    if args.credentials_cmd == "set":
        key, secret = _read_credentials()
        if not key:
            raise UsageError("no API key given: type it at the prompt, or send it as the first line of stdin")
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
            print_json(json.dumps({**dataclasses.asdict(status), "service": url}, indent=2))
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
