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
