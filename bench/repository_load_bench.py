"""Load test of the PostgreSQL manifest repository: N records (default 1,000,000) with random PDQ and ISCC codes,
then C concurrent clients (default 20) each making lookups as recovery does (PDQ within 90 bits and ISCC within
10 bits of one query), median and p99 latency; and the recall of planted near copies at known distances.

Runs a throwaway PostgreSQL from Debian's package (tests/postgres_server.py). Usage:
    bench/run bench/repository_load_bench.py [--records 1000000] [--clients 20] [--lookups 50]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import threading
import time
from typing import Any

import numpy as np
import psycopg

from tests.postgres_server import running_postgres
from trustnxt_desktop.domain.soft_binding import ISCC_IMAGE, PDQ, SEARCH_RADIUS
from trustnxt_desktop.services.repository.postgres import TABLES, PostgresRepository

PLANTED_DISTANCES = (8, 16, 24, 31, 40, 48)
PLANTED_PER_DISTANCE = 100


def _codes(rng: np.random.Generator, n: int, nbytes: int) -> np.ndarray:
    return rng.integers(0, 256, size=(n, nbytes), dtype=np.uint8)


def _copy_codes(cursor: psycopg.Cursor[Any], table: str, ids: list[str], codes: np.ndarray) -> None:
    bands = codes.view(">u2").astype(np.int64)  # 16-bit big-endian bands
    bits = np.unpackbits(codes, axis=1)
    names = ", ".join(f"b{i}" for i in range(bands.shape[1]))
    with cursor.copy(f"COPY {table} (manifest_id, code, {names}) FROM STDIN") as copy:
        for i, manifest_id in enumerate(ids):
            copy.write_row((manifest_id, "".join("1" if b else "0" for b in bits[i]), *bands[i].tolist()))


def load(url: str, n: int, seed: int) -> tuple[np.ndarray, np.ndarray, float]:
    rng = np.random.default_rng(seed)
    pdq, iscc = _codes(rng, n, 32), _codes(rng, n, 8)
    started = time.perf_counter()
    PostgresRepository(url).close()  # schema
    chunk = 50_000
    with psycopg.connect(url) as conn:
        with conn.cursor() as cur:
            for lo in range(0, n, chunk):
                ids = [f"urn:c2pa:{i:012x}-bench" for i in range(lo, min(n, lo + chunk))]
                with cur.copy("COPY manifests (manifest_id, manifest_store, media_type, origin, added_at) "
                              "FROM STDIN") as copy:
                    for manifest_id in ids:
                        copy.write_row((manifest_id, b"\x00" * 64, "image/jpeg", "import", "2026-11-29T00:00:00Z"))
                _copy_codes(cur, TABLES[PDQ], ids, pdq[lo:lo + chunk])
                _copy_codes(cur, TABLES[ISCC_IMAGE], ids, iscc[lo:lo + chunk])
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    return pdq, iscc, time.perf_counter() - started


def _flip(code: bytes, k: int, rng: random.Random) -> bytes:
    value = int.from_bytes(code, "big")
    for b in rng.sample(range(len(code) * 8), k):
        value ^= 1 << b
    return value.to_bytes(len(code), "big")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--lookups", type=int, default=50, help="per client")
    args = parser.parse_args()
    with running_postgres(settings={"shared_buffers": "1GB", "max_connections": "100"}) as server:
        url = server.url()
        pdq, iscc, took = load(url, args.records, 1)
        print(f"loaded {args.records:,} records in {took:.0f} s")
        repo = PostgresRepository(url, max_connections=args.clients)
        rng = random.Random(2)
        # Recall of planted near copies (the PDQ look-up alone; the ISCC path is exact within 11 bits).
        for d in PLANTED_DISTANCES:
            hits = 0
            for _ in range(PLANTED_PER_DISTANCE):
                i = rng.randrange(args.records)
                found = repo.nearest(PDQ, _flip(pdq[i].tobytes(), d, rng), SEARCH_RADIUS[PDQ], 10)
                hits += any(m.manifest_id == f"urn:c2pa:{i:012x}-bench" for m in found)
            print(f"PDQ recall at {d} bits: {hits}/{PLANTED_PER_DISTANCE}")
        latencies: list[float] = []
        lock = threading.Lock()

        def client(seed: int) -> None:
            local = random.Random(seed)
            mine = []
            for _ in range(args.lookups):
                i = local.randrange(args.records)
                q_pdq, q_iscc = _flip(pdq[i].tobytes(), 20, local), _flip(iscc[i].tobytes(), 4, local)
                t = time.perf_counter()
                repo.nearest(PDQ, q_pdq, SEARCH_RADIUS[PDQ], 10)
                repo.nearest(ISCC_IMAGE, q_iscc, SEARCH_RADIUS[ISCC_IMAGE], 10)
                mine.append((time.perf_counter() - t) * 1000)
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=client, args=(s,)) for s in range(args.clients)]
        wall = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - wall
        latencies.sort()
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        print(f"{args.clients} clients x {args.lookups} lookups (PDQ <= 90 and ISCC <= 10): median "
              f"{statistics.median(latencies):.1f} ms, p99 {p99:.1f} ms, {len(latencies) / wall:.0f} lookups/s; "
              f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        repo.close()


if __name__ == "__main__":
    main()
