"""Make the trust-list snapshot shipped inside the package (trustnxt_desktop/resources/trust/).

With no options the published lists are downloaded from their addresses (the CATALOGUE of
trustnxt_desktop/services/trust/lists.py), or from the mirror in TRUSTNXT_TRUST_BASE_URL as the app
would, and dated today. Without network, give a folder that holds
the published files under their snapshot names (C2PA-TRUST-LIST.pem, C2PA-TSA-TRUST-LIST.pem,
ITL-anchors.pem, ITL-allowed.pem, ITL-store.cfg) and the date each list is of:

    python packaging/make_trust_snapshot.py
    python packaging/make_trust_snapshot.py --from DIR --as-of 2026-08-21 --as-of interim=2025-08-28

Every file is checked as a download would be (PEM certificates that parse, OID lines, size limits).
provenance.json records, per list, its published address, the date of the snapshot, how it was
obtained and each file's sha256, size and entry count; the app reads it and checks the hashes on
every use. Commit the result: it is what a fresh offline installation trusts.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from trustnxt_desktop.domain.errors import ConfigurationError  # noqa: E402
from trustnxt_desktop.services.account.settings import Settings  # noqa: E402
from trustnxt_desktop.services.trust.lists import (  # noqa: E402
    CATALOGUE,
    PROVENANCE_FILE,
    FileRecord,
    ListSpec,
    Snapshot,
    TrustListError,
    combined_sha256,
    download_list,
    mirror_base,
    new_client,
    validate_file,
)

DEFAULT_OUT = ROOT / "trustnxt_desktop" / "resources" / "trust"


def _dates(values: list[str]) -> dict[str, dt.date]:
    """--as-of values: "DATE" for every list, "LIST=DATE" for one (LIST: c2pa, interim, c2pa-tsa)."""
    keys = {spec.key for spec in CATALOGUE}
    found: dict[str, dt.date] = {}
    for value in values:
        key, _, day = value.rpartition("=")
        if key and key not in keys:
            raise SystemExit(f"--as-of {value}: no list {key!r} (lists: {', '.join(sorted(keys))})")
        try:
            when = dt.date.fromisoformat(day)
        except ValueError as e:
            raise SystemExit(f"--as-of {value}: {day!r} is not a date (YYYY-MM-DD)") from e
        for k in ([key] if key else keys):
            if key or k not in found:
                found[k] = when
    missing = keys - found.keys()
    if missing:
        raise SystemExit(f"--as-of gives no date for {', '.join(sorted(missing))}")
    return found


def _from_folder(folder: Path, spec: ListSpec) -> tuple[dict[str, bytes], list[FileRecord]]:
    contents: dict[str, bytes] = {}
    records: list[FileRecord] = []
    for f in spec.files:
        data = (folder / f.name).read_bytes()
        count = validate_file(f, data)
        contents[f.name] = data
        records.append(FileRecord(f.name, f.url, hashlib.sha256(data).hexdigest(), len(data), count))
    return contents, records


async def _download(base: str | None) -> dict[str, tuple[dict[str, bytes], list[FileRecord]]]:
    async with new_client(base) as client:
        return {spec.key: await download_list(client, spec, lambda f: f"{base}/{f.name}" if base else f.url)
                for spec in CATALOGUE}


def write_snapshot(out: Path, lists: dict[str, tuple[dict[str, bytes], list[FileRecord]]],
                   taken: dict[str, dt.datetime], method: str) -> list[Snapshot]:
    """Replace the files in `out` with these lists and their provenance.json; returns the snapshots."""
    out.mkdir(parents=True, exist_ok=True)
    for old in [*out.glob("*.pem"), *out.glob("*.cfg"), out / PROVENANCE_FILE]:
        old.unlink(missing_ok=True)
    snapshots = []
    for spec in CATALOGUE:
        contents, records = lists[spec.key]
        for name, data in contents.items():
            (out / name).write_bytes(data)
        when = taken[spec.key].astimezone(dt.UTC)
        digest = combined_sha256(records)
        snapshots.append(Snapshot(spec.key, f"bundled-{when.date().isoformat()}-{digest[:12]}", when.date().isoformat(),
                                  when.isoformat(timespec="seconds"), digest, records, origin="bundled", path=out))
    provenance = {
        "about": "Trust lists shipped with TrustNXT Desktop: used until a newer snapshot is downloaded. "
                 "Made by packaging/make_trust_snapshot.py; the app checks every sha256 before use.",
        "obtained": method,
        "made_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "lists": [{**s.to_json(), "title": spec.title} for s, spec in zip(snapshots, CATALOGUE, strict=True)],
    }
    (out / PROVENANCE_FILE).write_text(json.dumps(provenance, indent=2) + "\n", "utf-8")
    return snapshots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="folder", type=Path,
                        help="take the published files from this folder instead of downloading them")
    parser.add_argument("--as-of", action="append", default=[], metavar="[LIST=]DATE",
                        help="with --from: the date the files are of, for every list or one (repeatable)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"default: {DEFAULT_OUT.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    try:
        if args.folder is not None:
            dates = _dates(args.as_of)
            lists = {spec.key: _from_folder(args.folder, spec) for spec in CATALOGUE}
            taken = {k: dt.datetime.combine(d, dt.time(), dt.UTC) for k, d in dates.items()}
            method = "copied from a local copy of the published files (--from), dated with --as-of"
        else:
            if args.as_of:
                parser.error("--as-of goes with --from: a download is dated today")
            base = mirror_base(Settings())  # TRUSTNXT_TRUST_BASE_URL, as the app honours it
            lists = asyncio.run(_download(base))
            now = dt.datetime.now(dt.UTC)
            taken = {spec.key: now for spec in CATALOGUE}
            method = f"downloaded from the mirror {base}" if base else "downloaded from the published addresses"
    except (OSError, TrustListError, ConfigurationError) as e:
        print(f"make_trust_snapshot: {e}", file=sys.stderr)
        return 1
    for snap, spec in zip(write_snapshot(args.out, lists, taken, method), CATALOGUE, strict=True):
        print(f"{spec.title} ({snap.date}): {snap.certificates()} certificates, sha256 {snap.sha256}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
