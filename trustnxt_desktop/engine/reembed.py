"""Re-embed: a signed copy of a received file that carries Content Credentials recovered by fingerprint (services/
repository/recovery.py), never pretending they were embedded in the file received.

The copy's manifest (signed with the person's own identity) records:
- the received file as its `parentOf` ingredient, by title and format only (its bytes are what was received; any
  broken manifest in it is not parsed here), with the action `c2pa.opened`;
- the recovered manifest store as a `componentOf` ingredient (C2PA 2.1 ingredient v3: `relationship`, `description`,
  `activeManifest`, `validationResults`) whose description says how it was found, with the custom action
  `com.trustnxt.reassociated` (domain.actions.REASSOCIATED) naming it and saying "re-associated by fingerprint".
The recovered store is read by c2pa-rs alone in an isolated worker first; its validation results, without the
hard-binding failure any store checked without its media has, become the ingredient's.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from pathlib import Path
from typing import Any

from .. import APP_NAME, __version__
from ..domain.actions import OPENED, REASSOCIATED
from ..domain.errors import ProtectError
from ..domain.regular_files import open_regular, problem_sentence
from ..runtime import atomic as output
from ..runtime.isolation import IsolatedPool
from .c2pa_loader import c2pa
from .formats import c2pa_name, can_protect
from .identity import SigningIdentity
from .manifest import parent_ingredient
from .media import extension_for, sniff

SUFFIX = ".reassociated"
RECOVERED_LABEL = "recovered"


def reembed(received: Path, manifest_store: bytes, identity: SigningIdentity, out_dir: Path, how_found: str,
            pool: IsolatedPool, tsa_url: str | None = None) -> Path:
    """Write `received`'s copy carrying `manifest_store` as a re-associated ingredient into `out_dir` as
    `<name>.reassociated<ext>` (never overwriting; the first free name), and return it. `how_found`: a sentence on
    the match (repository, distance, what it means), written into the ingredient's description. Raises
    ProtectError for a file that cannot carry credentials or a store c2pa-rs cannot read, OSError for I/O."""
    problem = problem_sentence(received)
    if problem:
        raise ProtectError(problem)
    media_type = sniff(received)
    if media_type is None or not can_protect(media_type):
        raise ProtectError("This kind of file cannot carry Content Credentials.")
    found = _store_results(manifest_store, pool)
    if found is None:
        raise ProtectError("The recovered credentials could not be read.")
    when = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    agent = {"name": APP_NAME, "version": __version__}
    description = ("Content Credentials re-associated by fingerprint: they were not embedded in the file received; "
                   f"they were found because its picture looks like the one they were signed for. {how_found}")
    manifest: dict[str, Any] = {
        "claim_generator_info": [agent], "title": received.name, "format": media_type,
        "ingredients": [parent_ingredient(received.name, media_type),
                        {"title": f"Recovered Content Credentials ({found['label']})", "format": "application/c2pa",
                         "relationship": "componentOf", "label": RECOVERED_LABEL, "description": description,
                         "active_manifest": found["label"], "validation_results": found["validation_results"],
                         "manifest_data": {"format": "application/c2pa", "identifier": "recovered.c2pa"}}],
        "assertions": [{"label": "c2pa.actions.v2", "data": {"actions": [
            {"action": OPENED, "when": when, "softwareAgent": agent,
             "parameters": {"ingredientIds": [parent_ingredient("", media_type)["label"]]}},
            {"action": REASSOCIATED, "when": when, "softwareAgent": agent,
             "description": "re-associated by fingerprint: " + how_found,
             "parameters": {"ingredientIds": [RECOVERED_LABEL]}}]}}],
    }
    builder = c2pa.Builder(manifest, context=c2pa.Context.from_dict(
        {"builder": {"thumbnail": {"enabled": False}}, "verify": {"remote_manifest_fetch": False}}))
    builder.add_resource("recovered.c2pa", io.BytesIO(manifest_store))
    extension = extension_for(media_type) or received.suffix
    with open_regular(received) as src, output.atomic_output(out_dir, received.name) as (tmp_file, tmp_path):
        try:
            builder.sign(identity.c2pa_signer(tsa_url), c2pa_name(media_type), src, tmp_file)
        except c2pa.C2paError as e:
            raise ProtectError(f"The copy could not be signed: {e}") from e
        output.finish(tmp_file)
        return output.publish(tmp_path, output.candidate_paths(received, out_dir, SUFFIX, extension))


def _store_results(manifest_store: bytes, pool: IsolatedPool) -> dict[str, Any] | None:
    fd, name = tempfile.mkstemp(suffix=".c2pa", prefix="trustnxt-recovered-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(manifest_store)
        found: dict[str, Any] | None = pool.call("store_results", name, seconds=60.0)
        return found
    finally:
        os.unlink(name)
