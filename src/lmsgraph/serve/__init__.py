"""``lmsgraph serve``: the graph on the web, read-only.

- :mod:`lmsgraph.serve.app`: the ASGI application (Starlette, Jinja2 templates): a page for
  every term at the path of its IRI, with content negotiation; search; the canned queries as
  forms with JSON and CSV answers; the SPARQL endpoint.
- :mod:`lmsgraph.serve.sparql`: the SPARQL 1.1 Protocol endpoint (queries only, within a
  deadline, a cap on the answer's size and on the request's).
- :mod:`lmsgraph.serve.pages`: what a term page shows, read from the graph.

Nothing here is imported by ``import lmsgraph``; the web stack is loaded when a server starts.
"""
