"""Sending a graph to a remote store, so that the target graph is always the old graph entire or
the new graph entire.

A push loads the triples into a staging graph of its own (``urn:lmsgraph:staging:<uuid>``)
with the SPARQL 1.1 Graph Store HTTP Protocol, in chunks of at most ``chunk_bytes`` (the
triples sharing a blank node always in one chunk, since a blank node means one node only
within one request), reads the staging graph's size back through the store's SPARQL
endpoint, and only then changes the target in one SPARQL Update request: ``DELETE`` what
only the target has and ``INSERT`` what only the staging graph has to replace it, ``ADD`` to
add to it. The target's size is read back once more before success is reported,
and the staging graph is dropped whatever happens. A server that dies mid-push leaves the
target as it was, and at most a staging graph, which the next push does not reuse.

Virtuoso: the graph store is ``http://host:8890/sparql-graph-crud-auth`` and its SPARQL
endpoint ``http://host:8890/sparql-auth`` (found from the store's URL when not given), both
with digest authentication.
"""

from __future__ import annotations

import os
import re
import urllib.parse
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from lmsgraph.display import shown
from lmsgraph.errors import LmsgraphError, PushError, UsageError
from lmsgraph.prefixes import LMSG_NS

DEFAULT_GRAPH = LMSG_NS
#: The most N-Triples bytes sent in one request.
DEFAULT_CHUNK_BYTES = 4 << 20
_SUBJECT_BNODE = re.compile(rb"^_:(\S+) ")
_OBJECT_BNODE = re.compile(rb" _:(\S+) \.$")
# Graph store paths whose SPARQL endpoint is known.
_KNOWN_ENDPOINTS = {"/sparql-graph-crud-auth": "/sparql-auth", "/sparql-graph-crud": "/sparql"}


@dataclass(frozen=True)
class PushResult:
    url: str
    graph: str
    status: int
    bytes_sent: int
    replaced: bool
    triples: int = 0  # the target graph's size, read back after the push
    chunks: int = 0


def graph_store_url(store: str, graph: str | None) -> str:
    """``store`` with the ``graph`` parameter (or ``default`` for the default graph) added."""
    parts = urllib.parse.urlsplit(store)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"not an http(s) URL of a graph store: {shown(store)}")
    extra = urllib.parse.urlencode({"graph": graph}) if graph else "default"
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def sparql_endpoint_of(store: str) -> str | None:
    """The SPARQL endpoint beside a graph store whose path is a known one (Virtuoso's)."""
    parts = urllib.parse.urlsplit(store)
    for path, endpoint in _KNOWN_ENDPOINTS.items():
        if parts.path.rstrip("/").endswith(path):
            base = parts.path.rstrip("/")[: -len(path)]
            return urllib.parse.urlunsplit((parts.scheme, parts.netloc, base + endpoint, "", ""))
    return None


def ntriples_lines(data: bytes | None, content_type: str = "text/turtle") -> list[bytes]:
    """The graph to send as distinct N-Triples lines: ``data`` (Turtle or N-Triples) parsed, or
    the bundled graph. Every line is one triple: literals are escaped, so none holds a newline."""
    import pyoxigraph

    if data is None:
        import lmsgraph
        from lmsgraph.canonical import canonical_ntriples

        text = canonical_ntriples(lmsgraph.load())
    else:
        syntax = pyoxigraph.RdfFormat.N_TRIPLES if "n-triples" in content_type else pyoxigraph.RdfFormat.TURTLE
        try:
            triples = list(pyoxigraph.parse(data, format=syntax))
        except (SyntaxError, ValueError) as exc:
            raise PushError(f"the data to push does not parse: {str(exc).splitlines()[0]}") from exc
        text = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""
    return sorted({line for line in text.split(b"\n") if line.strip()})


def chunks(lines: list[bytes], limit: int) -> list[bytes]:
    """``lines`` in N-Triples documents of at most ``limit`` bytes, the triples that share a
    blank node kept together (a group larger than ``limit`` is sent alone)."""
    return list(documents(lines, limit))


def documents(lines: Iterable[bytes], limit: int) -> Iterator[bytes]:
    """:func:`chunks` as a stream: each document is given as soon as it is full, so that only the
    lines with a blank node are held (they are sent last, each node's triples together)."""
    parent: dict[bytes, bytes] = {}

    def root(label: bytes) -> bytes:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    held: list[tuple[bytes, bytes]] = []  # (line, one of its blank node labels)
    current: list[bytes] = []
    size = 0

    def add(group: list[bytes]) -> bytes | None:
        nonlocal current, size
        length = sum(len(line) + 1 for line in group)
        full = None
        if current and size + length > limit:
            full = b"\n".join(current) + b"\n"
            current, size = [], 0
        current.extend(group)
        size += length
        return full

    for line in lines:
        found = [m.group(1) for m in (_SUBJECT_BNODE.match(line), _OBJECT_BNODE.search(line)) if m]
        if found:
            held.append((line, found[0]))
            if len(found) == 2:
                parent[root(found[0])] = root(found[1])
            continue
        full = add([line])
        if full is not None:
            yield full
    groups: dict[bytes, list[bytes]] = {}
    for line, label in held:
        groups.setdefault(root(label), []).append(line)
    for group in groups.values():
        full = add(group)
        if full is not None:
            yield full
    if current:
        yield b"\n".join(current) + b"\n"


def file_lines(path: str | os.PathLike[str]) -> Iterator[bytes]:
    """The non-empty lines of an N-Triples file, read one at a time."""
    with open(path, "rb") as file:
        for line in file:
            line = line.rstrip(b"\r\n")
            if line.strip():
                yield line


def push(
    store: str,
    data: bytes | None = None,
    *,
    graph: str | None = DEFAULT_GRAPH,
    replace: bool = True,
    user: str | None = None,
    password: str | None = None,
    auth: str = "digest",
    timeout: float = 60.0,
    content_type: str = "text/turtle",
    endpoint: str | None = None,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
    progress: Callable[[str], None] | None = None,
    ntriples_file: str | os.PathLike[str] | None = None,
) -> PushResult:
    """Send ``data`` (Turtle or N-Triples; default: the bundled graph) to the named ``graph`` of
    the graph store ``store``, replacing it (``replace``) or adding to it, atomically (see the
    module's description). ``endpoint`` is the store's SPARQL endpoint (found from ``store``
    for Virtuoso); ``timeout`` bounds each request. :class:`PushError` when the store refuses,
    fails, answers what is not SPARQL or cannot be reached, or when a size read back is not the
    one sent; :class:`UsageError` for a URL or setting lmsgraph cannot use.

    ``ntriples_file`` instead of ``data``: an N-Triples file of distinct triples, one a line (as
    Oxigraph dumps a store), read and sent a chunk at a time, so that a graph of any size is
    sent in memory that holds one chunk and the triples with blank nodes."""
    from lmsgraph.backends import RemoteBackend
    from lmsgraph.transport import Client

    if not graph:
        raise UsageError("push needs a named graph: the default graph cannot be replaced in one step", field="graph")
    if chunk_bytes <= 0:
        raise UsageError("the chunk size must be positive", field="chunk_bytes", value=chunk_bytes)
    graph_store_url(store, graph)  # checks the URL
    endpoint = endpoint or sparql_endpoint_of(store)
    if endpoint is None:
        raise UsageError(
            "push needs the store's SPARQL endpoint (--endpoint) to replace the graph in one step and "
            "read its size back",
            field="endpoint",
        )
    say = progress or (lambda message: None)
    credentials = {"user": user, "password": password, "auth": auth, "timeout": timeout, "error": PushError}
    loader = Client(store, **credentials)  # type: ignore[arg-type]
    sparql = Client(endpoint, **credentials)  # type: ignore[arg-type]
    counter = RemoteBackend(endpoint, user=user, password=password, auth=auth, timeout=timeout)
    if ntriples_file is not None:
        if data is not None:
            raise UsageError("push takes data or an N-Triples file, not both", field="ntriples_file")
        parts: Iterable[bytes] = documents(file_lines(ntriples_file), chunk_bytes)
        total = ""
    else:
        listed = chunks(ntriples_lines(data, content_type), chunk_bytes)
        parts, total = listed, f" of {len(listed)}"
    staging = f"urn:lmsgraph:staging:{uuid.uuid4()}"
    target = _iri(graph)
    before = 0 if replace else _count(counter, graph)
    sent = triples = n = 0
    try:
        for n, document in enumerate(parts, start=1):
            answer = loader.request(
                "POST", graph_store_url(store, staging), document, {"Content-Type": "text/turtle; charset=utf-8"}
            )
            if answer.status not in (200, 201, 204):
                raise PushError(f"{store} answered {answer.status} to part {n} of the graph: {answer.text_excerpt()}")
            sent += len(document)
            triples += document.count(b"\n")  # a line a triple: literals hold no newline
            say(f"sent part {n}{total} ({sent:,} bytes in all) to a staging graph")
        staged = _count(counter, staging)
        if staged != triples:
            raise PushError(f"{store} holds {staged:,} triples of the {triples:,} sent; the target graph is unchanged")
        if replace:
            # One request, so one transaction: the triples only the target has are deleted and
            # those only the staging graph has are inserted (blank nodes are never shared, so
            # the target's are replaced). Pushing a graph that changed a little changes a little:
            # Virtuoso 7 took a minute for MOVE or COPY onto 60,000 triples.
            step = (
                f"DELETE {{ GRAPH {target} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {target} {{ ?s ?p ?o }} "
                f"FILTER NOT EXISTS {{ GRAPH {_iri(staging)} {{ ?s ?p ?o }} }} }} ;\n"
                f"INSERT {{ GRAPH {target} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {_iri(staging)} {{ ?s ?p ?o }} "
                f"FILTER NOT EXISTS {{ GRAPH {target} {{ ?s ?p ?o }} }} }}"
            )
            expected = triples
        else:
            expected = before + _count(
                counter,
                staging,
                f"FILTER NOT EXISTS {{ GRAPH {target} {{ ?s ?p ?o }} }}",
            )
            step = f"ADD {_iri(staging)} TO {target}"
        try:
            status = _update(sparql, step)
            say(f"{'replaced' if replace else 'added to'} <{graph}> in one step")
            after = _count(counter, graph)
        except PushError as exc:
            raise PushError(
                f"{exc}; the store failed after the step that changes <{graph}> was sent: the graph holds the "
                "old triples or the new ones, each entire (read its size to know which)"
            ) from exc
        if after != expected:
            raise PushError(f"<{graph}> holds {after:,} triples after the push, not the {expected:,} expected")
    finally:
        try:
            _update(sparql, f"DROP SILENT GRAPH {_iri(staging)}")
        except LmsgraphError:
            pass  # the push's own error, if any, says more; a leftover staging graph is harmless
    return PushResult(
        url=graph_store_url(store, graph),
        graph=graph,
        status=status,
        bytes_sent=sent,
        replaced=replace,
        triples=after,
        chunks=n,
    )


def _iri(value: str) -> str:
    from lmsgraph.ntriples import iri

    return iri(value)


def _update(client, text: str) -> int:
    body = urllib.parse.urlencode({"update": text}).encode("utf-8")
    answer = client.request(
        "POST", client.url, body, {"Content-Type": "application/x-www-form-urlencoded", "Accept": "*/*"}
    )
    if answer.status not in (200, 204):
        hint = ""
        if b"SR325" in answer.body:
            hint = (
                " (the change is one transaction, larger than Virtuoso allows: raise TransactionAfterImageLimit "
                "in the [Parameters] of virtuoso.ini above the graph's size)"
            )
        raise PushError(f"{client.url} answered {answer.status} to {text.split()[0]}: {answer.text_excerpt()}{hint}")
    return answer.status


def _count(counter, graph: str, extra: str = "") -> int:
    """The triples of ``graph`` (that meet ``extra``), read through the SPARQL endpoint by the
    remote backend (``counter``), which checks the answer is well-formed SPARQL results."""
    from lmsgraph.errors import EndpointError

    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {_iri(graph)} {{ ?s ?p ?o }} {extra} }}"
    try:
        rows = counter.run(query).rows
        return int(rows[0][0].value) if rows and rows[0][0] is not None else 0
    except (EndpointError, ValueError) as exc:
        raise PushError(f"{counter.endpoint} did not give the size of <{graph}>: {exc}") from exc
