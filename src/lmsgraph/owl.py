"""OWL checks: the OWL 2 DL profile (OWL API) and consistency and classification (HermiT).

Both need Java. The OWL API comes from Debian's ``libowlapi-java`` package; HermiT ships
inside owlready2. ``python3 run.py`` installs what is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from lmsgraph.errors import ReasonerError, ToolMissingError

JAVA_DIR = Path("/usr/share/java")
PROFILE_CHECKER = Path(__file__).with_name("java") / "DlProfileCheck.java"
OWLAPI_SAVER = Path(__file__).with_name("java") / "OwlApiSave.java"
# Logging bridges that clash with each other when they share a class path with slf4j-api.
_CLASHING_JARS = (
    "jcl-over-slf4j",
    "log4j-over-slf4j",
    "jul-to-slf4j",
    "slf4j-jcl",
    "slf4j-log4j12",
    "slf4j-jdk14",
    "slf4j-simple",
    "slf4j-nop",
    "slf4j-reload4j",
    "maven3-slf4j-provider",
)


@dataclass(frozen=True)
class ProfileReport:
    """Whether an ontology is in the OWL 2 DL profile, and why not."""

    in_profile: bool
    axioms: int
    violations: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReasonerReport:
    """What HermiT concluded: consistency, unsatisfiable classes, and subclass links it inferred."""

    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    inferred_subclasses: list[tuple[str, str]] = field(default_factory=list)


def _java() -> str:
    java = shutil.which("java")
    if not java:
        raise ToolMissingError("Java is not installed; run `python3 run.py main` or install default-jre-headless")
    return java


def owlapi_classpath() -> str:
    """The class path of the OWL API and its dependencies as Debian installs them."""
    override = os.environ.get("LMSGRAPH_OWLAPI_CLASSPATH")
    if override:
        return override
    if not (JAVA_DIR / "owlapi-distribution.jar").exists():
        raise ToolMissingError(
            "the OWL API is not installed (Debian package libowlapi-java); run `python3 run.py main`"
        )
    jars = [
        str(jar)
        for jar in sorted(JAVA_DIR.glob("*.jar"))
        # Debian installs each jar twice, versioned and unversioned; keep the unversioned names.
        if not jar.name.startswith(_CLASHING_JARS) and not jar.stem.rsplit("-", 1)[-1][:1].isdigit()
    ]
    return os.pathsep.join(jars)


def profile_checker_command(java: str, classpath: str) -> list[str]:
    """The command that runs the OWL 2 DL profile checker (see :func:`java_command`)."""
    return java_command(PROFILE_CHECKER, java, classpath)


def java_command(source: Path, java: str, classpath: str) -> list[str]:
    """The command that runs the Java program ``source`` (one class, named as the file): its
    compiled class when ``javac`` is at hand, compiled once per content of the source and class
    path and kept in the user's cache (``~/.cache/lmsgraph/java/<hash>``); otherwise Java's
    launch of the source file, which compiles it on every run (about 2.5 s)."""
    import hashlib

    javac = shutil.which("javac")
    if javac is None:
        return [java, "-cp", classpath, str(source)]
    key = hashlib.sha256(source.read_bytes() + classpath.encode()).hexdigest()[:16]
    from lmsgraph.resources import user_cache

    folder = user_cache() / "java" / key
    if not (folder / f"{source.stem}.class").exists():
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=folder.parent))
        except OSError:  # no cache to keep it in: Java compiles the source on each run
            return [java, "-cp", classpath, str(source)]
        try:
            done = subprocess.run(
                [javac, "-nowarn", "-cp", classpath, "-d", str(staging), str(source)],
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            if done.returncode != 0:
                detail = (done.stderr.strip().splitlines() or ["no output"])[0]
                raise ReasonerError(f"{source.name} does not compile: {detail}")
            try:
                staging.rename(folder)  # atomic: a concurrent run that got there first wins
            except OSError:
                pass
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return [java, "-cp", os.pathsep.join([str(folder), classpath]), source.stem]


def save_through_owlapi(graph: Graph, folder: Path, *, timeout: float = 300) -> Path:
    """``graph`` loaded by the OWL API and saved again as RDF/XML (``folder/owlapi.owl``), as
    Protégé or ROBOT would save it: what the OWL API does not keep is gone from the file."""
    java = _java()
    command = java_command(OWLAPI_SAVER, java, owlapi_classpath())
    source = _write_rdfxml(graph, Path(folder))
    saved = Path(folder) / "owlapi.owl"
    try:
        proc = subprocess.run(
            [*command, str(source), str(saved)], capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise ReasonerError(f"saving through the OWL API took longer than {timeout} s") from exc
    if proc.returncode != 0:
        detail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise ReasonerError(f"saving through the OWL API failed (exit {proc.returncode}): {detail}")
    return saved


def _write_rdfxml(graph: Graph, folder: Path) -> Path:
    path = folder / "lmsgraph.owl"
    from lmsgraph.export import serialize_rdfxml

    path.write_bytes(serialize_rdfxml(graph))
    return path


def check_dl_profile(graph: Graph, *, timeout: float = 300) -> ProfileReport:
    """Check ``graph`` against the OWL 2 DL profile with the OWL API's profile checker."""
    java = _java()
    classpath = owlapi_classpath()
    command = profile_checker_command(java, classpath)
    with tempfile.TemporaryDirectory(prefix="lmsgraph-owl-") as tmp:
        owl_file = _write_rdfxml(graph, Path(tmp))
        try:
            proc = subprocess.run(
                [*command, str(owl_file)],
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise ReasonerError(f"the OWL 2 DL profile check took longer than {timeout} s") from exc
    if proc.returncode not in (0, 1):
        detail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise ReasonerError(f"the OWL 2 DL profile check failed (exit {proc.returncode}): {detail}")
    violations, axioms = [], 0
    for line in proc.stdout.splitlines():
        kind, _, rest = line.partition("\t")
        if kind == "VIOLATION":
            violations.append(rest)
        elif kind == "AXIOMS":
            axioms = int(rest)
    return ProfileReport(in_profile=proc.returncode == 0, axioms=axioms, violations=violations)


def reason(graph: Graph) -> ReasonerReport:
    """Run HermiT over ``graph``: is it consistent, which classes are unsatisfiable, what does it infer?"""
    _java()
    import owlready2  # imported here: it is slow to import and starts nothing until asked

    with tempfile.TemporaryDirectory(prefix="lmsgraph-hermit-") as tmp:
        nt = Path(tmp) / "lmsgraph.nt"
        nt.write_bytes(graph.serialize(format="nt", encoding="utf-8"))
        world = owlready2.World()
        try:
            onto = world.get_ontology(nt.as_uri()).load(format="ntriples")
            asserted = _subclass_pairs(world)
            try:
                with onto:
                    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
            except owlready2.OwlReadyInconsistentOntologyError:
                return ReasonerReport(consistent=False)
            except (owlready2.OwlReadyJavaError, OSError) as exc:
                raise ReasonerError(f"HermiT failed: {exc}") from exc
            unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if hasattr(c, "iri"))
            inferred = sorted(_subclass_pairs(world) - asserted)
        finally:
            world.close()
    return ReasonerReport(consistent=True, unsatisfiable=unsatisfiable, inferred_subclasses=inferred)


def _subclass_pairs(world) -> set[tuple[str, str]]:
    pairs = set()
    for cls in world.classes():
        for parent in cls.is_a:
            if hasattr(parent, "iri") and parent.iri != "http://www.w3.org/2002/07/owl#Thing":
                pairs.add((cls.iri, parent.iri))
    return pairs
