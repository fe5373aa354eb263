"""Registry scale in one run: every benchmark that measures lmsgraph against a named baseline
as the number of case records grows, at 1k, 10k and 100k synthetic cases (and 1M with
``--million``), one after the other, each printing its table:

- ``store.py``: ``lmsgraph load`` against a bare pyoxigraph ``bulk_load`` of the same file, and
  a store reopened in a new process answering an entity query;
- ``cohort.py``: the cohort aggregates on a store, from its counts against reading every
  record, and adding and removing 1,000 cases;
- ``queries.py``: every canned query, the API against bare pyoxigraph, the first name lookup at
  each size, and the cold ``lmsgraph query`` against a bare pyoxigraph script (in-memory
  stores: 1M is left out, it needs about 10 GB);
- ``validate_cases.py``: validation end to end against Apache Jena SHACL, in batches, and a store
  validated where it lies (at 1M: batches, the store and Jena).

    python bench/registry.py             # minutes
    python bench/registry.py --million   # an hour or more, and 10 GB of disk
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--million", action="store_true", help="add 1,000,000 cases to every benchmark that can take it"
    )
    args = parser.parse_args()
    sizes = ["1000", "10000", "100000"]
    million = ["1000000"] if args.million else []
    runs = [
        ["store.py", "--sizes", *sizes, *million],
        ["cohort.py", "--sizes", *sizes, *(["--million"] if args.million else [])],
        ["queries.py", "--sizes", "0", *sizes, "--rdflib-max-cases", "0"],
        ["validate_cases.py", "--sizes", *sizes, "--engines", "lmsgraph", "batches", "store", "jena"],
    ]
    if args.million:
        runs.append(["validate_cases.py", "--sizes", *million, "--engines", "batches", "store", "jena"])
    failed = 0
    for run in runs:
        print(f"\n## python bench/{' '.join(run)}\n", flush=True)
        started = time.monotonic()
        code = subprocess.call([sys.executable, str(HERE / run[0]), *run[1:]])
        print(f"\n({time.monotonic() - started:.0f} s, exit {code})", flush=True)
        failed += code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
