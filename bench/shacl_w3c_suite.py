"""SHACL test suites through lmsgraph's engines, and through Jena SHACL and pyrudof for comparison.

By default the suite is the W3C SHACL Core test suite (the ``core`` tests of the W3C
data-shapes test suite, 98 ``sht:Validate`` tests). It is not part of this repository: name a
local copy with ``--suite`` (the folder holding the core ``manifest.ttl``), or let ``--fetch``
take the copy that pyshacl's source distribution on PyPI carries: it runs ``pip download``
for that one file and unpacks it under ``bench/.cache``. ``--suite tests/shacl`` runs the
project's own conformance cases instead.

Each test runs on the compiled engine, on pyshacl and on the default engine, and with
``--engine jena`` / ``--engine pyrudof`` on those (set up by ``bench/peers.py``); the script
prints, per engine, how many tests gave the expected report, how many the engine declined
(the compiled engine only: it then raises, and the default engine hands the shapes to
pyshacl), and every wrong answer or error by name, known differences marked as such. The exit
status is 1 when an engine gave a wrong answer not known, or when the default engine fails a
test that pyshacl passes.

    python bench/shacl_w3c_suite.py --fetch
    python bench/shacl_w3c_suite.py --fetch --engine jena --engine pyrudof
    python bench/shacl_w3c_suite.py --suite tests/shacl --engine auto --engine jena --engine pyrudof
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

CACHE = Path(__file__).resolve().parent / ".cache"
PYSHACL_SDIST = "pyshacl==0.40.1"
SUITE_IN_SDIST = "test/resources/sht_tests/core/"


def fetch() -> Path:
    """The core suite from pyshacl's source distribution, unpacked under bench/.cache."""
    target = CACHE / "w3c-shacl-core"
    if (target / "manifest.ttl").is_file():
        return target
    CACHE.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        print(f"[bench] pip download --no-binary :all: --no-deps {PYSHACL_SDIST}", file=sys.stderr)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--no-binary",
                ":all:",
                "--dest",
                tmp,
                PYSHACL_SDIST,
            ],
            check=True,
        )
        (archive,) = Path(tmp).glob("pyshacl-*.tar.gz")
        unpacked = Path(tmp) / "core"
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                inner = member.name.split("/", 1)[-1]
                if member.isfile() and inner.startswith(SUITE_IN_SDIST) and inner.endswith(".ttl"):
                    dest = unpacked / inner[len(SUITE_IN_SDIST) :]
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_bytes(tar.extractfile(member).read())
        unpacked.rename(target)
    return target


PYRUDOF_SCRIPT = """
import sys, pyrudof
data, shapes = sys.argv[1:3]
rudof = pyrudof.Rudof(pyrudof.RudofConfig())
rudof.read_data(data, format=pyrudof.RDFFormat.Turtle, base=sys.argv[3])
rudof.read_shacl(shapes, format=pyrudof.ShaclFormat.Turtle, base=sys.argv[4])
rudof.validate_shacl()
print(rudof.serialize_shacl_validation_results(format=pyrudof.ResultShaclValidationFormat.Turtle))
"""


def run_peer(case, peer: str, jena: list[str] | None):
    """One test on an engine outside lmsgraph (Jena SHACL or pyrudof), compared the same way."""
    from collections import Counter

    from rdflib import Graph, URIRef

    from lmsgraph.validation.loading import exact_literals
    from lmsgraph.validation.suite import SH, Outcome, compare_keys, result_key

    if peer == "jena":
        argv = [*jena, "validate", "--shapes", str(case.shapes), "--data", str(case.data)]
    else:
        argv = [
            sys.executable,
            "-c",
            PYRUDOF_SCRIPT,
            str(case.data),
            str(case.shapes),
            case.data.resolve().as_uri(),
            case.shapes.resolve().as_uri(),
        ]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return Outcome(case.name, peer, "error", detail="no answer in 120 s")
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or ["no message"]
        return Outcome(case.name, peer, "error", detail=f"exit {done.returncode}: {lines[-1][:300]}")
    graph = Graph()
    try:
        with exact_literals():
            graph.parse(data=done.stdout, format="turtle")
    except Exception as exc:  # a report that does not parse is an answer to show, not to hide
        return Outcome(case.name, peer, "error", detail=f"report does not parse: {exc}")
    reports = list(
        graph.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef(SH + "ValidationReport"))
    )
    if len(reports) != 1:
        return Outcome(case.name, peer, "error", detail=f"{len(reports)} validation reports")
    conforms = graph.value(reports[0], URIRef(SH + "conforms"))
    keys = Counter(result_key(graph, node) for node in graph.objects(reports[0], URIRef(SH + "result")))
    detail = compare_keys(case, bool(conforms.toPython()) if conforms is not None else None, keys)
    return Outcome(case.name, peer, "wrong" if detail else "pass", used=peer, detail=detail)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--suite", type=Path, help="folder holding the core suite's manifest.ttl")
    where.add_argument("--fetch", action="store_true", help="use pyshacl's copy of the suite, from PyPI")
    where.add_argument("--fetch-only", action="store_true", help="fetch pyshacl's copy of the suite and stop")
    parser.add_argument(
        "--engine",
        action="append",
        choices=("compiled", "pyshacl", "auto", "jena", "pyrudof"),
        help="engines to run (default: lmsgraph's three; jena and pyrudof on request)",
    )
    parser.add_argument("--verbose", action="store_true", help="print every test's outcome")
    args = parser.parse_args(argv)

    import logging

    from lmsgraph.validation.suite import SUITE_KNOWN, W3C_KNOWN, load_cases, run_case

    # rdflib logs a traceback for every ill-typed literal it meets; the suite has several on purpose.
    logging.getLogger("rdflib").setLevel(logging.CRITICAL)

    if args.fetch_only:
        print(fetch())
        return 0
    suite = fetch() if args.fetch else args.suite
    cases = load_cases(suite / "manifest.ttl")
    own = (suite / "manifest.ttl").resolve() == (
        Path(__file__).resolve().parent.parent / "tests" / "shacl" / "manifest.ttl"
    )
    KNOWN = SUITE_KNOWN if own else W3C_KNOWN
    engines = args.engine or ["compiled", "pyshacl", "auto"]
    print(f"{len(cases)} tests from {suite}")
    jena = None
    if "jena" in engines:
        from peers import jena_command

        jena = jena_command()
    if "pyrudof" in engines:
        from peers import ensure_pyrudof

        ensure_pyrudof()
    outcomes = {
        engine: {
            c.name: (run_peer(c, engine, jena) if engine in ("jena", "pyrudof") else run_case(c, engine)) for c in cases
        }
        for engine in engines
    }
    failed = False
    for engine in engines:
        tally = Counter(o.status for o in outcomes[engine].values())
        used = Counter(o.used for o in outcomes[engine].values() if o.used)
        print(
            f"\n{engine}: {tally['pass']} pass, {tally['declined']} declined, {tally['wrong']} wrong, "
            f"{tally['error']} errors" + (f" (engines used: {dict(sorted(used.items()))})" if engine == "auto" else "")
        )
        for name, o in outcomes[engine].items():
            known = KNOWN.get(engine, {}).get(name)
            if o.status in ("wrong", "error"):
                if known:
                    print(f"  known  {name}: {known}")
                else:
                    failed = True
                    print(f"  {o.status.upper():6} {name}: {o.detail}")
            elif args.verbose:
                print(f"  {o.status:8} {name}" + (f": {o.detail}" if o.detail else ""))
    if "auto" in outcomes and "pyshacl" in outcomes:
        lost = [
            name
            for name, o in outcomes["pyshacl"].items()
            if o.status == "pass" and outcomes["auto"][name].status != "pass"
        ]
        print(
            f"\ndefault engine fails {len(lost)} test(s) that pyshacl passes" + (f": {', '.join(lost)}" if lost else "")
        )
        failed = failed or bool(lost)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
