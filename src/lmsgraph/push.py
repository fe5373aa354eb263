"""Sending the graph to a remote store with the SPARQL 1.1 Graph Store HTTP Protocol.

``push`` PUTs (replaces) or POSTs (adds to) a named graph at ``STORE?graph=IRI`` with the
graph as Turtle, with basic or digest authentication and a timeout. Virtuoso's protocol
endpoint is ``http://host:8890/sparql-graph-crud-auth`` (digest authentication).
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from lmsgraph.display import shown
from lmsgraph.errors import PushError, UsageError
from lmsgraph.prefixes import LMSG_NS

DEFAULT_GRAPH = LMSG_NS


@dataclass(frozen=True)
class PushResult:
    url: str
    graph: str
    status: int
    bytes_sent: int
    replaced: bool


def graph_store_url(store: str, graph: str | None) -> str:
    """``store`` with the ``graph`` parameter (or ``default`` for the default graph) added."""
    parts = urllib.parse.urlsplit(store)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"not an http(s) URL of a graph store: {shown(store)}")
    extra = urllib.parse.urlencode({"graph": graph}) if graph else "default"
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


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
) -> PushResult:
    """Send ``data`` (default: the bundled graph as canonical Turtle) to the graph store ``store``.

    ``replace`` uses PUT (the named graph becomes exactly the data), otherwise POST (the
    data is added). Returns the HTTP status; raises :class:`PushError` when the store refuses or
    cannot be reached, :class:`UsageError` for a URL or authentication scheme it cannot use.
    """
    if auth not in ("basic", "digest"):
        raise UsageError(f"authentication must be 'basic' or 'digest', not {shown(auth)}")
    if data is None:
        import lmsgraph
        from lmsgraph.canonical import canonical_turtle

        data = canonical_turtle(lmsgraph.load())
    url = graph_store_url(store, graph)
    handlers = []
    if user is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, user, password or "")
        handler = urllib.request.HTTPDigestAuthHandler if auth == "digest" else urllib.request.HTTPBasicAuthHandler
        handlers.append(handler(passwords))
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(
        url, data=data, method="PUT" if replace else "POST", headers={"Content-Type": content_type}
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        body = exc.read().decode("utf-8", "replace").strip().splitlines()
        reason = "the credentials were refused" if exc.code == 401 else (body[0] if body else exc.reason)
        raise PushError(f"{store} answered {exc.code}: {reason}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise PushError(f"cannot reach {store}: {getattr(exc, 'reason', exc)}") from exc
    return PushResult(url=url, graph=graph or "", status=status, bytes_sent=len(data), replaced=replace)
