"""TrustNXT's own validator, @trustnxt/c2pa-ts 0.9.4 (TypeScript, run with node), for tests that a third
implementation reads and validates what the app writes.

It is installed from npm on first use into a cache folder outside the repository (the system's temporary
folder, `trustnxt-tests-c2pa-ts-<version>`) and reused; a test is skipped with the reason when node or npm is
missing or npm cannot fetch the package (no network). c2pa-ts checks hard bindings, hashed URIs and claim
signatures; it builds no chain of trust, and reads a CAWG identity assertion as an assertion it does not know
(its hashed URI is still checked).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

VERSION = "0.9.4"
_PACKAGE = {"name": "c2pa-ts-check", "private": True, "type": "module",
            "dependencies": {"@trustnxt/c2pa-ts": f"^{VERSION}"}}
_SCRIPT = """
import * as fs from 'node:fs/promises';
import { BMFF, JPEG, PNG } from '@trustnxt/c2pa-ts/asset';
import { SuperBox } from '@trustnxt/c2pa-ts/jumbf';
import { ManifestStore, ValidationResult } from '@trustnxt/c2pa-ts/manifest';

const buf = new Uint8Array(await fs.readFile(process.argv[2]));
let asset;
if (JPEG.canRead(buf)) asset = new JPEG(buf);
else if (PNG.canRead(buf)) asset = new PNG(buf);
else if (BMFF.canRead(buf)) asset = new BMFF(buf);
else { console.log(JSON.stringify({ readable: false })); process.exit(0); }
const jumbf = asset.getManifestJUMBF();
if (!jumbf) { console.log(JSON.stringify({ readable: true, manifests: 0 })); process.exit(0); }
let result, store;
try {
  store = ManifestStore.read(SuperBox.fromBuffer(jumbf));
  result = await store.validate(asset);
} catch (e) {
  result = ValidationResult.fromError(e);
}
const active = store?.getActiveManifest();
const actions = [];
const ingredients = [];
for (const a of active?.assertions?.assertions ?? []) {
  if (Array.isArray(a.actions)) for (const x of a.actions) actions.push(x.action);
  if (a.relationship) ingredients.push({ relationship: a.relationship, title: a.title ?? null });
}
console.log(JSON.stringify({
  readable: true, manifests: store?.manifests.length ?? 0, valid: result.isValid,
  codes: result.statusEntries.map(e => ({ code: e.code, success: e.success ?? null, url: e.url ?? null })),
  actions, ingredients,
}));
"""


@dataclass
class Verdict:
    """What c2pa-ts said about a file: whether it could read it, how many manifests, whether the active one
    validates, its status codes ({code, success, url}), the active manifest's actions and ingredients."""

    readable: bool
    manifests: int = 0
    valid: bool = False
    codes: list[dict[str, Any]] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    ingredients: list[dict[str, Any]] = field(default_factory=list)

    def failures(self) -> list[str]:
        return [str(c["code"]) for c in self.codes if c.get("success") is False]


def folder() -> Path:
    """The folder with node_modules/@trustnxt/c2pa-ts and the check script, installed on first use."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed to run c2pa-ts")
    where = Path(tempfile.gettempdir()) / f"trustnxt-tests-c2pa-ts-{VERSION}"
    if not (where / "node_modules" / "@trustnxt" / "c2pa-ts" / "package.json").is_file():
        where.mkdir(mode=0o700, exist_ok=True)
        (where / "package.json").write_text(json.dumps(_PACKAGE, separators=(",", ":")))
        done = subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=where, capture_output=True,
                              text=True, timeout=300)
        if done.returncode != 0:
            pytest.skip(f"npm could not install @trustnxt/c2pa-ts {VERSION} (no network?): {done.stderr[-300:]}")
    (where / "check.mjs").write_text(_SCRIPT)
    return where


def validate(path: Path) -> Verdict:
    """c2pa-ts's reading and validation of the file's active manifest."""
    done = subprocess.run(["node", "check.mjs", str(path)], cwd=folder(), capture_output=True, text=True,
                          timeout=120, check=True)
    answer: dict[str, Any] = json.loads(done.stdout)
    return Verdict(readable=bool(answer.get("readable")), manifests=int(answer.get("manifests") or 0),
                   valid=bool(answer.get("valid")), codes=list(answer.get("codes") or []),
                   actions=list(answer.get("actions") or []), ingredients=list(answer.get("ingredients") or []))
