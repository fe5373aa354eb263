"""Versioned releases: the products an ontology engineer loads, as OBO projects ship them.

A release of version ``YYYY-MM-DD`` is a folder holding two products, each in every format:

- ``lmsgraph``, the full product: the curated graph (schema, entities, vocabulary, claims,
  citations, case records), the mappings of the SSSOM table as triples with their axiom
  annotations, and the plain entity-to-feature edges derived from the claims;
- ``lmsgraph-base``, the base product: the curated graph alone, as asserted.

In both, each definition carries its sources in the OBO way: an ``owl:Axiom`` on the
definition with an ``oboInOwl:hasDbXref`` per source (a PMID where the source has one, else
its CURIE), which OBO format writes as the definition's cross-references.

and the formats: OWL as RDF/XML written by the OWL API (``.owl``, what Protégé, ROBOT, owlready2
and pronto read), Turtle, N-Triples and JSON-LD (canonical, :mod:`lmsgraph.export`), OBO format
and OBO Graphs JSON (pronto, reading the OWL API's file); then the SSSOM table in TSV and
JSON, the documentation as static HTML (``html/``, a page per term: :mod:`lmsgraph.serve.docs`),
and ``manifest.json`` with each file's size and SHA-256. Each product's ontology has its
own IRI and a dated ``owl:versionIRI`` (``https://w3id.org/lmsgraph/releases/2026-12-02/lmsgraph.owl``)
and ``owl:versionInfo`` the version. The same graph and version give the same bytes.

The folder is built beside its destination and renamed into place: a release that fails
half-way leaves no folder, and one that replaces an earlier folder of the same name leaves
the old one whole until the new one is complete.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from lmsgraph.errors import UsageError
from lmsgraph.prefixes import LMSG_NS

if TYPE_CHECKING:
    from rdflib import Graph

ONTOLOGY_IRI = LMSG_NS + "lmsgraph.owl"
RELEASES = LMSG_NS + "releases/"
PRODUCTS = ("lmsgraph", "lmsgraph-base")
Progress = Callable[[str], None] | None


def check_version(version: str) -> str:
    """``version`` if it is a date written YYYY-MM-DD, else :class:`UsageError`."""
    try:
        if date.fromisoformat(version).isoformat() == version:
            return version
    except ValueError:
        pass
    raise UsageError("a release version is a date, YYYY-MM-DD", field="version", value=version)


def version_iri(version: str, product: str = "lmsgraph", suffix: str = ".owl") -> str:
    return f"{RELEASES}{version}/{product}{suffix}"


def product_graphs(version: str) -> dict[str, Graph]:
    """The two products' graphs, each with its ontology header set for ``version``."""
    from lmsgraph.graph import derive_definition_xrefs, load_graph

    graphs = {"lmsgraph": load_graph(), "lmsgraph-base": load_graph(derived=False, mappings=False)}
    for product, graph in graphs.items():
        _set_header(graph, product, version)
        derive_definition_xrefs(graph)
    return graphs


def _set_header(graph: Graph, product: str, version: str) -> None:
    from rdflib import OWL, Literal, URIRef

    source = URIRef(ONTOLOGY_IRI)
    target = URIRef(f"{LMSG_NS}{product}.owl")
    if target != source:
        for p, o in list(graph.predicate_objects(source)):
            graph.remove((source, p, o))
            graph.add((target, p, o))
    graph.set((target, OWL.versionIRI, URIRef(version_iri(version, product))))
    graph.set((target, OWL.versionInfo, Literal(version)))


def write_release(folder: Path, version: str, *, previous: Path | None = None, progress: Progress = None) -> dict:
    """Write the release ``version`` into ``folder`` (built beside it, then renamed into place);
    with ``previous`` (an earlier release folder), also what changed since it, as
    ``changes.md`` and ``changes.json`` (:mod:`lmsgraph.diff`). Returns the manifest."""
    from lmsgraph.canonical import canonical_copy

    check_version(version)
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        say = progress or (lambda message: None)
        graphs = product_graphs(version)
        if previous is not None:
            say(f"changes since {previous}")
            _write_changes(staging, Path(previous), graphs["lmsgraph"], version)
        for product, graph in graphs.items():
            say(f"{product}: canonical form")
            canonical = canonical_copy(graph)
            _write_product(canonical, staging, product, say)
        say("mappings: SSSOM TSV and JSON")
        _write_mappings(staging, version)
        say("documentation: a page per term (html/)")
        _write_documentation(staging / "html", graphs["lmsgraph"])
        manifest = _manifest(staging, version)
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def _write_product(graph: Graph, folder: Path, product: str, say: Callable[[str], None]) -> None:
    from lmsgraph.canonical import canonical_ntriples, canonical_turtle
    from lmsgraph.export import serialize_jsonld
    from lmsgraph.owl import save_through_owlapi

    stem = folder / product
    stem.with_suffix(".ttl").write_bytes(canonical_turtle(graph))
    stem.with_suffix(".nt").write_bytes(canonical_ntriples(graph))
    stem.with_suffix(".jsonld").write_bytes(serialize_jsonld(graph))
    say(f"{product}: OWL (RDF/XML) through the OWL API")
    with tempfile.TemporaryDirectory(prefix="lmsgraph-release-") as work:
        saved = save_through_owlapi(graph, Path(work))
        shutil.copyfile(saved, stem.with_suffix(".owl"))
    say(f"{product}: OBO format and OBO Graphs JSON (pronto)")
    _write_obo(stem.with_suffix(".owl"), stem)


def _write_obo(owl_file: Path, stem: Path) -> None:
    """OBO format and OBO Graphs JSON from the OWL API's RDF/XML, written by pronto in a process
    of its own with a fixed hash seed: pronto keeps a term's synonyms in a set and writes them in
    the set's order, which Python's string hashing changes from one process to the next.

    The header's dates (``dcterms:created``, ``dcterms:modified``) are written as strings: the OWL
    API reads OBO format's datatypes as OWL 2 datatypes, which do not include ``xsd:date``, and
    refused the whole file for them. Terms keep their IRIs as OBO identifiers: the OWL API reads
    them back to the OWL product's IRIs, where it expands ``lmsg:X`` to an OBO PURL whatever the
    header's ``idspace`` says (both checked by the tests)."""
    import os
    import subprocess
    import sys

    from lmsgraph.errors import ReasonerError

    script = (
        "import sys, warnings, pronto\n"
        "warnings.simplefilter('ignore')\n"  # a warning for each OWL construct OBO format has no place for
        "ontology = pronto.Ontology(sys.argv[1])\n"
        "from pronto.pv import LiteralPropertyValue as Value\n"
        "ontology.metadata.annotations = {\n"
        "    Value(pv.property, pv.literal) if isinstance(pv, Value) and pv.datatype == 'xsd:date' else pv\n"
        "    for pv in ontology.metadata.annotations\n"
        "}\n"
        "for path, fmt in ((sys.argv[2], 'obo'), (sys.argv[3], 'json')):\n"
        "    with open(path, 'wb') as handle:\n"
        "        ontology.dump(handle, format=fmt)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(owl_file), str(stem.with_suffix(".obo")), str(stem.with_suffix(".json"))],
        env={**os.environ, "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ReasonerError(f"pronto could not write OBO format from {owl_file.name}: {detail}")


def _write_documentation(folder: Path, graph: Graph) -> None:
    """The full product's documentation as static HTML (:mod:`lmsgraph.serve.docs`)."""
    import pyoxigraph

    from lmsgraph.api import connect
    from lmsgraph.serve.docs import write_documentation

    store = pyoxigraph.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    write_documentation(connect(store=store), folder)


def _write_mappings(folder: Path, version: str) -> None:
    """The SSSOM table with the release's mapping_set_version, as TSV and as SSSOM JSON."""
    from lmsgraph.resources import mappings_file
    from lmsgraph.sssom import read_sssom

    source = mappings_file()
    text = source.read_text(encoding="utf-8")
    lines = [
        f"# mapping_set_version: {version_iri(version, 'mappings', '.sssom.tsv')}"
        if line.startswith("# mapping_set_version:")
        else line
        for line in text.split("\n")
    ]
    (folder / "mappings.sssom.tsv").write_text("\n".join(lines), encoding="utf-8")
    table = read_sssom(folder / "mappings.sssom.tsv")
    (folder / "mappings.sssom.json").write_text(
        json.dumps(table.as_json(), indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )


def _write_changes(folder: Path, previous: Path, graph: Graph, version: str) -> None:
    from lmsgraph.diff import diff_graphs, read_graph

    before, name = read_graph(previous)
    changes = diff_graphs(before, graph, name, f"release {version}")
    (folder / "changes.md").write_text(changes.to_text(f"## {version}"), encoding="utf-8")
    (folder / "changes.json").write_text(
        json.dumps(changes.as_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def add_to_changelog(changelog: Path, section: str, version: str) -> None:
    """Put ``section`` (a release's ``changes.md``, headed ``## VERSION``) into ``changelog``:
    in place of an earlier section of the same version, else after ``## Unreleased`` and before
    the versions already there (newest first)."""
    from lmsgraph.files import write_atomic

    text = changelog.read_text(encoding="utf-8") if changelog.exists() else "# Changelog\n"
    lines = text.split("\n")
    heads = [i for i, line in enumerate(lines) if line.startswith("## ")]
    same = [i for i in heads if lines[i].strip() == f"## {version}"]
    block = section.rstrip("\n").split("\n") + [""]
    if same:
        start = same[0]
        end = next((i for i in heads if i > start), len(lines))
        lines[start:end] = block
    else:
        after = [i for i in heads if not lines[i].strip().lower().startswith("## unreleased")]
        at = after[0] if after else len(lines)
        if at == len(lines) and lines and lines[-1] != "":
            block = ["", *block]
        lines[at:at] = block
    write_atomic(changelog, "\n".join(lines).encode("utf-8"))


def _manifest(folder: Path, version: str) -> dict:
    files = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        name = path.relative_to(folder).as_posix()
        files.append({"file": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    return {
        "version": version,
        "products": {p: {"ontology": f"{LMSG_NS}{p}.owl", "versionIRI": version_iri(version, p)} for p in PRODUCTS},
        "files": files,
    }


def _replace(staging: Path, folder: Path) -> None:
    """Put ``staging`` where ``folder`` is: an existing folder is moved aside first and removed
    once the new one is in place."""
    if folder.exists():
        if not folder.is_dir():
            raise UsageError("the release folder exists and is not a folder", field="output", value=str(folder))
        aside = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old.", dir=folder.parent))
        aside.rmdir()
        folder.rename(aside)
        staging.rename(folder)
        shutil.rmtree(aside, ignore_errors=True)
    else:
        staging.rename(folder)
