"""Counts that describe a graph: entities, claims, citations, mappings, case records."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from rdflib import OWL, RDF, RDFS, SKOS, Graph

from lmsgraph.namespaces import LMSG

MATCH_PREDICATES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)


@dataclass(frozen=True)
class GraphCounts:
    """How many of each kind of record a graph holds."""

    triples: int
    entities: int
    claims: int
    citations: int
    mappings: int
    case_records: int
    vocabulary_terms: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def subclasses(graph: Graph, root) -> set:
    """Every named class below ``root`` through asserted ``rdfs:subClassOf`` edges."""
    seen: set = set()
    todo = [root]
    while todo:
        parent = todo.pop()
        for child in graph.subjects(RDFS.subClassOf, parent):
            if child not in seen and (child, RDF.type, OWL.Class) in graph:
                seen.add(child)
                todo.append(child)
    return seen


def instances(graph: Graph, root) -> set:
    """Every individual typed with ``root`` or one of its subclasses."""
    found = set(graph.subjects(RDF.type, root))
    for cls in subclasses(graph, root):
        found.update(graph.subjects(RDF.type, cls))
    return found


def count_graph(graph: Graph) -> GraphCounts:
    """Count the records of ``graph``."""
    mappings = sum(1 for p in MATCH_PREDICATES for _ in graph.subject_objects(p))
    feature_roots = set(graph.subjects(RDFS.subClassOf, LMSG.Feature))
    return GraphCounts(
        triples=len(graph),
        entities=len(subclasses(graph, LMSG.DiseaseEntity)),
        claims=len(instances(graph, LMSG.Claim)),
        citations=len(instances(graph, LMSG.Citation)),
        mappings=mappings,
        case_records=len(instances(graph, LMSG.TumourCase)),
        vocabulary_terms=len(subclasses(graph, LMSG.Feature) - feature_roots),
    )


def count_store(store) -> GraphCounts:
    """:func:`count_graph`'s counts of the default graph of an Oxigraph ``store`` (in memory or a
    store made by ``lmsgraph load``), read where it lies: the classes by the same walk, the
    instances and triples by counting queries, so that a million case records are counted
    without being read into Python."""
    import pyoxigraph

    default = pyoxigraph.DefaultGraph()
    named = {str(term): pyoxigraph.NamedNode(str(term)) for term in (RDF.type, RDFS.subClassOf, OWL.Class)}

    def classes_below(root: str) -> set[str]:
        seen: set[str] = set()
        todo = [root]
        while todo:
            parent = pyoxigraph.NamedNode(todo.pop())
            for quad in store.quads_for_pattern(None, named[str(RDFS.subClassOf)], parent, default):
                child = quad.subject
                if isinstance(child, pyoxigraph.NamedNode) and child.value not in seen:
                    if next(store.quads_for_pattern(child, named[str(RDF.type)], named[str(OWL.Class)], default), None):
                        seen.add(child.value)
                        todo.append(child.value)
        return seen

    def count(pattern: str) -> int:
        rows = list(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}", default_graph=default))
        return int(rows[0]["n"].value)

    def iris(values) -> str:
        return " ".join(f"<{value}>" for value in sorted(values))

    def instances_of(root: str) -> int:
        kinds = {root} | classes_below(root)
        return count(f"SELECT DISTINCT ?x WHERE {{ VALUES ?c {{ {iris(kinds)} }} ?x <{RDF.type}> ?c }}")

    feature = str(LMSG.Feature)
    roots = {
        quad.subject.value
        for quad in store.quads_for_pattern(None, named[str(RDFS.subClassOf)], pyoxigraph.NamedNode(feature), default)
        if isinstance(quad.subject, pyoxigraph.NamedNode)
    }
    return GraphCounts(
        triples=count("?s ?p ?o"),
        entities=len(classes_below(str(LMSG.DiseaseEntity))),
        claims=instances_of(str(LMSG.Claim)),
        citations=instances_of(str(LMSG.Citation)),
        mappings=count(f"VALUES ?p {{ {iris(MATCH_PREDICATES)} }} ?s ?p ?o"),
        case_records=instances_of(str(LMSG.TumourCase)),
        vocabulary_terms=len(classes_below(feature) - roots),
    )
