"""Latency of every canned query: Oxigraph against rdflib, the API against bare pyoxigraph, and
a cold ``lmsgraph query`` command against a bare pyoxigraph script, measured side by side.

For each size (the bundled graph plus 0, 1k, 10k and 100k synthetic case records, which say
they are synthetic) the script fills one Oxigraph store and runs every catalogue query with
its example parameters:

- bare: ``store.query(text, substitutions=...)`` on pyoxigraph, every solution read;
- api: ``KnowledgeGraph.query(name, **params)`` over the same store (typed rows, labels);
- rdflib: the same text on rdflib's engine over the same triples, in a forked child that is
  stopped after ``--rdflib-bound`` seconds ("skipped"), and not at all above
  ``--rdflib-max-cases`` (parsing 100k records into rdflib alone takes minutes).

It prints the median of ``--repeat`` runs for each, the api/bare and rdflib/oxigraph ratios,
and a floor for the cohort queries (one GROUP BY over the triples they read, with no join).
Then the worst api/bare ratio (target: at most 1.5x), each query's growth from 10k to 100k
cases (target: at most 12x), the queries that take 100 ms or more at the largest size, and
finally the cold command: ``lmsgraph query`` against a bare script that loads the same
Turtle files into pyoxigraph and runs the same query text (target: at most 2x). Oxigraph is
timed before rdflib is loaded, so that rdflib's objects do not slow it.

    python bench/queries.py
    python bench/queries.py --sizes 0 1000 --repeat 3
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

# The least a whole-registry aggregate can cost: one GROUP BY over the triples a cohort query
# must read, with no join at all. Printed after each size's table.
FLOORS = {
    "cases by diagnosis": "SELECT ?d (COUNT(*) AS ?n) WHERE { ?case <https://w3id.org/lmsgraph/diagnosis> ?d } GROUP BY ?d",
    "marker results by marker": "SELECT ?m (COUNT(*) AS ?n) WHERE { ?r <https://w3id.org/lmsgraph/marker> ?m } GROUP BY ?m",
}

BARE_SCRIPT = """
import sys, pyoxigraph
store = pyoxigraph.Store()
for path in sys.argv[3:]:
    store.load(path=path, format=pyoxigraph.RdfFormat.TURTLE)
text = open(sys.argv[1], encoding="utf-8").read()
sub = {pyoxigraph.Variable("entity"): pyoxigraph.NamedNode(sys.argv[2])}
for s in store.query(text, substitutions=sub):
    print("\\t".join("" if t is None else t.value for t in s))
"""


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def rdflib_median(graph, text, bindings, repeat: int, bound: float) -> float | None:
    """Median seconds of rdflib's engine in a forked child, or None if it passes ``bound``."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run, report, exit without cleanup
        os.close(read)
        try:
            value = median_time(lambda: list(graph.query(text, initBindings=bindings)), repeat)
        except Exception:  # noqa: BLE001 - the parent reports a failed run as skipped
            value = -1.0
        os.write(write, repr(value).encode())
        os._exit(0)
    os.close(write)
    deadline = time.monotonic() + bound * repeat
    while time.monotonic() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.01)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(read)
        return None
    value = float(os.read(read, 64).decode() or -1)
    os.close(read)
    return value if value >= 0 else None


def ms(seconds: float | None) -> str:
    return "skipped" if seconds is None else f"{seconds * 1000:.2f}"


def lmsgraph_command() -> list[str]:
    """The installed ``lmsgraph`` script beside this Python, as users run it; else ``python -m lmsgraph``."""
    script = Path(sys.executable).with_name("lmsgraph")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "lmsgraph"]


def cold_command(repeat: int) -> None:
    from lmsgraph.resources import data_dir, ontology_files

    query = data_dir("queries") / "markers-of-entity.rq"
    entity = "https://w3id.org/lmsgraph/InflammatoryLeiomyosarcoma"
    commands = {
        "bare pyoxigraph script": [sys.executable, "-c", BARE_SCRIPT, str(query), entity, *map(str, ontology_files())],
        "lmsgraph query": [
            *lmsgraph_command(),
            "query",
            "markers-of-entity",
            "--entity",
            "lmsg:InflammatoryLeiomyosarcoma",
            "--format",
            "tsv",
        ],
        # What the curies library would add to every start were it lmsgraph's CURIE converter
        # (lmsgraph.prefixes.Converter says why it is not).
        "python -c 'import curies'": [sys.executable, "-c", "import curies"],
        "python -c 'pass'": [sys.executable, "-c", "pass"],
        # What every start of the installed command pays before lmsgraph runs: pip's script
        # wrapper imports re, which the bare script never does.
        "python -c 'import re, pyoxigraph'": [sys.executable, "-c", "import re, pyoxigraph"],
    }
    env = dict(os.environ)
    src = Path(__file__).resolve().parents[1] / "src"
    if (src / "lmsgraph").is_dir():  # a source checkout: run the code beside this script
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")]))
        # pip compiles an installed package to bytecode; a checkout has none when
        # PYTHONDONTWRITEBYTECODE is set, and would be compiled again on every start.
        import compileall

        compileall.compile_dir(str(src / "lmsgraph"), quiet=1)
    times: dict[str, list[float]] = {name: [] for name in commands}
    outputs = {}
    for _ in range(repeat):  # interleaved, so both see the same machine
        for name, cmd in commands.items():
            start = time.perf_counter()
            result = subprocess.run(cmd, capture_output=True, text=True, env=env)
            times[name].append(time.perf_counter() - start)
            if result.returncode != 0:
                raise SystemExit(f"{name} failed: {result.stderr}")
            outputs[name] = len(result.stdout.splitlines())
    bare = statistics.median(times["bare pyoxigraph script"])
    cli = statistics.median(times["lmsgraph query"])
    print("\ncold command (start, load the bundled graph, answer, print), median of", repeat, "runs:")
    print(f"  bare pyoxigraph script  {bare * 1000:8.1f} ms  ({outputs['bare pyoxigraph script']} rows)")
    print(f"  lmsgraph query          {cli * 1000:8.1f} ms  ({outputs['lmsgraph query'] - 1} rows + header)")
    print(f"  ratio {cli / bare:.2f}x (target at most 2x)")
    floor = statistics.median(times["python -c 'import re, pyoxigraph'"])
    print(f"  python -c 'import re, pyoxigraph' {floor * 1000:.1f} ms (start and imports alone, before any work)")
    curies_cost = statistics.median(times["python -c 'import curies'"]) - statistics.median(times["python -c 'pass'"])
    print(f"  importing curies would add {curies_cost * 1000:.1f} ms: {(cli + curies_cost) / bare:.2f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rdflib-bound", type=float, default=10.0, help="seconds per rdflib run before it is skipped")
    parser.add_argument("--rdflib-max-cases", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--cold-repeat", type=int, default=15)
    parser.add_argument("--cold-only", action="store_true", help="only the cold command")
    args = parser.parse_args(argv)
    if args.cold_only:
        cold_command(args.cold_repeat)
        return 0

    import pyoxigraph
    from rdflib import Graph

    from lmsgraph.api import KnowledgeGraph
    from lmsgraph.backends import OxigraphBackend, RdflibBackend
    from lmsgraph.queries import catalogue
    from lmsgraph.store import bundled_store
    from lmsgraph.synthetic import synthetic_ntriples

    queries = catalogue()
    medians: dict[tuple[str, int], float] = {}
    overheads: list[float] = []
    first_lookups: dict[int, float] = {}
    for n in args.sizes:
        log(f"{n} synthetic cases: loading Oxigraph")
        store = bundled_store()
        if n:
            store.bulk_load(
                "\n".join(synthetic_ntriples(n, seed=args.seed)).encode(), format=pyoxigraph.RdfFormat.N_TRIPLES
            )
        kg = KnowledgeGraph(OxigraphBackend(store))
        started = time.perf_counter()
        kg.resolve("inflammatory leiomyosarcoma")  # the first lookup reads the name index
        first_lookups[n] = time.perf_counter() - started
        rows = {}
        runs = {}
        log(f"{n} synthetic cases: timing Oxigraph")
        for name, query in queries.items():
            bindings = kg.bindings(query, {p.name: p.example for p in query.params})
            subs = {pyoxigraph.Variable(k): OxigraphBackend._native(v) for k, v in bindings.items()}
            params = {k: v.value for k, v in bindings.items()}

            def bare(text=query.text, subs=subs):
                for solution in store.query(text, substitutions=subs):
                    for term in solution:
                        _ = term

            bare_s = median_time(bare, args.repeat)
            api_s = median_time(lambda name=name, params=params: kg.query(name, **params), args.repeat)
            medians[(name, n)] = bare_s
            overheads.append(api_s / bare_s)
            rows[name] = [bare_s, api_s, None]
            runs[name] = (query.text, {k: RdflibBackend._native(v) for k, v in bindings.items()})
        floors = {
            label: median_time(lambda text=text: list(store.query(text)), args.repeat) for label, text in FLOORS.items()
        }
        # rdflib is loaded only after Oxigraph is timed: its million Python objects would
        # otherwise slow the Oxigraph runs through the garbage collector.
        if n <= args.rdflib_max_cases:
            log(f"{n} synthetic cases: loading rdflib")
            graph = Graph().parse(
                data=store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph()).decode(),
                format="nt",
            )
            log(f"{n} synthetic cases: timing rdflib")
            for name, (text, bindings) in runs.items():
                rows[name][2] = rdflib_median(
                    graph, text, bindings, min(args.repeat, 3 if n < 10000 else 1), args.rdflib_bound
                )
            del graph
        print(f"\n== bundled graph + {n:,} synthetic cases ({len(store):,} triples); medians of {args.repeat} runs, ms")
        print(f"{'query':<36} {'bare':>9} {'api':>9} {'api/bare':>9} {'rdflib':>9} {'rdflib/ox':>10}")
        for name, (bare_s, api_s, rd) in rows.items():
            ratio = f"{rd / bare_s:.1f}x" if rd is not None else "-"
            print(
                f"{name:<36} {ms(bare_s):>9} {ms(api_s):>9} {api_s / bare_s:>8.2f}x {ms(rd):>9} {ratio:>10}", flush=True
            )
        print("floor, one GROUP BY with no join: " + "; ".join(f"{label} {ms(s)}" for label, s in floors.items()))
        kg = store = None  # the next size starts from free memory
        gc.collect()

    print(f"\nAPI over bare pyoxigraph, worst query at any size: {max(overheads):.2f}x (target at most 1.5x)")
    smallest = min(first_lookups)
    print(
        "first name lookup (reads the name index): "
        + "; ".join(
            f"{n:,} cases {ms(s)} ms ({s / first_lookups[smallest]:.2f}x {smallest:,} cases)"
            for n, s in sorted(first_lookups.items())
        )
    )
    if 10000 in args.sizes and 100000 in args.sizes:
        print("\ngrowth from 10k to 100k cases (bare Oxigraph medians; target at most 12x):")
        worst = 0.0
        for name in queries:
            growth = medians[(name, 100000)] / medians[(name, 10000)]
            worst = max(worst, growth)
            print(f"  {name:<36} {growth:6.2f}x")
        print(f"  worst {worst:.2f}x")
    largest = max(args.sizes)
    slow = {name: medians[(name, largest)] for name in queries if medians[(name, largest)] >= 0.1}
    print(
        f"\nqueries at 100 ms or more with {largest:,} cases: "
        + (", ".join(f"{name} {ms(s)}" for name, s in slow.items()) or "none")
    )
    cold_command(args.cold_repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
