"""Where queries run: the bundled graph in pyoxigraph (the default), in rdflib, or on a
remote SPARQL 1.1 endpoint through SPARQLWrapper.

Every backend takes a query text and parameter bindings (name -> :class:`Term`) and returns
the same :class:`Solutions`: variable names and rows of :class:`Term`. Bindings are RDF
terms: Oxigraph substitutes them, rdflib takes them as initial bindings, and for a remote
endpoint they are written as escaped N-Triples terms into ``BIND`` clauses at the start of
the outermost group (see :func:`bind_values`), never spliced into the query's own text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol

from lmsgraph.caching import bounded
from lmsgraph.display import shown
from lmsgraph.errors import EndpointError, QueryError, UsageError
from lmsgraph.terms import Solutions, Term, from_oxigraph, from_rdflib, oxigraph_converter, plain_datatype

__all__ = ["Backend", "OxigraphBackend", "RdflibBackend", "RemoteBackend", "Solutions", "Term", "bind_values"]


class Backend(Protocol):
    """What the query layer needs of a place where queries run."""

    name: str

    def run(self, text: str, bindings: dict[str, Term] | None = None) -> Solutions:
        """Run ``text`` with ``bindings`` (variable name -> term) bound; :class:`QueryError` if it cannot."""
        ...

    def select_values(
        self, text: str, bindings: dict[str, Term], iri: Callable[[str], Any], literal: Callable[[str, str | None], Any]
    ) -> tuple[list[str], list[dict[str, Any]]] | None:
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

    def run(self, text: str, bindings: dict[str, Term] | None = None) -> Solutions:
        import pyoxigraph

        result = self._execute(text, bindings)
        if isinstance(result, pyoxigraph.QueryBoolean):
            return Solutions("ask", [], [], bool(result))
        if isinstance(result, pyoxigraph.QuerySolutions):
            names = [v.value for v in result.variables]
            convert = oxigraph_converter()
            return Solutions("select", names, [tuple(map(convert, solution)) for solution in result])
        rows: list[tuple[Term | None, ...]] = [
            (from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object)) for t in result
        ]
        return Solutions("graph", ["subject", "predicate", "object"], rows)

    def select_values(
        self, text: str, bindings: dict[str, Term], iri: Callable[[str], Any], literal: Callable[[str, str | None], Any]
    ) -> tuple[list[str], list[dict[str, Any]]] | None:
        """A SELECT answer as (variables, rows) with each term made by ``iri(value)`` or
        ``literal(lexical, datatype)`` directly, without :class:`Term` in between; None if the
        query is not a SELECT."""
        import pyoxigraph

        result = self._execute(text, bindings)
        if not isinstance(result, pyoxigraph.QuerySolutions):
            return None
        convert = self._value_converter(iri, literal)
        names = [v.value for v in result.variables]
        rows = [dict(zip(names, map(convert, solution), strict=True)) for solution in result]
        return names, rows

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


class RdflibBackend:
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

    def select_values(
        self, text: str, bindings: dict[str, Term], iri: Callable[[str], Any], literal: Callable[[str, str | None], Any]
    ) -> None:
        """rdflib's answers go through :meth:`run`."""
        return None

    def run(self, text: str, bindings: dict[str, Term] | None = None) -> Solutions:
        refuse_service(text)
        try:
            result = self.graph.query(text, initBindings={k: self._native(v) for k, v in (bindings or {}).items()})
        except Exception as exc:  # pyparsing and rdflib raise many types for bad queries
            raise QueryError(f"SPARQL syntax error or failure: {_first_line(exc)}") from exc
        if result.type == "ASK":
            return Solutions("ask", [], [], bool(result.askAnswer))
        if result.type == "SELECT":
            names = [str(v) for v in result.vars]
            return Solutions("select", names, [tuple(from_rdflib(t) for t in row) for row in result])
        rows = [tuple(from_rdflib(t) for t in triple) for triple in result]
        return Solutions("graph", ["subject", "predicate", "object"], rows)


# --- remote endpoint --------------------------------------------------------------------

# Tokens that can hide a "{" or the word WHERE: comments, strings, IRIs.
_SKIP = re.compile(
    r'#[^\n]*|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^\x00-\x20<>"{}|^`\\]*>'
)
_WHERE = re.compile(r"\bWHERE\b", re.IGNORECASE)
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE(?![\w:.-])", re.IGNORECASE)
_SERVICE_IRI = re.compile(r"\s*(?:SILENT\s+)?(<[^>]*>|\S+)", re.IGNORECASE)


@bounded(256)
def refuse_service(text: str) -> None:
    """:class:`UsageError` if ``text`` holds a ``SERVICE`` clause: Oxigraph and rdflib would
    contact the service's URL while answering, and a local query never reaches out. Federated
    queries are for a remote endpoint (the server contacts the service, not lmsgraph)."""
    masked = _SKIP.sub(lambda m: " " * len(m.group()), text)
    found = _SERVICE.search(masked)
    if found is not None:
        target = _SERVICE_IRI.match(text, found.end())
        where = target.group(1) if target else "a remote service"
        raise UsageError(
            f"the query calls SERVICE {where}; a local query never contacts another server "
            "(run federated queries on a remote endpoint: --backend remote)",
            field="query",
        )


def _outer_group(text: str) -> int:
    """Offset just after the ``{`` that opens the query's WHERE clause."""
    masked = _SKIP.sub(lambda m: " " * len(m.group()), text)
    where = _WHERE.search(masked)
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


class RemoteBackend:
    """A SPARQL 1.1 endpoint reached through SPARQLWrapper: POST, a timeout, optional authentication.

    ``graph`` names the graph holding lmsgraph on the server; it is sent as the default
    graph of every query, so other graphs on the server do not leak into the answers.
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
    ):
        if auth not in ("basic", "digest"):
            raise UsageError(f"authentication must be 'basic' or 'digest', not {shown(auth)}")
        self.endpoint, self.graph, self.timeout = endpoint, graph, timeout
        self.user, self.password, self.auth = user, password, auth

    def _wrapper(self) -> Any:
        from SPARQLWrapper import BASIC, DIGEST, JSON, POST, URLENCODED, SPARQLWrapper

        sw = SPARQLWrapper(self.endpoint)
        sw.setMethod(POST)
        sw.setRequestMethod(URLENCODED)
        sw.setTimeout(int(max(1, round(self.timeout))))
        sw.setReturnFormat(JSON)
        if self.graph:
            sw.addDefaultGraph(self.graph)
        if self.user is not None:
            sw.setHTTPAuth(DIGEST if self.auth == "digest" else BASIC)
            sw.setCredentials(self.user, self.password or "")
        return sw

    @staticmethod
    def _term(cell: dict[str, Any] | None) -> Term | None:
        if cell is None:
            return None
        kind = cell.get("type")
        if kind == "uri":
            return Term("iri", cell["value"])
        if kind == "bnode":
            return Term("bnode", cell["value"])
        return Term("literal", cell["value"], plain_datatype(cell.get("datatype")), cell.get("xml:lang"))

    def select_values(
        self, text: str, bindings: dict[str, Term], iri: Callable[[str], Any], literal: Callable[[str, str | None], Any]
    ) -> None:
        """A remote endpoint's answers go through :meth:`run`."""
        return None

    def run(self, text: str, bindings: dict[str, Term] | None = None) -> Solutions:
        import urllib.error

        from SPARQLWrapper import N3, SPARQLExceptions

        sw = self._wrapper()
        sw.setQuery(bind_values(text, bindings or {}))
        form = sw.queryType
        if form in ("CONSTRUCT", "DESCRIBE"):
            sw.setReturnFormat(N3)
            sw.addParameter("format", "text/plain")  # N-Triples from servers that honour it
        try:
            response = sw.query()
            data = response.convert()
        except SPARQLExceptions.QueryBadFormed as exc:
            raise EndpointError(f"{self.endpoint} refused the query as malformed: {_first_line(exc)}") from exc
        except SPARQLExceptions.Unauthorized as exc:
            raise EndpointError(f"{self.endpoint} refused the credentials") from exc
        except SPARQLExceptions.EndPointNotFound as exc:
            raise EndpointError(f"no SPARQL endpoint at {self.endpoint}") from exc
        except SPARQLExceptions.SPARQLWrapperException as exc:
            raise EndpointError(f"{self.endpoint} failed: {_first_line(exc)}") from exc
        except TimeoutError as exc:
            raise EndpointError(f"{self.endpoint} did not answer within {self.timeout:g} s") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise EndpointError(f"cannot reach {self.endpoint}: {getattr(exc, 'reason', exc)}") from exc
        if form == "ASK":
            if "boolean" in data:
                return Solutions("ask", [], [], bool(data["boolean"]))
            # Virtuoso answers an ASK sent with a default graph as one row of __ASK_RETVAL (1 or 0).
            cells = [cell for row in data.get("results", {}).get("bindings", []) for cell in row.values()]
            return Solutions("ask", [], [], bool(cells) and cells[0].get("value") not in ("0", "false"))
        if form in ("CONSTRUCT", "DESCRIBE"):
            return _graph_solutions(data)
        names = data["head"].get("vars", [])
        rows = [tuple(self._term(b.get(n)) for n in names) for b in data["results"]["bindings"]]
        return Solutions("select", names, rows)


def _graph_solutions(data: Any) -> Solutions:
    """Triples of a CONSTRUCT answer (an rdflib graph or serialized text) as :class:`Solutions`."""
    from rdflib import Graph

    graph = data if isinstance(data, Graph) else Graph().parse(data=data, format="turtle")
    rows = [tuple(from_rdflib(t) for t in triple) for triple in graph]
    return Solutions("graph", ["subject", "predicate", "object"], rows)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
