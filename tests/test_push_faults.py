"""Push is atomic: the target graph holds the old graph entire or the new graph entire, whatever
is killed when; graphs go in bounded chunks; success is reported only after the sizes are read
back. Against real Virtuoso servers on loopback (the heavy sweeps are bench/push_faults.py)."""

from __future__ import annotations

import threading
import time

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from support import virtuoso as server
from support.misbehaving import MisbehavingServer

import lmsgraph
from lmsgraph.errors import EndpointError, LmsgraphError, PushError, UsageError
from lmsgraph.push import chunks, documents, ntriples_lines, push

pytestmark = pytest.mark.virtuoso
TARGET = "https://example.org/target"


def graph_bytes(n: int, tag: str) -> bytes:
    """``n`` plain triples and ``n // 10`` blank nodes, each in two triples: N-Triples text."""
    lines = [f'<https://example.org/{tag}/{i}> <https://example.org/p> "{tag} {i} {"x" * 40}" .' for i in range(n)]
    for i in range(n // 10):
        lines.append(f'_:b{i} <https://example.org/q> "{tag} node {i}" .')
        lines.append(f"<https://example.org/{tag}/{i}> <https://example.org/r> _:b{i} .")
    return ("\n".join(lines) + "\n").encode()


def size(sparql: str, graph: str) -> int:
    kg = lmsgraph.connect("remote", endpoint=sparql, named_graph=None, timeout=30)
    return kg.sparql(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")[0]["n"]


def staging_graphs(sparql: str) -> list[str]:
    kg = lmsgraph.connect("remote", endpoint=sparql, named_graph=None, timeout=30)
    rows = kg.sparql(
        'SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER STRSTARTS(STR(?g), "urn:lmsgraph:staging:") }'
    )
    return [str(r["g"]) for r in rows]


def test_chunks_keep_a_blank_node_s_triples_together():
    lines = ntriples_lines(graph_bytes(500, "t"), "application/n-triples")
    documents = chunks(lines, 4096)
    assert len(documents) > 5 and all(len(d) <= 4096 for d in documents)
    for i in range(50):
        holding = [d for d in documents if f'"t node {i}"'.encode() in d]
        assert len(holding) == 1 and holding[0].count(b"_:") >= 2
    assert sorted(line for d in documents for line in d.splitlines()) == lines


def test_documents_come_as_the_lines_are_read_with_only_blank_node_lines_held():
    lines = ntriples_lines(graph_bytes(500, "s"), "application/n-triples")
    read = []

    def reading():
        for line in lines:
            read.append(line)
            yield line

    stream = documents(reading(), 4096)
    first = next(stream)
    assert len(first) <= 4096 and len(read) < len(lines) // 4, "the first document came before the input ended"
    assert [first, *stream] == chunks(lines, 4096)


def test_a_push_from_a_file_sends_it_a_chunk_at_a_time(virtuoso, tmp_path):
    data = tmp_path / "dumped.nt"
    data.write_bytes(graph_bytes(3000, "file"))
    said = []
    result = push(
        virtuoso.graph_store,
        graph=TARGET,
        user=server.USER,
        password=server.PASSWORD,
        chunk_bytes=32 << 10,
        ntriples_file=data,
        progress=said.append,
    )
    assert result.chunks > 10 and result.triples == 3600 and said[0].startswith("sent part 1 (")
    remote = Graph().parse(data=_construct_ntriples(virtuoso.sparql, TARGET), format="nt")
    assert isomorphic(remote, Graph().parse(data, format="nt"))
    assert staging_graphs(virtuoso.sparql) == []
    with pytest.raises(UsageError, match="not both"):
        push(virtuoso.graph_store, b"", graph=TARGET, ntriples_file=data)


def test_a_push_in_many_chunks_is_the_graph_sent_and_leaves_no_staging_graph(virtuoso):
    data = graph_bytes(3000, "chunked")
    result = push(
        virtuoso.graph_store, data, graph=TARGET, user=server.USER, password=server.PASSWORD, chunk_bytes=32 << 10
    )
    assert result.chunks > 10 and result.triples == 3600
    sent = Graph().parse(data=data, format="nt")
    remote = Graph().parse(data=_construct_ntriples(virtuoso.sparql, TARGET), format="nt")
    assert isomorphic(remote, sent)
    assert staging_graphs(virtuoso.sparql) == []


def _construct_ntriples(sparql: str, graph: str) -> bytes:
    from lmsgraph.backends import RemoteBackend

    def term(t) -> str:
        return f"_:{t.value}" if t.kind == "bnode" else t.sparql()

    solutions = RemoteBackend(sparql, graph=graph).run("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    return "".join(f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in solutions.rows).encode()


def test_push_reads_the_sizes_back_and_trusts_no_200(tmp_path):
    fake = MisbehavingServer()
    try:
        with pytest.raises(PushError, match="did not give the size of"):
            push(
                fake.url("html"),
                b"<https://example.org/s> <https://example.org/p> 1 .\n",
                graph=TARGET,
                endpoint=fake.url("html"),
            )
    finally:
        fake.stop()
    with pytest.raises(UsageError, match="SPARQL endpoint"):
        push("http://127.0.0.1:9/some-store", b"", graph=TARGET)
    with pytest.raises(UsageError, match="named graph"):
        push("http://127.0.0.1:9/sparql-graph-crud-auth", b"", graph=None)


def test_append_adds_exactly_the_new_triples(virtuoso):
    graph = "https://example.org/appended"
    first = graph_bytes(100, "a")
    push(virtuoso.graph_store, first, graph=graph, user=server.USER, password=server.PASSWORD)
    again = push(
        virtuoso.graph_store,
        first[: first.index(b"\n") + 1] + graph_bytes(50, "b"),
        graph=graph,
        replace=False,
        user=server.USER,
        password=server.PASSWORD,
    )
    assert again.triples == 120 + 60  # the repeated plain triple is not counted twice


@pytest.mark.parametrize("megabytes", [1, 4])
def test_large_graphs_push_without_failure(virtuoso, megabytes):
    data = graph_bytes(megabytes * 13_000, f"big{megabytes}")
    for _ in range(2):
        result = push(
            virtuoso.graph_store,
            data,
            graph=f"https://example.org/big{megabytes}",
            user=server.USER,
            password=server.PASSWORD,
        )
        assert result.triples == megabytes * 13_000 * 12 // 10


def test_a_push_killed_at_any_moment_leaves_the_old_graph_or_the_new(tmp_path):
    """A sweep over the push's duration (four points here, many in bench/push_faults.py): the
    server is killed, restarted from its files, and the target holds the old graph (2,400
    triples) or the new one (48,000), never anything else."""
    old, new = graph_bytes(2000, "old"), graph_bytes(40_000, "new")
    folder = tmp_path / "db"
    running = server.start(folder)
    try:
        push(running.graph_store, old, graph=TARGET, user=server.USER, password=server.PASSWORD)
        started = time.monotonic()
        push(running.graph_store, new, graph=TARGET, user=server.USER, password=server.PASSWORD, chunk_bytes=256 << 10)
        duration = time.monotonic() - started
        push(running.graph_store, old, graph=TARGET, user=server.USER, password=server.PASSWORD)
    finally:
        running.stop()
    seen = []
    for fraction in (0.3, 0.7, 0.9, 0.97):
        running = server.restart(folder)
        try:
            assert size(running.sparql, TARGET) in (2400, 48_000)
            if size(running.sparql, TARGET) != 2400:
                push(running.graph_store, old, graph=TARGET, user=server.USER, password=server.PASSWORD)
            outcome: list[object] = []
            worker = threading.Thread(target=_push_into, args=(running, new, outcome))
            worker.start()
            time.sleep(duration * fraction)
            running.process.kill()
            running.process.wait()
            worker.join(60)
            assert not worker.is_alive()
        finally:
            if running.process.poll() is None:
                running.stop()
        running = server.restart(folder)
        try:
            held = size(running.sparql, TARGET)
        finally:
            running.stop()
        assert held in (2400, 48_000), f"killed at {fraction:.0%} of the push: the target holds {held} triples"
        seen.append(held)
    assert 2400 in seen  # the sweep did reach into the push


def _push_into(running, data, outcome):
    try:
        outcome.append(
            push(
                running.graph_store,
                data,
                graph=TARGET,
                user=server.USER,
                password=server.PASSWORD,
                chunk_bytes=256 << 10,
                timeout=30,
            )
        )
    except LmsgraphError as exc:
        outcome.append(exc)


def test_an_answer_virtuoso_cuts_at_its_row_limit_is_an_error(tmp_path):
    """Virtuoso gives at most ResultSetMaxRows rows and says so only in a header."""
    running = server.start(tmp_path / "db", max_rows=10)
    try:
        push(running.graph_store, graph_bytes(100, "rows"), graph=TARGET, user=server.USER, password=server.PASSWORD)
        kg = lmsgraph.connect("remote", endpoint=running.sparql, named_graph=TARGET)
        with pytest.raises(EndpointError, match=r"cut the answer at '10' rows \(its own row limit\)"):
            kg.sparql("SELECT ?s WHERE { ?s ?p ?o }")
        assert len(kg.sparql("SELECT ?s WHERE { ?s ?p ?o } LIMIT 9")) == 9  # at the limit, it cannot tell
    finally:
        running.stop()
