"""The bundled shape sets and the SPARQL quality checks that run with them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lmsgraph.caching import read_once
from lmsgraph.display import shown
from lmsgraph.errors import DataError, UnsupportedError, UsageError
from lmsgraph.headers import read_yaml_header
from lmsgraph.prefixes import SHAPES_NS
from lmsgraph.resources import data_dir

SHAPE_SETS = {"graph": ("term-shapes.ttl", "graph-shapes.ttl"), "cases": ("term-shapes.ttl", "case-shapes.ttl")}
SEVERITIES = ("Violation", "Warning", "Info")


@dataclass(frozen=True)
class Check:
    """A SPARQL quality check: a ``*-violation.rq`` file whose every row is a problem."""

    name: str
    path: Path
    summary: str
    message: str
    severity: str
    text: str

    @property
    def iri(self) -> str:
        return f"{SHAPES_NS}check/{self.name}"


@dataclass(frozen=True)
class ShapeSet:
    """Shapes to validate with, and the checks that go with them."""

    name: str
    files: tuple[Path, ...]
    checks: tuple[Check, ...] = field(default_factory=tuple)
    given: object = field(default=None, compare=False, repr=False)  # an rdflib Graph of shapes

    def graph(self) -> Any:
        """The shapes as an rdflib graph; a bundled set's is parsed once per process and shared
        (it is not to be changed)."""
        if self.given is not None:
            return self.given
        if self.name in SHAPE_SETS:
            return _bundled_graph(self.name)
        return _parse(self.files)


def _parse(files: tuple[Path, ...]) -> Any:
    from rdflib import Graph

    from lmsgraph.graph import parse_turtle
    from lmsgraph.validation.loading import exact_literals

    graph = Graph()
    for path in files:
        with exact_literals():
            parse_turtle(graph, path)
    return graph


@read_once
def _bundled_graph(name: str) -> Any:
    folder = data_dir("shapes")
    return _parse(tuple(folder / f for f in SHAPE_SETS[name]))


@read_once
def compiled_bundled(name: str) -> Any:
    """The compiler that compiled a bundled shape set, and what it compiled (or the
    :class:`UnsupportedError` it raised): compiled once per process."""
    from lmsgraph.prefixes import compact_iri
    from lmsgraph.validation.compiled import Compiler

    compiler = Compiler(_bundled_graph(name), compact_iri)
    try:
        return compiler, compiler.compile()
    except UnsupportedError as exc:
        return compiler, exc


def parse_check(path: Path) -> Check:
    """Read a ``*-violation.rq`` file and its ``#+`` header (summary, message, severity)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    meta, _ = read_yaml_header(text.splitlines(), "#+", path)
    for key in ("summary", "message"):
        if not meta.get(key):
            raise DataError(f"the check's header needs a {key!r}", path=path, line=1, field=key)
    severity = meta.get("severity", "Violation")
    if severity not in SEVERITIES:
        raise DataError(f"severity must be one of {', '.join(SEVERITIES)}", path=path, field="severity", value=severity)
    name = path.name.removesuffix("-violation.rq")
    return Check(name, path, str(meta["summary"]), str(meta["message"]), severity, text)


@read_once
def enabled_checks() -> dict[str, tuple[str, ...]]:
    """The check names each bundled shape set runs, from ``shapes/checks.yaml``."""
    import yaml

    path = data_dir("shapes") / "checks.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = {}
    for set_name in SHAPE_SETS:
        names = data.get(set_name) or []
        if not isinstance(names, list):
            raise DataError("expected a list of check names", path=path, field=set_name, value=names)
        out[set_name] = tuple(str(n) for n in names)
    return out


def check_files() -> list[Path]:
    return sorted((data_dir("shapes") / "checks").glob("*-violation.rq"))


def load_checks(set_name: str) -> tuple[Check, ...]:
    folder = data_dir("shapes") / "checks"
    checks = []
    for name in enabled_checks()[set_name]:
        path = folder / f"{name}-violation.rq"
        if not path.is_file():
            raise DataError(
                f"checks.yaml enables {name!r} but {path.name} does not exist",
                path=data_dir("shapes") / "checks.yaml",
                field=set_name,
                value=name,
            )
        checks.append(parse_check(path))
    return tuple(checks)


def shape_set(spec) -> ShapeSet:
    """``"graph"``, ``"cases"``, the path of a Turtle file (or a folder of them) holding shapes,
    or an rdflib graph of shapes."""
    from rdflib import Graph

    if isinstance(spec, Graph):
        return ShapeSet("the given shapes graph", (), given=spec)
    if isinstance(spec, str) and spec in SHAPE_SETS:
        folder = data_dir("shapes")
        return ShapeSet(spec, tuple(folder / f for f in SHAPE_SETS[spec]), load_checks(spec))
    path = Path(spec)
    if path.is_dir():
        files = tuple(sorted(path.glob("*.ttl")))
        if not files:
            raise DataError("the folder holds no Turtle (.ttl) shapes files", path=path)
        return ShapeSet(str(path), files)
    if path.is_file():
        return ShapeSet(str(path), (path,))
    raise UsageError(
        f"unknown shapes {shown(str(spec))}: expected 'graph', 'cases', or the path of a Turtle file of shapes",
        field="shapes",
        value=str(spec),
    )
