"""`trustnxt identity csr | import-chain`: a signing certificate from a certificate authority.

`csr` makes a key pair and its certificate signing request (the key stays here, encrypted, its passphrase in the
OS keyring) and writes the request for the CA; `import-chain` checks what the CA sent back — is it a C2PA signing
certificate for that key, and would copies signed with it be trusted under the official C2PA trust list — and,
unless only asked to check, makes it the signing identity.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.errors import ConfigurationError
from .common import EXIT_FAILED, EXIT_OK, Parser, UsageError
from .terminal import print_json, visible

if TYPE_CHECKING:  # loaded when the command runs, not for --help
    from ..domain.secrets import SecretStore
    from ..services.account.certificate_request import ChainPreview

COMMANDS = ("csr", "import-chain")
ALGORITHMS = ("ES256", "ES384", "PS256")  # engine.csr.ALGORITHMS, named here so --help loads no cryptography


def register(ids: argparse._SubParsersAction[Parser]) -> None:
    csr = ids.add_parser("csr", help="request a C2PA signing certificate from a certificate authority",
                         description="Make a key pair and a certificate signing request for a C2PA signing "
                         "certificate. The key stays on this computer, encrypted; send the request to your CA, "
                         "then run `trustnxt identity import-chain` with what it sends back. While a request is "
                         "waiting, running this again writes the same request.")
    csr.add_argument("--out", metavar="FILE.csr", help="write the request here (default: print it)")
    csr.add_argument("--name", help="the name on the certificate (default: your display name)")
    csr.add_argument("--org", help="organisation")
    csr.add_argument("--email", help="e-mail address (many CAs require one and check it)")
    csr.add_argument("--country", metavar="CC", help="two-letter country code")
    csr.add_argument("--algorithm", choices=ALGORITHMS, default="ES256", help="key type (default: ES256)")
    csr.add_argument("--new", action="store_true", help="discard the waiting request and its key; make a new one")
    csr.add_argument("--discard", action="store_true", help="discard the waiting request and its key")
    chain = ids.add_parser("import-chain", help="use the certificate your CA issued for your request",
                           description="Check the certificate chain your CA sent for the request made here (PEM, DER "
                           "or PKCS#7), say whether copies signed with it would be trusted under the official C2PA "
                           "trust list, and make it your signing identity.")
    chain.add_argument("chain", metavar="CHAIN", help="the issued certificate and its CA certificates")
    chain.add_argument("--check", action="store_true", help="only check and say; import nothing")
    chain.add_argument("--replace", action="store_true", help="retire the current identity")
    chain.add_argument("--json", action="store_true", help="print the check as JSON")


def run(args: argparse.Namespace) -> int:
    from ..services.account.keyring_store import KeyringSecretStore
    from ..services.paths import data_root

    root = data_root()
    if args.identity_cmd == "csr":
        return _csr(args, root, KeyringSecretStore())
    return _import_chain(args, root, KeyringSecretStore())


def _csr(args: argparse.Namespace, root: Path, secrets: SecretStore) -> int:
    from ..engine.csr import Subject
    from ..engine.csr_store import RequestStore
    from ..services.account.settings import SettingsStore
    from ..services.backends.local import default_display_name

    store = RequestStore(root, secrets)
    if args.discard:
        store.discard()
        print("The waiting certificate request and its key were discarded.")
        return EXIT_OK
    pending = store.pending()
    if pending is None or args.new:
        settings = SettingsStore(root).load()
        subject = Subject(args.name or settings.display_name or default_display_name(),
                          args.org if args.org is not None else settings.organisation,
                          args.country or "", args.email or "")
        pending = store.create(subject, args.algorithm, replace=args.new)
        made = "Made"
    else:
        made = "Still waiting for its CA:"
    pem = store.request_pem()
    if args.out:
        target = Path(args.out)
        try:
            with open(target, "x", encoding="ascii") as f:  # never over an existing file
                f.write(pem)
        except FileExistsError:
            raise UsageError(f"{target} exists already; choose another file name (nothing was written)") from None
    else:
        sys.stdout.write(pem)
    where = f" Wrote it to {Path(args.out).resolve()}." if args.out else ""
    said = [f"{made} a certificate request for “{pending.common_name}” ({pending.algorithm}, "
            f"{pending.created_at}).{where}",
            "It asks for a C2PA signing certificate: key usage digitalSignature and nonRepudiation; extended key "
            "usages C2PA claim signing, e-mail protection and document signing.",
            "The key stays on this computer, encrypted; its passphrase is in the OS keyring. Send the request to your "
            "CA, then run `trustnxt identity import-chain FILE` with the certificates it sends back."]
    print(visible("\n".join(said)), file=sys.stderr if not args.out else sys.stdout)
    return EXIT_OK


def _preview_lines(seen: ChainPreview) -> list[str]:
    lines = [f"Certificate for “{seen.subject}”, issued by “{seen.issuer}”, valid until {seen.not_after}.",
             seen.verdict()]
    lines += [f"Problem: {p}" for p in seen.problems]
    lines += [f"Note: {n}" for n in seen.notes]
    return lines


def _import_chain(args: argparse.Namespace, root: Path, secrets: SecretStore) -> int:
    from dataclasses import asdict

    from ..services.account.certificate_request import CertificateRequests
    from ..services.trust.identity_trust import trusting_source

    requests = CertificateRequests(root, secrets)
    try:
        data = Path(args.chain).read_bytes()
    except OSError as e:
        raise UsageError(f"cannot read {args.chain}: {e.strerror or e}") from None
    seen = requests.preview_blocking(data)
    if args.json:
        print_json(json.dumps({**asdict(seen), "official": seen.official, "usable": seen.usable,
                               "verdict": seen.verdict()}, indent=2, ensure_ascii=False))
    else:
        print(visible("\n".join(_preview_lines(seen))))
    if not seen.usable:
        print("trustnxt: nothing was imported: C2PA validators would reject what this certificate signs.",
              file=sys.stderr)
        return EXIT_FAILED
    if args.check:
        return EXIT_OK
    if requests.identities.exists() and not args.replace:
        raise ConfigurationError("A signing identity already exists. Pass --replace to retire it and use the new "
                                 "one (files it signed stay trusted on this computer).")
    info = requests.store.import_chain(data, replace=args.replace)
    source = trusting_source(root, requests.identities)
    print(visible(f"Now signing as “{info.display_name}”, issued by {info.issuer}"
                  + (f"; copies you sign show as trusted on this computer ({source})." if source else ".")),
          file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK
