"""The typed validation report: results of SHACL shapes and SPARQL quality checks.

A report renders as text (for people), JSON (for programs) and a SHACL validation
report graph (for RDF tools). ``conforms`` is what SHACL says it is: true only when there is
no result at all, whatever its severity. Whether the data *passes* is a separate choice,
``fail_on``: a report passes when no result is as severe as that level (``"violation"`` by
default, so warnings and infos are reported without failing; a severity outside SHACL's three
counts as a violation).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lmsgraph.prefixes import DISPLAY_PREFIXES, SHAPES_NS, compact_iri

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

SH = DISPLAY_PREFIXES["sh"]
SEVERITIES = ("Violation", "Warning", "Info")
FAIL_ON = ("violation", "warning", "info")
CHECK_COMPONENT = SHAPES_NS + "SPARQLCheckComponent"


def severity_name(iri: object) -> str:
    """``Violation``, ``Warning`` or ``Info`` for SHACL's severities; the IRI itself for any other."""
    text = str(iri)
    if text.startswith(SH) and text[len(SH) :] in SEVERITIES:
        return text[len(SH) :]
    return text


def english_first(messages: Iterable[Any]) -> list[Any]:
    """Messages (literals) with the English or untagged ones first, then by language and text."""
    return sorted(messages, key=lambda m: (m.language not in (None, "en"), m.language or "", str(m)))


def severity_rank(severity: str) -> int:
    """0 for a violation (and any severity SHACL does not define), 1 for a warning, 2 for an info."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else 0


def render_term(term: Node | None) -> str | None:
    """A short, stable text form of an RDF term: a CURIE, an IRI, a literal in Turtle form, or a blank node."""
    if term is None:
        return None
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return compact_iri(str(term))
    if isinstance(term, BNode):
        return "[]"
    if isinstance(term, Literal):
        lexical = json.dumps(str(term), ensure_ascii=False)
        if term.language:
            return f"{lexical}@{term.language}"
        if term.datatype is not None and str(term.datatype) != "http://www.w3.org/2001/XMLSchema#string":
            return f"{lexical}^^{compact_iri(str(term.datatype))}"
        return lexical
    return str(term)


@dataclass(frozen=True)
class ValidationResult:
    """One problem found: where (focus node, path, value), what (message), how bad (severity), and by what (shape, component)."""

    severity: str
    focus_node: Any  # rdflib terms, as the data and the shapes wrote them
    path: Any
    value: Any
    message: str
    source_shape: Any
    component: str
    location: str | None = None
    path_text: str | None = None

    def key(self) -> tuple[Any, ...]:
        """A sort key that orders results the same way on every run."""
        return (
            severity_rank(self.severity),
            self.severity,
            str(self.focus_node) if not _is_bnode(self.focus_node) else "",
            self.path_text or render_term(self.path) or "",
            self.component,
            str(self.value) if self.value is not None and not _is_bnode(self.value) else "",
            self.message,
            str(self.source_shape),
        )

    def identity(self) -> tuple[Any, ...]:
        """What makes two results the same result, whichever engine found them."""
        return (self.severity, self.focus_node, self.path, self.value, self.message, self.source_shape, self.component)

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "focus_node": render_term(self.focus_node),
            "path": self.path_text or render_term(self.path),
            "value": render_term(self.value),
            "message": self.message,
            "source_shape": render_term(self.source_shape),
            "component": compact_iri(self.component),
            "location": self.location,
        }


def _is_bnode(term: object) -> bool:
    from rdflib import BNode

    return isinstance(term, BNode)


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating some data against a set of shapes."""

    results: tuple[ValidationResult, ...]
    shapes: str
    engine: str
    sources: tuple[str, ...] = field(default_factory=tuple)
    shapes_graph: Graph | None = field(default=None, compare=False, repr=False)
    fail_on: str = "violation"

    @property
    def conforms(self) -> bool:
        """SHACL's ``sh:conforms``: true only when there is no result of any severity."""
        return not self.results

    @property
    def passed(self) -> bool:
        """True when no result is as severe as :attr:`fail_on`."""
        level = FAIL_ON.index(self.fail_on)
        return not any(severity_rank(r.severity) <= level for r in self.results)

    @property
    def failures(self) -> tuple[ValidationResult, ...]:
        """The results that make the report fail at its :attr:`fail_on` level."""
        level = FAIL_ON.index(self.fail_on)
        return tuple(r for r in self.results if severity_rank(r.severity) <= level)

    @property
    def violations(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if severity_rank(r.severity) == 0)

    @property
    def warnings(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if r.severity == "Warning")

    def counts(self) -> dict[str, int]:
        """Results by severity; a severity outside SHACL's three is counted as a violation."""
        return {s: sum(1 for r in self.results if SEVERITIES[severity_rank(r.severity)] == s) for s in SEVERITIES}

    def as_dict(self) -> dict[str, object]:
        return {
            "conforms": self.conforms,
            "passed": self.passed,
            "fail_on": self.fail_on,
            "shapes": self.shapes,
            "engine": self.engine,
            "sources": list(self.sources),
            "counts": self.counts(),
            "results": [r.as_dict() for r in self.results],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n"

    def to_text(self) -> str:
        counts = self.counts()
        what = ", ".join(self.sources) or "the data"
        lines = [
            f"{what} against the {self.shapes} shapes: "
            + ("conforms" if self.conforms else "does not conform")
            + f" ({counts['Violation']} violations, {counts['Warning']} warnings, {counts['Info']} infos); "
            + ("passes" if self.passed else "fails")
            + f" at --fail-on {self.fail_on}"
        ]
        for r in self.results:
            where = f"{r.location}: " if r.location else ""
            head = f"{where}{(r.severity if r.severity in SEVERITIES else compact_iri(r.severity)).upper()} {render_term(r.focus_node)}"
            if r.path is not None:
                head += f" {r.path_text or render_term(r.path)}"
            if r.value is not None:
                head += f" = {render_term(r.value)}"
            lines.append(head)
            lines.append(f"    {r.message}")
            lines.append(f"    ({render_term(r.source_shape)}, {compact_iri(r.component)})")
        return "\n".join(lines) + "\n"

    def to_graph(self) -> Graph:
        """The report as a SHACL validation report graph (``sh:ValidationReport``)."""
        from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef

        from lmsgraph.namespaces import bind_prefixes

        sh = Namespace(SH)
        graph = Graph()
        bind_prefixes(graph)
        graph.bind("sh", SH)
        graph.bind("lmsgsh", SHAPES_NS)
        report = BNode("report")
        graph.add((report, RDF.type, sh.ValidationReport))
        graph.add((report, sh.conforms, Literal(self.conforms)))
        paths: dict[Any, Any] = {}  # blank path nodes of the shapes graph, relabelled in order of first use
        for n, r in enumerate(self.results, 1):
            node = BNode(f"result{n}")
            graph.add((report, sh.result, node))
            graph.add((node, RDF.type, sh.ValidationResult))
            graph.add((node, sh.resultSeverity, sh[r.severity] if r.severity in SEVERITIES else URIRef(r.severity)))
            graph.add((node, sh.focusNode, r.focus_node))
            if r.path is not None:
                path = r.path
                if _is_bnode(r.path) and self.shapes_graph is not None:
                    if r.path not in paths:
                        paths[r.path] = _copy_closure(self.shapes_graph, r.path, graph, f"path{len(paths) + 1}")
                    path = paths[r.path]
                graph.add((node, sh.resultPath, path))
            if r.value is not None:
                graph.add((node, sh.value, r.value))
            graph.add((node, sh.resultMessage, Literal(r.message, lang="en")))
            graph.add((node, sh.sourceShape, r.source_shape))
            graph.add((node, sh.sourceConstraintComponent, URIRef(r.component)))
        return graph

    def to_turtle(self) -> str:
        """The report graph as Turtle, the same bytes for the same report.

        Its own blank nodes (the report, its results, copied paths) are labelled by position,
        so sorting its triples is enough. Blank nodes that come from the data or the shapes
        (a blank focus node, value or source shape) have labels of no meaning: then the graph is
        canonicalised, which costs more time the more results there are.
        """
        from lmsgraph.canonical import canonical_turtle

        foreign = any(_is_bnode(t) for r in self.results for t in (r.focus_node, r.value, r.source_shape))
        if foreign:
            return canonical_turtle(self.to_graph()).decode("utf-8")
        return self._written_turtle()

    def _written_turtle(self) -> str:
        """The report graph (:meth:`to_graph`, whose blank nodes are all its own) written out
        directly, result by result, in the report's order: each term as N-Triples writes it
        (:mod:`lmsgraph.ntriples`), which Turtle reads the same. rdflib's serializer took 1.8 s
        for the 4,961 results of 100k synthetic cases (``bench/validate_cases.py``), this 0.1 s;
        a test parses both and compares the graphs."""
        from rdflib import RDF, BNode, Literal, URIRef

        from lmsgraph.ntriples import rdflib_term

        graph = self.to_graph() if any(_is_bnode(r.path) for r in self.results) else None
        sh, a = f"<{SH}", rdflib_term(RDF.type)
        report = [f"_:report {a} {sh}ValidationReport> ;", f"    {sh}conforms> {rdflib_term(Literal(self.conforms))}"]
        if self.results:
            report[-1] += " ;"
            report.append(
                f"    {sh}result> " + " ,\n        ".join(f"_:result{n}" for n in range(1, len(self.results) + 1))
            )
        report[-1] += " ."
        lines = []
        for n, r in enumerate(self.results, 1):
            severity = f"{sh}{r.severity}>" if r.severity in SEVERITIES else rdflib_term(URIRef(r.severity))
            lines.append(f"_:result{n} {a} {sh}ValidationResult> ;")
            lines.append(f"    {sh}resultSeverity> {severity} ;")
            lines.append(f"    {sh}focusNode> {rdflib_term(r.focus_node)} ;")
            if r.path is not None:
                path = r.path
                if graph is not None and _is_bnode(path):
                    path = graph.value(BNode(f"result{n}"), URIRef(SH + "resultPath"))
                lines.append(f"    {sh}resultPath> {rdflib_term(path)} ;")
            if r.value is not None:
                lines.append(f"    {sh}value> {rdflib_term(r.value)} ;")
            lines.append(f"    {sh}resultMessage> {rdflib_term(Literal(r.message, lang='en'))} ;")
            lines.append(f"    {sh}sourceShape> {rdflib_term(r.source_shape)} ;")
            lines.append(f"    {sh}sourceConstraintComponent> {rdflib_term(URIRef(r.component))} .")
        closures = []
        if graph is not None:  # the copied paths: every triple whose subject is a blank path node
            closures = sorted(
                f"{rdflib_term(s)} {rdflib_term(p)} {rdflib_term(o)} ."
                for s, p, o in graph
                if _is_bnode(s) and str(s).startswith("path")
            )
        return "\n".join([*report, *lines, *closures]) + "\n"


def _copy_closure(source: Graph, node: Node, target: Graph, label: str) -> Node:
    """Copy the triples that describe a blank node (a property path, say), recursively, with
    blank node labels made from ``label``; the copy of ``node``."""
    from rdflib import BNode

    names: dict[Any, Any] = {}

    def name(blank: Any) -> Any:
        if blank not in names:
            names[blank] = BNode(label if not names else f"{label}-{len(names)}")
        return names[blank]

    todo, seen = [node], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        # In a fixed order, so that the labels are the same in every process.
        for p, o in sorted(
            source.predicate_objects(current), key=lambda po: (str(po[0]), _is_bnode(po[1]), str(po[1]))
        ):
            target.add((name(current), p, name(o) if _is_bnode(o) else o))
            if _is_bnode(o):
                todo.append(o)
    copy: Node = name(node)
    return copy


def make_report(
    results: Iterable[ValidationResult],
    *,
    shapes: str,
    engine: str,
    sources: Iterable[str] = (),
    shapes_graph: Graph | None = None,
    fail_on: str = "violation",
) -> ValidationReport:
    """A report whose results are sorted, so that every engine gives the same one. Identical
    results stay: SHACL reports one result per validation, and two validations can find the same."""
    ordered = tuple(sorted(results, key=ValidationResult.key))
    return ValidationReport(
        ordered, shapes=shapes, engine=engine, sources=tuple(sources), shapes_graph=shapes_graph, fail_on=fail_on
    )
