"""The canned query catalogue: every query parses and has a header; hostile parameter values cannot
change a query. That every query gives the same answers on every backend is in test_backends."""

from __future__ import annotations

import pytest
from conftest import HOSTILE_IRIS

from lmsgraph.api import KnowledgeGraph
from lmsgraph.backends import OxigraphBackend, RdflibBackend
from lmsgraph.errors import DataError, UsageError
from lmsgraph.queries import catalogue
from lmsgraph.store import graph_store

CATALOGUE = catalogue()


@pytest.fixture(scope="module")
def store(graph):
    return graph_store(graph)


# The columns a KnowledgeGraph adds from a claim or citation column; tests elsewhere check them.
EXPLAINED = ("qualifiers", "evidence", "reference")


def run_query(query, params, store):
    """The rows of a canned query on an Oxigraph store, as the query itself gives them."""
    return _rows(KnowledgeGraph(OxigraphBackend(store)), query, params)


def run_query_rdflib(query, params, graph):
    """The same on rdflib's engine."""
    return _rows(KnowledgeGraph(RdflibBackend(graph)), query, params)


def _rows(kg, query, params):
    return [{k: v for k, v in row.items() if k not in EXPLAINED} for row in kg.query(query.name, **params)]


def test_catalogue_has_twenty_queries_with_headers():
    assert len(CATALOGUE) >= 20
    for query in CATALOGUE.values():
        assert query.summary and query.tags, f"{query.path}: header needs a summary and tags"
        for param in query.params:
            assert param.example, f"{query.path}: parameter {param.name} needs an example"


def test_reverse_lookup_by_negative_marker(store):
    rows = run_query(CATALOGUE["entities-by-marker"], {"marker": "lmsg:Desmin", "polarity": "lmsg:Absent"}, store)
    assert [r["entityLabel"] for r in rows] == ["EBV-associated smooth muscle tumour"]


def test_external_code_names_several_entities_with_status(store):
    code = "http://purl.obolibrary.org/obo/mondo/mappings/unknown_prefix/ICDO/8890/3"
    rows = run_query(CATALOGUE["entities-by-external-code"], {"code": code}, store)
    assert {(r["termLabel"], r["predicate"], r["status"]) for r in rows} == {
        ("leiomyosarcoma", "skos:exactMatch", "verified"),
        ("inflammatory leiomyosarcoma", "skos:broadMatch", "plausible (secondary source only)"),
    }


@pytest.mark.parametrize("value", HOSTILE_IRIS)
def test_hostile_values_cannot_change_a_query(graph, store, value):
    query = CATALOGUE["markers-of-entity"]
    before = query.text
    for runner, target in ((run_query, store), (run_query_rdflib, graph)):
        try:
            rows = runner(query, {"entity": value}, target)
        except DataError as exc:
            assert exc.field == "entity"
        else:
            assert rows == [], f"{value!r} returned rows: the value leaked into the query"
    assert query.text == before


def test_missing_and_unknown_parameters_are_errors(store):
    with pytest.raises(UsageError, match="missing parameter --entity"):
        run_query(CATALOGUE["markers-of-entity"], {}, store)
    with pytest.raises(UsageError, match="unknown parameter"):
        run_query(CATALOGUE["markers-of-entity"], {"entity": "lmsg:X", "colour": "red"}, store)
