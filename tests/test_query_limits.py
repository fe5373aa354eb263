"""Local queries are bounded: a deadline and a row limit on Oxigraph and rdflib, in the API and
on the command line, and Ctrl-C stops any query within a second (exit 130, no traceback)."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef

import lmsgraph
from lmsgraph.cli import main
from lmsgraph.errors import QueryLimitError

CROSS = "SELECT ?a ?b WHERE { ?a ?p ?x . ?b ?q ?y }"
# A count over pairs that takes Oxigraph a few seconds on 3,000 triples: long enough to time out.
SLOW_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?q ?y . FILTER (STR(?x) < STR(?y)) }"
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z . ?d ?s ?w }"


@pytest.fixture(scope="module")
def store():
    store = pyoxigraph.Store()
    p = pyoxigraph.NamedNode("https://example.org/p")
    store.bulk_extend(
        [
            pyoxigraph.Quad(pyoxigraph.NamedNode(f"https://example.org/{i}"), p, pyoxigraph.Literal(str(i)))
            for i in range(3000)
        ]
    )
    return store


@pytest.fixture(scope="module")
def small_graph():
    graph = Graph()
    for i in range(200):
        graph.add((URIRef(f"https://example.org/{i}"), URIRef("https://example.org/p"), Literal(i)))
    return graph


def query_threads() -> int:
    return sum(1 for t in threading.enumerate() if t.name == "lmsgraph-query")


def test_a_row_limit_is_an_error_and_stops_the_query(store):
    kg = lmsgraph.connect("oxigraph", store=store, max_rows=1000)
    started = time.monotonic()
    with pytest.raises(QueryLimitError, match=r"more than 1,000 rows \(--max-rows\)"):
        kg.sparql(CROSS)
    assert time.monotonic() - started < 5
    deadline = time.monotonic() + 5
    while query_threads() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert query_threads() == 0, "the worker went on after the limit"


def test_exactly_the_limit_is_an_answer(store):
    kg = lmsgraph.connect("oxigraph", store=store)
    assert len(kg.sparql("SELECT ?a WHERE { ?a ?p ?x } LIMIT 50", max_rows=50)) == 50


def test_a_deadline_holds_while_the_engine_counts(store):
    kg = lmsgraph.connect("oxigraph", store=store)
    started = time.monotonic()
    with pytest.raises(QueryLimitError, match=r"did not finish within 0\.5 s \(--timeout\)"):
        kg.sparql(SLOW_COUNT, timeout=0.5)
    assert time.monotonic() - started < 1.5


def test_rdflib_takes_the_same_limits(small_graph):
    kg = lmsgraph.connect("rdflib", graph=small_graph, max_rows=100)
    with pytest.raises(QueryLimitError, match="more than 100 rows"):
        kg.sparql(CROSS)
    started = time.monotonic()
    with pytest.raises(QueryLimitError, match="did not finish within 0.3 s"):
        kg.sparql(SLOW_COUNT, timeout=0.3)  # about 2 s on rdflib, over 200 triples
    assert time.monotonic() - started < 1.5


def test_canned_queries_take_the_graph_s_limits():
    kg = lmsgraph.connect(max_rows=5)
    with pytest.raises(QueryLimitError, match="more than 5 rows"):
        kg.query("terms-matching-text", text="leiomyosarcoma")
    assert len(lmsgraph.connect(max_rows=100).query("terms-matching-text", text="leiomyosarcoma")) <= 100


def test_limits_must_make_sense():
    for options in ({"timeout": 0}, {"timeout": -2}, {"max_rows": -1}):
        with pytest.raises(ValueError):
            lmsgraph.connect(**options)


def test_the_command_line_keeps_its_limits_locally(tmp_path, capsys):
    query = tmp_path / "cross.rq"
    query.write_text(CROSS, encoding="utf-8")
    assert main(["sparql", str(query), "--max-rows", "10"]) == 2
    assert "the answer has more than 10 rows (--max-rows)" in capsys.readouterr().err
    assert main(["query", "terms-matching-text", "--text", "", "--max-rows", "3", "--backend", "rdflib"]) == 2
    assert "more than 3 rows" in capsys.readouterr().err
    # In its own process: the engine's last step may run on after the deadline, until the process ends.
    query.write_text(ENDLESS, encoding="utf-8")
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "lmsgraph", "sparql", str(query), "--timeout", "0.5"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "did not finish within 0.5 s (--timeout)" in done.stderr, done.stderr
    assert time.monotonic() - started < 10  # the bundled graph is loaded first


def as_from_a_terminal() -> None:
    """Start the child as a shell starts a command: Ctrl-C neither ignored nor blocked, whatever
    the test process (a pytest-xdist worker, its libraries' threads) had set."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def test_ctrl_c_stops_a_running_query_within_a_second(tmp_path):
    query = tmp_path / "endless.rq"
    query.write_text(ENDLESS, encoding="utf-8")
    child = subprocess.Popen(
        # -X faulthandler: a child that does not stop prints where each of its threads is.
        [sys.executable, "-X", "faulthandler", "-m", "lmsgraph", "sparql", str(query), "--timeout", "120"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=as_from_a_terminal,
    )
    try:
        time.sleep(4)  # loaded, and counting
        assert child.poll() is None, child.communicate()
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        try:
            out, err = child.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGABRT)
            pytest.fail(f"still running 10 s after Ctrl-C; its threads:\n{child.communicate(timeout=10)[1]}")
        took = time.monotonic() - sent
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 130, err
    assert took < 1.0, f"took {took:.2f} s to stop"
    assert "lmsgraph: interrupted" in err and "Traceback" not in err
