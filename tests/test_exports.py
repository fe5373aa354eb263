"""Exports: deterministic bytes, isomorphic round trips, and a second opinion from Raptor's rapper."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDFS, BNode, Graph
from rdflib.compare import isomorphic

from lmsgraph.export import FORMATS, jsonld_context, serialize, write_exports

RDFLIB_FORMAT = {"ttl": "turtle", "nt": "nt", "rdfxml": "xml", "jsonld": "json-ld"}
RAPPER_FORMAT = {"ttl": "turtle", "rdfxml": "rdfxml", "nt": "ntriples"}


@pytest.fixture(scope="module")
def exported(graph, tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    return {fmt: path for fmt, path in zip(FORMATS, write_exports(graph, folder), strict=True)}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_round_trips_to_an_isomorphic_graph(graph, exported, fmt):
    back = Graph().parse(exported[fmt], format=RDFLIB_FORMAT[fmt])
    assert len(back) == len(graph)
    assert isomorphic(back, graph)


@pytest.fixture(scope="module")
def exported_elsewhere():
    """Every export as two other processes write it, with different hash seeds: format -> outputs."""
    code = (
        "import sys, json, lmsgraph; from lmsgraph.export import serialize, FORMATS; g = lmsgraph.load(); "
        "sys.stdout.write(json.dumps({f: serialize(g, f).decode('utf-8') for f in FORMATS}))"
    )
    outputs: dict[str, set[bytes]] = {fmt: set() for fmt in FORMATS}
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        written = json.loads(
            subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, env=env).stdout
        )
        for fmt, text in written.items():
            outputs[fmt].add(text.encode("utf-8"))
    return outputs


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_is_deterministic_across_processes(exported, exported_elsewhere, fmt):
    assert exported_elsewhere[fmt] == {exported[fmt].read_bytes()}


@pytest.mark.rapper
@pytest.mark.parametrize("fmt", ["ttl", "rdfxml", "nt"])
def test_rapper_parses_the_export(graph, exported, fmt):
    proc = subprocess.run(
        ["rapper", "-i", RAPPER_FORMAT[fmt], "-c", str(exported[fmt])], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    count = re.search(r"returned (\d+) triples", proc.stderr)
    assert count, proc.stderr
    assert int(count[1]) == len(graph)


def test_jsonld_uses_plain_keys_and_round_trips_with_pyld(graph, exported):
    from pyld import jsonld

    document = json.loads(exported["jsonld"].read_text())
    context = document["@context"]
    assert context == jsonld_context(graph)
    assert context["label"] == {"@id": str(RDFS.label), "@language": "en"}
    assert context["exactMatch"] == {"@id": "http://www.w3.org/2004/02/skos/core#exactMatch", "@type": "@id"}
    assert context["hasMarker"]["@type"] == "@id" and context["definition"]["@language"] == "en"
    # What a web developer reads: plain keys, plain strings, IRIs as strings.
    node = next(n for n in document["@graph"] if n["@id"] == "lmsg:InflammatoryLeiomyosarcoma")
    assert node["label"] == "inflammatory leiomyosarcoma" and node["subClassOf"] == "lmsg:Leiomyosarcoma"
    assert "obo:NCIT_C27495" in node["exactMatch"] and isinstance(node["definition"], str)
    assert not [k for n in document["@graph"] for k in n if ":" in k or k.startswith("http")]
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    back = Graph().parse(data=nquads, format="nt")
    assert isomorphic(back, graph)


def test_unknown_format_is_refused(graph):
    with pytest.raises(ValueError, match="unknown export format"):
        serialize(graph, "csv")


def test_written_files_get_the_usual_mode_not_a_private_one(tmp_path):
    from lmsgraph.canonical import write_atomic

    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "out.ttl", b"<urn:a> <urn:b> <urn:c> .\n")
    finally:
        os.umask(old)
    assert (tmp_path / "out.ttl").stat().st_mode & 0o777 == 0o644


NODE_JSONLD = Path(__file__).resolve().parents[1] / "bench" / ".cache" / "node"


def test_the_npm_jsonld_package_reads_the_export_to_the_same_triples(graph, exported):
    """A second JSON-LD processor, the one web developers use (npm's jsonld), installed by
    `python3 run.py test` into bench/.cache/node."""
    import shutil

    if shutil.which("node") is None or not (NODE_JSONLD / "node_modules" / "jsonld").exists():
        pytest.skip("needs Node.js and npm's jsonld; `python3 run.py test` installs jsonld into bench/.cache/node")
    script = (
        "const jsonld = require('jsonld'); const fs = require('fs');"
        "const doc = JSON.parse(fs.readFileSync(process.argv[1], 'utf8'));"
        "jsonld.toRDF(doc, {format: 'application/n-quads'}).then(q => process.stdout.write(q))"
        ".catch(e => { console.error(e.message); process.exit(2); });"
    )
    done = subprocess.run(
        ["node", "-e", script, str(exported["jsonld"])],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NODE_PATH": str(NODE_JSONLD / "node_modules")},
    )
    assert done.returncode == 0, done.stderr
    assert isomorphic(Graph().parse(data=done.stdout, format="nt"), graph)


def test_pronto_reads_the_rdfxml_export(exported, graph):
    """OBO tools read the RDF/XML export: pronto finds the ontology, its classes with their
    labels, definitions and synonyms (it finds them in typed node elements such as owl:Class)."""
    import warnings

    import pronto
    from rdflib import OWL, RDF

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pronto warns about each OWL construct OBO has no place for
        ontology = pronto.Ontology(str(exported["rdfxml"]))
    classes = {str(c) for c in graph.subjects(RDF.type, OWL.Class) if not isinstance(c, BNode)}
    assert {t.id for t in ontology.terms()} == classes
    term = ontology["https://w3id.org/lmsgraph/InflammatoryLeiomyosarcoma"]
    assert term.name == "inflammatory leiomyosarcoma" and str(term.definition).startswith("A malignant tumour")
    assert {s.description for s in term.synonyms} == {"inflammatory LMS"}
