"""Where queries run: the bundled graph in pyoxigraph (the default), in rdflib, or on a
remote SPARQL 1.1 endpoint (:mod:`lmsgraph.transport`).

Every backend takes a query text and parameter bindings (name -> :class:`Term`) and returns
the same :class:`Solutions`: variable names and rows of :class:`Term`. Bindings are RDF
terms: Oxigraph substitutes them, rdflib takes them as initial bindings, and for a remote
endpoint they are written as escaped N-Triples terms into ``BIND`` clauses at the start of
the outermost group (see :func:`bind_values`), never spliced into the query's own text.
"""

from __future__ import annotations

import re

from lmsgraph.caching import bounded
from lmsgraph.display import shown
from lmsgraph.errors import EndpointError, QueryError, UsageError
from lmsgraph.limits import within
from lmsgraph.terms import Solutions, Term, from_oxigraph, from_rdflib, oxigraph_converter, plain_datatype

TYPE_CHECKING = False  # typing's own constant, without importing typing (see lmsgraph.command)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any, Protocol

    from lmsgraph.limits import Limits

    #: Makes an answer's value from an IRI; from a literal's lexical form and datatype.
    IriMaker = Callable[[str], Any]
    LiteralMaker = Callable[[str, str | None], Any]
    #: A SELECT answer as (variables, rows of values).
    Values = tuple[list[str], list[dict[str, Any]]]
else:
    Protocol = object  # at run time a protocol is its documentation; mypy checks it structurally

__all__ = ["Backend", "OxigraphBackend", "RdflibBackend", "RemoteBackend", "Solutions", "Term", "bind_values"]


class Backend(Protocol):
    """What the query layer needs of a place where queries run."""

    name: str

    def run(self, text: str, bindings: dict[str, Term] | None = None, limits: Limits | None = None) -> Solutions:
        """Run ``text`` with ``bindings`` (variable name -> term) bound, within ``limits``;
        :class:`QueryError` if it cannot, :class:`QueryLimitError` at a limit."""
        ...

    def select_values(
        self,
        text: str,
        bindings: dict[str, Term],
        iri: IriMaker,
        literal: LiteralMaker,
        limits: Limits | None = None,
    ) -> Values | None:
        """A SELECT answer as (variables, rows of values made by ``iri`` and ``literal``), for a
        backend that can make them faster than through :class:`Term`; None to use :meth:`run`."""
        ...


# --- Oxigraph ---------------------------------------------------------------------------


class OxigraphBackend:
    """A pyoxigraph store: the default backend."""

    name = "oxigraph"

    def __init__(self, store: Any = None) -> None:
        if store is None:
            from lmsgraph.store import bundled_store

            store = bundled_store()
        self.store = store
        self._converter: tuple[Any, Any] = (None, None)  # (the iri and literal functions, their cached converter)

    @staticmethod
    def _native(term: Term) -> Any:
        import pyoxigraph

        if term.kind == "iri":
            return pyoxigraph.NamedNode(term.value)
        if term.lang:
            return pyoxigraph.Literal(term.value, language=term.lang)
        if term.datatype:
            return pyoxigraph.Literal(term.value, datatype=pyoxigraph.NamedNode(term.datatype))
        return pyoxigraph.Literal(term.value)

    def _execute(self, text: str, bindings: dict[str, Term] | None) -> Any:
        """The store's answer to ``text`` with ``bindings`` substituted; errors as :class:`QueryError`."""
        import pyoxigraph

        refuse_service(text)
        substitutions = {pyoxigraph.Variable(k): self._native(v) for k, v in (bindings or {}).items()}
        try:
            return self.store.query(text, substitutions=substitutions)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {_first_line(exc)}") from exc
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryError(f"the query failed: {exc}") from exc

    def run(self, text: str, bindings: dict[str, Term] | None = None, limits: Limits | None = None) -> Solutions:
        return within(limits, lambda rows: self._solutions(text, bindings, rows))

    def _solutions(
        self, text: str, bindings: dict[str, Term] | None, rows: Callable[[Any], Iterator[Any]]
    ) -> Solutions:
        import pyoxigraph

        result = self._execute(text, bindings)
        if isinstance(result, pyoxigraph.QueryBoolean):
            return Solutions("ask", [], [], bool(result))
        if isinstance(result, pyoxigraph.QuerySolutions):
            names = [v.value for v in result.variables]
            convert = oxigraph_converter()
            return Solutions("select", names, [tuple(map(convert, solution)) for solution in rows(result)])
        triples: list[tuple[Term | None, ...]] = [
            (from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object)) for t in rows(result)
        ]
        return Solutions("graph", ["subject", "predicate", "object"], triples)

    def select_values(
        self,
        text: str,
        bindings: dict[str, Term],
        iri: IriMaker,
        literal: LiteralMaker,
        limits: Limits | None = None,
    ) -> Values | None:
        """A SELECT answer as (variables, rows) with each term made by ``iri(value)`` or
        ``literal(lexical, datatype)`` directly, without :class:`Term` in between; None if the
        query is not a SELECT."""
        return within(limits, lambda rows: self._values(text, bindings, iri, literal, rows))

    def _values(
        self,
        text: str,
        bindings: dict[str, Term],
        iri: Callable[[str], Any],
        literal: Callable[[str, str | None], Any],
        rows: Callable[[Any], Iterator[Any]],
    ) -> tuple[list[str], list[dict[str, Any]]] | None:
        import pyoxigraph

        result = self._execute(text, bindings)
        if not isinstance(result, pyoxigraph.QuerySolutions):
            return None
        convert = self._value_converter(iri, literal)
        names = [v.value for v in result.variables]
        return names, [dict(zip(names, map(convert, solution), strict=True)) for solution in rows(result)]

    def _value_converter(
        self, iri: Callable[[str], Any], literal: Callable[[str, str | None], Any]
    ) -> Callable[[Any], Any]:
        """One function from a pyoxigraph term to a value, remembering recent terms: answers
        repeat the same IRIs and literals, within a query and from one query to the next."""
        key, convert = self._converter
        converter: Callable[[Any], Any] = convert
        if key != (iri, literal):
            import pyoxigraph

            from lmsgraph.caching import bounded

            by_type = {
                pyoxigraph.NamedNode: lambda t: iri(t.value),
                pyoxigraph.Literal: lambda t: literal(t.value, plain_datatype(t.datatype.value)),
                pyoxigraph.BlankNode: lambda t: f"_:{t.value}",
                type(None): lambda t: None,
            }
            convert = bounded()(lambda t: by_type[type(t)](t))
            self._converter = ((iri, literal), convert)  # one KnowledgeGraph at a time keeps its cache
            converter = convert
        return converter


# --- rdflib -----------------------------------------------------------------------------


class _AnswersThroughRun:
    """For a backend whose answers all go through ``run``."""

    def select_values(
        self, text: str, bindings: dict[str, Term], iri: IriMaker, literal: LiteralMaker, limits: Limits | None = None
    ) -> None:
        return None


class RdflibBackend(_AnswersThroughRun):
    """An rdflib graph queried with rdflib's own SPARQL engine (fine for small graphs)."""

    name = "rdflib"

    def __init__(self, graph: Any = None) -> None:
        if graph is None:
            from lmsgraph.graph import load_graph

            graph = load_graph()
        self.graph = graph

    @staticmethod
    def _native(term: Term) -> Any:
        from rdflib import Literal, URIRef

        if term.kind == "iri":
            return URIRef(term.value)
        return Literal(term.value, lang=term.lang, datatype=term.datatype if not term.lang else None)

    def run(self, text: str, bindings: dict[str, Term] | None = None, limits: Limits | None = None) -> Solutions:
        refuse_service(text)
        return within(limits, lambda rows: self._solutions(text, bindings, rows))

    def _solutions(
        self, text: str, bindings: dict[str, Term] | None, rows: Callable[[Any], Iterator[Any]]
    ) -> Solutions:
        from lmsgraph.errors import QueryLimitError

        try:
            result = self.graph.query(text, initBindings={k: self._native(v) for k, v in (bindings or {}).items()})
            if result.type == "ASK":
                return Solutions("ask", [], [], bool(result.askAnswer))
            if result.type == "SELECT":
                names = [str(v) for v in result.vars]
                return Solutions("select", names, [tuple(from_rdflib(t) for t in row) for row in rows(result)])
            triples = [tuple(from_rdflib(t) for t in triple) for triple in rows(result)]
            return Solutions("graph", ["subject", "predicate", "object"], triples)
        except QueryLimitError:
            raise
        except Exception as exc:  # pyparsing and rdflib raise many types for bad queries
            raise QueryError(f"SPARQL syntax error or failure: {_first_line(exc)}") from exc


# --- remote endpoint --------------------------------------------------------------------

# Tokens that can hide a "{" or the word WHERE: comments, strings, IRIs.
_SKIP = re.compile(
    r'#[^\n]*|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^\x00-\x20<>"{}|^`\\]*>'
)
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE(?![\w:.-])", re.IGNORECASE)
# Patterns that a canned query on Oxigraph never uses, compiled by re when first used.
_WHERE = r"(?i)\bWHERE\b"
_SERVICE_IRI = r"(?i)\s*(?:SILENT\s+)?(<[^>]*>|\S+)"


@bounded(256)
def refuse_service(text: str) -> None:
    """:class:`UsageError` if ``text`` holds a ``SERVICE`` clause: Oxigraph and rdflib would
    contact the service's URL while answering, and a local query never reaches out. Federated
    queries are for a remote endpoint (the server contacts the service, not lmsgraph)."""
    masked = _SKIP.sub(lambda m: " " * len(m.group()), text)
    found = _SERVICE.search(masked)
    if found is not None:
        target = re.compile(_SERVICE_IRI).match(text, found.end())
        where = target.group(1) if target else "a remote service"
        raise UsageError(
            f"the query calls SERVICE {where}; a local query never contacts another server "
            "(run federated queries on a remote endpoint: --backend remote)",
            field="query",
        )


def _outer_group(text: str) -> int:
    """Offset just after the ``{`` that opens the query's WHERE clause."""
    masked = _SKIP.sub(lambda m: " " * len(m.group()), text)
    where = re.search(_WHERE, masked)
    brace = masked.find("{", where.end() if where else 0)
    if brace < 0:
        raise QueryError("the query has no WHERE clause to bind parameters in")
    return brace + 1


def bind_values(text: str, bindings: dict[str, Term]) -> str:
    """The query with ``BIND (term AS ?name)`` for each binding opening its WHERE clause.

    The terms are checked and escaped (:meth:`Term.sparql`), so a value cannot end its term
    or change the query around it. Placed first in the outermost group, the binds give the
    variables their values before every pattern, OPTIONAL, FILTER and aggregate of the
    query, as Oxigraph's substitutions and rdflib's initial bindings do. (A ``VALUES``
    block would say the same, but Virtuoso 7 loses rows when a ``VALUES`` variable starts a
    property path.)

    >>> bind_values("SELECT * WHERE { ?s ?p ?o }", {"s": Term("iri", "http://example.org/a")})
    'SELECT * WHERE { BIND (<http://example.org/a> AS ?s)\\n ?s ?p ?o }'
    """
    if not bindings:
        return text
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"not a SPARQL variable name: {shown(name)}")
    at = _outer_group(text)
    binds = " ".join(f"BIND ({term.sparql()} AS ?{name})" for name, term in bindings.items())
    return f"{text[:at]} {binds}\n{text[at:]}"


_FORM = r"(?i)\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b"
_RESULTS_JSON = ("application/sparql-results+json", "application/json")
_GRAPH_TYPES = {
    "application/n-triples": "N_TRIPLES",
    "text/plain": "N_TRIPLES",
    "text/turtle": "TURTLE",
    "application/x-turtle": "TURTLE",
}
_CELL_TYPES = {"uri", "literal", "typed-literal", "bnode"}


def query_form(text: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``: the query's first keyword of these,
    past its prologue (comments, strings and IRIs cannot fool it)."""
    found = re.search(_FORM, _SKIP.sub(lambda m: " " * len(m.group()), text))
    if found is None:
        raise QueryError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE")
    return found.group(1).upper()


class RemoteBackend(_AnswersThroughRun):
    """A SPARQL 1.1 endpoint (the SPARQL protocol: POST, URL-encoded), distrusted.

    ``graph`` names the graph holding lmsgraph on the server; it is sent as the default graph
    of every query, so other graphs on the server do not leak into the answers, and before
    the first query the endpoint is asked whether that graph holds anything at all. The
    answer must be complete and well-formed SPARQL results (JSON) or RDF (N-Triples, Turtle):
    a redirect, an HTML page, a wrong content type, truncated or wrong-shaped JSON, an answer
    the server cut short at its own row or time limit, one over ``max_bytes``, or one not
    complete within ``timeout`` seconds (a deadline for the whole answer) is an
    :class:`EndpointError` naming the endpoint and what was wrong.
    """

    name = "remote"

    def __init__(
        self,
        endpoint: str,
        *,
        graph: str | None = None,
        timeout: float = 30.0,
        user: str | None = None,
        password: str | None = None,
        auth: str = "digest",
        max_bytes: int | None = None,
    ):
        from lmsgraph.transport import DEFAULT_MAX_BYTES, Client

        self.client = Client(
            endpoint,
            user=user,
            password=password,
            auth=auth,
            timeout=timeout,
            max_bytes=DEFAULT_MAX_BYTES if max_bytes is None else max_bytes,
        )
        self.endpoint, self.graph, self.timeout = endpoint, graph or None, timeout
        self._graph_checked = self.graph is None

    def run(self, text: str, bindings: dict[str, Term] | None = None, limits: Limits | None = None) -> Solutions:
        """The endpoint's answer; ``limits.max_rows`` is checked on it (the client's timeout is
        the deadline; a ``limits.timeout`` shorter than it is not kept)."""
        if not self._graph_checked:
            self._check_graph()
        solutions = self._ask(bind_values(text, bindings or {}), default_graph=True)
        if limits is not None and limits.max_rows is not None and len(solutions.rows) > limits.max_rows:
            from lmsgraph.errors import QueryLimitError

            raise QueryLimitError(
                f"{self.endpoint} answered with {len(solutions.rows):,} rows, more than {limits.max_rows:,} (--max-rows)"
            )
        return solutions

    def _check_graph(self) -> None:
        """An error if the named graph holds no triple: a wrong name would look like "no data"."""
        assert self.graph is not None
        probe = f"ASK {{ GRAPH {Term('iri', self.graph).sparql()} {{ ?s ?p ?o }} }}"
        if not self._ask(probe, default_graph=False).boolean:
            raise EndpointError(
                f"{self.endpoint} holds no triples in the graph <{self.graph}>: is the graph's name right, "
                "and was the graph loaded (lmsgraph push)?"
            )
        self._graph_checked = True

    def _ask(self, text: str, *, default_graph: bool) -> Solutions:
        import urllib.parse

        form = query_form(text)
        fields = [("query", text)]
        if default_graph and self.graph:
            fields.append(("default-graph-uri", self.graph))
        accept = (
            "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8"
            if form in ("CONSTRUCT", "DESCRIBE")
            else "application/sparql-results+json"
        )
        answer = self.client.request(
            "POST",
            self.endpoint,
            urllib.parse.urlencode(fields).encode("utf-8"),
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        )
        where = self.endpoint
        if answer.status != 200:
            what = (
                "refused the query as malformed"
                if answer.status == 400
                else f"answered {answer.status} {answer.reason}"
            )
            raise EndpointError(f"{where} {what}: {answer.text_excerpt()}")
        state = answer.headers.get("x-sql-state", "")
        if state:
            message = answer.headers.get("x-sql-message", "")
            raise EndpointError(
                f"{where} sent only part of the answer (SQL state {shown(state)}: {shown(message)}); "
                "the server stopped the query at one of its limits"
            )
        if "x-sparql-maxrows" in answer.headers:
            raise EndpointError(
                f"{where} cut the answer at {shown(answer.headers['x-sparql-maxrows'])} rows (its own row limit); "
                "ask for less (LIMIT, OFFSET) or raise the server's limit"
            )
        if form in ("CONSTRUCT", "DESCRIBE"):
            return self._graph_answer(answer)
        if answer.content_type not in _RESULTS_JSON:
            raise EndpointError(
                f"{where} answered with {shown(answer.content_type or 'no content type')}, not SPARQL results "
                f"in JSON: {answer.text_excerpt()}"
            )
        return self._results(answer.body, form)

    def _results(self, body: bytes, form: str) -> Solutions:
        import json

        where = self.endpoint
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise EndpointError(f"{where} sent SPARQL results that are not complete JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise EndpointError(f"{where} sent JSON that is not SPARQL results (not an object)")
        if form == "ASK" and isinstance(data.get("boolean"), bool):
            return Solutions("ask", [], [], data["boolean"])
        head, results = data.get("head"), data.get("results")
        bindings = results.get("bindings") if isinstance(results, dict) else None
        names = head.get("vars", []) if isinstance(head, dict) else None
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names) or not isinstance(bindings, list):
            raise EndpointError(f"{where} sent JSON that is not SPARQL results (no head.vars or results.bindings)")
        rows = []
        for i, binding in enumerate(bindings):
            if not isinstance(binding, dict):
                raise EndpointError(f"{where} sent a result row that is not an object (row {i + 1})")
            rows.append(tuple(self._term(binding.get(n), i) for n in names))
        if form == "ASK":
            # Virtuoso answers an ASK sent with a default graph as one row of __ASK_RETVAL (1 or 0).
            cells = [cell for row in rows for cell in row if cell is not None]
            if len(rows) > 1 or len(cells) > 1:
                raise EndpointError(f"{where} answered an ASK query with {len(rows)} rows")
            return Solutions("ask", [], [], bool(cells) and cells[0].value not in ("0", "false"))
        return Solutions("select", names, rows)

    def _term(self, cell: Any, row: int) -> Term | None:
        if cell is None:
            return None
        if (
            not isinstance(cell, dict)
            or cell.get("type") not in _CELL_TYPES
            or not isinstance(cell.get("value"), str)
            or not isinstance(cell.get("datatype", ""), str)
            or not isinstance(cell.get("xml:lang", ""), str)
        ):
            raise EndpointError(
                f"{self.endpoint} sent a result cell that is not an RDF term (row {row + 1}): {shown(cell)}"
            )
        kind = cell["type"]
        if kind == "uri":
            return Term("iri", cell["value"])
        if kind == "bnode":
            return Term("bnode", cell["value"])
        return Term("literal", cell["value"], plain_datatype(cell.get("datatype")), cell.get("xml:lang"))

    def _graph_answer(self, answer: Any) -> Solutions:
        import pyoxigraph

        syntax = _GRAPH_TYPES.get(answer.content_type)
        if syntax is None:
            raise EndpointError(
                f"{self.endpoint} answered with {shown(answer.content_type or 'no content type')}, "
                f"not N-Triples or Turtle: {answer.text_excerpt()}"
            )
        try:
            triples = list(pyoxigraph.parse(answer.body, format=getattr(pyoxigraph.RdfFormat, syntax)))
        except (SyntaxError, ValueError) as exc:
            raise EndpointError(f"{self.endpoint} sent RDF that does not parse: {_first_line(exc)}") from exc
        rows: list[tuple[Term | None, ...]] = [
            (from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object)) for t in triples
        ]
        return Solutions("graph", ["subject", "predicate", "object"], rows)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
