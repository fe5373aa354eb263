"""SPARQL queries in worker processes, so that a query past its deadline is stopped.

Oxigraph cannot stop a query from outside, and a thread cannot be killed: a runaway query on a
thread would keep a core busy until the server ends. So the endpoint runs each query in a
worker process and, at the deadline, kills it (SIGKILL) and answers 503.

The workers hold the graph without loading it again: when the endpoint starts, it forks a
*zygote*, a process with one thread that inherits the server's Oxigraph store (copy-on-write,
so the memory is shared). Whenever the endpoint needs a worker, the zygote forks one (forking a
process with one thread is safe; forking the server, whose threads may hold locks, would not
be) and hands it a socket pair end the server sent over, on which the worker takes requests
one after another. The zygote and the workers ignore SIGINT (Ctrl-C stops the server, which
closes their sockets) and end when their socket closes.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from lmsgraph.errors import QueryError, QueryLimitError, RefusedRequestError

#: What a worker answers: ("ok", body) or ("refused", status, message) or ("failed", message)
#: or ("limit", message).
Reply = tuple[Any, ...]


@dataclass
class _Worker:
    pid: int
    conn: Connection


class Workers:
    """At most ``size`` worker processes over the knowledge graph ``kg`` (on Oxigraph), forked
    by one zygote."""

    def __init__(self, kg: Any, size: int) -> None:
        if not hasattr(os, "fork") or not hasattr(socket, "AF_UNIX"):
            from lmsgraph.errors import UsageError

            raise UsageError(
                "lmsgraph serve runs its queries in forked processes: it needs Linux or another POSIX system"
            )
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:  # the zygote
            code = 0
            try:
                ours.close()
                _zygote(kg, theirs)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        theirs.close()
        self.zygote = pid
        self.control = ours
        self.size = size
        self.idle: list[_Worker] = []
        self.busy = 0
        self.lock = threading.Lock()
        self.closed = False

    def run(self, request: tuple[Any, ...], timeout: float) -> Any:
        """The worker's answer to ``request``: ``("sparql", ...)`` (see :func:`answer_in_worker`)
        or ``("canned", ...)`` (see :func:`canned_in_worker`); a worker that has not answered
        within ``timeout`` seconds is killed and the query is a :class:`QueryLimitError`."""
        worker = self._acquire()
        reply: Reply | None = None
        broken = False
        try:
            worker.conn.send(request)
            if worker.conn.poll(timeout):
                reply = worker.conn.recv()
        except (EOFError, OSError):
            broken = True
            reply = ("failed", "the process answering the query ended unexpectedly")
        finally:
            self._release(worker, healthy=reply is not None and not broken)
        if reply is None:
            raise QueryLimitError(
                f"the query did not finish within {timeout:g} s (--timeout) and was stopped; narrow it, or allow more time"
            )
        if reply[0] == "ok":
            return reply[1]
        if reply[0] == "refused":
            raise RefusedRequestError(reply[2], status=reply[1])
        if reply[0] == "limit":
            raise QueryLimitError(reply[1])
        raise QueryError(reply[1])

    @property
    def running(self) -> int:
        return self.busy

    def _acquire(self) -> _Worker:
        with self.lock:
            if self.closed:
                raise RefusedRequestError("the server is stopping", status=503)
            if self.busy >= self.size:
                raise RefusedRequestError(
                    f"{self.busy} queries are running, the most this server runs at once; try again shortly",
                    status=503,
                )
            self.busy += 1
            if self.idle:
                return self.idle.pop()
            try:
                return self._fork()
            except BaseException:
                self.busy -= 1
                raise

    def _fork(self) -> _Worker:
        """A new worker (called with the lock held: one request on the zygote's socket at a time)."""
        from multiprocessing.reduction import sendfds

        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sendfds(self.control, [theirs.fileno()])
        except OSError as exc:
            ours.close()
            raise QueryError(f"no process could be started for the query: {exc}") from None
        finally:
            theirs.close()
        conn = Connection(ours.detach())
        if not conn.poll(30):
            conn.close()
            raise QueryError("no process could be started for the query (the zygote did not answer)")
        return _Worker(conn.recv(), conn)

    def _release(self, worker: _Worker, *, healthy: bool) -> None:
        with self.lock:
            self.busy -= 1
            if healthy and not self.closed:
                self.idle.append(worker)
                return
        _kill(worker)

    def close(self) -> None:
        """Stop the workers and the zygote."""
        with self.lock:
            self.closed = True
            idle, self.idle = self.idle, []
        for worker in idle:
            _kill(worker)
        self.control.close()
        try:
            os.kill(self.zygote, signal.SIGKILL)
            os.waitpid(self.zygote, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def _kill(worker: _Worker) -> None:
    try:
        os.kill(worker.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    worker.conn.close()


def _zygote(kg: Any, control: socket.socket) -> None:
    from multiprocessing.reduction import recvfds

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped as they end
    while True:
        try:
            fds = recvfds(control, 1)
        except (EOFError, OSError, RuntimeError):
            return
        pid = os.fork()
        if pid == 0:  # a worker
            code = 0
            try:
                control.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                _serve_requests(kg, Connection(fds[0]))
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(fds[0])


def _serve_requests(kg: Any, conn: Connection) -> None:
    conn.send(os.getpid())
    while True:
        try:
            kind, *request = conn.recv()
        except (EOFError, OSError):
            return
        if kind == "sparql":
            conn.send(answer_in_worker(kg.backend.store, *request))
        else:
            conn.send(canned_in_worker(kg, *request))


def canned_in_worker(kg: Any, name: str, params: dict[str, str], fmt: str) -> Reply:
    """The canned query ``name`` with ``params``: its answer rendered as ``fmt`` (``json``,
    ``csv``), or for a page as (variables, rows of :func:`~lmsgraph.serve.pages.cell_view`)."""
    from lmsgraph.errors import LmsgraphError
    from lmsgraph.serve.pages import cell_view

    try:
        table = kg.query(name, **params)
    except QueryLimitError as exc:
        return ("limit", str(exc))
    except LmsgraphError as exc:
        return ("refused", 400, str(exc))
    if fmt in ("json", "csv"):
        return ("ok", table.render(fmt))
    return ("ok", (table.variables, [[cell_view(row.get(v)) for v in table.variables] for row in table]))


class _Capped:
    """Where Oxigraph writes an answer: refuses to grow past ``cap`` bytes."""

    def __init__(self, cap: int) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.cap = cap

    def write(self, piece: bytes) -> int:
        self.size += len(piece)
        if self.size > self.cap:
            raise QueryLimitError(
                f"the answer is larger than {self.cap:,} bytes (--max-answer-mb); ask for less (LIMIT, a narrower pattern)"
            )
        self.parts.append(bytes(piece))
        return len(piece)

    def flush(self) -> None:
        return None


def answer_in_worker(
    store: Any, text: str, default_graphs: list[str], named_graphs: list[str], fmt: tuple[str, str], cap: int
) -> Reply:
    """Run ``text`` on ``store`` and write its answer in ``fmt`` (``("results", "JSON")`` or
    ``("rdf", "TURTLE")``...), at most ``cap`` bytes: the reply to send back."""
    import pyoxigraph

    dataset: dict[str, Any] = {}
    if default_graphs:
        dataset["default_graph"] = [pyoxigraph.NamedNode(g) for g in default_graphs]
    if named_graphs:
        dataset["named_graphs"] = [pyoxigraph.NamedNode(g) for g in named_graphs]
    try:
        result = store.query(text, **dataset)
    except SyntaxError as exc:
        return ("refused", 400, f"SPARQL syntax error: {_first_line(exc)}")
    except (OSError, ValueError, RuntimeError) as exc:
        return ("failed", f"the query failed: {_first_line(exc)}")
    family, name = fmt
    kind = pyoxigraph.RdfFormat if family == "rdf" else pyoxigraph.QueryResultsFormat
    sink = _Capped(cap)
    try:
        result.serialize(sink, format=getattr(kind, name))
    except QueryLimitError as exc:
        return ("limit", exc.message)
    except (OSError, ValueError, RuntimeError) as exc:
        return ("failed", f"the answer cannot be written as {name}: {_first_line(exc)}")
    return ("ok", b"".join(sink.parts))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
