"""Throughput of case record validation: lmsgraph's compiled engine against one pyshacl call.

For each size, the script writes that many synthetic case records (about 5% carry a
deliberate error) to an N-Triples file, then validates the file against the case shapes
twice, side by side in one run:

- baseline: ``validate(path, shapes="cases", engine="pyshacl")``, one pyshacl call over
  the whole data graph (the records plus the bundled vocabularies);
- compiled: ``validate(path, shapes="cases", engine="compiled")``, the shapes compiled to
  SPARQL and run on Oxigraph.

Both timings include reading the file. The script prints cases per second for each, their
ratio, and whether the two reports are identical result for result.

    python bench/validate_cases.py                 # 1k, 10k and 100k cases
    python bench/validate_cases.py --sizes 1000 5000
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from pathlib import Path


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def timed(fn):
    gc.collect()
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def rows(report) -> list[str]:
    return [json.dumps(r.as_dict(), sort_keys=True) for r in report.results]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--error-rate", type=float, default=0.05)
    args = parser.parse_args(argv)

    from lmsgraph.synthetic import synthetic_ntriples
    from lmsgraph.validation import validate

    validate(shapes="cases")  # warm the caches both engines share (vocabulary context)
    lines = []
    header = f"{'cases':>8} {'baseline s':>11} {'cases/s':>9} {'compiled s':>11} {'cases/s':>9} {'speed-up':>9}  identical  violations"
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path = Path(tmp) / f"cases-{n}.nt"
            log(f"writing {n} synthetic case records")
            with path.open("w", encoding="utf-8") as handle:
                for line in synthetic_ntriples(n, seed=args.seed, error_rate=args.error_rate):
                    handle.write(line + "\n")
            log(f"{n} cases: compiled engine")
            compiled, t_compiled = timed(lambda: validate(path, shapes="cases", engine="compiled",
                                                           progress=lambda m: None))
            log(f"{n} cases: compiled took {t_compiled:.1f} s; baseline (one pyshacl call) running")
            baseline, t_baseline = timed(lambda: validate(path, shapes="cases", engine="pyshacl", progress=log))
            same = rows(compiled) == rows(baseline)
            line = (f"{n:>8} {t_baseline:>11.2f} {n / t_baseline:>9.0f} {t_compiled:>11.2f} {n / t_compiled:>9.0f} "
                    f"{t_baseline / t_compiled:>8.1f}x  {'yes' if same else 'NO':>9}  {len(compiled.violations)}")
            lines.append(line)
            log(line)
            del compiled, baseline
    print("Validation of synthetic case records against the case shapes (baseline: one pyshacl call)")
    print(header)
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
