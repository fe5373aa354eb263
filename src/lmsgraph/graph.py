"""Build the in-memory graph: curated Turtle files, SSSOM mappings, and the derived entity-to-feature edges."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rdflib import Graph

from lmsgraph.caching import read_once
from lmsgraph.errors import DataError
from lmsgraph.namespaces import LMSG, bind_prefixes
from lmsgraph.resources import kept_on_disk, mappings_file, ontology_files, package_modules
from lmsgraph.sssom import MappingSet, mapping_ntriples, read_sssom


def parse_turtle(graph: Graph, path: Path) -> None:
    """Parse one Turtle file into ``graph``; a syntax error names the file and the line."""
    try:
        data = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read the file: {exc}", path=path) from exc
    try:
        graph.parse(data=data, format="turtle", publicID=Path(path).resolve().as_uri())
    except Exception as exc:  # rdflib raises several types for bad syntax
        line = getattr(exc, "lines", None)
        reason = getattr(exc, "why", None) or str(exc).strip().splitlines()[0]
        raise DataError(
            f"Turtle syntax error: {reason}", path=path, line=line + 1 if isinstance(line, int) else None
        ) from exc


def curated_graph(files: list[Path] | None = None, *, annotations: bool = True) -> Graph:
    """The hand-curated triples, as they are in ``ontology/*.ttl``, and (``annotations``) what
    every load adds to them: the labels of claims and case observations (:mod:`lmsgraph.derivation`)."""
    graph = Graph()
    bind_prefixes(graph)
    for path in files if files is not None else ontology_files():
        parse_turtle(graph, path)
    if annotations:
        derive_labels(graph)
    return graph


def derive_definition_xrefs(graph: Graph) -> int:
    """Add to each definition an axiom annotation with its sources as ``oboInOwl:hasDbXref``, as
    OBO tools read a definition's sources. Done for the release's products: in the working graph,
    ``lmsg:definitionSource`` says the same, and every ``owl:Axiom`` there is a mapping."""
    from rdflib import BNode, Literal, URIRef

    from lmsgraph.derivation import DEFINITION_SOURCES, definition_xrefs
    from lmsgraph.terms import from_rdflib

    rows = [tuple(from_rdflib(t) for t in row) for row in graph.query(DEFINITION_SOURCES)]  # type: ignore[union-attr]
    nodes: dict[str, BNode] = {}

    def term(spec):
        if spec[0] == "iri":
            return URIRef(spec[1])
        if spec[0] == "bnode":
            return nodes.setdefault(spec[1], BNode())
        return Literal(spec[1], lang=spec[2], datatype=URIRef(spec[3]) if spec[3] else None)

    before = len(graph)
    for s, p, o in definition_xrefs(rows):
        graph.add((term(s), term(p), term(o)))
    return len(graph) - before


def derive_labels(graph: Graph) -> int:
    """Add the labels of the claims and case observations of ``graph`` that have none (the rule
    of :mod:`lmsgraph.derivation`, run on Oxigraph over a copy of the triples it reads)."""
    from rdflib import RDFS, Literal, URIRef

    from lmsgraph.derivation import DERIVED_LABELS, LABEL_PROPERTIES

    read = Graph()
    for name in LABEL_PROPERTIES:
        for triple in graph.triples((None, LMSG[name], None)):
            read.add(triple)
    for subject, _, _ in list(read):
        for triple in graph.triples((subject, RDFS.label, None)):
            read.add(triple)
    for _, _, node in list(read.triples((None, LMSG.hasObservation, None))):
        for triple in graph.triples((node, RDFS.label, None)):
            read.add(triple)
    before = len(graph)
    for t in _run_rule(read, DERIVED_LABELS):
        graph.add((URIRef(t.subject.value), RDFS.label, Literal(t.object.value, lang=t.object.language)))
    return len(graph) - before


def _run_rule(read: Graph, rule: str) -> Any:
    """The triples the CONSTRUCT query ``rule`` makes from ``read``, run on Oxigraph (rdflib's
    own engine takes about 40 times longer)."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(read.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    made = store.query(rule)
    assert isinstance(made, pyoxigraph.QueryTriples)  # a CONSTRUCT query
    return made


def add_mappings(graph: Graph, mset: MappingSet, *, path: object = None) -> int:
    """Add each SSSOM row as a triple plus an OWL axiom annotation carrying its metadata."""
    graph.parse(data=mapping_ntriples(mset, path=path), format="nt")
    return len(mset.mappings)


def derive_edges(graph: Graph, into: Graph | None = None) -> int:
    """Add the plain ``entity relation feature`` edge of every claim of ``graph`` that yields one,
    to ``graph`` itself or to ``into``.

    The rule (:mod:`lmsgraph.derivation`) runs on Oxigraph over a copy of the claims' own
    triples. Returns the number of edges added.
    """
    target = graph if into is None else into
    from rdflib import URIRef

    from lmsgraph.derivation import DERIVED_EDGES, RULE_PROPERTIES

    claims = Graph()
    for name in RULE_PROPERTIES:
        for triple in graph.triples((None, LMSG[name], None)):
            claims.add(triple)
    before = len(target)
    for edge in _run_rule(claims, DERIVED_EDGES):
        target.add((URIRef(edge.subject.value), URIRef(edge.predicate.value), URIRef(edge.object.value)))
    return len(target) - before


def load_graph(*, derived: bool = True, mappings: bool = True) -> Graph:
    """See :func:`lmsgraph.load`."""
    graph = curated_graph()
    if mappings:
        path = mappings_file()
        add_mappings(graph, read_sssom(path), path=path)
    if derived:
        derive_edges(graph)
    return graph


@read_once
def shared_bundled_graph() -> Graph:
    """The whole bundled graph (:func:`lmsgraph.load`), loaded once per process and shared: read
    it or copy it (``graph += shared_bundled_graph()``), never change it."""
    return load_graph()


@read_once
def bundled_ntriples() -> bytes:
    """The whole bundled graph as N-Triples, made once per process."""
    return shared_bundled_graph().serialize(format="nt", encoding="utf-8")


@read_once
def shared_vocabulary_graph() -> Graph:
    """:func:`vocabulary_ntriples` as an rdflib graph, parsed once per process and shared: read it
    or copy it, never change it."""
    graph = Graph()
    graph.parse(data=vocabulary_ntriples(), format="nt")
    return graph


@read_once
def vocabulary_ntriples() -> bytes:
    """The bundled graph without its case records, as N-Triples: the vocabularies, entities and
    derived hierarchy that case records are checked and resolved against.

    Kept on disk between processes (:func:`lmsgraph.resources.kept_on_disk`): making it parses the
    Turtle files with rdflib, about 0.1 s of every validation before its data starts loading."""
    files = [p for p in ontology_files() if p.name != "cases.ttl"]

    def make() -> bytes:
        graph = curated_graph(files)
        derive_edges(graph)
        return graph.serialize(format="nt", encoding="utf-8")

    return kept_on_disk("vocabulary", [*files, *package_modules()], make)
