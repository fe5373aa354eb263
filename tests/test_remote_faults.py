"""The remote backend distrusts the server: every malformed or misbehaving answer is an error
naming the endpoint and the fault, never a traceback or a shorter answer. One fault per path of
a small server on loopback (tests/support/misbehaving.py)."""

from __future__ import annotations

import time
import urllib.parse

import pytest
from support.misbehaving import MisbehavingServer

import lmsgraph
from lmsgraph.cli import main
from lmsgraph.errors import EndpointError

SELECT = "SELECT ?x WHERE { ?x ?p ?o }"


@pytest.fixture(scope="module")
def server():
    running = MisbehavingServer()
    yield running
    running.stop()


def remote(server, fault, **options):
    options.setdefault("timeout", 5)
    return lmsgraph.connect("remote", endpoint=server.url(fault), **options)


def test_the_server_can_answer_well(server):
    """The faults below are the server's: a well-formed answer comes through whole."""
    rows = remote(server, "ok").sparql(SELECT)
    assert [str(r["x"]) for r in rows] == ["https://example.org/a"]


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ("html", "answered with 'text/html', not SPARQL results in JSON: 'Welcome Our new portal'"),
        ("cut", "cut its answer off after 40 bytes of 1,000"),
        ("truncated-json", "sent SPARQL results that are not complete JSON"),
        ("no-head", "sent JSON that is not SPARQL results (no head.vars or results.bindings)"),
        ("not-an-object", "sent JSON that is not SPARQL results (not an object)"),
        ("bad-cell", "sent a result cell that is not an RDF term (row 1)"),
        ("wrong-type", "answered with 'text/plain', not SPARQL results in JSON"),
        ("redirect", "redirected the request to 'http://127.0.0.1:9/x'; lmsgraph does not follow redirects"),
        ("server-error", "answered 500 Internal Server Error: 'Internal Server Error database is down'"),
        ("not-found", "answered 404 Not Found: 'Not Found'"),
        ("bad-query", "refused the query as malformed: \"SP030: SPARQL compiler, line 1: syntax error at 'WHERE'\""),
        ("row-limit", "cut the answer at '1' rows (its own row limit)"),
        ("partial", "sent only part of the answer (SQL state 'S1TAT'"),
    ],
)
def test_a_misbehaving_answer_is_an_error_naming_the_endpoint(server, fault, words):
    with pytest.raises(EndpointError) as caught:
        remote(server, fault).sparql(SELECT)
    message = str(caught.value)
    assert message.startswith(server.url(fault)), message
    assert words in message, message


def test_a_construct_answer_must_be_rdf(server):
    with pytest.raises(EndpointError, match="answered with 'text/html', not N-Triples or Turtle"):
        remote(server, "construct-html").sparql("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


def test_an_endless_answer_stops_at_the_size_limit(server):
    started = time.monotonic()
    with pytest.raises(EndpointError, match="sent a longer answer, more than the 1,048,576 bytes lmsgraph reads"):
        remote(server, "endless", max_answer_bytes=1 << 20).sparql(SELECT)
    assert time.monotonic() - started < 10


def test_the_timeout_is_a_deadline_for_the_whole_answer(server):
    """A byte every quarter second never lets a per-read timeout expire; the deadline does."""
    started = time.monotonic()
    with pytest.raises(EndpointError, match=r"did not answer within 1\.5 s"):
        remote(server, "drip", timeout=1.5).sparql(SELECT)
    assert 1.4 < time.monotonic() - started < 4


def test_a_named_graph_that_holds_nothing_says_so(server):
    with pytest.raises(EndpointError, match=r"holds no triples in the graph <https://example.org/wrong>"):
        remote(server, "empty-graph", named_graph="https://example.org/wrong").sparql(SELECT)
    path, body = server.requests[-1]
    sent = urllib.parse.parse_qs(body.decode())
    assert "GRAPH <https://example.org/wrong>" in sent["query"][0] and "default-graph-uri" not in sent


def test_the_command_line_exits_2_without_a_traceback(server, tmp_path, capsys):
    query = tmp_path / "q.rq"
    query.write_text(SELECT, encoding="utf-8")
    for fault in ("html", "truncated-json", "redirect", "server-error"):
        assert main(["sparql", str(query), "--endpoint", server.url(fault), "--named-graph", "", "--timeout", "5"]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"lmsgraph: error: {server.url(fault)}") and "Traceback" not in err, err


def test_limits_must_be_positive():
    for options in ({"timeout": 0}, {"timeout": -1}, {"max_answer_bytes": -5}, {"max_answer_bytes": 0}):
        with pytest.raises(ValueError):
            lmsgraph.connect("remote", endpoint="http://127.0.0.1:9/sparql", **options)
