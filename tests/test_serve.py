"""``lmsgraph serve``: term pages with content negotiation, search, the canned queries on the
web, the SPARQL 1.1 Protocol endpoint and its limits, HTML escaping, and the command itself.

The protocol cases are written from the SPARQL 1.1 Protocol recommendation (query operation:
GET, POST of a form, POST of the query; the dataset parameters; the status codes) and the
result formats' recommendations (JSON, XML, CSV/TSV), in our own words."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic
from starlette.testclient import TestClient

import lmsgraph
from lmsgraph.queries import catalogue
from lmsgraph.serve.app import RESERVED, create_app
from lmsgraph.serve.sparql import ServeLimits

LMSG = "https://w3id.org/lmsgraph/"
HTML = {"Accept": "text/html"}
CATALOGUE = catalogue()


@pytest.fixture(scope="module")
def kg():
    return lmsgraph.connect()


@pytest.fixture(scope="module")
def client(kg):
    return TestClient(create_app(kg))


def text_of(html: str) -> str:
    """The page's text as a reader sees it: tags out, entities decoded, spaces collapsed."""
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return text.replace("( ", "(").replace(" )", ")")


# --- term pages ----------------------------------------------------------------------------


def test_an_entity_page_shows_the_whole_profile(client, kg):
    profile = kg.entity("lmsg:InflammatoryLeiomyosarcoma")[0]
    page = client.get("/InflammatoryLeiomyosarcoma", headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    shown = text_of(page.text)
    numbers = profile.numbers()
    assert "inflammatory leiomyosarcoma" in shown and profile.definition in shown
    for source in profile.definition_sources:
        assert f'href="#cite-{numbers[source]}"' in page.text
    for synonym in profile.synonyms:
        assert synonym in shown
    for parent in profile.parents:
        assert f'href="/{parent.iri[len(LMSG) :]}"' in page.text
    for row in profile.codes:
        assert str(row["code"]) in shown and row["predicate"] in shown and row["status"] in shown
    assert profile.claims
    for claim in profile.claims:
        assert claim.statement() in shown
        for name, value in claim.qualifier_items():
            assert f"{name} {value}" in shown, (claim.curie, name)
        for words in claim.wording:
            assert words in shown
        assert " ".join(claim.evidence_text(profile.citations, numbers).split()) in shown
    for iri in numbers:
        assert " ".join(profile.citations[iri].full().split()) in shown
    assert "inflammatory leiomyosarcoma of the head and neck (case report, 2021)" in shown


def test_a_site_defined_entity_shows_its_logical_definition(client):
    page = client.get("/HepaticLeiomyosarcoma", headers=HTML)
    logical = text_of(page.text.split('id="logical"')[1].split("</section>")[0])
    assert "Equivalent to: leiomyosarcoma and (disease has location some liver)" in logical


def test_the_hierarchy_goes_from_the_top_to_the_term_and_lists_subtypes(client):
    page = client.get("/Leiomyosarcoma", headers=HTML).text
    tree = text_of(page.split('id="hierarchy"')[1].split("</section>")[0])
    assert tree.index("disease entity") < tree.index("smooth muscle tumour") < tree.index("leiomyosarcoma")
    for subtype in ("inflammatory", "epithelioid", "myxoid", "granular cell"):
        assert f"{subtype} leiomyosarcoma" in tree


def test_a_claim_page_renders_the_claim_and_links_back(client, kg):
    claim = kg.entity("lmsg:InflammatoryLeiomyosarcoma")[0].claims[0]
    page = client.get("/" + claim.iri[len(LMSG) :], headers=HTML)
    assert page.status_code == 200
    shown = text_of(page.text)
    for name, value in claim.qualifier_items():
        assert f"{name} {value}" in shown
    assert 'href="/InflammatoryLeiomyosarcoma"' in page.text
    records = kg.claims.citations()
    for iri in claim.citations():
        assert " ".join(records[iri].full().split()) in shown


def test_citation_feature_and_case_pages_link_to_what_names_them(client):
    citation = client.get("/article-bonatti-2005", headers=HTML).text
    assert "Reference" in citation and 'href="/case-ebv-smooth-muscle-tumour-heart-transplant-2005"' in citation
    feature = client.get("/Desmin", headers=HTML).text
    assert 'href="/claim-' in feature
    case = client.get("/case-inflammatory-leiomyosarcoma-head-neck-2021", headers=HTML).text
    assert 'href="/InflammatoryLeiomyosarcoma"' in case


def test_the_ontology_has_a_page_under_its_title(client, kg):
    title = kg.sparql(
        "SELECT ?t WHERE { <https://w3id.org/lmsgraph/lmsgraph.owl> <http://purl.org/dc/terms/title> ?t }"
    )
    page = client.get("/lmsgraph.owl", headers=HTML)
    assert page.status_code == 200 and f"<h1>{title[0]['t']}</h1>" in page.text


def test_an_unknown_term_is_404_and_says_so(client):
    page = client.get("/NoSuchTerm", headers=HTML)
    assert page.status_code == 404 and "https://w3id.org/lmsgraph/NoSuchTerm" in text_of(page.text)
    assert client.get("/NoSuchTerm", headers={"Accept": "text/turtle"}).status_code == 404


def test_no_term_is_hidden_behind_a_path_the_server_keeps(kg):
    for name in RESERVED:
        assert not kg.sparql(f"ASK {{ {{ <{LMSG}{name}> ?p ?o }} UNION {{ ?s ?p <{LMSG}{name}> }} }}")


@pytest.mark.parametrize(
    ("accept", "fmt", "media", "syntax"),
    [
        ("text/turtle", "ttl", "text/turtle", "turtle"),
        ("application/n-triples", "nt", "application/n-triples", "nt"),
        ("application/ld+json", "jsonld", "application/ld+json", "json-ld"),
    ],
)
def test_a_term_as_rdf_by_accept_or_format(client, kg, accept, fmt, media, syntax):
    by_accept = client.get("/HepaticLeiomyosarcoma", headers={"Accept": accept})
    by_format = client.get("/HepaticLeiomyosarcoma?format=" + fmt, headers=HTML)
    assert by_accept.status_code == by_format.status_code == 200
    assert by_accept.headers["content-type"].startswith(media) and by_accept.content == by_format.content
    assert by_accept.headers["vary"] == "Accept" and 'rel="alternate"' in by_accept.headers["link"]
    graph = rdflib.Graph().parse(data=by_accept.content, format=syntax)
    term = rdflib.URIRef(LMSG + "HepaticLeiomyosarcoma")
    expected = {
        (r["p"].iri, r["o"].iri if hasattr(r["o"], "iri") else str(r["o"]))
        for r in kg.sparql(f"SELECT ?p ?o WHERE {{ <{term}> ?p ?o FILTER (!isBlank(?o)) }}")
    }
    got = {(str(p), str(o)) for p, o in graph.predicate_objects(term) if not isinstance(o, rdflib.BNode)}
    assert got == expected
    # The equivalent class's expression comes along with it (the anonymous nodes it leads to).
    assert (None, rdflib.OWL.someValuesFrom, rdflib.URIRef(LMSG + "Liver")) in graph
    # Mappings carry their axiom annotations (status, source) beside the triple.
    assert any(True for _ in graph.subjects(rdflib.OWL.annotatedSource, term))


def test_the_three_rdf_forms_are_the_same_graph_and_the_same_bytes_each_time(client, kg):
    forms = {f: client.get(f"/InflammatoryLeiomyosarcoma?format={f}").content for f in ("ttl", "nt", "jsonld")}
    graphs = {
        f: rdflib.Graph().parse(data=body, format={"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[f])
        for f, body in forms.items()
    }
    assert isomorphic(graphs["ttl"], graphs["nt"]) and isomorphic(graphs["nt"], graphs["jsonld"])
    again = TestClient(create_app(lmsgraph.connect()))
    for f, body in forms.items():
        assert again.get(f"/InflammatoryLeiomyosarcoma?format={f}").content == body


def test_a_term_refuses_a_form_it_does_not_have(client):
    assert client.get("/Desmin", headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/Desmin?format=pdf").status_code == 400
    assert client.get("/Desmin", headers={"Accept": "*/*"}).headers["content-type"].startswith("text/html")


# --- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("inflammatory LMS", "InflammatoryLeiomyosarcoma"),  # a synonym
        ("lmsg:Desmin", "Desmin"),  # a CURIE
        ("ICD-O:8890/3", "Leiomyosarcoma"),  # an external code
        ("NCIT:C27495", "InflammatoryLeiomyosarcoma"),
        ("Mondo:0003347", "InflammatoryLeiomyosarcoma"),
        ("hepatic leiomyosarcoma", "HepaticLeiomyosarcoma"),  # a label
    ],
)
def test_search_finds_terms_as_the_api_resolves_them(client, kg, query, expected):
    page = client.get("/search", params={"q": query}, headers=HTML)
    assert page.status_code == 200
    found = re.findall(r'<li><a href="/([^"]+)"', page.text)
    assert expected in found
    assert found == [m.iri[len(LMSG) :] for m in kg.resolve(query)]


def test_search_without_an_exact_name_lists_labels_containing_it(client):
    page = client.get("/search", params={"q": "leiomyosarc"}, headers=HTML)
    assert "unknown name" in text_of(page.text)
    assert 'href="/EpithelioidLeiomyosarcoma"' in page.text


# --- canned queries --------------------------------------------------------------------------


def test_the_catalogue_lists_every_query(client):
    page = client.get("/queries", headers=HTML).text
    for name in CATALOGUE:
        assert f'href="/queries/{name}"' in page


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_query_answers_on_the_web_as_it_does_in_python(client, kg, name):
    query = CATALOGUE[name]
    params = {p.name: p.example for p in query.params}
    table = kg.query(name, **params)
    as_json = client.get(f"/queries/{name}.json", params=params)
    assert as_json.status_code == 200 and as_json.headers["content-type"].startswith("application/json")
    assert as_json.json() == json.loads(table.render("json"))
    as_csv = client.get(f"/queries/{name}.csv", params=params)
    assert as_csv.text == table.render("csv")
    page = client.get(f"/queries/{name}", params=params, headers=HTML)
    assert page.status_code == 200
    rows = re.findall(r"<tr>(.*?)</tr>", page.text.split("<tbody>")[1], re.S) if table else []
    assert len(rows) == len(table)
    for p in query.params:
        assert f"example: <code>{p.example}</code>" in page.text.replace("&#34;", '"')


def test_a_canned_query_past_its_deadline_is_stopped(monkeypatch):
    kg = lmsgraph.connect()
    answered = kg.query

    def endless(name, **params):
        if name == "markers-of-entity":
            time.sleep(3600)
        return answered(name, **params)

    monkeypatch.setattr(kg, "query", endless)  # the worker processes inherit the slow query
    limited = TestClient(create_app(kg, ServeLimits(timeout=0.5, max_running=1)))
    started = time.monotonic()
    stuck = limited.get("/queries/markers-of-entity.json", params={"entity": "lmsg:Desmin"})
    assert stuck.status_code == 503 and "0.5 s" in stuck.text and time.monotonic() - started < 10
    page = limited.get("/queries/markers-of-entity", params={"entity": "lmsg:Desmin"}, headers=HTML)
    assert page.status_code == 503 and "stopped" in text_of(page.text)
    # The one place is free again at once: the worker was killed, not left running.
    assert limited.get("/queries/subtypes-of-entity.json", params={"entity": "lmsg:Leiomyosarcoma"}).status_code == 200


def test_a_query_form_without_values_shows_the_parameters_and_no_answer(client):
    page = client.get("/queries/markers-of-entity", headers=HTML)
    assert page.status_code == 200 and 'name="entity"' in page.text and 'class="answer"' not in page.text


def test_query_errors_are_clear(client):
    bad = client.get("/queries/markers-of-entity.json", params={"entity": "no such entity"})
    assert bad.status_code == 400 and "no such entity" in bad.text
    wrong_kind = client.get("/queries/markers-of-entity.json", params={"entity": "lmsg:Desmin"})
    assert wrong_kind.status_code == 400
    assert client.get("/queries/markers-of-entity.json").status_code == 400
    assert client.get("/queries/markers-of-entity.json", params={"entity": "x", "colour": "red"}).status_code == 400
    assert client.get("/queries/no-such-query", headers=HTML).status_code == 404
    page = client.get("/queries/markers-of-entity", params={"entity": "no such entity"}, headers=HTML)
    assert page.status_code == 400 and "no such entity" in text_of(page.text)


# --- the SPARQL endpoint ---------------------------------------------------------------------

SELECT = (
    "SELECT ?label WHERE { <https://w3id.org/lmsgraph/Desmin> <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
)
CONSTRUCT = "CONSTRUCT { <https://w3id.org/lmsgraph/Desmin> ?p ?o } WHERE { <https://w3id.org/lmsgraph/Desmin> ?p ?o }"


def test_a_query_by_get_by_form_and_by_body_gives_one_answer(client):
    by_get = client.get("/sparql", params={"query": SELECT})
    by_form = client.post("/sparql", data={"query": SELECT})
    by_body = client.post("/sparql", content=SELECT, headers={"Content-Type": "application/sparql-query"})
    for answer in (by_get, by_form, by_body):
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "application/sparql-results+json"
        data = answer.json()
        assert data["head"]["vars"] == ["label"]
        assert [b["label"]["value"] for b in data["results"]["bindings"]] == ["desmin"]


def test_select_in_every_results_format(client, kg):
    text = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?s ?label WHERE { ?s rdfs:subClassOf <https://w3id.org/lmsgraph/Leiomyosarcoma> ; rdfs:label ?label } ORDER BY ?s"
    )
    expected = [(r["s"].iri, r["label"]) for r in kg.sparql(text)]
    assert len(expected) >= 5
    answers = {
        media: client.get("/sparql", params={"query": text}, headers={"Accept": media})
        for media in (
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "text/csv",
            "text/tab-separated-values",
        )
    }
    for media, answer in answers.items():
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(media)
    bindings = answers["application/sparql-results+json"].json()["results"]["bindings"]
    assert [(b["s"]["value"], b["label"]["value"]) for b in bindings] == expected
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(answers["application/sparql-results+xml"].content)
    xml_rows = [
        (r.find("r:binding[@name='s']/r:uri", ns).text, r.find("r:binding[@name='label']/r:literal", ns).text)
        for r in root.iterfind("r:results/r:result", ns)
    ]
    assert xml_rows == expected
    rows = list(csv.reader(io.StringIO(answers["text/csv"].text)))
    assert rows[0] == ["s", "label"] and [tuple(r) for r in rows[1:]] == expected
    tsv = answers["text/tab-separated-values"].text.strip("\n").split("\n")
    assert tsv[0] == "?s\t?label"
    assert [tuple(line.split("\t")) for line in tsv[1:]] == [(f"<{s}>", f'"{label}"@en') for s, label in expected]


def test_ask_answers(client):
    yes = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()
    no = client.get("/sparql", params={"query": "ASK { <urn:x:nothing> ?p ?o }"}).json()
    assert yes["boolean"] is True and no["boolean"] is False
    xml = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+xml"})
    assert "<boolean>true</boolean>" in xml.text


@pytest.mark.parametrize(
    ("media", "syntax"),
    [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"), (None, "turtle")],
)
def test_construct_and_describe_as_rdf(client, kg, media, syntax):
    headers = {"Accept": media} if media else {}
    answer = client.get("/sparql", params={"query": CONSTRUCT}, headers=headers)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith(media or "text/turtle")
    graph = rdflib.Graph().parse(data=answer.content, format=syntax)
    expected = kg.sparql(CONSTRUCT)
    assert len(graph) == len(expected) and len(graph) > 3
    described = client.get("/sparql", params={"query": "DESCRIBE <https://w3id.org/lmsgraph/Desmin>"}, headers=headers)
    assert described.status_code == 200 and len(rdflib.Graph().parse(data=described.content, format=syntax)) >= 4


def test_dataset_parameters_name_the_graphs_queried(client):
    # The bundled graph is the store's default graph: naming another graph as the default leaves nothing.
    other = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }", "default-graph-uri": "urn:x:empty"})
    assert other.json()["boolean"] is False
    named = client.get("/sparql", params={"query": "ASK { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": "urn:x:empty"})
    assert named.json()["boolean"] is False
    assert client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "not an iri"}).status_code == 400


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        ("update-field", 400),
        ("update-body", 400),
        ("update-as-query", 400),
        ("service", 400),
        ("malformed", 400),
        ("no-query", 400),
        ("two-queries", 400),
        ("other-type", 415),
        ("not-acceptable", 406),
    ],
)
def test_refused_requests(client, how, expected):
    insert = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
    requests = {
        "update-field": lambda: client.post("/sparql", data={"update": insert}),
        "update-body": lambda: client.post(
            "/sparql", content=insert, headers={"Content-Type": "application/sparql-update"}
        ),
        "update-as-query": lambda: client.post("/sparql", data={"query": insert}),
        "service": lambda: client.get(
            "/sparql", params={"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}
        ),
        "malformed": lambda: client.get("/sparql", params={"query": "SELECT WHERE {"}),
        "no-query": lambda: client.post("/sparql", data={"default-graph-uri": "urn:x:g"}),
        "two-queries": lambda: client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D"),
        "other-type": lambda: client.post("/sparql", content=b"{}", headers={"Content-Type": "application/json"}),
        "not-acceptable": lambda: client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "text/turtle"}),
    }
    answer = requests[how]()
    assert answer.status_code == expected, answer.text
    assert answer.headers["content-type"].startswith("text/plain") and answer.text.strip()
    # Nothing was added: the store is read-only through the endpoint.
    assert client.get("/sparql", params={"query": "ASK { <urn:x:a> ?p ?o }"}).json()["boolean"] is False


@pytest.mark.parametrize(("accept", "syntax"), [(None, "turtle"), ("application/ld+json", "json-ld")])
def test_the_endpoint_describes_itself_when_asked_without_a_query(client, accept, syntax):
    answer = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert answer.status_code == 200
    graph = rdflib.Graph().parse(data=answer.content, format=syntax)
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    formats = rdflib.Namespace("http://www.w3.org/ns/formats/")
    service = graph.value(predicate=rdflib.RDF.type, object=sd.Service)
    assert graph.value(service, sd.endpoint) == rdflib.URIRef("http://testserver/sparql")
    assert set(graph.objects(service, sd.supportedLanguage)) == {sd.SPARQL11Query}
    assert {formats.SPARQL_Results_JSON, formats.SPARQL_Results_CSV, formats.Turtle} <= set(
        graph.objects(service, sd.resultFormat)
    )


def test_cors_only_when_asked(kg):
    origin = {"Origin": "https://editor.example.org"}
    plain = TestClient(create_app(kg)).get("/sparql", params={"query": "ASK {}"}, headers=origin)
    assert "access-control-allow-origin" not in plain.headers
    shared = TestClient(create_app(kg, cors=True)).get("/sparql", params={"query": "ASK {}"}, headers=origin)
    assert shared.status_code == 200 and shared.headers["access-control-allow-origin"] == "*"


def test_a_browser_asking_the_endpoint_for_html_gets_a_form(client):
    page = client.get("/sparql", headers=HTML)
    assert page.status_code == 200 and '<textarea name="query"' in page.text


SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_a_query_past_its_deadline_is_503_and_others_are_still_answered(kg):
    limited = TestClient(create_app(kg, ServeLimits(timeout=0.5, max_running=2)))
    started = time.monotonic()
    slow = limited.get("/sparql", params={"query": SLOW})
    assert slow.status_code == 503 and "0.5 s" in slow.text
    assert time.monotonic() - started < 5
    assert limited.get("/sparql", params={"query": SELECT}).status_code == 200


def test_a_stopped_query_frees_its_place_at_once(kg):
    limited = TestClient(create_app(kg, ServeLimits(timeout=0.3, max_running=1)))
    for _ in range(3):  # each runaway query is stopped, so the one place is free again
        assert limited.get("/sparql", params={"query": SLOW}).status_code == 503
        assert limited.app.state.site.endpoint.running == 0
        assert limited.get("/sparql", params={"query": SELECT}).status_code == 200


def test_one_query_more_than_the_most_running_is_503(kg):
    import threading

    site = create_app(kg, ServeLimits(timeout=3, max_running=1)).state.site
    from lmsgraph.errors import QueryLimitError, RefusedRequestError
    from lmsgraph.serve.sparql import Request

    slow = threading.Thread(target=lambda: pytest.raises(QueryLimitError, site.endpoint.answer, Request(SLOW), None))
    slow.start()
    deadline = time.monotonic() + 10
    while site.endpoint.running == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    with pytest.raises(RefusedRequestError) as refused:
        site.endpoint.answer(Request(SELECT), None)
    assert refused.value.status == 503 and "running" in str(refused.value)
    slow.join(timeout=30)
    assert site.endpoint.answer(Request(SELECT), None).body
    site.close()


def test_an_answer_over_the_cap_is_an_error_never_a_shorter_answer(kg):
    capped = TestClient(create_app(kg, ServeLimits(max_answer_bytes=10_000)))
    big = capped.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert big.status_code == 500 and "larger than 10,000 bytes" in big.text
    assert capped.get("/sparql", params={"query": SELECT}).status_code == 200


def test_a_request_over_the_size_limit_is_413(kg):
    small = TestClient(create_app(kg, ServeLimits(max_request_bytes=1000)))
    long_query = "ASK {}" + " " * 2000
    assert small.post("/sparql", data={"query": long_query}).status_code == 413
    assert (
        small.post("/sparql", content=long_query, headers={"Content-Type": "application/sparql-query"}).status_code
        == 413
    )
    assert small.post("/sparql", data={"query": "ASK {}"}).status_code == 200


# --- escaping and offline pages --------------------------------------------------------------

HOSTILE_LABEL = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quoted"'


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    from lmsgraph.inputs import add_files
    from lmsgraph.store import bundled_store

    folder = tmp_path_factory.mktemp("hostile")
    data = folder / "cases.ttl"
    label = HOSTILE_LABEL.replace("\\", "\\\\").replace('"', '\\"')
    data.write_text(
        "@prefix lmsg: <https://w3id.org/lmsgraph/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'lmsg:case-hostile a lmsg:TumourCase ; rdfs:label "{label}"@en ; '
        "lmsg:diagnosis lmsg:InflammatoryLeiomyosarcoma ; lmsg:synthetic true .\n",
        encoding="utf-8",
    )
    store = bundled_store()
    add_files(store, [data])
    return TestClient(create_app(lmsgraph.connect(store=store)))


@pytest.mark.parametrize("path", ["/case-hostile", "/InflammatoryLeiomyosarcoma"])
def test_markup_in_a_case_record_is_shown_not_run(hostile_client, path):
    page = hostile_client.get(path, headers=HTML)
    assert page.status_code == 200
    assert "<script>" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;" in page.text
    assert HOSTILE_LABEL in unescape(page.text)


def test_search_text_is_escaped(client):
    page = client.get("/search", params={"q": "<b>bold</b>"}, headers=HTML)
    assert "<b>bold</b>" not in page.text and "&lt;b&gt;bold&lt;/b&gt;" in page.text


@pytest.mark.parametrize(
    "path",
    ["/", "/InflammatoryLeiomyosarcoma", "/search?q=desmin", "/queries", "/queries/markers-of-entity", "/sparql"],
)
def test_pages_load_nothing_from_another_host(client, path):
    page = client.get(path, headers=HTML).text
    assert "<script" not in page
    loaded = re.findall(
        r'<(?:link|img|iframe|source|video|audio|embed|object)\b[^>]*?(?:href|src|data)="([^"]*)"', page
    )
    loaded += re.findall(r"url\(([^)]*)\)", page)
    assert loaded and all(u.startswith("/") and not u.startswith("//") for u in loaded), loaded
    css = client.get("/static/style.css")
    assert css.status_code == 200 and "http" not in css.text and "@import" not in css.text


# --- the command -----------------------------------------------------------------------------


def _serve(*args: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "lmsgraph", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM}),
    )
    deadline = time.monotonic() + 60
    line = ""
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if "serving" in line or not line:
            break
    found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not found:
        process.kill()
        raise AssertionError(f"no address in {line!r}: {process.communicate(timeout=10)}")
    return process, found.group(0)


def _get(url: str, accept: str = "text/html") -> tuple[int, str]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_answers_logs_each_request_and_stops_cleanly(sig):
    process, url = _serve()
    try:
        assert _get(url)[0] == 200
        assert _get(url + "NoSuchTerm")[0] == 404
        process.send_signal(sig)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert re.search(r'"GET / HTTP/1\.1" 200', err) and re.search(r'"GET /NoSuchTerm HTTP/1\.1" 404', err)
    assert "lmsgraph: stopped" in err


def test_serve_with_data_shows_the_records(tmp_path):
    data = tmp_path / "cases.ttl"
    data.write_text(
        "@prefix lmsg: <https://w3id.org/lmsgraph/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'lmsg:case-served a lmsg:TumourCase ; rdfs:label "a served case"@en ; lmsg:diagnosis lmsg:MyxoidLeiomyosarcoma .\n',
        encoding="utf-8",
    )
    process, url = _serve("--data", str(data))
    try:
        status, page = _get(url + "MyxoidLeiomyosarcoma")
        assert status == 200 and "a served case" in page
    finally:
        process.terminate()
        process.communicate(timeout=30)


def test_serve_refuses_a_port_in_use_and_a_bad_host():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "lmsgraph", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 2 and f"cannot listen on 127.0.0.1 port {port}" in result.stderr
    result = subprocess.run(
        [sys.executable, "-m", "lmsgraph", "serve", "--host", "localhost"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2 and "give an IP address" in result.stderr


def test_serve_with_a_missing_data_file_is_an_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "lmsgraph", "serve", "--data", str(tmp_path / "missing.ttl")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ},
    )
    assert result.returncode == 2 and "missing.ttl" in result.stderr


def test_serve_does_not_load_with_import_lmsgraph():
    code = "import sys, lmsgraph; print(any(m.startswith(('starlette', 'uvicorn', 'jinja2', 'lmsgraph.serve')) for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# --- against Oxigraph's own server -----------------------------------------------------------


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory, kg):
    """``oxigraph serve-read-only`` (the ``oxigraph`` package) on loopback, over the triples lmsgraph serves."""
    import shutil
    import socket

    import pyoxigraph

    cli = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if cli is None:
        pytest.skip("needs Oxigraph's server (pip install oxigraph); `python3 run.py test` installs it")
    folder = tmp_path_factory.mktemp("oxigraph-server")
    data = folder / "data.nt"
    kg.backend.store.dump(str(data), format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    subprocess.run(
        [cli, "load", "--location", str(folder / "db"), "--file", str(data)], check=True, capture_output=True
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [cli, "serve-read-only", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + 60
    while True:
        try:
            if _get(url + "?query=ASK%7B%7D", "application/sparql-results+json")[0] == 200:
                break
        except OSError:  # not listening yet
            pass
        assert time.monotonic() < deadline and server.poll() is None, "Oxigraph's server did not start"
        time.sleep(0.1)
    yield url
    server.terminate()
    server.wait(timeout=30)


REFERENCE_QUERIES = [
    SELECT,
    "SELECT ?s ?o WHERE { ?s <http://www.w3.org/2004/02/skos/core#exactMatch> ?o } ORDER BY ?s ?o",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "ASK { ?s a <http://www.w3.org/2002/07/owl#Class> }",
]


RESULT_MEDIA = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
]


@pytest.mark.parametrize(
    ("text", "media"),
    # The CSV and TSV results formats have no form for a boolean: ASK in JSON and XML only.
    [(t, m) for t in REFERENCE_QUERIES for m in RESULT_MEDIA if not (t.startswith("ASK") and m.startswith("text/"))],
)
def test_the_endpoint_answers_as_oxigraphs_own_server_does(client, oxigraph_server, text, media):
    import urllib.parse

    ours = client.get("/sparql", params={"query": text}, headers={"Accept": media})
    status, theirs = _get(oxigraph_server + "?" + urllib.parse.urlencode({"query": text}), media)
    assert ours.status_code == status == 200
    if media.endswith("json"):
        assert ours.json() == json.loads(theirs)
    else:
        assert ours.text == theirs


@pytest.mark.parametrize("path", ["/a%20b", "/x%3Ey", '/q"uote', "/%7Bbrace%7D", "/back%5Cslash"])
def test_a_path_that_is_no_iri_is_404(client, path):
    answer = client.get(path, headers=HTML)
    assert answer.status_code == 404 and "no term has the IRI" in text_of(answer.text)


def test_the_remote_backend_says_an_endpoint_holds_no_lmsgraph_data(request):
    """Pointed at an endpoint without lmsgraph's graph, a name is not 'unknown': the data is missing."""
    import pyoxigraph
    from support.served import Served

    from lmsgraph.errors import EndpointError

    empty = Served(create_app(lmsgraph.connect(store=pyoxigraph.Store())))
    request.addfinalizer(empty.stop)
    remote = lmsgraph.connect("remote", endpoint=empty.url + "/sparql", timeout=30)
    with pytest.raises(EndpointError, match="holds no lmsgraph data in its default graph"):
        remote.markers("inflammatory leiomyosarcoma")
    with pytest.raises(EndpointError, match="holds no lmsgraph data"):
        remote.resolve("lmsg:Desmin")


def test_a_term_page_past_the_deadline_is_503(monkeypatch):
    """A term page's own queries keep to the server's --timeout: a page that takes longer is 503."""
    from lmsgraph.limits import Limits

    kg = lmsgraph.connect()
    answer = kg.backend._solutions  # what the backend runs under the limits, on its worker thread

    def slowly(text, bindings, rows):
        if "DISTINCT ?case" in text:  # the page's list of case records
            time.sleep(3)
        return answer(text, bindings, rows)

    app = create_app(kg)
    kg.limits = Limits(timeout=0.5)
    monkeypatch.setattr(kg.backend, "_solutions", slowly)
    page = TestClient(app).get("/Leiomyosarcoma", headers=HTML)
    assert page.status_code == 503 and "0.5 s" in text_of(page.text)
    app.state.site.close()
