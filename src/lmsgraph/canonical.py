"""Canonical, deterministic serialisations, and atomic writes.

The curated Turtle files are kept in the form :func:`canonical_turtle` gives them, so a
diff shows only real changes and the same graph always serialises to the same bytes.
"""

from __future__ import annotations

from rdflib import OWL, RDFS, Graph
from rdflib.compare import to_canonical_graph
from rdflib.plugins.serializers.turtle import TurtleSerializer

from lmsgraph.files import write_atomic
from lmsgraph.namespaces import bind_prefixes

__all__ = [
    "CanonicalGraph",
    "canonical_copy",
    "canonical_ntriples",
    "canonical_turtle",
    "sorted_turtle",
    "write_atomic",
]


class CanonicalGraph(Graph):
    """A graph made by :func:`canonical_copy`; it is read, never changed."""


def canonical_copy(graph: Graph) -> Graph:
    """A copy of ``graph`` with content-derived blank node labels and triples stored in sorted order.

    Serialisers that walk the store then see the same order in every process. A graph that is
    already such a copy is returned as it is, so the main job relabels the graph once (rdflib's
    canonicalisation is most of the time of an export) and every export and check reuses it.
    """
    if isinstance(graph, CanonicalGraph):
        return graph
    canonical = CanonicalGraph()
    bind_prefixes(canonical)
    for triple in sorted(to_canonical_graph(graph)):
        canonical.add(triple)
    return canonical


def canonical_turtle(graph: Graph) -> bytes:
    """Serialise ``graph`` as Turtle, the same bytes for the same triples.

    >>> from rdflib import Graph
    >>> g = Graph().parse(data="<urn:b> <urn:p> 1 . <urn:a> <urn:p> [ <urn:q> 2 ] .", format="turtle")
    >>> canonical_turtle(g) == canonical_turtle(Graph().parse(data=canonical_turtle(g), format="turtle"))
    True
    """
    from io import BytesIO

    out = BytesIO()
    _OntologyFirst(canonical_copy(graph)).serialize(out, encoding="utf-8")
    return out.getvalue()


class _OntologyFirst(TurtleSerializer):
    """rdflib's Turtle serializer with the ontology header (``owl:Ontology``) first, then the
    classes, then everything else, each group in sorted order."""

    topClasses = [OWL.Ontology, RDFS.Class]


def sorted_turtle(graph: Graph) -> bytes:
    """Serialise as Turtle a graph whose blank node labels are already stable: its triples go
    in sorted order into a fresh graph, so the serialiser sees the same order in every process.
    Linear where :func:`canonical_turtle` is not, for graphs that need no relabelling."""
    ordered = Graph()
    bind_prefixes(ordered)
    for prefix, namespace in graph.namespaces():
        ordered.bind(prefix, namespace, override=False)
    for triple in sorted(graph):
        ordered.add(triple)
    return ordered.serialize(format="turtle", encoding="utf-8")


def canonical_ntriples(graph: Graph) -> bytes:
    """Serialise ``graph`` as sorted N-Triples with content-derived blank node labels; every
    control character in a literal escaped, so each triple is one line."""
    from lmsgraph.errors import DataError
    from lmsgraph.ntriples import rdflib_ntriples

    text = "".join(sorted(rdflib_ntriples(canonical_copy(graph))))
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise DataError(
            f"the graph holds text that is not Unicode (a lone surrogate): {exc.object[exc.start - 20 : exc.end + 20]!a}"
        ) from exc
