"""Shared fixtures. Curation tests read the repository's files; API tests use the installed package."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

import lmsgraph
from lmsgraph.graph import curated_graph

REPO = Path(__file__).resolve().parents[1]
ONTOLOGY = REPO / "ontology"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_REFERENCE = REPO.parent / "shared" / "reference" / "identifiers.tsv"
CURATED_FILES = sorted(ONTOLOGY.glob("*.ttl"))


@pytest.fixture(scope="session")
def graph() -> Graph:
    """The bundled graph as users load it: curated files, mappings and derived edges."""
    return lmsgraph.load()


@pytest.fixture(scope="session")
def curated() -> Graph:
    """The repository's hand-curated triples only."""
    return curated_graph(CURATED_FILES)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """A Virtuoso server on loopback holding the bundled graph, pushed with the Graph Store Protocol."""
    from support import virtuoso as server

    from lmsgraph.push import DEFAULT_GRAPH, push

    running = server.start(tmp_path_factory.mktemp("virtuoso"))
    try:
        push(running.graph_store, graph=DEFAULT_GRAPH, user=server.USER, password=server.PASSWORD)
        yield running
    finally:
        running.stop()


# Parameter values built to break out of a query if they were ever pasted into its text.
HOSTILE_IRIS = [
    'lmsg:X" } ; DROP ALL ; #',
    "lmsg:X }\n SELECT * WHERE { ?s ?p ?o }",
    "lmsg:X#comment",
    "http://example.org/a b",
    "lmsg:X>{",
    "'\"}}\n#",
    "<http://example.org/x> } UNION { ?s ?p ?o",
]
