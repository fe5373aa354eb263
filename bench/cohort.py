"""The whole-registry cohort queries on a persistent store: answered from the counts the store
keeps (``queries/counts/``) against the canned queries reading every case record, side by side
on the same store, with their rows compared (they must be equal) and the growth from 100k to
1M cases; then the time to add 1,000 cases to each store and to remove them again, the counts
brought up to date each time.

For each size the script writes synthetic case records (which say they are synthetic), loads
them with ``lmsgraph load`` (timing the recount of the counts apart from the load), and runs
each cohort query ``--repeat`` times both ways in this process; it prints the medians.

    python bench/cohort.py                # 1k, 10k and 100k cases
    python bench/cohort.py --million      # and 1M (about 29 M triples: minutes, 4 GB of disk)
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import lmsgraph
from lmsgraph.persistent import load_store
from lmsgraph.synthetic import synthetic_ntriples
from queries import median_time

QUERIES = ("cohort-cases-by-entity-and-site", "cohort-marker-positivity-by-entity")


def rows(kg, name):
    return [{k: str(v) for k, v in row.items()} for row in kg.query(name)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--million", action="store_true", help="add 1,000,000 cases to the sizes")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sizes = args.sizes + ([1_000_000] if args.million else [])
    work = Path(tempfile.mkdtemp(prefix="lmsgraph-cohort-bench-"))
    live_ms: dict[tuple[str, int], float] = {}
    counted_ms: dict[tuple[str, int], float] = {}
    changes: list[str] = []
    try:
        print("| cases | load (of it: recount) | query | reading every record | from the counts | ratio | rows |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for n in sizes:
            data = work / f"cases-{n}.nt"
            with data.open("w", encoding="utf-8") as handle:
                for line in synthetic_ntriples(n, seed=2026):
                    handle.write(line + "\n")
            stamps: dict[str, float] = {}

            def stamp(message: str, stamps=stamps) -> None:
                stamps.setdefault(message.split()[0], time.monotonic())

            started = time.monotonic()
            load_store(work / f"store-{n}", [data], progress=stamp)
            ended = time.monotonic()
            recount_s = ended - stamps["counting"]
            data.unlink()
            counted = lmsgraph.connect(store=work / f"store-{n}")
            live = lmsgraph.connect(store=work / f"store-{n}")
            live.counted = {}
            for name in QUERIES:
                fast, slow = rows(counted, name), rows(live, name)
                if fast != slow:
                    print(f"{name} at {n:,} cases: the counts give other rows than the records", file=sys.stderr)
                    return 1
                live_ms[name, n] = 1000 * median_time(
                    lambda kg=live, name=name: kg.query(name), args.repeat if n < 1_000_000 else 3
                )
                counted_ms[name, n] = 1000 * median_time(lambda kg=counted, name=name: kg.query(name), args.repeat)
                print(
                    f"| {n:,} | {ended - started:.1f} s ({recount_s:.1f} s) | `{name}` | {live_ms[name, n]:,.1f} ms "
                    f"| {counted_ms[name, n]:.1f} ms | {live_ms[name, n] / counted_ms[name, n]:,.0f}x | {len(fast)} |",
                    flush=True,
                )
            counted = live = None  # the store closed before its folder is removed
            extra = work / "extra.nt"
            extra.write_text(
                "\n".join(line.replace("/case-", "/extra-") for line in synthetic_ntriples(1000, seed=7)) + "\n",
                encoding="utf-8",
            )
            started = time.monotonic()
            load_store(work / f"store-{n}", [extra])
            added = time.monotonic() - started
            started = time.monotonic()
            load_store(work / f"store-{n}", [], remove=[extra])
            removed = time.monotonic() - started
            changes.append(f"| {n:,} | {added:.2f} s | {removed:.2f} s |")
            shutil.rmtree(work / f"store-{n}", ignore_errors=True)
        print("\nAdding 1,000 more cases to the store, then removing them (counts kept up to date):\n")
        print("| cases in the store | add | remove |\n| --- | --- | --- |")
        print("\n".join(changes))
        if 100_000 in sizes and 1_000_000 in sizes:
            print("\nGrowth from 100k to 1M cases:")
            for name in QUERIES:
                print(
                    f"- `{name}`: reading every record {live_ms[name, 1_000_000] / live_ms[name, 100_000]:.1f}x, "
                    f"from the counts {counted_ms[name, 1_000_000] / counted_ms[name, 100_000]:.2f}x"
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
