"""`trustnxt inspect PATH...`: verify Content Credentials and explain them; export them in the formats of
services.records.export_formats (a PDF report, CSV, JSON)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..services.records.export_formats import EXPORT_FORMATS
from .common import EXIT_FAILED, EXIT_OK, Progress, UsageError, add_backend_options, given_paths, jobs_arg, open_backend
from .terminal import print_json, visible

if TYPE_CHECKING:  # the engine and services are imported when the command runs, not for --help
    from ..domain.report import InspectionReport
    from ..engine.trust import TrustConfig
    from ..runtime.isolation import IsolatedPool
    from ..services.backends.protocol import Backend
    from ..services.repository.recovery import Recovery


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ins = sub.add_parser("inspect", help="verify Content Credentials and explain them")
    ins.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (folders recurse)")
    ins.add_argument("--json", action="store_true", help="print a JSON array of InspectionReports on stdout")
    ins.add_argument("--jobs", type=jobs_arg, metavar="N")
    ins.add_argument("--trust-anchor", action="append", metavar="PEM", help="also trust this CA (repeatable)")
    ins.add_argument("--no-default-trust", action="store_true",
                     help="trust only --trust-anchor files, not your identity or saved anchors")
    ins.add_argument("--fetch-remote", action="store_true", help="fetch remote Content Credentials (a network call)")
    ins.add_argument("--single-validator", action="store_true",
                     help="check with the main validator only, without the second, independent one (faster)")
    ins.add_argument("--check-revocation", action=argparse.BooleanOptionalAction, default=None,
                     help="ask the signing certificates' issuers online (OCSP, then the CRL) whether they were "
                          "revoked, for this command only; the issuer learns which certificate you look at (default: "
                          "the app's privacy setting, off)")
    ins.add_argument("--extract-thumbnails", metavar="DIR", help="save each manifest thumbnail into DIR")
    for fmt in EXPORT_FORMATS:
        ins.add_argument(fmt.cli_flag, dest=fmt.cli_dest, metavar=fmt.cli_metavar, help=fmt.cli_help)
    ins.add_argument("--recover", action="store_true",
                     help="for a picture without Content Credentials, look for its credentials in the manifest "
                          "repository on this computer (and the remote ones turned on in the settings) by its "
                          "fingerprints; found ones are shown as recovered, not embedded")
    ins.add_argument("--reembed", metavar="DIR",
                     help="with --recover: for each picture whose credentials were recovered, save a signed copy "
                          "in DIR carrying the best match as an ingredient 're-associated by fingerprint' (never as "
                          "if they had been embedded; the received file is not changed)")
    ins.add_argument("-q", "--quiet", action="store_true")
    add_backend_options(ins)
    ins.set_defaults(handler=run)


def _local_trust(args: argparse.Namespace, backend: Backend) -> None:
    from ..engine.trust import TrustSource

    extra = tuple(
        TrustSource(f"Anchor file: {Path(p).name}", anchors_pem=Path(p).read_text("ascii"), kind="user-anchor")
        for p in args.trust_anchor or []
    )
    if extra or args.no_default_trust:
        backend.use_trust_anchors(extra, defaults=not args.no_default_trust)


def _trust_notes(trust: TrustConfig, chosen_off: bool) -> None:
    """On stderr: that no published list is available, or which lists in use are older than 90 days."""
    lists = [s for s in trust.sources if s.provenance is not None]
    if not lists and not chosen_off:
        print("trustnxt: no published trust list available (the lists shipped with the app are missing or damaged; "
              "run `trustnxt trust update`): signers can be valid, not trusted, unless you trust them yourself",
              file=sys.stderr)
    old = [s.name for s in lists if s.provenance and s.provenance.note]
    if old:
        print(f"trustnxt: note: trust lists older than 90 days in use: {', '.join(old)}; run `trustnxt trust update` "
              "when online (details: `trustnxt trust status`)", file=sys.stderr)


async def run(args: argparse.Namespace) -> int:
    paths = given_paths(args.paths)
    backend = open_backend(args, parsers_early=True)
    from ..cloud.errors import CloudConfigError, CloudError, CloudQuotaError
    from ..domain.report import Verdict
    from ..engine.untrusted import shared_pool
    from ..services.backends.batch import inspect_batch
    from ..services.files import expand
    from ..services.records.text_report import render
    from ..services.repository.recovery import wants_recovery

    if backend.capabilities.custom_trust:
        _local_trust(args, backend)
        trust = backend.trust()
        if trust is not None and not args.quiet and not args.json:
            _trust_notes(trust, args.no_default_trust)
    else:
        local_only = [flag for flag, given in (("--trust-anchor", args.trust_anchor), ("--no-default-trust",
                      args.no_default_trust), ("--fetch-remote", args.fetch_remote),
                      ("--single-validator", args.single_validator)) if given]
        if local_only:
            await backend.aclose()
            raise UsageError(f"{', '.join(local_only)} work only with --backend local: the TrustNXT service "
                             "uses its own trust lists and validators")
    found = expand(paths)
    progress = Progress(len(found), args.quiet or not args.json)
    service_failures = 0
    if args.reembed and not args.recover:
        await backend.aclose()
        raise UsageError("--reembed needs --recover")
    recovery = _recovery(backend) if args.recover else None

    async def one(path: Path) -> InspectionReport | None:
        nonlocal service_failures
        try:
            return await backend.inspect(path)
        except CloudError as e:
            if isinstance(e, (CloudConfigError, CloudQuotaError)):
                raise  # every other file would fail the same way
            service_failures += 1
            print(visible(f"trustnxt: {path}: {e}"), file=sys.stderr, flush=True)
            return None

    def done(_: int, path: Path, r: InspectionReport | None) -> None:
        progress(f"{r.verdict.value if r else 'failed':<11} {path}")
        if r is not None and not args.json and not (recovery is not None and wants_recovery(r)):
            print(render(r), flush=True)  # one to recover is printed once recovery has searched

    try:
        await backend.ready("inspect")
        results = await inspect_batch(backend, [f.path for f in found], backend.settings.jobs, done, work=one)
        if recovery is not None:
            for i, r in enumerate(results):
                if r is not None and wants_recovery(r):
                    results[i] = r = await asyncio.to_thread(recovery.recover, r)
                    if not args.json:
                        print(render(r), flush=True)
    finally:
        await backend.aclose()
        if recovery is not None:
            for repository in recovery.repositories:
                repository.close()
    reports = [r for r in results if r is not None]
    reembed_failed = bool(args.reembed) and not await _reembed(reports, Path(args.reembed), backend, args.quiet)
    thumbnails_missing = False
    if args.extract_thumbnails:
        # The process-wide pool of isolated parsers, the one the local engine inspects with.
        thumbnails_missing = not _extract_thumbnails(reports, Path(args.extract_thumbnails), shared_pool(),
                                                     backend.trust())
    if args.json:
        print_json(json.dumps([r.to_dict() for r in reports], indent=2, ensure_ascii=False))
    exports_failed = not _write_exports(args, reports)
    failed = (service_failures or thumbnails_missing or exports_failed or reembed_failed
              or any(r.verdict is Verdict.ERROR for r in reports))
    return EXIT_FAILED if failed else EXIT_OK


def _recovery(backend: Backend) -> Recovery:
    """Recovery from the manifest repository on this computer and, when turned on, the remote ones."""
    from ..domain.errors import TrustNXTError
    from ..engine.trust import TrustConfig
    from ..engine.untrusted import shared_pool
    from ..services.account.keyring_store import KeyringSecretStore
    from ..services.paths import data_root
    from ..services.repository.protocol import ManifestRepository
    from ..services.repository.recovery import local_recovery
    from ..services.repository.remote import configured_remotes
    from ..services.repository.sqlite import SqliteRepository

    repositories: list[ManifestRepository] = [SqliteRepository(data_root())]
    try:
        repositories += configured_remotes(backend.settings, KeyringSecretStore())
    except TrustNXTError as e:
        print(visible(f"trustnxt: remote manifest repositories not searched: {e}"), file=sys.stderr, flush=True)
    trust = backend.trust() if backend.capabilities.custom_trust else None
    return local_recovery(repositories, shared_pool(), trust or TrustConfig())


async def _reembed(reports: list[InspectionReport], folder: Path, backend: Backend, quiet: bool) -> bool:
    """A copy carrying the best recovered candidate for each report that has one (services.repository.recovery_service,
    engine.reembed); False when one could not be made (its reason on stderr)."""
    from ..domain.errors import TrustNXTError
    from ..services.account.keyring_store import KeyringSecretStore
    from ..services.derive import DerivedCopies
    from ..services.paths import data_root
    from ..services.repository.recovery_service import RecoveryService

    settings = backend.settings
    secrets = KeyringSecretStore()
    service = RecoveryService(data_root(), lambda: settings, secrets, lambda: None)
    copies = DerivedCopies(data_root(), secrets, lambda: settings)
    complete = True
    try:
        for r in reports:
            if not r.recovered:
                continue
            try:
                made = await service.reembed(r, r.recovered[0], copies, folder)
            except (TrustNXTError, OSError) as e:
                print(visible(f"trustnxt: {r.file.path}: no re-associated copy: {e}"), file=sys.stderr, flush=True)
                complete = False
                continue
            if not quiet:
                print(visible(f"trustnxt: {made}: a copy carrying the recovered credentials, re-associated by "
                              "fingerprint"), file=sys.stderr, flush=True)
    finally:
        service.close()
    return complete


def _write_exports(args: argparse.Namespace, reports: list[InspectionReport]) -> bool:
    """Every export asked for (services.records.export_formats), each written even when another could not
    be; returns False when one could not be (its reason on stderr)."""
    wanted = [(fmt, Path(target)) for fmt in EXPORT_FORMATS if (target := getattr(args, fmt.cli_dest))]
    if not wanted:
        return True
    from ..services.paths import data_root
    from ..services.records.exports import ExportError

    root, complete = data_root(), True
    for fmt, target in wanted:
        try:
            fmt.write(reports, target, root)
        except ExportError as e:
            print(visible(f"trustnxt: {e}"), file=sys.stderr, flush=True)
            complete = False
            continue
        if not args.quiet:
            signature = ""
            if fmt.name == "pdf":  # the report's own signature, read back from the file
                from ..services.records.report_signing import describe_signature

                signature = f" — {describe_signature(target, root)}"
            print(visible(f"trustnxt: {fmt.kind_title} written to {target}{signature}"), file=sys.stderr)
    return complete


def _extract_thumbnails(reports: list[InspectionReport], folder: Path, pool: IsolatedPool,
                        trust: TrustConfig | None) -> bool:
    """Save each manifest thumbnail; returns False when one could not be. The files are untrusted: the
    manifest is parsed in an isolated worker, so a hostile file costs its thumbnail, never the run, and
    nothing is written for it."""
    from ..engine.untrusted import resource_isolated
    from ..runtime.isolation import WorkerFailure

    folder.mkdir(parents=True, exist_ok=True)
    complete = True
    for r in reports:
        if not r.thumbnail:
            continue
        target = folder / f"{Path(r.file.name).stem}.{r.file.sha256[:12]}.thumbnail.jpg"
        if target.exists():
            continue
        try:
            data = resource_isolated(pool, Path(r.file.path), r.thumbnail, trust)
        except (WorkerFailure, RuntimeError) as e:
            reason = f"the parser {e.detail}" if isinstance(e, WorkerFailure) else str(e)
            print(visible(f"trustnxt: {r.file.path}: thumbnail not saved: {reason}"), file=sys.stderr, flush=True)
            complete = False
            continue
        with open(target, "xb") as out:
            out.write(data)
    return complete
