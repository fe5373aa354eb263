"""The ontology's documentation as static HTML: the pages ``lmsgraph serve`` shows, written to
files that open without a server (a release writes them into ``html/``).

One page per labelled IRI of the graph's namespace (entities, vocabulary terms, properties,
claims, citations, case records), named for the IRI's local name, and ``index.html`` with the
entity tree and every term. Links between pages are relative; a link to a term without a page
goes to its IRI. The pages hold no script and load nothing from another host.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmsgraph.prefixes import LMSG_NS

if TYPE_CHECKING:
    from lmsgraph.api import KnowledgeGraph

LABELLED = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "SELECT DISTINCT ?term WHERE { ?term rdfs:label ?label "
    f'FILTER (isIRI(?term) && STRSTARTS(STR(?term), "{LMSG_NS}")) }} ORDER BY ?term'
)


def file_name(iri: str) -> str:
    """The page file of a term of the graph's namespace: its local name, ``/`` made ``--``."""
    return iri[len(LMSG_NS) :].replace("/", "--") + ".html"


def write_documentation(kg: KnowledgeGraph, folder: Path) -> list[Path]:
    """Write the documentation of ``kg``'s graph into ``folder``; returns the files written."""
    from lmsgraph.serve.app import HERE, Site, template_environment
    from lmsgraph.serve.pages import link, term_page
    from lmsgraph.serve.sparql import ServeLimits

    folder = Path(folder)
    (folder / "static").mkdir(parents=True, exist_ok=True)
    terms = [row[0].value for row in kg.backend.run(LABELLED).rows if row[0] is not None]
    pages = {iri: file_name(iri) for iri in terms}

    def page_path(target: Any) -> str:
        iri = getattr(target, "iri", target)
        return pages.get(iri, iri)

    site = Site(kg, ServeLimits(), "", endpoint=False)
    environment = template_environment("", static=True, page_path_of=page_path)
    written = []
    labels = kg.labels()
    index = sorted((link(iri, labels.get(iri)) for iri in terms), key=lambda t: (t.label.lower(), t.iri))
    home = environment.get_template("home.html").render(
        title="lmsgraph", tree=site.entity_tree, queries=len(site.catalogue_), index=index
    )
    written.append(_write(folder / "index.html", home))
    for iri, name in pages.items():
        page = term_page(kg, iri)
        html = environment.get_template("term.html").render(title=page.term.label, page=page, rdf={})
        written.append(_write(folder / name, html))
    style = folder / "static" / "style.css"
    shutil.copyfile(HERE / "static" / "style.css", style)
    written.append(style)
    return written


def _write(path: Path, html: str) -> Path:
    path.write_text(html, encoding="utf-8")
    return path
