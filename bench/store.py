"""The persistent store: loading synthetic case records with ``lmsgraph load`` against a bare
pyoxigraph ``bulk_load`` of the same N-Triples file into an on-disk store, side by side, and
then reopening the store in a new process and answering an entity query (resolution included).

    python bench/store.py                 # 10k and 100k cases
    python bench/store.py --sizes 1000000 # a million (about 29 M triples; minutes, and disk)
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph

from lmsgraph.persistent import load_store
from lmsgraph.store import fill_bundled
from lmsgraph.synthetic import synthetic_ntriples

REOPEN = (
    "import sys, time; t = time.perf_counter(); import lmsgraph; "
    "kg = lmsgraph.connect(store=sys.argv[1]); rows = kg.markers('inflammatory leiomyosarcoma'); "
    "print(f'{time.perf_counter() - t:.3f} {len(rows)}')"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lmsgraph-store-bench-"))
    try:
        print(
            "| cases | triples | bare bulk_load | lmsgraph load | load / bare | reopen + entity query (new process) |"
        )
        print("| --- | --- | --- | --- | --- | --- |")
        for n in args.sizes:
            data = work / f"cases-{n}.nt"
            with data.open("w", encoding="utf-8") as handle:
                for line in synthetic_ntriples(n, seed=2026):
                    handle.write(line + "\n")
            bare_dir = work / f"bare-{n}"
            started = time.monotonic()
            bare = pyoxigraph.Store(str(bare_dir))
            fill_bundled(bare)
            bare.bulk_load(path=str(data), format=pyoxigraph.RdfFormat.N_TRIPLES)
            bare.flush()
            triples = len(bare)
            del bare
            bare_s = time.monotonic() - started
            started = time.monotonic()
            record = load_store(work / f"store-{n}", [data])
            load_s = time.monotonic() - started
            assert record["triples"] == triples, (record["triples"], triples)
            reopen = subprocess.run(
                [sys.executable, "-c", REOPEN, str(work / f"store-{n}")], capture_output=True, text=True, check=True
            )
            seconds, rows = reopen.stdout.split()
            print(
                f"| {n:,} | {triples:,} | {bare_s:.1f} s ({triples / bare_s:,.0f}/s) | {load_s:.1f} s "
                f"({triples / load_s:,.0f}/s) | {load_s / bare_s:.2f}x | {float(seconds) * 1000:.0f} ms ({rows} rows) |",
                flush=True,
            )
            shutil.rmtree(bare_dir, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
