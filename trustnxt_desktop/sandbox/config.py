"""What a sandbox run was started with: accepted keys, limits and the faults to inject."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..cloud import contract
from .tsa import TsaPolicy

KEYS_ENV = "TRUSTNXT_SANDBOX_KEYS"  # comma-separated KEY or KEY:SECRET


def key_id(api_key: str) -> str:
    """What the sandbox stores about a key: a digest, so its data folder never holds a usable key."""
    return hashlib.sha256(api_key.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Account:
    id: str
    secret_digest: str | None  # sha256 of the required secret; None: any or no secret is accepted


@dataclass
class SandboxConfig:
    data_dir: Path
    accounts: dict[str, Account]  # by sha256 of the key
    max_upload_bytes: int = 2048 * 1024 * 1024
    error_rate: float = 0.0  # fraction of API requests answered 503 before any work
    latency_ms: tuple[float, float] = (0.0, 0.0)  # random delay before each API request
    drop_rate: float = 0.0  # fraction of API requests whose connection is closed instead of answered
    rate_limit: float = 0.0  # requests per second per key; 0: no limit
    protect_limit: int | None = None  # billable calls per monthly cycle; None: unlimited
    inspect_limit: int | None = None
    usage_endpoint: bool = True
    seed: int | None = None
    tsa: TsaPolicy = field(default_factory=TsaPolicy)  # which tsa_url values a protect request may name
    body_pause_limit: float = 30.0  # seconds a request body may stall before it is answered 408
    body_time_limit: float = 900.0  # seconds a whole request body may take
    generated_key: str | None = field(default=None, repr=False)  # set when no key was configured


def parse_keys(entries: list[str]) -> dict[str, Account]:
    """Entries are `KEY` or `KEY:SECRET` (keys and secrets never contain a colon)."""
    accounts: dict[str, Account] = {}
    for entry in entries:
        entry = entry.strip()
        if not entry or entry.startswith("#"):
            continue
        key, _, secret = entry.partition(":")
        if not key:
            continue
        digest = hashlib.sha256(key.encode()).hexdigest()
        accounts[digest] = Account(id=key_id(key),
                                   secret_digest=hashlib.sha256(secret.encode()).hexdigest() if secret else None)
    return accounts


def load_keys(environ: Mapping[str, str], keys_file: Path | None) -> tuple[dict[str, Account], str | None]:
    """Accounts from TRUSTNXT_SANDBOX_KEYS and --keys-file; with neither, one generated test key."""
    entries = [e for e in environ.get(KEYS_ENV, "").split(",") if e.strip()]
    if keys_file is not None:
        entries += keys_file.read_text("utf-8").splitlines()
    if entries:
        return parse_keys(entries), None
    generated = f"{contract.KEY_PREFIXES[1]}{secrets.token_hex(16)}"
    return parse_keys([generated]), generated
