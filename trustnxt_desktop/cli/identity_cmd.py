"""`trustnxt identity show | create | import`: your signing identity."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.errors import ConfigurationError
from . import certificate_request_cmd
from .common import EXIT_OK, Parser, UsageError
from .terminal import print_json, visible

if TYPE_CHECKING:  # the engine loads when a command runs, not for --help
    from ..engine.identity import IdentityStore


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    imp.add_argument("--trust-issuer", action="store_true",
                     help="also trust the CA that issued it, so copies you sign show as trusted on this computer")
    certificate_request_cmd.register(ids)
    idp.set_defaults(handler=run)


def _say_trust(root: Path, store: IdentityStore, *, trust_issuer: bool) -> None:
    """Whether copies signed with the imported identity show as trusted here; --trust-issuer makes it so."""
    from ..services.trust.identity_trust import issuer_anchor, trusting_source
    from ..services.trust.sources import AnchorStore

    source = trusting_source(root, store)
    issuer = issuer_anchor(store)
    if source is None and issuer is not None and trust_issuer:
        AnchorStore(root).add(issuer[0], issuer[1])
        source = trusting_source(root, store)
    if source is not None:
        print(visible(f"Copies you sign show as trusted on this computer ({source})."))
    elif issuer is not None:
        print(visible(f"Copies you sign show as intact but not trusted on this computer: its CA “{issuer[0]}” is "
                      "neither among the certificates you trust nor on a published trust list. Run the import again "
                      "with --replace --trust-issuer, or `trustnxt trust add NAME CA.pem`, to trust it."))


def run(args: argparse.Namespace) -> int:
    if args.identity_cmd in certificate_request_cmd.COMMANDS:
        return certificate_request_cmd.run(args)
    from ..services.account.keyring_store import KeyringSecretStore
    from ..services.account.settings import SettingsStore
    from ..services.backends.local import LocalBackend, default_display_name
    from ..services.paths import data_root

    root = data_root()
    backend = LocalBackend(root, KeyringSecretStore(), SettingsStore(root).load())
    store = backend.identities
    if args.identity_cmd in ("create", "import") and not args.replace and store.exists():
        raise ConfigurationError("A signing identity already exists. Pass --replace to retire it and use the new "
                                 "one (files it signed stay trusted on this computer).")
    if args.identity_cmd == "create":
        name = args.name or backend.settings.display_name or default_display_name()
        info = store.create(name, args.org or backend.settings.organisation or None,
                            replace=args.replace)
        print(f"Created signing identity “{info.display_name}” ({info.algorithm}, "
              f"fingerprint {info.fingerprint[:16]}…)")
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
        print(visible(f"Imported signing identity “{info.display_name}” issued by {info.issuer}"))
        _say_trust(root, store, trust_issuer=args.trust_issuer)
    else:  # show
        shown = store.info()
        if shown is None:
            print("No signing identity yet. One is created on first protect, or run `trustnxt identity create`.")
            return EXIT_OK
        if args.export_root:
            pem = store.root_pem()
            if pem is None:
                raise ConfigurationError("An imported identity has no local root to export; ask its issuer for the CA.")
            target = Path(args.export_root)
            try:
                with open(target, "x", encoding="ascii") as f:  # never over an existing file
                    f.write(pem)
            except FileExistsError:
                raise UsageError(f"{target} exists already; choose another file name (nothing was written)") from None
            # On stderr with --json, so stdout stays one JSON document.
            print(visible(f"Wrote your root certificate to {target.resolve()}. Give it to people who should trust "
                          "what you sign (they run `trustnxt trust add NAME FILE`)."),
                  file=sys.stderr if args.json else sys.stdout)
        if args.json:
            print_json(json.dumps(shown.to_dict(), indent=2))
        else:
            for key, value in shown.to_dict().items():
                if key != "secret_name":
                    print(f"{key:>13}: {value}")
    return EXIT_OK
