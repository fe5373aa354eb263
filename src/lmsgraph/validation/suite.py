"""Run SHACL test cases written as test manifests through :func:`lmsgraph.validation.validate`.

A test manifest is the format of the W3C data-shapes test suite: an ``mf:Manifest`` whose
``mf:entries`` are ``sht:Validate`` tests (``mf:action`` names a data graph and a shapes
graph, ``mf:result`` is the expected ``sh:ValidationReport``), and whose ``mf:include``
names further manifests. The project's own SHACL conformance cases (``tests/shacl``) are
written in it, so that any SHACL engine's test runner can read them too.

A test passes when the report's ``sh:conforms`` and the multiset of its results agree with
the expected report. A result is compared by its focus node, path, value, source shape,
constraint component and severity (not by its message, which SHACL leaves to the engine).
Blank nodes are compared only as being blank: a blank focus node matches any blank focus
node, and so on; a path is compared by its structure.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lmsgraph.errors import DataError, LmsgraphError, UnsupportedError

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"
SH = "http://www.w3.org/ns/shacl#"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

# Tests of the W3C SHACL Core suite where an engine's report differs from the suite's, by engine
# and test, with the reason; bench/shacl_w3c_suite.py and the tests list them, never skip them.
W3C_KNOWN = {
    "pyshacl": {
        "property/uniqueLang-002": 'pyshacl reads sh:uniqueLang "1"^^xsd:boolean as true; SHACL names only true',
    },
    "jena": {
        "path/path-sequence-002": "Jena SHACL 4.5 reports a sequence of three steps as a nested sequence, "
        "((p1 / p2) / p3): the same path, another structure",
    },
    "compiled": {},
    "auto": {},
}

# The project's own cases (tests/shacl) where another engine's report differs, and why. Jena and
# pyrudof change literals the data gave (which RDF holds to be other terms); lmsgraph does not.
# Where the specification leaves a point open (the value of a result from a property shape's SPARQL
# constraint whose query binds no ?value), no case asserts it.
SUITE_KNOWN = {
    "pyshacl": {
        "value-range.ttl#test": "pyshacl lets a date pass sh:maxInclusive 100; SPARQL cannot compare the two, "
        "and a value that cannot be compared is a result",
    },
    "jena": {
        "literal-forms.ttl#test": 'Jena SHACL reports "07"^^xsd:integer as "7"',
        "literal-distinct-forms.ttl#test": 'Jena SHACL reports "04"^^xsd:integer as "4", one result for two terms',
        "sparql.ttl#test": "Jena SHACL 4.5 runs a property shape's SPARQL constraint once for each value node "
        "instead of once for each focus node, so a solution is reported once per value node",
    },
    "pyrudof": {
        "literal-forms.ttl#test": 'pyrudof reports "07"^^xsd:integer as "7"',
        "literal-distinct-forms.ttl#test": 'pyrudof reports "04"^^xsd:integer as "4", one result for two terms',
        "language-tag-case.ttl#test": 'pyrudof reports "Leiomyosarcoma"@EN with the tag in lower case',
    },
}

ResultKey = tuple  # (focus, path, value, shape, component, severity), each a text or None


@dataclass
class SuiteCase:
    """One ``sht:Validate`` test."""

    name: str
    label: str
    data: Path
    shapes: Path
    conforms: bool
    results: Counter
    graphs: dict

    def shapes_graph(self) -> Graph:
        return self.graphs[self.shapes]


@dataclass
class Outcome:
    """How an engine did on one test: ``pass``, ``wrong``, ``declined`` or ``error``."""

    case: str
    engine: str
    status: str
    used: str = ""
    detail: str = ""


def parse_exact(path: Path) -> Graph:
    """A Turtle file as an rdflib graph that keeps every literal as written (``"04"^^xsd:integer``
    stays ``"04"``)."""
    from rdflib import Graph

    from lmsgraph.validation.loading import exact_literals

    graph = Graph()
    with exact_literals():
        try:
            graph.parse(path, format="turtle", publicID=path.resolve().as_uri())
        except Exception as exc:  # rdflib raises many kinds of syntax error
            raise DataError(f"cannot parse the test file: {exc}", path=path) from exc
    return graph


def load_cases(manifest: Path) -> list[SuiteCase]:
    """The ``sht:Validate`` tests of a manifest and of every manifest it includes, in order."""
    from rdflib import RDF, Literal, URIRef
    from rdflib.collection import Collection

    cases: list[SuiteCase] = []
    graphs: dict[Path, Graph] = {}
    seen: set[Path] = set()

    def graph_of(path: Path) -> Graph:
        if path not in graphs:
            graphs[path] = parse_exact(path)
        return graphs[path]

    def local(iri) -> Path:
        text = str(iri)
        if not text.startswith("file://"):
            raise DataError("a test names a graph that is not a local file", value=text)
        from urllib.parse import unquote, urlparse

        return Path(unquote(urlparse(text).path))

    def visit(path: Path) -> None:
        path = path.resolve()
        if path in seen:
            return
        seen.add(path)
        graph = graph_of(path)
        for manifest_node in graph.subjects(RDF.type, URIRef(MF + "Manifest")):
            for included in graph.objects(manifest_node, URIRef(MF + "include")):
                visit(local(included))
            for entries in graph.objects(manifest_node, URIRef(MF + "entries")):
                for test in Collection(graph, entries):
                    if (test, RDF.type, URIRef(SHT + "Validate")) not in graph:
                        continue
                    action = graph.value(test, URIRef(MF + "action"))
                    expected = graph.value(test, URIRef(MF + "result"))
                    data = local(graph.value(action, URIRef(SHT + "dataGraph")))
                    shapes = local(graph.value(action, URIRef(SHT + "shapesGraph")))
                    graph_of(data)
                    graph_of(shapes)
                    conforms = graph.value(expected, URIRef(SH + "conforms"))
                    keys = Counter(result_key(graph, node) for node in graph.objects(expected, URIRef(SH + "result")))
                    name = str(test).removeprefix(root.as_uri() + "/")
                    label = str(graph.value(test, URIRef("http://www.w3.org/2000/01/rdf-schema#label")) or "")
                    conforms_value = conforms.toPython() if isinstance(conforms, Literal) else None
                    cases.append(SuiteCase(name, label, data, shapes, bool(conforms_value), keys, graphs))

    root = Path(manifest).resolve().parent
    visit(Path(manifest))
    return cases


def term_key(term: Node | None) -> str | None:
    from rdflib import BNode, Literal

    if term is None:
        return None
    if isinstance(term, BNode):
        return "_"
    if isinstance(term, Literal) and str(term.datatype) == XSD_STRING:
        term = Literal(str(term))  # "x" and "x"^^xsd:string are one term in RDF 1.1
    return term.n3()


def path_key(graph: Graph, node: Node | None) -> str | None:
    """A SHACL property path as text, from its structure in ``graph``."""
    from rdflib import BNode, URIRef
    from rdflib.collection import Collection

    if node is None:
        return None
    if not isinstance(node, BNode):
        return node.n3()
    if graph.value(node, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#first")) is not None:
        return "(" + " / ".join(path_key(graph, step) or "?" for step in Collection(graph, node)) + ")"
    for name, template in (
        ("inversePath", "^{}"),
        ("zeroOrMorePath", "{}*"),
        ("oneOrMorePath", "{}+"),
        ("zeroOrOnePath", "{}?"),
    ):
        inner = graph.value(node, URIRef(SH + name))
        if inner is not None:
            return template.format(path_key(graph, inner))
    alternatives = graph.value(node, URIRef(SH + "alternativePath"))
    if alternatives is not None:
        return "(" + " | ".join(path_key(graph, step) or "?" for step in Collection(graph, alternatives)) + ")"
    return "_"


def result_key(graph: Graph, node: Node) -> ResultKey:
    """The compared parts of one ``sh:ValidationResult`` in a report graph."""
    from rdflib import URIRef

    def value(name: str):
        return graph.value(node, URIRef(SH + name))

    return (
        term_key(value("focusNode")),
        path_key(graph, value("resultPath")),
        term_key(value("value")),
        term_key(value("sourceShape")),
        term_key(value("sourceConstraintComponent")),
        term_key(value("resultSeverity")),
    )


def report_keys(report) -> Counter:
    """The compared parts of every result of a :class:`ValidationReport`, read from its report graph."""
    from rdflib import URIRef

    graph = report.to_graph()
    return Counter(result_key(graph, node) for node in graph.objects(None, URIRef(SH + "result")))


def compare(case: SuiteCase, report) -> str:
    """What differs between the expected report and ``report``; empty when nothing does."""
    return compare_keys(case, report.conforms, report_keys(report))


def compare_keys(case: SuiteCase, conforms: bool | None, got: Counter) -> str:
    """What differs between the expected report and a report's ``sh:conforms`` and result keys."""
    problems = []
    if conforms != case.conforms:
        problems.append(f"conforms {conforms}, expected {case.conforms}")
    missing = case.results - got
    extra = got - case.results
    for key, n in sorted(missing.items(), key=str):
        problems.append(f"missing {n}x {_show(key)}")
    for key, n in sorted(extra.items(), key=str):
        problems.append(f"unexpected {n}x {_show(key)}")
    return "; ".join(problems)


def _show(key: ResultKey) -> str:
    import re

    names = ("focus", "path", "value", "shape", "component", "severity")
    # IRIs by their local name, to keep a line readable: <http://x.org/t#Shape> reads :Shape.
    return (
        "{"
        + ", ".join(
            f"{n}=" + re.sub(r"<[^<>]*[#/]([^<>#/]*)>", r":\1", v)
            for n, v in zip(names, key, strict=True)
            if v is not None
        )
        + "}"
    )


def run_case(case: SuiteCase, engine: str) -> Outcome:
    """Validate one test's data with one engine and compare the report with the expected one."""
    from lmsgraph.validation import validate

    try:
        report = validate(case.data, shapes=case.shapes_graph(), engine=engine, checks=False, context=False)
    except LmsgraphError as exc:
        if engine == "compiled" and isinstance(exc.__cause__, UnsupportedError):
            return Outcome(case.name, engine, "declined", detail=str(exc))
        return Outcome(case.name, engine, "error", detail=str(exc))
    except Exception as exc:  # an engine crashing is an outcome to report, not to hide
        return Outcome(case.name, engine, "error", detail=f"{type(exc).__name__}: {exc}")
    detail = compare(case, report)
    return Outcome(case.name, engine, "wrong" if detail else "pass", used=report.engine, detail=detail)
