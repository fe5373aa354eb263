"""What a term page shows, read from the graph: every statement about the term and every one
naming it, its place in the hierarchy, its logical definition in readable form, the case
records that observe it, and its description as RDF for content negotiation.

A page's parts are plain data (lists and dicts of :class:`Link` and text) that the templates
lay out; an entity's profile and a claim's rendering come from :mod:`lmsgraph.api` and
:mod:`lmsgraph.claims`, the same objects the command line prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lmsgraph.prefixes import LMSG_NS, compact_iri, sparql_prefixes
from lmsgraph.terms import Term

if TYPE_CHECKING:
    from lmsgraph.api import KnowledgeGraph

OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCTERMS = "http://purl.org/dc/terms/"
#: The most case records a page lists (it says how many there are in all).
CASES_SHOWN = 50
#: The most statements naming a term a page lists (it says how many there are in all).
INCOMING_SHOWN = 200

#: The term's RDF as a page gives it, by ``?format=`` name: media type and Oxigraph format.
RDF_FORMATS = {
    "ttl": ("text/turtle", "TURTLE"),
    "nt": ("application/n-triples", "N_TRIPLES"),
    "jsonld": ("application/ld+json", "JSON_LD"),
}

EXISTS = "ASK { { ?term ?p ?o } UNION { ?s ?p ?term } }"
OUTGOING = (
    sparql_prefixes("rdfs")
    + """
SELECT ?p ?o (SAMPLE(?pl) AS ?pLabel) (SAMPLE(?ol) AS ?oLabel) WHERE {
  ?term ?p ?o .
  OPTIONAL { ?p rdfs:label ?pl }
  OPTIONAL { ?o rdfs:label ?ol }
} GROUP BY ?p ?o
"""
)
INCOMING = "SELECT DISTINCT ?s ?p WHERE { ?s ?p ?term FILTER (isIRI(?s)) } ORDER BY ?p ?s LIMIT " + str(
    INCOMING_SHOWN + 1
)
INCOMING_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?term FILTER (isIRI(?s)) }"
#: Named classes above the term, and each one's named parents: the tree down to the term.
ABOVE = (
    sparql_prefixes("rdfs")
    + """
SELECT DISTINCT ?class ?parent WHERE {
  ?term rdfs:subClassOf* ?class . ?class rdfs:subClassOf ?parent . FILTER (isIRI(?parent))
}
"""
)
CHILDREN = (
    sparql_prefixes("rdfs")
    + """
SELECT ?child (SAMPLE(?l) AS ?label) WHERE {
  ?child rdfs:subClassOf ?term . FILTER (isIRI(?child)) OPTIONAL { ?child rdfs:label ?l }
} GROUP BY ?child ORDER BY ?label ?child
"""
)
#: Case records diagnosed with the term or a subclass of it, or observing it as a feature or a
#: marker. Each part starts from the term, so a page reads only the cases that name it.
CASES_WHERE = """
  { ?diagnosis rdfs:subClassOf* ?term . ?case lmsg:diagnosis ?diagnosis }
  UNION { ?observation lmsg:feature ?term . ?case lmsg:hasObservation ?observation }
  UNION { ?result lmsg:marker ?term . ?case lmsg:hasMarkerResult ?result }
"""
CASES = (
    sparql_prefixes("lmsg", "rdfs")
    + "SELECT DISTINCT ?case WHERE {"
    + CASES_WHERE
    + "} ORDER BY ?case LIMIT "
    + str(CASES_SHOWN)
)
CASES_COUNT = sparql_prefixes("lmsg", "rdfs") + "SELECT (COUNT(DISTINCT ?case) AS ?n) WHERE {" + CASES_WHERE + "}"
LABELS = (
    sparql_prefixes("rdfs")
    + "SELECT ?x (SAMPLE(?l) AS ?label) WHERE { VALUES ?x { ?terms } ?x rdfs:label ?l } GROUP BY ?x"
)
AXIOMS = (
    sparql_prefixes("owl")
    + """
CONSTRUCT { ?axiom ?p ?o } WHERE { ?axiom owl:annotatedSource ?term ; ?p ?o }
"""
)


@dataclass(frozen=True)
class Link:
    """A term as a page shows it: its label (or CURIE) and, for the graph's own terms, the
    path of its page; an external term keeps its IRI."""

    iri: str
    label: str
    local: bool

    @property
    def curie(self) -> str:
        return compact_iri(self.iri)


def path_of(iri: str) -> str | None:
    """The path of a term's page (``/InflammatoryLeiomyosarcoma``), or None for an IRI of another namespace."""
    if iri.startswith(LMSG_NS) and len(iri) > len(LMSG_NS):
        return "/" + iri[len(LMSG_NS) :]
    return None


def link(iri: str, label: str | None = None) -> Link:
    return Link(iri, label or compact_iri(iri), path_of(iri) is not None)


def cell_view(value: Any) -> Link | str:
    """A cell of a canned answer as a page shows it: a term as a link, else its text (a claim's
    qualifiers and evidence in the one rendering of :mod:`lmsgraph.claims`)."""
    from lmsgraph.tables import cell

    iri = getattr(value, "iri", None)
    if iri is not None:
        return link(iri, getattr(value, "label", None) or getattr(value, "display", None) or None)
    return cell(value, readable=True)


@dataclass
class Statement:
    """One property of a term and its values (terms as :class:`Link`, literals as text)."""

    predicate: Link
    values: list[Link | str] = field(default_factory=list)


@dataclass
class TermPage:
    """Everything a term page shows, in the order it shows it."""

    term: Link
    types: list[Link]
    statements: list[Statement]
    incoming: list[tuple[Link, Link]]
    incoming_total: int
    tree: list[tuple[int, Link]]
    children: list[Link]
    logical: list[list[Link | str]]
    cases: list[Link]
    cases_total: int
    profile: Any = None
    claim: Any = None
    citation: Any = None
    citations: dict[str, Any] = field(default_factory=dict)


def _rows(kg: KnowledgeGraph, text: str, iri: str) -> list[tuple[Any, ...]]:
    """The rows of ``text`` with ``?term`` written as the IRI ``iri`` (checked and escaped by
    :meth:`Term.sparql`): Oxigraph then starts each pattern from the term, where a bound
    variable would leave it to read every case record first. Within the graph's limits
    (``lmsgraph serve --timeout``): a page that takes longer is a :class:`QueryLimitError`."""
    return kg.backend.run(re.sub(r"\?term\b", lambda _: Term("iri", iri).sparql(), text), None, kg.limits).rows


def _labels(kg: KnowledgeGraph, iris: set[str], known: dict[str, str]) -> dict[str, str]:
    """``known`` with the labels of the ``iris`` it lacks (case records: the name index holds terms only)."""
    wanted = sorted(iris - known.keys())
    if not wanted:
        return known
    values = " ".join(Term("iri", i).sparql() for i in wanted)
    found = kg.backend.run(LABELS.replace("?terms", values), None, kg.limits).rows
    return {**known, **{row[0].value: row[1].value for row in found if row[0] is not None and row[1] is not None}}


def exists(kg: KnowledgeGraph, iri: str) -> bool:
    return bool(kg.backend.run(EXISTS.replace("?term", Term("iri", iri).sparql()), None, kg.limits).boolean)


def term_page(kg: KnowledgeGraph, iri: str) -> TermPage:
    """The page of ``iri``, a term of the graph (see :func:`exists`)."""
    labels = kg.labels()
    statements: dict[str, Statement] = {}
    types: list[Link] = []
    for p, o, p_label, o_label in _rows(kg, OUTGOING, iri):
        if p.value == RDF + "type" and o.kind == "iri":
            types.append(link(o.value, o_label.value if o_label else labels.get(o.value)))
            continue
        row = statements.setdefault(p.value, Statement(link(p.value, p_label.value if p_label else None)))
        if o.kind == "iri":
            row.values.append(link(o.value, o_label.value if o_label else labels.get(o.value)))
        elif o.kind == "literal":
            row.values.append(o.value + (f" @{o.lang}" if o.lang and o.lang != "en" else ""))
        else:
            row.values.append("(an anonymous node: see the logical definition, or the RDF)")
    ordered = sorted(statements.values(), key=lambda s: (s.predicate.label.lower(), s.predicate.iri))
    for s in ordered:
        s.values.sort(key=lambda v: (v.label.lower(), v.iri) if isinstance(v, Link) else (v.lower(), ""))
    naming = _rows(kg, INCOMING, iri)
    case_rows = _rows(kg, CASES, iri)
    named = _labels(
        kg, {s.value for s, _ in naming} | {p.value for _, p in naming} | {c.value for (c,) in case_rows}, labels
    )
    incoming = [(link(s.value, named.get(s.value)), link(p.value, named.get(p.value))) for s, p in naming]
    incoming_total = int(_rows(kg, INCOMING_COUNT, iri)[0][0].value)
    cases = [link(c.value, named.get(c.value)) for (c,) in case_rows]
    cases_total = int(_rows(kg, CASES_COUNT, iri)[0][0].value) if cases else 0
    own = statements.get(RDFS + "label") or statements.get(DCTERMS + "title")
    label = labels.get(iri) or (min(v for v in own.values if isinstance(v, str)) if own and own.values else None)
    page = TermPage(
        term=link(iri, label),
        types=sorted(types, key=lambda t: t.label.lower()),
        statements=ordered,
        incoming=incoming[:INCOMING_SHOWN],
        incoming_total=incoming_total,
        tree=_tree(kg, iri, labels),
        children=[link(c.value, lab.value if lab else None) for c, lab in _rows(kg, CHILDREN, iri)],
        logical=logical_definition(kg, iri, labels),
        cases=cases,
        cases_total=cases_total,
    )
    if kg.resolver.is_entity(iri):
        page.profile = next((p for p in kg.entity(iri) if p.entity.iri == iri), None)
    type_iris = {t.iri for t in types}
    if any(t.endswith("Claim") for t in type_iris) or LMSG_NS + "aboutEntity" in statements:
        page.claim = kg.claims.views([iri]).get(iri)
    page.citations = kg.claims.citations()
    page.citation = page.citations.get(iri)
    return page


def _tree(kg: KnowledgeGraph, iri: str, labels: dict[str, str]) -> list[tuple[int, Link]]:
    """The classes above ``iri`` as an indented outline from the top down to ``iri`` itself:
    (depth, class). A class with two parents appears under each."""
    parents: dict[str, set[str]] = {}
    for cls, parent in _rows(kg, ABOVE, iri):
        parents.setdefault(cls.value, set()).add(parent.value)
    if not parents.get(iri):
        return []
    children: dict[str, set[str]] = {}
    for cls, ps in parents.items():
        for p in ps:
            children.setdefault(p, set()).add(cls)
    tops = sorted({p for ps in parents.values() for p in ps} - set(parents), key=lambda t: labels.get(t, t))
    return outline(tops, children, labels)


def outline(tops: list[str], children: dict[str, set[str]], labels: dict[str, str]) -> list[tuple[int, Link]]:
    """The classes under each of ``tops`` as an indented outline, (depth, class), each class
    under every parent it has, children in the order of their labels."""
    lines: list[tuple[int, Link]] = []

    def walk(node: str, depth: int, seen: frozenset[str]) -> None:
        lines.append((depth, link(node, labels.get(node))))
        for child in sorted(children.get(node, ()), key=lambda t: labels.get(t, t)):
            if child not in seen:
                walk(child, depth + 1, seen | {child})

    for top in tops:
        walk(top, 0, frozenset({top}))
    return lines


def logical_definition(kg: KnowledgeGraph, iri: str, labels: dict[str, str]) -> list[list[Link | str]]:
    """The class's OWL axioms on anonymous classes, each as a line of words and links in the
    Manchester syntax's style: ``Equivalent to: leiomyosarcoma and (located in some liver)``."""
    import pyoxigraph

    store = getattr(kg.backend, "store", None)
    if store is None:
        return []
    described = store.query("DESCRIBE ?term", substitutions={pyoxigraph.Variable("term"): pyoxigraph.NamedNode(iri)})
    by_subject: dict[Any, list[tuple[str, Any]]] = {}
    for t in described:
        by_subject.setdefault(t.subject, []).append((t.predicate.value, t.object))
    named = {o.value for pairs in by_subject.values() for _, o in pairs if isinstance(o, pyoxigraph.NamedNode)}
    labels = _labels(kg, named, labels)
    lines: list[list[Link | str]] = []
    heads = {OWL + "equivalentClass": "Equivalent to: ", RDFS + "subClassOf": "Subclass of: "}
    for predicate, node in by_subject.get(pyoxigraph.NamedNode(iri), []):
        if predicate in heads and isinstance(node, pyoxigraph.BlankNode):
            lines.append([heads[predicate], *_expression(node, by_subject, labels, 0)])
    return sorted(lines, key=lambda line: [str(x) if isinstance(x, str) else x.label for x in line])


def _expression(node: Any, by_subject: dict[Any, list[tuple[str, Any]]], labels: dict[str, str], depth: int) -> list:
    import pyoxigraph

    if isinstance(node, pyoxigraph.NamedNode):
        return [link(node.value, labels.get(node.value))]
    if isinstance(node, pyoxigraph.Literal):
        return [f'"{node.value}"']
    if depth > 20:
        return ["…"]
    props = dict(by_subject.get(node, []))
    wrap = (lambda parts: ["(", *parts, ")"]) if depth else (lambda parts: parts)
    for key, word in ((OWL + "intersectionOf", " and "), (OWL + "unionOf", " or ")):
        if key in props:
            members = _list(props[key], by_subject)
            parts: list = []
            for i, member in enumerate(members):
                if i:
                    parts.append(word)
                parts += _expression(member, by_subject, labels, depth + 1)
            return wrap(parts)
    if OWL + "complementOf" in props:
        return wrap(["not ", *_expression(props[OWL + "complementOf"], by_subject, labels, depth + 1)])
    if OWL + "onProperty" in props:
        on = _expression(props[OWL + "onProperty"], by_subject, labels, depth + 1)
        for key, word in (
            (OWL + "someValuesFrom", " some "),
            (OWL + "allValuesFrom", " only "),
            (OWL + "hasValue", " value "),
        ):
            if key in props:
                return wrap([*on, word, *_expression(props[key], by_subject, labels, depth + 1)])
        for key, word in (
            (OWL + "minQualifiedCardinality", " min "),
            (OWL + "maxQualifiedCardinality", " max "),
            (OWL + "qualifiedCardinality", " exactly "),
            (OWL + "minCardinality", " min "),
            (OWL + "maxCardinality", " max "),
            (OWL + "cardinality", " exactly "),
        ):
            if key in props:
                target = props.get(OWL + "onClass")
                rest = [" ", *_expression(target, by_subject, labels, depth + 1)] if target is not None else []
                return wrap([*on, word + props[key].value, *rest])
    if OWL + "oneOf" in props:
        members = _list(props[OWL + "oneOf"], by_subject)
        parts = ["{"]
        for i, member in enumerate(members):
            parts += ([", "] if i else []) + _expression(member, by_subject, labels, depth + 1)
        return [*parts, "}"]
    return ["(an anonymous class: see the RDF)"]


def _list(head: Any, by_subject: dict[Any, list[tuple[str, Any]]]) -> list[Any]:
    items = []
    seen = set()
    while head is not None and head not in seen and not (getattr(head, "value", None) == RDF + "nil"):
        seen.add(head)
        props = dict(by_subject.get(head, []))
        if RDF + "first" not in props:
            break
        items.append(props[RDF + "first"])
        head = props.get(RDF + "rest")
    return items


def term_rdf(kg: KnowledgeGraph, iri: str, fmt: str) -> bytes:
    """The term's description as ``fmt`` (a key of :data:`RDF_FORMATS`): its concise bounded
    description (the triples about it, and about the anonymous nodes they lead to) and the
    axiom annotations on statements about it. The same bytes every time: blank nodes get
    labels derived from the content (:mod:`lmsgraph.canonical`) and triples go in sorted order."""
    import pyoxigraph
    import rdflib

    from lmsgraph.canonical import canonical_ntriples, canonical_turtle

    store = kg.backend.store  # type: ignore[attr-defined]
    term = {pyoxigraph.Variable("term"): pyoxigraph.NamedNode(iri)}
    triples = [*store.query("DESCRIBE ?term", substitutions=term), *store.query(AXIOMS, substitutions=term)]
    graph = rdflib.Graph()
    graph.parse(data=pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES), format="nt")
    if fmt == "ttl":
        return canonical_turtle(graph)
    if fmt == "nt":
        return canonical_ntriples(graph)
    from lmsgraph.export import serialize_jsonld

    return serialize_jsonld(graph)  # plain keys, as the exports have them
