"""Files whose names and manifest strings carry terminal escape codes, bidirectional overrides and
zero-width characters: what a sender would use to make an invalid file look valid on screen."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.c2pa_signing import manifest, sign
from tests.certs import TestCA
from tests.conftest import CORPUS

# An invalid file (claimSignature.mismatch) named to print as a green "valid — trusted" line, then wipe
# the rest of the line; U+202E turns the tail around ("gpj.exe" shows as "exe.jpg").
INVALID = CORPUS / "c2pa" / "adobe-20220124-E-sig-CA.jpg"
ATTACK_NAME = "\x1b[32mvalid \u2014 trusted\x1b[0m\x1b[K\u202egpj.exe.jpg"
# What people must see instead: every hidden character as its escape.
ATTACK_SHOWN = "\\x1b[32mvalid \u2014 trusted\\x1b[0m\\x1b[K\\u202egpj.exe.jpg"
# Characters that must never reach a terminal, a PDF's text or a widget from file data.
HIDDEN = ("\x1b", "\u202e", "\u200b", "\x07", "\r")

# Strings a signer controls, carried in a valid manifest.
GENERATOR = "\x1b[31mEvilCam\x1b[0m"
AUTHOR = "Mallory\x1b]0;owned\x07 \u200btrusted"
SIGNER = "Mallory \u202eReuters"
MARKUP = "<b>Reuters</b><img src='https://tracker.example/p.png'>"  # for places that guess at rich text


def invalid_file_with_attack_name(folder: Path) -> Path:
    """A copy of an invalid corpus file under ATTACK_NAME, in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / ATTACK_NAME
    shutil.copy(INVALID, target)
    return target


def signed_with_hostile_strings(folder: Path, ca: TestCA | None = None, signer: str = SIGNER) -> Path:
    """A JPEG with a manifest whose claim generator, author and signer name carry escape codes."""
    definition = manifest()
    definition["claim_generator_info"] = [{"name": GENERATOR, "version": "1.0"}]
    definition["assertions"].append({"label": "stds.schema-org.CreativeWork",
                                     "data": {"@context": "https://schema.org", "@type": "CreativeWork",
                                              "author": [{"@type": "Person", "name": AUTHOR}]}})
    signed, _ = sign(CORPUS / "media" / "no_manifest.jpg", definition, (ca or TestCA()).issue(signer))
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "hostile-strings.jpg"
    target.write_bytes(signed)
    return target
