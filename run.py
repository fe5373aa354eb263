#!/usr/bin/env python3
"""Set up lmsgraph on a fresh machine and run its main job or its tests.

    python3 run.py main     # build the graph, check it, print a summary, write exports to build/
    python3 run.py test     # run the test suite (extra arguments go to pytest)
    python3 run.py check    # lint, format check and type check (ruff, mypy)

Needs only Python 3.11+, pip and apt. System packages are installed with apt when the
tools they provide are missing; Python packages go into a virtual environment in .venv.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"

# What each job needs from the system: a check, and the Debian package that satisfies it.
SYSTEM_NEEDS = {
    "java runtime (HermiT reasoner)": (lambda: shutil.which("java"), "default-jre-headless"),
    "java compiler (OWL 2 DL profile check)": (lambda: shutil.which("javac"), "default-jdk-headless"),
    "OWL API (OWL 2 DL profile check)": (
        lambda: Path("/usr/share/java/owlapi-distribution.jar").exists(),
        "libowlapi-java",
    ),
    "rapper (independent RDF parser)": (lambda: shutil.which("rapper"), "raptor2-utils"),
    "Virtuoso (remote SPARQL endpoint in the tests)": (lambda: shutil.which("virtuoso-t"), "virtuoso-opensource-7-bin"),
    "Chromium (browser tests of lmsgraph serve)": (lambda: shutil.which("chromium"), "chromium"),
}
JOB_NEEDS = {
    "main": [
        "java runtime (HermiT reasoner)",
        "java compiler (OWL 2 DL profile check)",
        "OWL API (OWL 2 DL profile check)",
    ],
    "test": list(SYSTEM_NEEDS),
    "check": [],
}


def step(message: str) -> None:
    print(f"==> {message}", flush=True)


def run(cmd: list[str], **kwargs) -> None:
    result = subprocess.run(cmd, **kwargs)
    if result.returncode != 0:
        sys.exit(f"run.py: command failed with exit code {result.returncode}: {' '.join(cmd)}")


def apt_install(packages: list[str]) -> None:
    prefix: list[str] = []
    if os.geteuid() != 0:
        if not shutil.which("sudo"):
            sys.exit(
                "run.py: these Debian packages are needed and this user cannot install them "
                f"(not root, no sudo): {' '.join(packages)}"
            )
        prefix = ["sudo", "-E"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    step(f"installing system packages with apt: {' '.join(packages)}")
    run([*prefix, "apt-get", "update", "-qq"], env=env)
    run([*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], env=env)


def ensure_system(job: str) -> None:
    missing = []
    for need in JOB_NEEDS[job]:
        check, package = SYSTEM_NEEDS[need]
        if not check():
            missing.append(package)
    if missing:
        apt_install(sorted(set(missing)))
    else:
        step("system packages present")


def ensure_venv() -> None:
    if (BIN / "python").exists():
        return
    step(f"creating virtual environment in {VENV}")
    try:
        venv.create(VENV, with_pip=True)
    except (subprocess.CalledProcessError, OSError):
        shutil.rmtree(VENV, ignore_errors=True)
        version = f"python{sys.version_info.major}.{sys.version_info.minor}"
        apt_install([f"{version}-venv"])
        venv.create(VENV, with_pip=True)


def install(extras: str) -> None:
    # Editable: an edit to the code, the ontology, the shapes or the queries is seen at once, so
    # pip runs again only when what it reads changed: pyproject.toml, or the extras asked for.
    import hashlib

    stamp = VENV / f".lmsgraph-installed{extras.replace('[', '-').replace(']', '')}"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        step(f"lmsgraph{extras} already installed in {VENV} (pyproject.toml unchanged)")
        return
    step(f"installing lmsgraph{extras} into {VENV}")
    run(
        [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", f".{extras}"],
        cwd=ROOT,
    )
    stamp.write_text(wanted)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in JOB_NEEDS:
        print(__doc__)
        return 2
    job, rest = argv[0], argv[1:]
    if sys.version_info < (3, 11):  # noqa: UP036 (run.py may be started by an older Python, and must say why it stops)
        sys.exit("run.py: lmsgraph needs Python 3.11 or newer")
    ensure_system(job)
    ensure_venv()
    if job == "main":
        install("")
        step("building the graph into build/")
        code = subprocess.call([str(BIN / "lmsgraph"), "build", "--out", str(ROOT / "build"), *rest], cwd=ROOT)
        if code == 0:
            step(f"to browse the graph: {BIN / 'lmsgraph'} serve   (then open http://127.0.0.1:8000/)")
        return code
    install("[test]")
    if job == "check":
        for title, cmd in (
            ("lint (ruff check)", ["ruff", "check", "src", "tests", "bench", "run.py"]),
            ("format (ruff format --check)", ["ruff", "format", "--check", "src", "tests", "bench", "run.py"]),
            ("types (mypy)", ["mypy"]),
        ):
            step(title)
            code = subprocess.call([str(BIN / cmd[0]), *cmd[1:]], cwd=ROOT)
            if code:
                return code
        return 0
    step("fetching the W3C SHACL core test suite (from pyshacl's source distribution on PyPI)")
    if subprocess.call([str(BIN / "python"), str(ROOT / "bench" / "shacl_w3c_suite.py"), "--fetch-only"], cwd=ROOT):
        print("run.py: could not fetch the W3C SHACL suite; its tests will be skipped", flush=True)
    node_modules = ROOT / "bench" / ".cache" / "node"
    if shutil.which("npm") and not (node_modules / "node_modules" / "jsonld").exists():
        step("installing the npm package jsonld (a second JSON-LD reader for the tests) into bench/.cache/node")
        if subprocess.call(
            ["npm", "install", "--prefix", str(node_modules), "jsonld@8", "--no-audit", "--no-fund", "--silent"],
            cwd=ROOT,
        ):
            print("run.py: could not install jsonld from npm; its test will be skipped", flush=True)
    step("running the tests")
    return subprocess.call([str(BIN / "python"), "-m", "pytest", *rest], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
