"""Shared fixtures. Curation tests read the repository's files; API tests use the installed package."""

from __future__ import annotations

import os
import shutil
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


# The tiers that need a tool outside Python: a test marked with one is skipped, saying why, when
# the tool is absent. `python3 run.py test` installs them all, so CI runs every tier.
def _java_and_owlapi() -> str | None:
    if not shutil.which("java"):
        return "Java"
    if not Path("/usr/share/java/owlapi-distribution.jar").exists() and not os.environ.get("LMSGRAPH_OWLAPI_CLASSPATH"):
        return "the OWL API (Debian's libowlapi-java)"
    return None


TIERS = {
    "java": lambda: _java_and_owlapi(),
    "virtuoso": lambda: None if shutil.which("virtuoso-t") else "Virtuoso (Debian's virtuoso-opensource-7-bin)",
    "rapper": lambda: None if shutil.which("rapper") else "rapper (Debian's raptor2-utils)",
    "browser": lambda: _browser(),
}


def _browser() -> str | None:
    if not shutil.which("chromium"):
        return "Chromium (Debian's chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright (pip install playwright)"
    return None


def missing_tool(tier: str) -> str | None:
    """What a tier needs and this machine lacks, or None."""
    return TIERS[tier]()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "virtuoso" in item.fixturenames:
            item.add_marker(pytest.mark.virtuoso)
        if {"virtuoso", "backends", "cohort_backends"} & set(item.fixturenames):
            # With pytest-xdist, the tests that talk to Virtuoso share one worker, so one server starts.
            item.add_marker(pytest.mark.xdist_group("virtuoso"))
        for tier in TIERS:
            if item.get_closest_marker(tier) is not None and (tool := missing_tool(tier)):
                item.add_marker(
                    pytest.mark.skip(reason=f"needs {tool}, not installed here; `python3 run.py test` installs it")
                )


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """A Virtuoso server on loopback holding the bundled graph, pushed with the Graph Store Protocol."""
    from support import virtuoso as server

    from lmsgraph.push import DEFAULT_GRAPH, push

    if (tool := missing_tool("virtuoso")) is not None:
        pytest.skip(f"needs {tool}, not installed here; `python3 run.py test` installs it")

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


#: Prefixes the reference tables of ontology/provenance/ write otherwise than the mapping table
#: (the same IRIs): Orphanet's codes are ORPHA: in the Bioregistry, and a prefix with a hyphen is
#: not valid SSSOM.
REFERENCE_PREFIXES = {"Orphanet": "ORPHA", "ICDO-T": "ICDOT"}


def from_reference_table(curie: str) -> str:
    """A CURIE of the reference tables with the prefix the mapping table uses."""
    prefix, _, local = curie.partition(":")
    return f"{REFERENCE_PREFIXES.get(prefix, prefix)}:{local}"
