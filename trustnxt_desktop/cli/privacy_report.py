"""`trustnxt protect --check-privacy PATH...`: what each protected copy would reveal, and what the chosen
--location / --strip-serials do to it, per file and for the batch. Protects nothing."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..domain.privacy import Fate, FileInventory, PrivacyChoices, summarise
from ..domain.protect import ProtectOptions
from .common import EXIT_FAILED, EXIT_OK
from .terminal import print_json, visible

_FATE_WORDS = {Fate.KEPT: "kept", Fate.COARSENED: "-> city", Fate.REMOVED: "removed"}


async def check_privacy(args: argparse.Namespace, paths: list[Path],
                        options_of: Callable[[argparse.Namespace, Any], ProtectOptions]) -> int:
    from ..services.account.settings import SettingsStore
    from ..services.files import expand
    from ..services.paths import data_root
    from ..services.privacy_check import check_files

    settings = SettingsStore(data_root()).load()
    choices = options_of(args, settings).privacy
    found = expand(paths, skip_protected_copies=True)
    inventories = await check_files([f.path for f in found], settings)
    if args.json:
        print_json(json.dumps({"choices": {"location": choices.location.value, "strip_serials": choices.strip_serials},
                               "files": [_json(inv, choices) for inv in inventories]}, indent=2, ensure_ascii=False))
    else:
        for inv in inventories:
            _print(inv, choices)
        print(summarise(inventories).sentence())
    return EXIT_FAILED if any(inv.error for inv in inventories) else EXIT_OK


def _json(inv: FileInventory, choices: PrivacyChoices) -> dict[str, object]:
    plain = inv.to_dict()
    plain["fields"] = [{**f.to_dict(), "fate": choices.fate(f.kind, f.where).value} for f in inv.fields]
    return plain


def _print(inv: FileInventory, choices: PrivacyChoices) -> None:
    print(visible(inv.path))
    if inv.error:
        print(visible(f"  could not be read: {inv.error}"))
        return
    for f in inv.fields:
        fate = choices.fate(f.kind, f.where)
        print(visible(f"  {f.kind.label:<22} {f.where.label:<20} {f.name}: {f.value}  [{_FATE_WORDS[fate]}]"))
    if not inv.rewritable and any(fate is not Fate.KEPT for _, fate in inv.affected(choices)):
        print("  this format's metadata cannot be rewritten here: protecting it with these choices fails",
              file=sys.stderr)
