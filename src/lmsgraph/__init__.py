"""lmsgraph: a cited knowledge graph and OWL ontology of leiomyosarcoma.

Importing the package is cheap: nothing is parsed until a function asks for it.

>>> import lmsgraph
>>> graph = lmsgraph.load()
>>> len(graph) > 1000
True
"""

from __future__ import annotations

from lmsgraph.errors import DataError, LmsgraphError, ReasonerError, ToolMissingError

# typing.TYPE_CHECKING without importing typing, which the package's import would pay for
# (see lmsgraph.command); mypy reads a name TYPE_CHECKING the same way.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    import rdflib

    from lmsgraph.api import KnowledgeGraph
    from lmsgraph.stats import GraphCounts

__version__ = "0.1.0"

__all__ = [
    "DataError",
    "GraphCounts",
    "LmsgraphError",
    "ReasonerError",
    "ToolMissingError",
    "__version__",
    "connect",
    "counts",
    "load",
]


def load(*, derived: bool = True, mappings: bool = True) -> rdflib.Graph:
    """Load the bundled graph: ontology, knowledge, citations, case records and mappings.

    ``derived`` adds the plain entity-to-feature edges computed from the claims;
    ``mappings`` adds the SSSOM mappings as triples with their axiom annotations.

    >>> from lmsgraph import load
    >>> from rdflib import URIRef
    >>> g = load()
    >>> (URIRef("https://w3id.org/lmsgraph/InflammatoryLeiomyosarcoma"), None, None) in g
    True
    """
    from lmsgraph.graph import load_graph

    return load_graph(derived=derived, mappings=mappings)


def counts(graph: rdflib.Graph | None = None) -> GraphCounts:
    """Count entities, claims, citations, mappings and case records in a graph (default: the bundled one).

    >>> from lmsgraph import counts
    >>> counts().entities >= 9
    True
    """
    from lmsgraph.stats import count_graph

    return count_graph(graph if graph is not None else load())


def connect(backend: str = "oxigraph", **options: Any) -> KnowledgeGraph:
    """The query layer over the bundled graph (``"oxigraph"``, ``"rdflib"``) or a ``"remote"`` endpoint.

    See :func:`lmsgraph.api.connect` for the options.

    >>> kg = connect()
    >>> [m.curie for m in kg.resolve("ICD-O:8890/3")]
    ['lmsg:Leiomyosarcoma', 'lmsg:InflammatoryLeiomyosarcoma']
    """
    from lmsgraph.api import connect as _connect

    return _connect(backend, **options)
