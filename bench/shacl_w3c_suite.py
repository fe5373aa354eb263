"""The W3C SHACL Core test suite through ``lmsgraph.validation.validate()``, on every engine.

The suite (the ``core`` tests of the W3C data-shapes test suite, 98 ``sht:Validate`` tests)
is not part of this repository. Name a local copy with ``--suite`` (the folder holding the
core ``manifest.ttl``), or let ``--fetch`` take the copy that pyshacl's source distribution
on PyPI carries: it runs ``pip download`` for that one file and unpacks it under
``bench/.cache``.

Each test runs on the compiled engine, on pyshacl and on the default engine; the script
prints, per engine, how many tests gave the expected report, how many the engine declined
(the compiled engine only: it then raises, and the default engine hands the shapes to
pyshacl), and every wrong answer or error by name. The exit status is 1 when any engine gave
a wrong answer, or when the default engine fails a test that pyshacl passes.

    python bench/shacl_w3c_suite.py --fetch
    python bench/shacl_w3c_suite.py --suite path/to/data-shapes-test-suite/tests/core
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"
PYSHACL_SDIST = "pyshacl==0.40.1"
SUITE_IN_SDIST = "test/resources/sht_tests/core/"

# Tests where an engine's answer differs from the suite's for a reason we accept, by engine and name.
KNOWN = {
    "pyshacl": {
        "property/uniqueLang-002": 'pyshacl reads sh:uniqueLang "1"^^xsd:boolean as true; SHACL names only true',
    },
    "auto": {},
    "compiled": {},
}


def fetch() -> Path:
    """The core suite from pyshacl's source distribution, unpacked under bench/.cache."""
    target = CACHE / "w3c-shacl-core"
    if (target / "manifest.ttl").is_file():
        return target
    CACHE.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        print(f"[bench] pip download --no-binary :all: --no-deps {PYSHACL_SDIST}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                        "--dest", tmp, PYSHACL_SDIST], check=True)
        (archive,) = Path(tmp).glob("pyshacl-*.tar.gz")
        unpacked = Path(tmp) / "core"
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                inner = member.name.split("/", 1)[-1]
                if member.isfile() and inner.startswith(SUITE_IN_SDIST) and inner.endswith(".ttl"):
                    dest = unpacked / inner[len(SUITE_IN_SDIST):]
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_bytes(tar.extractfile(member).read())
        unpacked.rename(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--suite", type=Path, help="folder holding the core suite's manifest.ttl")
    where.add_argument("--fetch", action="store_true", help="use pyshacl's copy of the suite, from PyPI")
    parser.add_argument("--engine", action="append", choices=("compiled", "pyshacl", "auto"),
                        help="engines to run (default: all three)")
    parser.add_argument("--verbose", action="store_true", help="print every test's outcome")
    args = parser.parse_args(argv)

    import logging

    from lmsgraph.validation.suite import load_cases, run_case

    # rdflib logs a traceback for every ill-typed literal it meets; the suite has several on purpose.
    logging.getLogger("rdflib").setLevel(logging.CRITICAL)

    suite = fetch() if args.fetch else args.suite
    cases = load_cases(suite / "manifest.ttl")
    engines = args.engine or ["compiled", "pyshacl", "auto"]
    print(f"{len(cases)} tests from {suite}")
    outcomes = {engine: {c.name: run_case(c, engine) for c in cases} for engine in engines}
    failed = False
    for engine in engines:
        tally = Counter(o.status for o in outcomes[engine].values())
        used = Counter(o.used for o in outcomes[engine].values() if o.used)
        print(f"\n{engine}: {tally['pass']} pass, {tally['declined']} declined, {tally['wrong']} wrong, "
              f"{tally['error']} errors" + (f" (engines used: {dict(sorted(used.items()))})" if engine == "auto" else ""))
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
        lost = [name for name, o in outcomes["pyshacl"].items()
                if o.status == "pass" and outcomes["auto"][name].status != "pass"]
        print(f"\ndefault engine fails {len(lost)} test(s) that pyshacl passes" + (f": {', '.join(lost)}" if lost else ""))
        failed = failed or bool(lost)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
