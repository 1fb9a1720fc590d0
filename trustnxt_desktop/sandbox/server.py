"""`trustnxt-sandbox`: a TrustNXT-compatible API server on this machine, for tests, demos and integrators.

It serves the modelled contract of cloud/contract.py with the local engine and a throwaway signing
identity made at every start. Plain http, loopback by default: it is not a production service.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path

import uvicorn

from .app import create_app
from .config import SandboxConfig, load_keys
from .connections import guarded_h11
from .tsa import DEFAULT_TSA_URLS, TsaPolicy, TsaRefused

READY_LINE = "TrustNXT sandbox listening on"
HEAD_MAX_BYTES = 16 * 1024  # a request line and headers larger than this are refused (h11's limit)


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("give a fraction between 0 and 1")
    return value


def _latency(text: str) -> tuple[float, float]:
    """`200` or `50-300` (milliseconds)."""
    low, _, high = text.partition("-")
    try:
        lo, hi = float(low), float(high or low)
    except ValueError:
        raise argparse.ArgumentTypeError("give milliseconds as N or MIN-MAX") from None
    if lo < 0 or hi < lo:
        raise argparse.ArgumentTypeError("give milliseconds as N or MIN-MAX with 0 <= MIN <= MAX")
    return lo, hi


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="trustnxt-sandbox",
        description="A local TrustNXT-compatible API (protect, inspect, usage) built on the offline engine. "
                    "For tests and demos: plain http, a throwaway signing identity, loopback by default.",
        epilog="API keys: TRUSTNXT_SANDBOX_KEYS=KEY[:SECRET],... or --keys-file (one KEY or KEY:SECRET per line). "
               "With neither, a test key is generated and printed.")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8787, help="port; 0 picks a free one (default 8787)")
    p.add_argument("--data", type=Path, help="folder for uploads, answers and usage (default: a temp folder "
                                                 "deleted on exit)")
    p.add_argument("--keys-file", type=Path, help="accepted API keys, one KEY or KEY:SECRET per line")
    p.add_argument("--max-upload-mb", type=_positive, default=2048, help="largest accepted file (default 2048)")
    p.add_argument("--protect-limit", type=int, help="billable protect calls per key and month (default unlimited)")
    p.add_argument("--inspect-limit", type=int, help="billable inspect calls per key and month (default unlimited)")
    p.add_argument("--no-usage-endpoint", action="store_true", help="behave like a service without GET /v1/usage")
    tsa = p.add_argument_group("time-stamp authorities a protect request may name (tsa_url)")
    tsa.add_argument("--tsa-allow", action="append", metavar="URL",
                     help="allow this RFC 3161 time-stamp authority (repeatable; replaces the default list: "
                          f"{', '.join(DEFAULT_TSA_URLS)})")
    tsa.add_argument("--allow-private-tsa", action="store_true",
                     help="for tests: also call an allowed authority whose name resolves to a loopback or private "
                          "address (refused by default)")
    slow = p.add_argument_group("slow and idle clients")
    slow.add_argument("--header-timeout", type=_positive, default=10.0, metavar="S",
                      help="seconds a request line and headers may take to arrive (default 10)")
    slow.add_argument("--body-pause-limit", type=_positive, default=30.0, metavar="S",
                      help="seconds a request body may stall before it is answered 408 (default 30)")
    slow.add_argument("--body-time-limit", type=_positive, default=900.0, metavar="S",
                      help="seconds a whole request body may take (default 900)")
    slow.add_argument("--linger", type=_positive, default=30.0, metavar="S",
                      help="seconds the rest of a body answered early (an error) is read and dropped before the "
                           "connection is closed (default 30)")
    slow.add_argument("--keep-alive", type=_positive, default=5.0, metavar="S",
                      help="seconds an idle connection is kept open between requests (default 5)")
    slow.add_argument("--max-connections", type=int, default=64, metavar="N",
                      help="open connections served at once; a request on one more is answered 503 (default 64)")
    faults = p.add_argument_group("fault injection (API endpoints only)")
    faults.add_argument("--error-rate", type=_fraction, default=0.0, help="fraction answered 503 before any work")
    faults.add_argument("--latency", type=_latency, default=(0.0, 0.0), metavar="MS[-MS]",
                        help="random delay before each request, in milliseconds")
    faults.add_argument("--drop-rate", type=_fraction, default=0.0,
                        help="fraction whose connection is closed without an answer (after the work)")
    faults.add_argument("--rate-limit", type=float, default=0.0, metavar="N",
                        help="requests per second per key; more get 429 with Retry-After")
    faults.add_argument("--seed", type=int, help="random seed, for reproducible faults")
    p.add_argument("--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"])
    return p


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        tsa = TsaPolicy.of(args.tsa_allow, args.allow_private_tsa)
    except TsaRefused as e:
        print(f"trustnxt-sandbox: --tsa-allow: {e}", file=sys.stderr)
        return 2
    if args.max_connections < 1:
        print("trustnxt-sandbox: --max-connections must be at least 1", file=sys.stderr)
        return 2
    try:
        accounts, generated = load_keys(os.environ, args.keys_file)
    except OSError as e:
        print(f"trustnxt-sandbox: cannot read the keys file: {e.strerror or e}", file=sys.stderr)
        return 2
    temp_data = args.data is None
    data_dir = Path(tempfile.mkdtemp(prefix="trustnxt-sandbox-")) if temp_data else args.data
    data_dir.mkdir(parents=True, exist_ok=True)
    config = SandboxConfig(
        data_dir=data_dir, accounts=accounts, max_upload_bytes=int(args.max_upload_mb * 1024 * 1024),
        error_rate=args.error_rate, latency_ms=args.latency, drop_rate=args.drop_rate, rate_limit=args.rate_limit,
        protect_limit=args.protect_limit, inspect_limit=args.inspect_limit,
        usage_endpoint=not args.no_usage_endpoint, seed=args.seed, generated_key=generated, tsa=tsa,
        body_pause_limit=args.body_pause_limit, body_time_limit=args.body_time_limit)
    try:
        sock = _bind(args.host, args.port)
    except OSError as e:
        print(f"trustnxt-sandbox: cannot listen on {args.host}:{args.port}: {e.strerror or e}", file=sys.stderr)
        return 2
    host, port = sock.getsockname()[:2]
    url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def ready() -> None:
        print(f"{READY_LINE} {url}", flush=True)
        if generated:
            print(f"No API keys configured; accepting the generated test key {generated}", flush=True)
        if args.host not in ("127.0.0.1", "::1", "localhost"):
            print("Warning: not bound to loopback. This is an unencrypted test server: anyone who can reach "
                  "this address can use it.", file=sys.stderr, flush=True)

    # uvicorn counts the connection a request arrives on among the open ones: N + 1 serves N at once.
    server = uvicorn.Server(uvicorn.Config(
        create_app(config, on_ready=ready), log_level=args.log_level, lifespan="on", timeout_graceful_shutdown=3,
        server_header=False, http=guarded_h11(args.header_timeout, args.linger),
        h11_max_incomplete_event_size=HEAD_MAX_BYTES,
        timeout_keep_alive=args.keep_alive, limit_concurrency=args.max_connections + 1))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        if temp_data:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
