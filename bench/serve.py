"""``lmsgraph serve`` under load, side by side with Oxigraph's own server over the same data.

N clients (threads, each with one kept-alive connection) send requests for a bounded time:

- ``/sparql``: every canned query with its example parameters bound (the text the remote
  backend sends), POSTed as a form, answers as SPARQL JSON; to ``lmsgraph serve`` (the graph
  in memory), to ``lmsgraph serve --store`` (on disk, made by ``lmsgraph load``) and to
  ``oxigraph serve-read-only`` (the ``oxigraph`` package from PyPI; on disk) loaded with the
  same triples. The baseline is Oxigraph's server.
- term pages: every term of the bundled graph, as HTML, from ``lmsgraph serve``.

It prints requests, throughput, p50/p95 latency and errors for each, and the ratio of the two
servers' throughput on ``/sparql``. The clients run on the same machine as the servers, and a
Python client's own cost bounds the throughput measured for both.

    python bench/serve.py                          # 4 clients, 10 s each
    python bench/serve.py --clients 8 --seconds 30 --cases 10000
"""

from __future__ import annotations

import argparse
import http.client
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import pyoxigraph

import lmsgraph
from lmsgraph.backends import bind_values
from lmsgraph.prefixes import LMSG_NS
from lmsgraph.store import bundled_store
from lmsgraph.synthetic import synthetic_ntriples

#: Requests over this many seconds count as errors too.
SLOW_AS_ERROR = 30.0


def canned_texts() -> list[str]:
    """Every canned query's text with its example parameters bound, as the remote backend sends it."""
    kg = lmsgraph.connect()
    texts = []
    for _, query in sorted(kg.catalogue().items()):
        bindings = kg.bindings(query, {p.name: p.example for p in query.params})
        texts.append(bind_values(query.text, bindings))
    return texts


def load(
    host: str, port: int, requests: list[tuple[str, str, bytes | None, dict[str, str]]], clients: int, seconds: float
):
    """Send ``requests`` (method, path, body, headers) round-robin from ``clients`` threads for
    ``seconds``: (count, latencies in ms, errors, wall seconds)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=SLOW_AS_ERROR)
        mine: list[float] = []
        failed: list[str] = []
        i = offset
        while time.monotonic() < stop:
            method, path, body, headers = requests[i % len(requests)]
            i += 1
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                answer = conn.getresponse()
                answer.read()
                if answer.status != 200:
                    failed.append(f"{answer.status} {path[:60]}")
            except (OSError, http.client.HTTPException) as exc:
                failed.append(f"{type(exc).__name__} {path[:60]}")
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=SLOW_AS_ERROR)
            mine.append((time.perf_counter() - started) * 1000)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(failed)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + SLOW_AS_ERROR + 10)
    return len(latencies), sorted(latencies), errors, time.monotonic() - started


def percentile(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def start_lmsgraph(options: list[str], clients: int) -> tuple[subprocess.Popen, int]:
    """``lmsgraph serve`` with ``options`` on a free port: the process and the port."""
    server = subprocess.Popen(
        [sys.executable, "-m", "lmsgraph", "serve", "--port", "0", "--max-running", str(clients), *options],
        stderr=subprocess.PIPE,
        text=True,
    )
    line = ""
    while "serving" not in line:
        line = server.stderr.readline()
        if not line:
            raise SystemExit("lmsgraph serve ended before serving")
    threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()  # drain the access log
    found = re.search(r":(\d+)/", line)
    assert found is not None
    return server, int(found.group(1))


def wait_for(host: str, port: int, path: str, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server ended before answering (exit {process.returncode})")
        try:
            conn = http.client.HTTPConnection(host, port, timeout=5)
            conn.request("GET", path)
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"no answer from {host}:{port} within {seconds} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--cases", type=int, default=0, help="synthetic case records to add to the bundled graph")
    args = parser.parse_args()
    oxigraph_cli = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if oxigraph_cli is None:
        raise SystemExit("needs Oxigraph's server: pip install oxigraph")
    work = Path(tempfile.mkdtemp(prefix="lmsgraph-serve-bench-"))
    servers: list[subprocess.Popen] = []
    try:
        store = bundled_store()
        data = work / "data.nt"
        if args.cases:
            cases = work / "cases.nt"
            cases.write_text("\n".join(synthetic_ntriples(args.cases, seed=2026)) + "\n", encoding="utf-8")
            store.bulk_load(path=str(cases), format=pyoxigraph.RdfFormat.N_TRIPLES)
        store.dump(str(data), format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
        print(
            f"data: the bundled graph{f' and {args.cases:,} synthetic cases' if args.cases else ''}, {len(store):,} triples"
        )
        subprocess.run(
            [oxigraph_cli, "load", "--location", str(work / "oxigraph"), "--file", str(data)],
            check=True,
            capture_output=True,
        )

        subprocess.run(
            [sys.executable, "-m", "lmsgraph", "load", "--store", str(work / "store"), str(data)],
            check=True,
            capture_output=True,
        )
        ours, our_port = start_lmsgraph(["--data", str(data)], args.clients)
        on_disk, disk_port = start_lmsgraph(["--store", str(work / "store")], args.clients)
        servers += [ours, on_disk]
        with __import__("socket").socket() as probe:
            probe.bind(("127.0.0.1", 0))
            their_port = probe.getsockname()[1]
        theirs = subprocess.Popen(
            [
                oxigraph_cli,
                "serve-read-only",
                "--location",
                str(work / "oxigraph"),
                "--bind",
                f"127.0.0.1:{their_port}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        servers.append(theirs)
        wait_for("127.0.0.1", our_port, "/", ours)
        wait_for("127.0.0.1", disk_port, "/", on_disk)
        wait_for("127.0.0.1", their_port, "/query?query=ASK%7B%7D", theirs)

        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}
        texts = canned_texts()
        sparql = {
            "lmsgraph serve": [
                ("POST", "/sparql", urllib.parse.urlencode({"query": t}).encode(), headers) for t in texts
            ],
            "oxigraph serve-read-only": [
                ("POST", "/query", urllib.parse.urlencode({"query": t}).encode(), headers) for t in texts
            ],
        }
        terms = [
            r["s"].iri[len(LMSG_NS) :]
            for r in lmsgraph.connect().sparql(
                f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER (STRSTARTS(STR(?s), '{LMSG_NS}')) }} ORDER BY ?s"
            )
        ]
        pages = [("GET", "/" + urllib.parse.quote(t), None, {"Accept": "text/html"}) for t in terms]

        print(
            f"{args.clients} clients, {args.seconds:g} s each; {len(texts)} canned queries, {len(pages)} term pages\n"
        )
        print("| target | requests | per second | p50 ms | p95 ms | errors |")
        print("| --- | --- | --- | --- | --- | --- |")
        rates = {}
        runs = [
            ("/sparql, lmsgraph serve", our_port, sparql["lmsgraph serve"]),
            ("/sparql, lmsgraph serve --store (on disk)", disk_port, sparql["lmsgraph serve"]),
            ("/sparql, oxigraph serve-read-only (baseline)", their_port, sparql["oxigraph serve-read-only"]),
            ("term pages, lmsgraph serve", our_port, pages),
        ]
        for title, port, requests in runs:
            load("127.0.0.1", port, requests[: args.clients], args.clients, min(2.0, args.seconds))  # warm up
            count, latencies, errors, wall = load("127.0.0.1", port, requests, args.clients, args.seconds)
            rates[title] = count / wall
            print(
                f"| {title} | {count:,} | {count / wall:,.0f} | {percentile(latencies, 0.5):.1f} | "
                f"{percentile(latencies, 0.95):.1f} | {len(errors)} |"
            )
            for error in sorted(set(errors))[:5]:
                print(f"|   error: {error} | | | | | |")
        baseline = rates["/sparql, oxigraph serve-read-only (baseline)"]
        for title in ("/sparql, lmsgraph serve", "/sparql, lmsgraph serve --store (on disk)"):
            print(f"{title}: Oxigraph's server answers {baseline / rates[title]:.2f}x its requests (target: within 2x)")
    finally:
        for server in servers:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
