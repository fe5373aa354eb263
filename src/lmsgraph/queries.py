"""The catalogue of canned SPARQL queries in ``queries/*.rq`` and a runner on Oxigraph.

Each file starts with a header of ``#+`` lines holding YAML: ``summary``, ``tags`` and
``params`` (name -> kind, example, description). Parameter values are bound as RDF terms
through Oxigraph's substitutions; they never become part of the query text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lmsgraph.errors import DataError
from lmsgraph.headers import read_yaml_header
from lmsgraph.namespaces import compact_iri, expand_curie
from lmsgraph.resources import data_dir

PARAM_KINDS = ("iri", "literal")
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    example: str
    description: str = ""


@dataclass(frozen=True)
class CannedQuery:
    """One query of the catalogue."""

    name: str
    path: Path
    summary: str
    text: str
    tags: tuple[str, ...] = ()
    params: tuple[Param, ...] = field(default_factory=tuple)


def parse_query_file(path: Path) -> CannedQuery:
    """Read a ``.rq`` file and its ``#+`` header."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    meta, _ = read_yaml_header(text.splitlines(), "#+", path)
    if not meta.get("summary"):
        raise DataError("header needs a 'summary'", path=path, line=1, field="summary")
    params = []
    for name, spec in (meta.get("params") or {}).items():
        if not isinstance(spec, dict) or spec.get("kind") not in PARAM_KINDS or "example" not in spec:
            raise DataError(f"parameter needs a kind ({' or '.join(PARAM_KINDS)}) and an example",
                            path=path, field=f"params.{name}", value=spec)
        params.append(Param(name, spec["kind"], str(spec["example"]), str(spec.get("description", ""))))
    return CannedQuery(name=path.stem, path=path, summary=str(meta["summary"]), text=text,
                       tags=tuple(meta.get("tags") or ()), params=tuple(params))


def catalogue() -> dict[str, CannedQuery]:
    """Every canned query, by name.

    >>> "markers-of-entity" in catalogue()
    True
    """
    return {q.name: q for q in map(parse_query_file, sorted(data_dir("queries").glob("*.rq")))}


def oxigraph_store(graph):
    """A pyoxigraph store holding ``graph``."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store


XSD_NS = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {f"{XSD_NS}{t}" for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}


def literal_value(lexical: str, datatype: str | None):
    """A literal as a Python value: ``int``, ``Decimal``, ``float``, ``bool``, ``date``, else ``str``.

    Backends differ in lexical forms (``3.0`` versus ``3``); the values they denote do not.

    >>> literal_value("3.0", XSD_NS + "decimal") == literal_value("3", XSD_NS + "decimal")
    True
    """
    from datetime import date
    from decimal import Decimal, InvalidOperation

    try:
        if datatype in _INTEGER_TYPES:
            return int(lexical)
        if datatype == XSD_NS + "decimal":
            return Decimal(lexical)
        if datatype in (XSD_NS + "double", XSD_NS + "float"):
            return float(lexical)
        if datatype == XSD_NS + "boolean":
            return lexical.strip() in ("true", "1")
        if datatype == XSD_NS + "date":
            return date.fromisoformat(lexical)
    except (ValueError, InvalidOperation):
        return lexical
    return lexical


def check_params(query: CannedQuery, params: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Validate ``params`` against the query's header: name -> (kind, value), IRIs expanded."""
    known = {p.name: p for p in query.params}
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise DataError(f"unknown parameter; {query.name} takes {', '.join(known) or 'none'}",
                        field="params", value=unknown[0])
    checked = {}
    for name, param in known.items():
        if name not in params:
            raise DataError(f"missing parameter --{name} (example: {param.example})", field=name)
        value = str(params[name])
        if param.kind == "iri":
            value = expand_curie(value)
            if not IRI.match(value):
                raise DataError("not an absolute IRI or a known CURIE", field=name, value=params[name])
        checked[name] = (param.kind, value)
    return checked


def run_query(query: CannedQuery, params: dict[str, str], store) -> list[dict[str, object]]:
    """Run a canned query on a pyoxigraph store; rows map variable names to CURIEs or Python values."""
    import pyoxigraph

    substitutions = {
        pyoxigraph.Variable(name): pyoxigraph.NamedNode(value) if kind == "iri" else pyoxigraph.Literal(value)
        for name, (kind, value) in check_params(query, params).items()
    }
    solutions = store.query(query.text, substitutions=substitutions)
    names = [v.value for v in solutions.variables]
    rows = []
    for solution in solutions:
        row: dict[str, object] = {}
        for name in names:
            term = solution[name]
            if term is None:
                row[name] = None
            elif isinstance(term, pyoxigraph.NamedNode):
                row[name] = compact_iri(term.value)
            elif isinstance(term, pyoxigraph.Literal):
                row[name] = literal_value(term.value, term.datatype.value if term.datatype else None)
            else:
                row[name] = term.value
        rows.append(row)
    return rows


def run_query_rdflib(query: CannedQuery, params: dict[str, str], graph) -> list[dict[str, object]]:
    """Run a canned query with rdflib's engine (small graphs); rows as :func:`run_query` gives them."""
    from rdflib import BNode, Literal, URIRef

    bindings = {name: URIRef(value) if kind == "iri" else Literal(value)
                for name, (kind, value) in check_params(query, params).items()}
    result = graph.query(query.text, initBindings=bindings)
    names = [str(v) for v in result.vars]
    rows = []
    for solution in result:
        row: dict[str, object] = {}
        for name, term in zip(names, solution):
            if term is None:
                row[name] = None
            elif isinstance(term, URIRef):
                row[name] = compact_iri(str(term))
            elif isinstance(term, Literal):
                row[name] = literal_value(str(term), str(term.datatype) if term.datatype else None)
            elif isinstance(term, BNode):
                row[name] = str(term)
        rows.append(row)
    return rows
