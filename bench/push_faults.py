"""Push under faults and at size, against a real Virtuoso on loopback.

1. Kill sweep: the target holds an old graph (2,400 triples); a push of a new one (--sweep-mb
   of N-Triples) is started and the server is killed with SIGKILL at --points moments spread
   over the push's measured duration, restarted from its files, and the target's size read:
   it must be the old graph's or the new graph's, every time.
2. Sizes: graphs of 1, 4, 32 and 128 MB of N-Triples are pushed --repeat times each (replacing
   the previous one); every push must succeed and read back the size sent. Beside each, the
   baseline: the same bytes sent as one Graph Store PUT into an empty graph (one request, no
   staging graph, no sizes read back: the least a load can cost), timed in the same run.

Needs Virtuoso (Debian's virtuoso-opensource-7-bin, installed by ``python3 run.py test``).

    python bench/push_faults.py
    python bench/push_faults.py --points 10 --sizes 1 4 --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support import virtuoso as server  # noqa: E402

import lmsgraph  # noqa: E402
from lmsgraph.errors import LmsgraphError  # noqa: E402
from lmsgraph.push import _update, graph_store_url, push  # noqa: E402
from lmsgraph.transport import Client  # noqa: E402

TARGET = "https://example.org/bench-target"
ROW = 130  # bytes per plain triple below, roughly


def graph_bytes(megabytes: float, tag: str) -> tuple[bytes, int]:
    """About ``megabytes`` of N-Triples, a tenth of the subjects with a blank node; (text, triples)."""
    n = max(10, int(megabytes * 2**20 / ROW))
    lines = [f'<https://example.org/{tag}/{i}> <https://example.org/p> "{tag} {i} {"x" * 60}" .' for i in range(n)]
    for i in range(n // 10):
        lines.append(f'_:b{i} <https://example.org/q> "{tag} node {i}" .')
        lines.append(f"<https://example.org/{tag}/{i}> <https://example.org/r> _:b{i} .")
    return ("\n".join(lines) + "\n").encode(), n + 2 * (n // 10)


def size(running, graph: str) -> int:
    kg = lmsgraph.connect("remote", endpoint=running.sparql, named_graph=None, timeout=120)
    return kg.sparql(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")[0]["n"]


def send(running, data: bytes, **options):
    return push(running.graph_store, data, graph=TARGET, user=server.USER, password=server.PASSWORD, **options)


def sweep(points: int, megabytes: float) -> int:
    old, old_n = graph_bytes(0.3, "old")
    new, new_n = graph_bytes(megabytes, "new")
    folder = Path(tempfile.mkdtemp(prefix="lmsgraph-push-sweep-"))
    running = server.start(folder)
    try:
        send(running, old)
        started = time.monotonic()
        send(running, new, timeout=600)
        duration = time.monotonic() - started
        send(running, old)
    finally:
        running.stop()
    print(
        f"kill sweep: old graph {old_n:,} triples, new {new_n:,} ({len(new) / 2**20:.1f} MB), "
        f"a push takes {duration:.2f} s; {points} kills over it",
        flush=True,
    )
    broken = 0
    tally = {"old": 0, "new": 0}
    for k in range(points):
        at = duration * (k + 0.5) / points
        running = server.restart(folder)
        try:
            if size(running, TARGET) != old_n:
                send(running, old)
            outcome: list[object] = []

            def work(running=running, outcome=outcome) -> None:
                try:
                    outcome.append(send(running, new, timeout=600))
                except LmsgraphError as exc:
                    outcome.append(exc)

            worker = threading.Thread(target=work)
            worker.start()
            time.sleep(at)
            running.process.kill()
            running.process.wait()
            worker.join(120)
        finally:
            if running.process.poll() is None:
                running.stop()
        running = server.restart(folder)
        try:
            held = size(running, TARGET)
        finally:
            running.stop()
        state = "old" if held == old_n else "new" if held == new_n else "BROKEN"
        if state == "BROKEN":
            broken += 1
        else:
            tally[state] += 1
        reported = "failed" if outcome and isinstance(outcome[0], LmsgraphError) else "succeeded"
        print(f"  killed at {at:6.2f} s: push {reported:9}; target holds {held:,} triples: {state}", flush=True)
    print(f"kill sweep: {tally['old']} old, {tally['new']} new, {broken} broken", flush=True)
    return broken


def sizes(megabytes_list: list[float], repeat: int) -> int:
    failures = 0
    folder = Path(tempfile.mkdtemp(prefix="lmsgraph-push-sizes-"))
    running = server.start(folder)
    try:
        plain = Client(running.graph_store, user=server.USER, password=server.PASSWORD, timeout=1800)
        sparql = Client(running.sparql_auth, user=server.USER, password=server.PASSWORD, timeout=1800)
        print("\n| graph | triples | push (atomic, median) | one PUT (baseline, median) | push / PUT | failures |")
        print("| --- | --- | --- | --- | --- | --- |")
        for megabytes in megabytes_list:
            data, n = graph_bytes(megabytes, f"s{megabytes:g}")
            pushes, puts, failed = [], [], 0
            for _ in range(repeat):
                started = time.monotonic()
                try:
                    result = send(running, data, timeout=1800)
                    if result.triples != n:
                        failed += 1
                except LmsgraphError as exc:
                    failed += 1
                    print(f"  push of {megabytes:g} MB failed: {exc}", flush=True)
                pushes.append(time.monotonic() - started)
                started = time.monotonic()
                answer = plain.request(
                    "PUT", graph_store_url(running.graph_store, TARGET + "-put"), data, {"Content-Type": "text/turtle"}
                )
                puts.append(time.monotonic() - started)
                if answer.status not in (200, 201, 204):
                    print(f"  baseline PUT of {megabytes:g} MB answered {answer.status}", flush=True)
                # Emptied again outside the timing, without Virtuoso's transaction log (log-enable 3).
                _update(sparql, f"DEFINE sql:log-enable 3 CLEAR GRAPH <{TARGET}-put>")
            failures += failed
            p, q = statistics.median(pushes), statistics.median(puts)
            print(
                f"| {len(data) / 2**20:.0f} MB | {n:,} | {p:.2f} s | {q:.2f} s | {p / q:.2f}x | {failed} of {repeat} |",
                flush=True,
            )
    finally:
        running.stop()
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=20, help="kills in the sweep (default 20)")
    parser.add_argument("--sweep-mb", type=float, default=4.0, help="size of the new graph in the sweep")
    parser.add_argument("--sizes", type=float, nargs="*", default=[1, 4, 32, 128], help="graph sizes in MB")
    parser.add_argument("--repeat", type=int, default=10, help="pushes of each size (default 10)")
    args = parser.parse_args()
    if server.executable() is None:
        sys.exit("needs Virtuoso (virtuoso-t); python3 run.py test installs it")
    broken = sweep(args.points, args.sweep_mb) if args.points else 0
    failures = sizes(args.sizes, args.repeat) if args.sizes else 0
    print(f"\nbroken targets: {broken}; failed pushes: {failures}")
    return 1 if broken or failures else 0


if __name__ == "__main__":
    sys.exit(main())
