"""Throughput of case record validation: lmsgraph against pyshacl, Apache Jena SHACL and pyrudof.

For each size the script writes that many synthetic case records (about 5% carry a deliberate
error) to an N-Triples file, then validates them against the case shapes with each engine, one
after the other in one run, each as its own process, end to end: start, read the data, validate,
write a SHACL validation report in Turtle.

- lmsgraph: ``lmsgraph validate cases.nt --shapes cases --format ttl`` (the default engine);
- batches: ``lmsgraph validate cases.nt --shapes cases --batch-records N`` (``--batch-records``,
  100,000 by default): the file cut into batches of whole records, validated one by one;
- store: ``lmsgraph load --store DIR cases.nt``, then ``lmsgraph validate --store DIR --shapes
  cases --format ttl``: the records validated where they lie on disk, memory bounded by the
  store's cache rather than the records (seconds and peak memory of the two commands together;
  the report also holds the bundled case records' own results, which are taken out before
  the comparison);
- pyshacl: ``pyshacl -s shapes.ttl -f turtle data.nt``;
- Jena: ``shacl.shacl validate --shapes shapes.ttl --data data.nt`` (Debian's
  ``libapache-jena-java``, set up by ``bench/peers.py``);
- pyrudof: ``Rudof.read_data`` / ``read_shacl`` / ``validate_shacl``, its report serialized as
  Turtle (in a process with an address-space limit, ``--memory-limit``).

``shapes.ttl`` is the case shape set (``term-shapes.ttl`` and ``case-shapes.ttl``); ``data.nt`` holds the
records and the bundled vocabularies they are checked against, the same data lmsgraph adds by
itself. Every report is read back and its results compared, as a multiset of (focus node, path,
value, source shape, constraint component, severity), with lmsgraph's; messages are left out,
each engine words its own. The script prints seconds, cases per second, peak memory, the number
of results and whether they are the same results as the first engine's (lmsgraph's by default).

    python bench/validate_cases.py                      # 1k, 10k and 100k cases
    python bench/validate_cases.py --sizes 1000 5000 --engines lmsgraph jena
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peers import ensure_pyrudof, jena_command, jena_version, log  # noqa: E402

ENGINES = ("lmsgraph", "batches", "store", "pyshacl", "jena", "pyrudof")
BIN = Path(sys.executable).parent

PYRUDOF_SCRIPT = """
import sys, pyrudof
data, shapes, out = sys.argv[1:4]
rudof = pyrudof.Rudof(pyrudof.RudofConfig())
rudof.read_data(data, format=pyrudof.RDFFormat.NTriples)
rudof.read_shacl(shapes, format=pyrudof.ShaclFormat.Turtle)
rudof.validate_shacl()
text = rudof.serialize_shacl_validation_results(format=pyrudof.ResultShaclValidationFormat.Turtle)
open(out, "w", encoding="utf-8").write(text)
"""


def run_engine(argv: list[str], *, stdout_to: Path | None, timeout: float, memory_limit: int | None):
    """Run one engine; (seconds, peak resident MB, error text or None)."""

    def limit():
        if memory_limit:
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    out = open(stdout_to, "wb") if stdout_to else subprocess.DEVNULL
    start = time.perf_counter()
    try:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE, preexec_fn=limit)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                return time.perf_counter() - start, 0.0, f"stopped after {timeout:.0f} s"
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode("utf-8", "replace")
    finally:
        if stdout_to:
            out.close()
    peak = usage.ru_maxrss / 1024
    # lmsgraph exits 1 when there are violations, as a validator should; anything else is an error.
    if proc.returncode not in (0, 1):
        lines = [line for line in err.strip().splitlines() if line.strip()]
        memory = [line for line in lines if "memory" in line.lower()]
        how = f"killed by signal {-proc.returncode}" if proc.returncode < 0 else f"exit {proc.returncode}"
        if memory and memory_limit:
            return seconds, peak, f"{how}, out of memory at the {memory_limit / 2**30:.0f} GB limit: {memory[0][:120]}"
        return seconds, peak, f"{how}: {(memory or lines or ['no message'])[-1][:160]}"
    return seconds, peak, None


def report_keys(path: Path) -> Counter:
    from rdflib import Graph, URIRef

    from lmsgraph.validation.loading import exact_literals
    from lmsgraph.validation.suite import SH, result_key

    graph = Graph()
    with exact_literals():
        graph.parse(path, format="turtle")
    return Counter(result_key(graph, node) for node in graph.objects(None, URIRef(SH + "result")))


def bundled_keys(tmp: Path) -> Counter:
    """The results of the bundled case records, which a store holds beside the records loaded."""
    from lmsgraph.validation import validate

    report = tmp / "bundled.ttl"
    report.write_text(validate(shapes="cases").to_turtle(), encoding="utf-8")
    return report_keys(report)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--error-rate", type=float, default=0.05)
    parser.add_argument(
        "--pyshacl-max", type=int, default=10000, help="largest size pyshacl runs at (100k cases took it 52 minutes)"
    )
    parser.add_argument("--batch-records", type=int, default=100_000, help="records per batch for the batches engine")
    parser.add_argument("--memory-limit", type=float, default=16.0, help="GB of address space for pyrudof")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds any one engine may take")
    args = parser.parse_args(argv)

    from lmsgraph.graph import vocabulary_ntriples
    from lmsgraph.synthetic import synthetic_ntriples
    from lmsgraph.validation.shapes import shape_set

    versions = {"lmsgraph": "default engine"}
    if "jena" in args.engines:
        jena = jena_command()
        versions["jena"] = f"Jena SHACL {jena_version()}"
    if "pyrudof" in args.engines:
        versions["pyrudof"] = f"pyrudof {ensure_pyrudof()}"
    if "pyshacl" in args.engines:
        from importlib.metadata import version

        versions["pyshacl"] = f"pyshacl {version('pyshacl')}"

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        shapes = tmp / "shapes.ttl"
        shape_set("cases").graph().serialize(shapes, format="turtle")
        vocabulary = vocabulary_ntriples()
        for n in args.sizes:
            cases, data = tmp / f"cases-{n}.nt", tmp / f"data-{n}.nt"
            log(f"writing {n} synthetic case records")
            with cases.open("w", encoding="utf-8") as handle:
                for line in synthetic_ntriples(n, seed=args.seed, error_rate=args.error_rate):
                    handle.write(line + "\n")
            data.write_bytes(cases.read_bytes() + b"\n" + vocabulary)
            reference = None
            for engine in args.engines:
                report = tmp / f"report-{engine}-{n}.ttl"
                if engine == "pyshacl" and n > args.pyshacl_max:
                    rows.append((n, engine, None, None, None, f"not run above {args.pyshacl_max} cases"))
                    continue
                stdout_to, limit = None, None
                # Every lmsgraph engine writes its Turtle report the same way; they differ in what they read.
                validate = [
                    str(BIN / "lmsgraph"),
                    "validate",
                    "--shapes",
                    "cases",
                    "--format",
                    "ttl",
                    "--out",
                    str(report),
                ]
                if engine == "lmsgraph":
                    argv = [*validate, "--no-progress", str(cases)]
                elif engine == "batches":
                    argv = [*validate, "--no-progress", "--batch-records", str(args.batch_records), str(cases)]
                elif engine == "store":
                    store_dir = tmp / f"store-{n}"
                    load = [str(BIN / "lmsgraph"), "load", "--store", str(store_dir), str(cases)]
                    loaded, load_peak, error = run_engine(load, stdout_to=None, timeout=args.timeout, memory_limit=None)
                    if error:
                        rows.append((n, engine, loaded, load_peak, None, f"load: {error}"))
                        continue
                    argv = [*validate, "--no-progress", "--store", str(store_dir)]
                elif engine == "pyshacl":
                    argv = [str(BIN / "pyshacl"), "-s", str(shapes), "-f", "turtle", "-o", str(report), str(data)]
                elif engine == "jena":
                    argv, stdout_to = [*jena, "validate", "--shapes", str(shapes), "--data", str(data)], report
                else:
                    argv = [sys.executable, "-c", PYRUDOF_SCRIPT, str(data), str(shapes), str(report)]
                    limit = int(args.memory_limit * 2**30)
                log(f"{n} cases: {engine}")
                seconds, peak, error = run_engine(argv, stdout_to=stdout_to, timeout=args.timeout, memory_limit=limit)
                if error:
                    rows.append((n, engine, seconds, peak, None, error))
                    log(f"{n} cases: {engine} failed: {error}")
                    continue
                if engine == "store":
                    seconds, peak = seconds + loaded, max(peak, load_peak)
                    shutil.rmtree(store_dir, ignore_errors=True)
                keys = report_keys(report)
                if engine == "store":
                    keys -= bundled_keys(tmp)
                first = reference is None  # the first engine to finish is the one the others are compared with
                if first:
                    reference = keys
                same = (
                    "-"
                    if first
                    else (
                        "yes"
                        if keys == reference
                        else f"NO ({sum((keys - reference).values())} extra, "
                        f"{sum((reference - keys).values())} missing)"
                    )
                )
                rows.append((n, engine, seconds, peak, sum(keys.values()), same))
                log(f"{n} cases: {engine} {seconds:.2f} s, {peak:.0f} MB, {sum(keys.values())} results, same: {same}")

    print("Validation of synthetic case records against the case shapes, end to end, one process per engine")
    print("(" + "; ".join(f"{k}: {v}" for k, v in versions.items()) + ")")
    print(
        f"{'cases':>8}  {'engine':<9} {'seconds':>8} {'cases/s':>9} {'peak MB':>8} {'results':>8}  same results as the first"
    )
    for n, engine, seconds, peak, results, same in rows:
        if results is None:
            timing = f"{seconds:>8.2f} {'':>9} {peak:>8.0f}" if seconds is not None else f"{'':>8} {'':>9} {'':>8}"
            print(f"{n:>8}  {engine:<9} {timing} {'':>8}  {same}")
        else:
            print(f"{n:>8}  {engine:<9} {seconds:>8.2f} {n / seconds:>9.0f} {peak:>8.0f} {results:>8}  {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
