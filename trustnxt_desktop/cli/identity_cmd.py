"""`trustnxt identity show | create | import`: your signing identity."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from ..domain.errors import ConfigurationError
from ..services.backend import LocalBackend, default_display_name
from ..services.keyring_store import KeyringSecretStore
from ..services.paths import data_root
from ..services.settings import SettingsStore
from .common import EXIT_OK, Parser, UsageError
from .terminal import print_json


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    idp = sub.add_parser("identity", help="your signing identity")
    ids = idp.add_subparsers(dest="identity_cmd", required=True, parser_class=Parser)
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
    idp.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
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
                raise UsageError("identity import needs --pkcs12 FILE, or --cert CHAIN.pem and --key KEY.pem")
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
            print_json(json.dumps(info.to_dict(), indent=2))
        else:
            for key, value in info.to_dict().items():
                if key != "secret_name":
                    print(f"{key:>13}: {value}")
    return EXIT_OK
