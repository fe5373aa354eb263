"""The web application of ``lmsgraph serve``: Starlette routes, Jinja2 templates.

Paths:

- ``/``: the entities as a tree, the search box, links to the queries and the endpoint.
- ``/{name}``: the page of the term ``https://w3id.org/lmsgraph/{name}``. Its form by the
  request's ``Accept`` or ``?format=``: HTML (``html``), Turtle (``ttl``), N-Triples (``nt``)
  or JSON-LD (``jsonld``), answered directly at the term's path (no redirect), with
  ``Vary: Accept`` and ``Link`` headers naming the other forms. 404 for a name no term has.
- ``/search?q=``: the terms a label, synonym, CURIE, IRI or external code (ICD-O, NCIt,
  Mondo...) names, found by the resolver of the Python API; labels containing the text when
  none does exactly.
- ``/queries``: the canned queries; ``/queries/{name}``: its form (the parameters, with their
  examples) and, once they are given, its answer as a table; ``/queries/{name}.json`` and
  ``/queries/{name}.csv`` the same answer as JSON and CSV (``lmsgraph query`` gives the same).
- ``/sparql``: the SPARQL 1.1 Protocol endpoint (:mod:`lmsgraph.serve.sparql`); a browser
  that asks for HTML without a query gets a form.
- ``/static/``: the style sheet. No page loads a script, font or style from another host.
"""

from __future__ import annotations

import contextlib
import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmsgraph.errors import LmsgraphError, QueryLimitError, RefusedRequestError, UnknownNameError
from lmsgraph.prefixes import LMSG_NS, compact_iri
from lmsgraph.serve.pages import RDF_FORMATS, Link, exists, link, outline, path_of, term_page, term_rdf
from lmsgraph.serve.sparql import Endpoint, ServeLimits, negotiate, read_request, service_description

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from lmsgraph.api import KnowledgeGraph

HERE = Path(__file__).parent
#: The forms of a term page, by media type: the first is the default.
PAGE_TYPES = {"text/html": "html", **{media: name for name, (media, _) in RDF_FORMATS.items()}}
#: Paths the application keeps for itself; a term with one of these names would be hidden.
RESERVED = ("search", "queries", "sparql", "static", "favicon.ico")
ENTITY_ROOT = LMSG_NS + "DiseaseEntity"
ENTITY_TREE = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?class ?parent WHERE {
  ?class rdfs:subClassOf ?parent . ?parent rdfs:subClassOf* ?root . FILTER (isIRI(?parent))
}
"""


def create_app(
    kg: KnowledgeGraph, limits: ServeLimits | None = None, *, about: str = "", cors: bool = False
) -> Starlette:
    """The application over ``kg`` (an Oxigraph-backed :class:`~lmsgraph.api.KnowledgeGraph`);
    ``about`` says what it holds (shown on the home page); ``cors`` lets pages of any other
    origin read its answers (CORS headers, for query editors on the web)."""
    from starlette.applications import Starlette
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    site = Site(kg, limits or ServeLimits(), about)
    routes = [
        Route("/", site.home),
        Route("/search", site.search),
        Route("/queries", site.catalogue),
        Route("/queries/{name:str}", site.canned),
        Route("/sparql", site.sparql, methods=["GET", "POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        Route("/{name:path}", site.term),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        site.close()

    middleware = []
    if cors:
        from starlette.middleware import Middleware
        from starlette.middleware.cors import CORSMiddleware

        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type"],
            )
        )
    app = Starlette(routes=routes, lifespan=lifespan, middleware=middleware)
    app.state.site = site
    site.templates = template_environment(about)
    return app


def template_environment(about: str, *, static: bool = False, page_path_of: Any = None) -> Any:
    """The Jinja2 environment of the pages (autoescaping every value): for the server, or
    (``static``) for documentation written to files, with ``page_path_of`` giving each link."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(
        page_path=page_path_of or page_path,
        compact_iri=compact_iri,
        about=about,
        static=static,
        root="" if static else "/",
    )
    return environment


def page_path(target: Link | str) -> str:
    """Where a link goes: the page of one of the graph's own terms, or the external IRI."""
    iri = target.iri if isinstance(target, Link) else target
    local = path_of(iri)
    return urllib.parse.quote(local, safe="/:@!$&'()*+,;=-._~") if local else iri


class Site:
    """The pages and the endpoint over one graph."""

    def __init__(self, kg: KnowledgeGraph, limits: ServeLimits, about: str, *, endpoint: bool = True) -> None:
        self.kg = kg
        self.limits = limits
        self.about = about
        self.endpoint = Endpoint(kg, limits) if endpoint else None
        self.templates: Any = None
        # Read once, before any request: the name index, the hierarchy, the claims and citations.
        kg.labels()
        kg.resolver.is_entity(ENTITY_ROOT)
        kg.claims.citations()
        kg.claims.views()
        self.catalogue_ = kg.catalogue()
        self.entity_tree = self._entity_tree()

    def _entity_tree(self) -> list[tuple[int, Link]]:
        from lmsgraph.backends import bind_values
        from lmsgraph.terms import Term

        labels = self.kg.labels()
        rows = self.kg.backend.run(bind_values(ENTITY_TREE, {"root": Term("iri", ENTITY_ROOT)})).rows
        children: dict[str, set[str]] = {}
        for cls, parent in rows:
            if cls is not None and parent is not None:
                children.setdefault(parent.value, set()).add(cls.value)
        return outline([ENTITY_ROOT], children, labels)

    def close(self) -> None:
        """Stop the endpoint's worker processes."""
        if self.endpoint is not None:
            self.endpoint.close()

    def render(self, template: str, status: int = 200, **context: Any) -> Response:
        from starlette.responses import HTMLResponse

        html = self.templates.get_template(template).render(**context)
        return HTMLResponse(html, status_code=status)

    def problem(self, request: Request, status: int, message: str) -> Response:
        """An error as a page for a browser, as plain text for anything else."""
        from starlette.responses import PlainTextResponse

        if _wants_html(request):
            return self.render("problem.html", status, title=f"{status}", message=message)
        return PlainTextResponse(message + "\n", status_code=status)

    # --- pages -------------------------------------------------------------------------------

    def home(self, request: Request) -> Response:
        return self.render(
            "home.html",
            title="lmsgraph",
            tree=self.entity_tree,
            queries=len(self.catalogue_),
        )

    def search(self, request: Request) -> Response:
        text = request.query_params.get("q", "")
        matches: list[Any] = []
        hint = ""
        partial: list[Link] = []
        if text.strip():
            try:
                matches = self.kg.resolve(text)
            except UnknownNameError as exc:
                hint = str(exc)
                needle = " ".join(text.lower().split())
                labels = self.kg.labels()
                partial = sorted(
                    (link(iri, label) for iri, label in labels.items() if needle in label.lower()),
                    key=lambda t: (t.label.lower(), t.iri),
                )[:50]
            except LmsgraphError as exc:
                hint = str(exc)
        return self.render("search.html", title=f"search: {text}", q=text, matches=matches, hint=hint, partial=partial)

    def catalogue(self, request: Request) -> Response:
        queries = sorted(self.catalogue_.values(), key=lambda q: q.name)
        return self.render("queries.html", title="canned queries", queries=queries)

    def canned(self, request: Request) -> Response:
        from starlette.responses import Response as Plain

        name = request.path_params["name"]
        fmt = "html"
        for suffix in (".json", ".csv"):
            if name.endswith(suffix):
                name, fmt = name[: -len(suffix)], suffix[1:]
        query = self.catalogue_.get(name)
        if query is None:
            return self.problem(request, 404, f"no canned query is named {name!r}; see /queries")
        given = {p.name: request.query_params.get(p.name, "") for p in query.params}
        unknown = sorted(set(request.query_params) - set(given))
        if unknown:
            return self.problem(
                request, 400, f"{name} takes no parameter {', '.join(unknown)}; it takes: {', '.join(given) or 'none'}"
            )
        complete = all(v.strip() for v in given.values())
        answer: Any = None
        error = ""
        status = 200
        if complete or not query.params:
            try:
                # In a worker process, as SPARQL queries are: stopped at the deadline.
                assert self.endpoint is not None
                answer = self.endpoint.workers.run(("canned", name, given, fmt), self.limits.timeout)
            except (RefusedRequestError, QueryLimitError) as exc:
                status = exc.status if isinstance(exc, RefusedRequestError) else 503
                if fmt != "html":
                    return Plain(f"{exc}\n", status_code=status, media_type="text/plain")
                error = str(exc)
        elif fmt != "html":
            missing = [p for p, v in given.items() if not v.strip()]
            return Plain(f"{name} needs {', '.join(missing)}\n", status_code=400, media_type="text/plain")
        if fmt == "json" and answer is not None:
            return Plain(answer, media_type="application/json")
        if fmt == "csv" and answer is not None:
            return Plain(answer, media_type="text/csv; charset=utf-8")
        variables, rows = answer if answer is not None else ([], None)
        links = {}
        if answer is not None:
            qs = urllib.parse.urlencode(given)
            links = {"json": f"/queries/{name}.json?{qs}", "csv": f"/queries/{name}.csv?{qs}"}
        return self.render(
            "query.html",
            status,
            title=name,
            query=query,
            given=given,
            variables=variables,
            rows=rows,
            error=error,
            links=links,
        )

    def term(self, request: Request) -> Response:
        from starlette.responses import Response as Raw

        name = request.path_params["name"]
        iri = LMSG_NS + name
        try:
            found = bool(name) and exists(self.kg, iri)
        except QueryLimitError as exc:
            return self.problem(request, 503, str(exc))
        except LmsgraphError:  # not an IRI at all (a space, a quote...)
            found = False
        if not found:
            return self.problem(request, 404, f"no term has the IRI {iri}; search for it at /search?q=")
        fmt = request.query_params.get("format")
        if fmt is not None:
            if fmt not in ("html", *RDF_FORMATS):
                return self.problem(request, 400, f"format must be one of html, {', '.join(RDF_FORMATS)}, not {fmt!r}")
        else:
            try:
                fmt = PAGE_TYPES[negotiate(request.headers.get("accept"), PAGE_TYPES)]
            except RefusedRequestError as exc:
                return self.problem(request, exc.status, exc.message)
        path = page_path(iri)
        alternates = ", ".join(f'<{path}?format={n}>; rel="alternate"; type="{m}"' for m, n in PAGE_TYPES.items())
        headers = {"Vary": "Accept", "Link": alternates}
        if fmt != "html":
            media = RDF_FORMATS[fmt][0]
            return Raw(term_rdf(self.kg, iri, fmt), media_type=media, headers=headers)
        try:
            page = term_page(self.kg, iri)
        except QueryLimitError as exc:
            return self.problem(request, 503, str(exc))
        response = self.render(
            "term.html",
            title=page.term.label,
            page=page,
            rdf={n: f"{path}?format={n}" for n in RDF_FORMATS},
        )
        response.headers.update(headers)
        return response

    # --- the endpoint ------------------------------------------------------------------------

    async def sparql(self, request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool
        from starlette.responses import Response as Raw

        fields = list(request.query_params.multi_items())
        if request.method == "GET" and not fields:
            if _wants_html(request):
                return self.render("sparql.html", title="SPARQL endpoint", limits=self.limits)
            try:
                described = service_description(str(request.url), request.headers.get("accept"))
            except RefusedRequestError as exc:
                return Raw(f"{exc}\n", status_code=exc.status, media_type="text/plain")
            return Raw(described.body, media_type=described.media_type, headers={"Vary": "Accept"})
        try:
            body = await _body(request, self.limits.max_request_bytes) if request.method == "POST" else b""
            parsed = read_request(request.method, request.headers.get("content-type"), fields, body)
            assert self.endpoint is not None
            answer = await run_in_threadpool(self.endpoint.answer, parsed, request.headers.get("accept"))
        except RefusedRequestError as exc:
            return Raw(f"{exc}\n", status_code=exc.status, media_type="text/plain")
        except QueryLimitError as exc:
            status = 500 if "larger than" in exc.message else 503
            return Raw(f"{exc}\n", status_code=status, media_type="text/plain")
        except LmsgraphError as exc:
            return Raw(f"{exc}\n", status_code=500, media_type="text/plain")
        return Raw(answer.body, media_type=answer.media_type, headers={"Vary": "Accept"})


async def _body(request: Request, cap: int) -> bytes:
    """The request's body, refused (413) as soon as it is known to be over ``cap`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > cap:
        raise RefusedRequestError(f"the request body is larger than {cap:,} bytes", status=413)
    parts = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise RefusedRequestError(f"the request body is larger than {cap:,} bytes", status=413)
        parts.append(chunk)
    return b"".join(parts)


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept
