"""`trustnxt repository serve | remote`: share a manifest repository over the C2PA Soft Binding Resolution API,
and choose the remote repositories that recovery at inspect may ask."""

from __future__ import annotations

import argparse
import os
import sys

from .common import EXIT_OK, Parser, UsageError

DATABASE_ENV = "TRUSTNXT_REPOSITORY_DATABASE"  # the database URL without putting its password on a command line
READY_LINE = "TrustNXT manifest repository listening on"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rp = sub.add_parser("repository", help="the manifest repository: serve it to others, or ask remote ones")
    rs = rp.add_subparsers(dest="repository_cmd", required=True, parser_class=Parser)
    serve = rs.add_parser(
        "serve", help="serve a manifest repository over the C2PA Soft Binding Resolution API until Ctrl+C",
        description="Answers supported algorithms, matches by binding, matches by content and manifests by id "
                    "under /v1 at the address. Plain http: put it behind a TLS proxy to serve beyond this network.")
    serve.add_argument("--address", required=True, metavar="HOST:PORT",
                       help="where to listen, e.g. 127.0.0.1:8790 (port 0 picks a free one)")
    keys = serve.add_mutually_exclusive_group(required=True)
    keys.add_argument("--api-key-file", metavar="FILE",
                      help="accepted API keys (X-API-Key), one per line; # starts a comment")
    keys.add_argument("--no-api-key", action="store_true", help="serve to anyone who can reach the address")
    serve.add_argument("--database", metavar="URL",
                       help="postgresql://user:password@host:port/db (or $" + DATABASE_ENV + "); default: this "
                            "computer's repository in the TrustNXT data folder")
    serve.add_argument("--max-upload-mb", type=int, default=64, help="largest picture matched by content (64)")
    remote = rs.add_parser("remote", help="remote repositories that recovery may ask (off until turned on)")
    rr = remote.add_subparsers(dest="remote_cmd", required=True, parser_class=Parser)
    add = rr.add_parser("add", help="add a repository; its API key is asked for and kept in the OS keyring")
    add.add_argument("url", help="the API's address, e.g. https://repository.example/v1")
    add.add_argument("--no-api-key", action="store_true", help="the repository needs no key")
    drop = rr.add_parser("remove", help="forget a repository and its key")
    drop.add_argument("url")
    rr.add_parser("list", help="the configured repositories and whether they are asked")
    rr.add_parser("on", help="let recovery ask the configured repositories (sends fingerprints, never files)")
    rr.add_parser("off", help="recovery asks only this computer's repository")
    rp.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.repository_cmd == "serve":
        return _serve(args)
    return _remote(args)


def _address(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise UsageError(f"--address {text!r} is not HOST:PORT")
    return host, int(port)


def _serve(args: argparse.Namespace) -> int:
    from pathlib import Path

    import uvicorn

    from ..domain.errors import ConfigurationError
    from ..engine.untrusted import fingerprint_isolated, shared_pool
    from ..services.repository.api import ApiKeys, RepositoryService, create_app
    from ..services.repository.protocol import ManifestRepository, RepositoryError

    host, port = _address(args.address)
    keys = None
    if args.api_key_file:
        try:
            keys = ApiKeys.from_file(Path(args.api_key_file))
        except OSError as e:
            raise UsageError(f"cannot read the API key file: {e.strerror or e}") from None
        except ValueError:
            raise UsageError(f"{args.api_key_file} holds no API key") from None
    if args.max_upload_mb < 1:
        raise UsageError("--max-upload-mb must be at least 1")
    database = args.database or os.environ.get(DATABASE_ENV, "")
    repository: ManifestRepository
    if database:
        if not database.startswith(("postgresql://", "postgres://")):
            raise UsageError("--database takes a postgresql://… address")
        from ..services.repository.postgres import PostgresRepository

        try:
            repository = PostgresRepository(database)
        except RepositoryError as e:
            raise ConfigurationError(str(e)) from None
    else:
        from ..services.paths import data_root
        from ..services.repository.sqlite import SqliteRepository

        repository = SqliteRepository(data_root())
    pool = shared_pool()
    service = RepositoryService(repository, keys, lambda path: fingerprint_isolated(pool, path, True),
                                max_upload_bytes=args.max_upload_mb * 1024 * 1024)
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as e:
        sock.close()
        repository.close()
        raise ConfigurationError(f"cannot listen on {args.address}: {e.strerror or e}") from None
    bound_host, bound_port = sock.getsockname()[:2]
    url = f"http://[{bound_host}]:{bound_port}/v1" if ":" in bound_host else f"http://{bound_host}:{bound_port}/v1"
    print(f"{READY_LINE} {url} ({repository.name}, {repository.count()} records; "
          f"{'API key required' if keys else 'open to anyone who can reach it'})", flush=True)
    # Access logs are off: a query's fingerprint says what someone looked for.
    server = uvicorn.Server(uvicorn.Config(create_app(service), log_level="warning", access_log=False,
                                           server_header=False, lifespan="off"))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        repository.close()
    return EXIT_OK


def _remote(args: argparse.Namespace) -> int:
    from ..cloud.client import check_base_url
    from ..services.account.keyring_store import KeyringSecretStore
    from ..services.account.settings import SettingsStore
    from ..services.paths import data_root
    from ..services.repository.remote import key_name

    store = SettingsStore(data_root())
    settings = store.load()
    secrets = KeyringSecretStore()
    if args.remote_cmd == "list":
        state = "asked during recovery" if settings.remote_repositories else "not asked (trustnxt repository remote on)"
        print(f"Remote repositories: {state}")
        for url in settings.remote_repository_urls:
            print(f"  {url}  key: {'in the keyring' if secrets.get(key_name(url)) else 'none'}")
        return EXIT_OK
    if args.remote_cmd in ("on", "off"):
        settings.remote_repositories = args.remote_cmd == "on"
        store.save(settings)
        print(f"Remote repositories are {'asked' if settings.remote_repositories else 'not asked'} during recovery.")
        return EXIT_OK
    url = check_base_url(args.url)
    urls = [u for u in settings.remote_repository_urls if u.rstrip("/") != url]
    if args.remote_cmd == "remove":
        secrets.delete(key_name(url))
        settings.remote_repository_urls = urls
        store.save(settings)
        print(f"Removed {url}")
        return EXIT_OK
    if not args.no_api_key:
        import getpass

        key = getpass.getpass(f"API key for {url}: ") if sys.stdin.isatty() else sys.stdin.readline()
        if not key.strip():
            raise UsageError("no API key given (use --no-api-key for an open repository)")
        secrets.set(key_name(url), key.strip())
    settings.remote_repository_urls = [*urls, url]
    store.save(settings)
    print(f"Added {url}" + ("" if settings.remote_repositories else
                            "; recovery asks it once remote repositories are on (trustnxt repository remote on)"))
    return EXIT_OK
