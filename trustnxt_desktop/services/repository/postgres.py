"""The manifest repository in PostgreSQL, for a newsroom whose repository outgrew one computer
(`trustnxt repository serve --database postgresql://…`).

Tables (schema by MIGRATIONS, recorded in `trustnxt_schema`):
- `manifests`: one row per manifest store, keyed by its manifest id (C2PA 2.2 §8.3 URN).
- one table per fingerprint algorithm (`TABLES`): the code as a bit string and its 16-bit bands, each band with
  its own btree index (services/repository/hamming_bands.py). A query probes the bands, and PostgreSQL checks every
  candidate's exact Hamming distance with `bit_count(code # query)` (PostgreSQL ≥ 14).

A record and its fingerprints are written in one transaction: a client killed half-way leaves no half record.
Every call takes a connection from a pool, so one repository object serves many threads (the API server's).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ...domain.soft_binding import BITS, Fingerprint
from .hamming_bands import LAYOUTS, bands, probes
from .protocol import RepositoryError, RepositoryMatch, RepositoryRecord, StoredManifest

TABLES = {algorithm: f"codes_{n}" for n, algorithm in enumerate(LAYOUTS)}  # fixed names: never from input
_LOCK_KEY = 0x7452_5350  # pg_advisory_xact_lock key: one process migrates at a time


def _codes_table(table: str, n_bands: int) -> list[str]:
    columns = ", ".join(f"b{i} integer NOT NULL" for i in range(n_bands))
    return [f"CREATE TABLE {table} (manifest_id text PRIMARY KEY REFERENCES manifests ON DELETE CASCADE, "
            f"code bit varying NOT NULL, {columns})",
            *(f"CREATE INDEX {table}_b{i} ON {table} (b{i})" for i in range(n_bands))]


# MIGRATIONS[n] brings a version-n database to version n+1, in one transaction each.
MIGRATIONS: list[list[str]] = [
    ["CREATE TABLE manifests (manifest_id text PRIMARY KEY, manifest_store bytea NOT NULL, media_type text NOT "
     "NULL, origin text NOT NULL, added_at text NOT NULL, title text, thumbnail bytea, thumbnail_type text)",
     *(statement for algorithm, table in TABLES.items()
       for statement in _codes_table(table, LAYOUTS[algorithm].bands))],
]
SCHEMA = len(MIGRATIONS)


def public_address(url: str) -> str:
    """The database URL without its password (and user), fit to show and log."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _bit_string(code: bytes) -> str:
    return "".join(f"{byte:08b}" for byte in code)


class PostgresRepository:
    """A ManifestRepository (services/repository/protocol.py) in a PostgreSQL database at `url`
    (`postgresql://user:password@host:port/database`). Opening migrates the schema. Raises RepositoryError when
    the server cannot be reached or refuses the login; its message names the address, never the password."""

    def __init__(self, url: str, *, max_connections: int = 10, timeout: float = 10.0) -> None:
        import psycopg_pool

        self._address = public_address(url)
        self._pool = psycopg_pool.ConnectionPool(url, min_size=1, max_size=max_connections, timeout=timeout,
                                                 open=False, name="trustnxt-repository")
        try:
            self._pool.open(wait=True, timeout=timeout)
        except psycopg_pool.PoolTimeout as e:
            self._pool.close()
            raise RepositoryError(f"The PostgreSQL database at {self._address} could not be reached or refused the "
                                  f"login within {timeout:.0f} s.") from e
        try:
            self._migrate()
        except BaseException:
            self._pool.close()
            raise

    @property
    def name(self) -> str:
        return self._address

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        import psycopg

        try:
            with self._pool.connection() as conn, conn.transaction():
                yield conn
        except psycopg.OperationalError as e:
            raise RepositoryError(f"The PostgreSQL database at {self._address} failed: "
                                  f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}") from e

    def schema(self) -> int:
        """The database's schema version (SCHEMA once opened)."""
        with self._transaction() as conn:
            row = conn.execute("SELECT max(version) FROM trustnxt_schema").fetchone()
        return int(row[0] or 0)

    def _migrate(self) -> None:
        with self._transaction() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
            conn.execute("CREATE TABLE IF NOT EXISTS trustnxt_schema (version integer PRIMARY KEY, "
                         "applied_at timestamptz NOT NULL DEFAULT now())")
            row = conn.execute("SELECT max(version) FROM trustnxt_schema").fetchone()
            version = int(row[0] or 0)
            if version > SCHEMA:
                raise RepositoryError(f"The database at {self._address} was made by a newer version of TrustNXT "
                                      f"(schema {version}; this one knows {SCHEMA}): it is left as it is.")
            for n in range(version, SCHEMA):
                for statement in MIGRATIONS[n]:
                    conn.execute(statement)
                conn.execute("INSERT INTO trustnxt_schema (version) VALUES (%s)", (n + 1,))

    def algorithms(self) -> tuple[str, ...]:
        return tuple(TABLES)

    def add(self, record: RepositoryRecord) -> bool:
        codes = [f for f in record.fingerprints if f.algorithm in TABLES and len(f.bits) * 8 == BITS[f.algorithm]]
        with self._transaction() as conn:
            inserted = conn.execute(
                "INSERT INTO manifests (manifest_id, manifest_store, media_type, origin, added_at, title, thumbnail, "
                "thumbnail_type) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (manifest_id) DO NOTHING "
                "RETURNING manifest_id",
                (record.manifest_id, record.manifest_store, record.media_type, record.origin, record.added_at,
                 record.title, record.thumbnail, record.thumbnail_type)).fetchone()
            if inserted is None:
                return False
            for fingerprint in codes:
                table, values = TABLES[fingerprint.algorithm], bands(fingerprint.bits)
                names = ", ".join(f"b{i}" for i in range(len(values)))
                marks = ", ".join(["%s"] * len(values))
                conn.execute(f"INSERT INTO {table} (manifest_id, code, {names}) VALUES (%s, %s::varbit, {marks})",
                             (record.manifest_id, _bit_string(fingerprint.bits), *values))
        return True

    def nearest(self, algorithm: str, code: bytes, max_distance: int, limit: int = 10) -> list[RepositoryMatch]:
        table, layout = TABLES.get(algorithm), LAYOUTS.get(algorithm)
        if table is None or layout is None or len(code) * 8 != BITS[algorithm] or limit < 1:
            return []
        radius = layout.radius_for(max_distance)
        query = [probes(value, radius) for value in bands(code)]
        where = " OR ".join(f"b{i} = ANY(%s)" for i in range(len(query)))
        with self._transaction() as conn:
            rows = conn.execute(
                f"SELECT manifest_id, d FROM (SELECT manifest_id, bit_count(code # %s::varbit) AS d FROM {table} "
                f"WHERE {where}) AS candidates WHERE d <= %s ORDER BY d, manifest_id LIMIT %s",
                (_bit_string(code), *query, max_distance, limit)).fetchall()
        return [RepositoryMatch(str(manifest_id), algorithm, int(d)) for manifest_id, d in rows]

    def manifest(self, manifest_id: str) -> StoredManifest | None:
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT manifest_id, manifest_store, media_type, origin, added_at, title, thumbnail, thumbnail_type "
                "FROM manifests WHERE manifest_id = %s", (manifest_id,)).fetchone()
            if row is None:
                return None
            prints = []
            for algorithm, table in TABLES.items():
                code = conn.execute(f"SELECT code FROM {table} WHERE manifest_id = %s", (manifest_id,)).fetchone()
                if code is not None:
                    prints.append(Fingerprint(algorithm, int(code[0], 2).to_bytes(BITS[algorithm] // 8, "big")))
        return StoredManifest(manifest_id=row[0], manifest_store=bytes(row[1]), media_type=row[2], origin=row[3],
                              added_at=row[4], title=row[5], thumbnail=bytes(row[6]) if row[6] is not None else None,
                              thumbnail_type=row[7], fingerprints=tuple(prints))

    def count(self) -> int:
        with self._transaction() as conn:
            row = conn.execute("SELECT count(*) FROM manifests").fetchone()
        return int(row[0])

    def close(self) -> None:
        self._pool.close()
