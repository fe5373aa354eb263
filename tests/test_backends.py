"""One compliance suite, four backends: every canned query with its example parameters gives
the same answers on the bundled graph in pyoxigraph, in rdflib, on a real Virtuoso server
(started on loopback by the ``virtuoso`` fixture and loaded with ``lmsgraph push``), and on
``lmsgraph serve``'s own SPARQL endpoint (started on loopback), the last two through the
remote backend."""

from __future__ import annotations

import socket
import threading
from collections import Counter

import pytest
from conftest import HOSTILE_IRIS, missing_tool

import lmsgraph
from lmsgraph.backends import Term, bind_values
from lmsgraph.errors import DataError, EndpointError, PushError, QueryError, UsageError
from lmsgraph.push import DEFAULT_GRAPH, push
from lmsgraph.queries import catalogue

CATALOGUE = catalogue()
MAY_BE_EMPTY = {"cohort-marker-positivity-by-entity"}  # the bundled cases record no marker results


def serve_endpoint(request, store=None):
    """The remote backend over ``lmsgraph serve``'s endpoint, on loopback, serving ``store``
    (default: the bundled graph); stopped when the tests that use it are done."""
    from support.served import Served

    from lmsgraph.serve.app import create_app

    served = Served(create_app(lmsgraph.connect(store=store)))
    request.addfinalizer(served.stop)
    return lmsgraph.connect("remote", endpoint=served.url + "/sparql", timeout=30)


@pytest.fixture(scope="module")
def backends(graph, request):
    """Every backend there is here: Oxigraph and rdflib always, the remote backend over
    ``lmsgraph serve`` always, and over Virtuoso when it is installed."""
    found = {
        "oxigraph": lmsgraph.connect(),
        "rdflib": lmsgraph.connect("rdflib", graph=graph),
        "served": serve_endpoint(request),
    }
    if missing_tool("virtuoso") is None:
        virtuoso = request.getfixturevalue("virtuoso")
        found["remote"] = lmsgraph.connect("remote", endpoint=virtuoso.sparql, named_graph=DEFAULT_GRAPH, timeout=30)
    return found


def bag(rows):
    return Counter(tuple(sorted(row.items())) for row in rows)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_backend_gives_the_same_answers(backends, name):
    query = CATALOGUE[name]
    params = {p.name: p.example for p in query.params}
    answers = {backend: kg.query(name, **params) for backend, kg in backends.items()}
    if name not in MAY_BE_EMPTY:
        assert answers["oxigraph"], f"{name} returns nothing for its example parameters"
    for backend in set(answers) - {"oxigraph"}:
        assert bag(answers[backend]) == bag(answers["oxigraph"]), f"{name}: {backend} differs from oxigraph"
        assert answers[backend].variables == answers["oxigraph"].variables


def test_ordered_queries_keep_their_order_on_every_backend(backends):
    orders = {
        b: [r["markerLabel"] for r in kg.markers("lmsg:EBVAssociatedSmoothMuscleTumour")] for b, kg in backends.items()
    }
    assert all(order == sorted(orders["oxigraph"]) for order in orders.values()) and len(orders) >= 2


def test_remote_endpoint_with_digest_authentication(virtuoso):
    from support.virtuoso import PASSWORD, USER

    kg = lmsgraph.connect(
        "remote", endpoint=virtuoso.sparql_auth, named_graph=DEFAULT_GRAPH, user=USER, password=PASSWORD, auth="digest"
    )
    rows = kg.entities_with_marker("desmin", polarity="absent")
    assert [r["entityLabel"] for r in rows] == ["EBV-associated smooth muscle tumour"]
    refused = lmsgraph.connect(
        "remote", endpoint=virtuoso.sparql_auth, named_graph=DEFAULT_GRAPH, user=USER, password="not-the-password"
    )
    with pytest.raises(EndpointError, match="refused the credentials"):
        refused.sparql("ASK { ?s ?p ?o }")


def test_remote_timeout_is_an_error_not_a_hang():
    with socket.socket() as silent:  # accepts the connection and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        kg = lmsgraph.connect("remote", endpoint=f"http://127.0.0.1:{port}/sparql", timeout=1)
        with pytest.raises(EndpointError, match="did not answer within 1 s|cannot reach"):
            kg.backend.run("ASK { ?s ?p ?o }")


def test_unreachable_endpoint_is_an_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    kg = lmsgraph.connect("remote", endpoint=f"http://127.0.0.1:{port}/sparql", timeout=2)
    with pytest.raises(EndpointError, match="cannot reach"):
        kg.sparql("ASK { ?s ?p ?o }")


def test_bad_sparql_is_a_query_error_on_every_backend(backends):
    for kg in backends.values():
        with pytest.raises(QueryError):
            kg.sparql("SELECT ?x WHERE { ?x")


def test_ask_and_construct_on_every_backend(backends):
    construct = (
        "PREFIX lmsg: <https://w3id.org/lmsgraph/> "
        "CONSTRUCT { ?e lmsg:lacksFeature ?f } WHERE { ?e lmsg:lacksFeature ?f }"
    )
    triples = {}
    for backend, kg in backends.items():
        assert kg.sparql("ASK { <https://w3id.org/lmsgraph/Desmin> ?p ?o }") is True
        assert kg.sparql("ASK { <https://w3id.org/lmsgraph/NoSuchTerm> ?p ?o }") is False
        triples[backend] = bag(kg.sparql(construct))
    assert triples["oxigraph"] and all(found == triples["oxigraph"] for found in triples.values())


HOSTILE_TEXT = [
    'leiomyosarcoma" ) || true || ("',
    'x" } UNION { ?term ?p ?matched } #',
    "}}}}",
    "a\nb#c",
    '\\" ) ) } #',
    "'''",
    '"""',
]


@pytest.mark.parametrize("value", HOSTILE_IRIS)
def test_hostile_iri_values_cannot_change_a_query(backends, value):
    for backend, kg in backends.items():
        try:
            rows = kg.query("markers-of-entity", entity=value)
        except DataError as exc:
            assert exc.field == "entity", backend
        else:
            assert rows == [], f"{backend}: {value!r} returned rows: the value leaked into the query"


@pytest.mark.parametrize("value", HOSTILE_TEXT)
def test_hostile_literal_values_are_matched_as_text(backends, value):
    for backend, kg in backends.items():
        rows = kg.query("terms-matching-text", text=value)
        assert rows == [], f"{backend}: {value!r} matched rows: the value leaked into the query"
        assert rows.variables == ["text", "term", "label", "matched"]


@pytest.mark.parametrize("text", ["α", "α-SMA", "", " ", "SMOOTH MUSCLE", "é", "e\u0301"])
def test_text_search_gives_the_same_rows_on_every_backend(backends, text):
    """Non-ASCII and empty text: the empty string is in every label, as CONTAINS says."""
    found = {backend: bag(kg.query("terms-matching-text", text=text)) for backend, kg in backends.items()}
    assert all(rows == found["oxigraph"] for rows in found.values()), {b: len(r) for b, r in found.items()}
    if text not in ("é", "e\u0301"):
        assert found["oxigraph"], f"{text!r} should match some term"


def test_a_literal_with_quotes_is_bound_whole(backends):
    for backend, kg in backends.items():
        rows = kg.query("terms-matching-text", text="EBV-SMT")
        assert {r["term"] for r in rows} == {"lmsg:EBVAssociatedSmoothMuscleTumour"}, backend
        assert all(r["text"] == "EBV-SMT" for r in rows)


def test_bound_query_text_keeps_its_shape():
    from rdflib.plugins.sparql import prepareQuery

    text = CATALOGUE["terms-matching-text"].text
    hostile = 'x" } UNION { ?s ?p ?o } #\n'
    bound = bind_values(text, {"text": Term("literal", hostile)})
    clause = 'BIND ("x\\" } UNION { ?s ?p ?o } #\\n" AS ?text)'
    assert clause in bound
    assert bound.replace(" " + clause + "\n", "", 1) == text  # nothing else changed
    algebra = prepareQuery(bound).algebra
    assert str(algebra).count("Union") == str(prepareQuery(text).algebra).count("Union")
    with pytest.raises(ValueError):
        bind_values(text, {"text": Term("iri", "http://example.org/a b")})


def test_push_replaces_the_graph_and_refuses_bad_credentials(virtuoso, tmp_path):
    from support.virtuoso import PASSWORD, USER

    small = b'<https://example.org/s> <https://example.org/p> "o" .\n'
    graph = "https://example.org/pushed"
    first = push(virtuoso.graph_store, small, graph=graph, user=USER, password=PASSWORD)
    assert first.status in (200, 201, 204)
    push(virtuoso.graph_store, small, graph=graph, user=USER, password=PASSWORD)  # PUT again: still one triple
    kg = lmsgraph.connect("remote", endpoint=virtuoso.sparql, named_graph=graph)
    assert kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"] == 1
    push(virtuoso.graph_store, small.replace(b'"o"', b'"o2"'), graph=graph, replace=False, user=USER, password=PASSWORD)
    assert kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"] == 2
    with pytest.raises(PushError, match="401"):
        push(virtuoso.graph_store, small, graph=graph, user=USER, password="wrong")
    with pytest.raises(UsageError, match="not an http"):
        push("ftp://example.org/store", small)


def test_remote_graph_holds_exactly_the_bundled_graph(virtuoso, graph):
    kg = lmsgraph.connect("remote", endpoint=virtuoso.sparql, named_graph=DEFAULT_GRAPH)
    assert kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"] == len(graph)


def test_concurrent_remote_queries(virtuoso):
    remote = lmsgraph.connect("remote", endpoint=virtuoso.sparql, named_graph=DEFAULT_GRAPH, timeout=30)
    results, errors = [], []

    def ask():
        try:
            results.append(len(remote.query("markers-of-entity", entity="lmsg:InflammatoryLeiomyosarcoma")))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(set(results)) == 1


COHORT = sorted(name for name, query in CATALOGUE.items() if "cohort" in query.tags)


@pytest.fixture(scope="module")
def cohort_backends(graph, request):
    """The bundled graph plus 300 synthetic case records, on each backend there is here."""
    import pyoxigraph
    from rdflib import Graph
    from support.virtuoso import PASSWORD, USER

    from lmsgraph.store import bundled_store
    from lmsgraph.synthetic import synthetic_ntriples

    cases = "\n".join(synthetic_ntriples(300, seed=7)).encode()
    store = bundled_store()
    store.bulk_load(cases, format=pyoxigraph.RdfFormat.N_TRIPLES)
    combined = Graph()
    for triple in graph:
        combined.add(triple)
    combined.parse(data=cases.decode(), format="nt")
    named = "https://w3id.org/lmsgraph/test/cohort"
    found = {
        "oxigraph": lmsgraph.connect(store=store),
        "rdflib": lmsgraph.connect("rdflib", graph=combined),
        "served": serve_endpoint(request, store),
    }
    if missing_tool("virtuoso") is not None:
        return found
    virtuoso = request.getfixturevalue("virtuoso")
    push(virtuoso.graph_store, graph=named, user=USER, password=PASSWORD)
    push(
        virtuoso.graph_store,
        cases,
        graph=named,
        replace=False,
        user=USER,
        password=PASSWORD,
        content_type="application/n-triples",
    )
    found["remote"] = lmsgraph.connect("remote", endpoint=virtuoso.sparql, named_graph=named, timeout=30)
    return found


@pytest.mark.parametrize("name", COHORT)
def test_cohort_queries_agree_over_case_records(cohort_backends, name):
    answers = {backend: kg.query(name) for backend, kg in cohort_backends.items()}
    assert len(answers["oxigraph"]) >= 10, f"{name} found too few groups in 300 case records"
    for backend in set(answers) - {"oxigraph"}:
        assert bag(answers[backend]) == bag(answers["oxigraph"]), f"{name}: {backend} differs from oxigraph"


def test_cohort_counts_match_a_count_made_in_python(graph, cohort_backends):
    """Each entity counts the cases diagnosed as it or as any entity below it, once each."""
    from rdflib import RDFS, URIRef

    from lmsgraph.synthetic import synthetic_ntriples

    diagnosis = "<https://w3id.org/lmsgraph/diagnosis>"
    diagnoses = Counter(
        URIRef(line.split(" ", 2)[2].rstrip(" .").strip("<>"))
        for line in synthetic_ntriples(300, seed=7)
        if line.split(" ", 2)[1] == diagnosis
    )
    assert sum(diagnoses.values()) == 300

    def totals(kg):
        counted = Counter()
        for row in kg.query("cohort-cases-by-entity-and-site"):
            counted[row["entity"].iri] += row["cases"]
        return counted

    with_cases, bundled = totals(cohort_backends["oxigraph"]), totals(lmsgraph.connect())
    for entity in set(with_cases) | set(bundled):
        below = set(graph.transitive_subjects(RDFS.subClassOf, URIRef(entity)))
        expected = sum(n for d, n in diagnoses.items() if d in below)
        assert with_cases[entity] - bundled[entity] == expected, entity


@pytest.mark.parametrize(
    "name", ["inflammatory leiomyosarcoma", "EBV-associated smooth muscle tumour", "conventional leiomyosarcoma"]
)
def test_an_entity_profile_reads_the_same_on_every_backend(backends, name):
    profiles = {backend: [p.to_text() for p in kg.entity(name)] for backend, kg in backends.items()}
    assert len(profiles) >= 2 and all(found == profiles["oxigraph"] for found in profiles.values())
    assert "frequency: not stated by the source" in profiles["oxigraph"][0]
