"""The read-only SPARQL 1.1 Protocol endpoint of ``lmsgraph serve``.

What it takes (SPARQL 1.1 Protocol, section 2.1): a query by ``GET`` (``?query=``), by
``POST`` of a form (``application/x-www-form-urlencoded``) or by ``POST`` of the query itself
(``application/sparql-query``), with any number of ``default-graph-uri`` and
``named-graph-uri``. What it answers, by the request's ``Accept``: SELECT and ASK as SPARQL
results in JSON (the default), XML, CSV or TSV; CONSTRUCT and DESCRIBE as Turtle (the
default), N-Triples, JSON-LD or RDF/XML. Oxigraph runs the query and writes the answer in
the format asked for.

What it refuses, each with a plain-text message: an update (400; the endpoint is read-only),
a query calling ``SERVICE`` (400; the server never contacts another), a malformed query
(400), a request body over :attr:`ServeLimits.max_request_bytes` (413), a body of another
type (415), an ``Accept`` no format meets (406), and a query when
:attr:`ServeLimits.max_running` are already running (503). A query that has not finished
within :attr:`ServeLimits.timeout` seconds is stopped (its worker process is killed) and
answered 503, and one whose answer grows past
:attr:`ServeLimits.max_answer_bytes` is answered 500: never a shortened answer with 200.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lmsgraph.errors import QueryError, RefusedRequestError

#: Media types of SELECT and ASK answers, the first the default; and Oxigraph's format for each.
RESULT_TYPES = {
    "application/sparql-results+json": "JSON",
    "application/json": "JSON",
    "application/sparql-results+xml": "XML",
    "application/xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
}
#: Media types of CONSTRUCT and DESCRIBE answers, the first the default.
GRAPH_TYPES = {
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/ld+json": "JSON_LD",
    "application/rdf+xml": "RDF_XML",
    "text/plain": "N_TRIPLES",
}
FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"


@dataclass(frozen=True)
class ServeLimits:
    """What one request may take: ``timeout`` seconds for a query's whole answer, an answer of
    at most ``max_answer_bytes``, a request body of at most ``max_request_bytes``, and at most
    ``max_running`` queries running at once (each in a worker process of its own)."""

    timeout: float = 10.0
    max_answer_bytes: int = 16 * 2**20
    max_request_bytes: int = 128 * 2**10
    max_running: int = 4


@dataclass(frozen=True)
class Answer:
    body: bytes
    media_type: str


def negotiate(accept: str | None, offered: dict[str, str]) -> str:
    """The media type of ``offered`` that ``accept`` prefers (the first offered for ``*/*`` or
    no header); :class:`RefusedRequestError` (406) when it accepts none of them."""
    import mimeparse

    if not accept or not accept.strip():
        return next(iter(offered))
    # mimeparse takes the last of equally good types: offer them in reverse so the first wins.
    try:
        best = mimeparse.best_match(list(reversed(offered)), accept)
    except (ValueError, IndexError):  # a header mimeparse cannot read
        raise RefusedRequestError("the Accept header cannot be read", field="Accept", value=accept) from None
    if not best:
        raise RefusedRequestError(
            f"none of the formats asked for is given here; this endpoint answers with {', '.join(offered)}",
            status=406,
            field="Accept",
            value=accept,
        )
    return best


@dataclass(frozen=True)
class Request:
    """A protocol request, once read: the query and the dataset it names."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


def read_request(method: str, content_type: str | None, fields: list[tuple[str, str]], body: bytes) -> Request:
    """The query of a GET (``fields`` from the URL) or a POST (``body`` of ``content_type``)."""
    import urllib.parse

    media = (content_type or "").split(";")[0].strip().lower()
    if method == "POST":
        if media == FORM_TYPE:
            try:
                fields = fields + urllib.parse.parse_qsl(
                    body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, errors="strict"
                )
            except UnicodeDecodeError:
                raise RefusedRequestError("the form is not UTF-8", field="body") from None
        elif media == QUERY_TYPE:
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise RefusedRequestError("the query is not UTF-8", field="body") from None
            if any(name == "query" for name, _ in fields):
                raise RefusedRequestError("a query in the body and in the URL: send one", field="query")
            fields = [*fields, ("query", text)]
        elif media == UPDATE_TYPE:
            raise RefusedRequestError("this endpoint is read-only: updates are refused", field="Content-Type")
        else:
            raise RefusedRequestError(
                f"a POST carries {FORM_TYPE} or {QUERY_TYPE}",
                status=415,
                field="Content-Type",
                value=content_type or "(none)",
            )
    names = [name for name, _ in fields]
    if "update" in names:
        raise RefusedRequestError("this endpoint is read-only: updates are refused", field="update")
    queries = [value for name, value in fields if name == "query"]
    if len(queries) != 1:
        raise RefusedRequestError(
            "a request carries exactly one query" if queries else "no query: send one as ?query=...",
            field="query",
        )
    return Request(
        queries[0],
        tuple(v for n, v in fields if n == "default-graph-uri"),
        tuple(v for n, v in fields if n == "named-graph-uri"),
    )


SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
#: The W3C's IRI of each format the endpoint writes.
FORMAT_IRIS = {
    "JSON": "SPARQL_Results_JSON",
    "XML": "SPARQL_Results_XML",
    "CSV": "SPARQL_Results_CSV",
    "TSV": "SPARQL_Results_TSV",
    "TURTLE": "Turtle",
    "N_TRIPLES": "N-Triples",
    "JSON_LD": "JSON-LD",
    "RDF_XML": "RDF_XML",
}


def service_description(endpoint: str, accept: str | None) -> Answer:
    """The SPARQL 1.1 Service Description of the endpoint at the URL ``endpoint``, which the
    protocol has the endpoint give for a GET without a query: a query service, SPARQL 1.1
    Query only (no update, no federation), and the formats it answers in."""
    import pyoxigraph

    media = negotiate(accept, GRAPH_TYPES)
    service = pyoxigraph.BlankNode("service")

    def iri(value: str) -> Any:
        return pyoxigraph.NamedNode(value)

    rdf_type = iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    triples = [
        pyoxigraph.Triple(service, rdf_type, iri(SD + "Service")),
        pyoxigraph.Triple(service, iri(SD + "endpoint"), iri(endpoint)),
        pyoxigraph.Triple(service, iri(SD + "supportedLanguage"), iri(SD + "SPARQL11Query")),
    ]
    for name in sorted(set(FORMAT_IRIS.values())):
        triples.append(pyoxigraph.Triple(service, iri(SD + "resultFormat"), iri(FORMATS + name)))
    written = pyoxigraph.serialize(
        triples,
        format=getattr(pyoxigraph.RdfFormat, GRAPH_TYPES[media]),
        prefixes={"sd": SD, "formats": FORMATS} if GRAPH_TYPES[media] == "TURTLE" else None,
    )
    assert written is not None  # given no output, serialize returns the bytes
    return Answer(written, media)


class Endpoint:
    """Runs protocol requests on the Oxigraph store of a knowledge graph, within :class:`ServeLimits`, each query in
    a worker process that is stopped at the deadline (:mod:`lmsgraph.serve.workers`)."""

    def __init__(self, kg: Any, limits: ServeLimits) -> None:
        from lmsgraph.serve.workers import Workers

        self.limits = limits
        self.workers = Workers(kg, limits.max_running)

    @property
    def running(self) -> int:
        """Queries running now."""
        return self.workers.running

    def answer(self, request: Request, accept: str | None) -> Answer:
        """The answer to ``request`` in the format ``accept`` prefers."""
        import pyoxigraph

        from lmsgraph.backends import query_form, refuse_service
        from lmsgraph.errors import UsageError

        try:
            form = query_form(request.query)
            refuse_service(request.query)
        except (QueryError, UsageError) as exc:
            raise RefusedRequestError(exc.message, field="query") from None
        graph = form in ("CONSTRUCT", "DESCRIBE")
        offered = GRAPH_TYPES if graph else RESULT_TYPES
        media = negotiate(accept, offered)
        for field, values in (("default-graph-uri", request.default_graphs), ("named-graph-uri", request.named_graphs)):
            for value in values:
                try:
                    pyoxigraph.NamedNode(value)
                except ValueError:
                    raise RefusedRequestError("not an IRI", field=field, value=value) from None
        body = self.workers.run(
            (
                "sparql",
                request.query,
                list(request.default_graphs),
                list(request.named_graphs),
                ("rdf" if graph else "results", offered[media]),
                self.limits.max_answer_bytes,
            ),
            self.limits.timeout,
        )
        return Answer(body, media)

    def close(self) -> None:
        self.workers.close()
