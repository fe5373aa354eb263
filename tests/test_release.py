"""``lmsgraph release``: versioned products that the OWL API, owlready2, pronto, rdflib and
sssom-py all load, base and full, with a manifest, the same bytes for the same graph and version."""

from __future__ import annotations

import hashlib
import json

import pytest
import rdflib
from rdflib import OWL, SKOS, URIRef
from rdflib.compare import isomorphic

from lmsgraph.cli import main

pytestmark = pytest.mark.java  # the OWL product is written by the OWL API

VERSION = "2026-12-02"
LMSG = "https://w3id.org/lmsgraph/"


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    folder = tmp_path_factory.mktemp("release") / VERSION
    assert main(["-q", "release", "--version", VERSION, "-o", str(folder)]) == 0
    return folder


def test_every_product_in_every_format_with_a_manifest(release):
    manifest = json.loads((release / "manifest.json").read_text())
    names = {f["file"] for f in manifest["files"]}
    expected = {
        f"{p}{s}" for p in ("lmsgraph", "lmsgraph-base") for s in (".owl", ".ttl", ".nt", ".jsonld", ".obo", ".json")
    }
    top = {n for n in names if "/" not in n}
    assert top == expected | {"mappings.sssom.tsv", "mappings.sssom.json"}
    pages = {p.relative_to(release).as_posix() for p in (release / "html").rglob("*") if p.is_file()}
    assert names - top == pages and len(pages) > 400
    assert {p.name for p in release.iterdir()} == top | {"manifest.json", "html"}
    for entry in manifest["files"]:
        data = (release / entry["file"]).read_bytes()
        assert entry["bytes"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["products"]["lmsgraph"]["versionIRI"] == f"{LMSG}releases/{VERSION}/lmsgraph.owl"


def test_the_same_graph_and_version_give_the_same_bytes(release, tmp_path):
    again = tmp_path / "again"
    assert main(["-q", "release", "--version", VERSION, "-o", str(again)]) == 0
    for path in release.rglob("*"):
        if path.is_file():
            name = path.relative_to(release)
            assert (again / name).read_bytes() == path.read_bytes(), name


@pytest.mark.parametrize("product", ["lmsgraph", "lmsgraph-base"])
def test_the_rdf_forms_are_one_graph_with_a_dated_version_iri(release, product):
    graphs = {
        suffix: rdflib.Graph().parse(release / f"{product}{suffix}", format=syntax)
        for suffix, syntax in ((".ttl", "turtle"), (".nt", "nt"), (".jsonld", "json-ld"), (".owl", "xml"))
    }
    assert isomorphic(graphs[".ttl"], graphs[".nt"]) and isomorphic(graphs[".nt"], graphs[".jsonld"])
    ontology = URIRef(f"{LMSG}{product}.owl")
    for graph in graphs.values():
        assert graph.value(ontology, OWL.versionIRI) == URIRef(f"{LMSG}releases/{VERSION}/{product}.owl")
        assert str(graph.value(ontology, OWL.versionInfo)) == VERSION
    # The OWL API's file says what the others say (its own way of writing lists and axioms aside).
    labels = set(graphs[".owl"].subject_objects(rdflib.RDFS.label))
    assert labels == set(graphs[".ttl"].subject_objects(rdflib.RDFS.label))


def test_the_base_product_is_the_asserted_graph_and_the_full_one_adds_mappings_and_edges(release):
    base = rdflib.Graph().parse(release / "lmsgraph-base.nt", format="nt")
    full = rdflib.Graph().parse(release / "lmsgraph.nt", format="nt")
    assert not list(base.triples((None, SKOS.exactMatch, None))) and list(full.triples((None, SKOS.exactMatch, None)))
    hasmarker = URIRef(LMSG + "hasMarker")
    assert not list(base.triples((None, hasmarker, None))) and list(full.triples((None, hasmarker, None)))
    assert len(full) > len(base)


def test_owlready2_pronto_and_the_owl_api_load_the_products(release):
    import subprocess

    import owlready2
    import pronto

    from lmsgraph.owl import PROFILE_CHECKER, _java, java_command, owlapi_classpath

    for product in ("lmsgraph", "lmsgraph-base"):
        owl_file = release / f"{product}.owl"
        world = owlready2.World()
        onto = world.get_ontology(owl_file.as_uri()).load()
        assert len(list(onto.classes())) > 100
        assert len(pronto.Ontology(str(owl_file)).terms()) > 100
        assert len(pronto.Ontology(str(release / f"{product}.obo")).terms()) > 100
        assert len(pronto.Ontology(str(release / f"{product}.json")).terms()) > 100
        checked = subprocess.run(
            [*java_command(PROFILE_CHECKER, _java(), owlapi_classpath()), str(owl_file)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert checked.returncode == 0 and checked.stdout.strip().endswith("IN-PROFILE"), checked.stdout[-500:]


def test_the_owl_api_reads_the_obo_products_to_the_owl_products_classes(release, tmp_path):
    """As ROBOT would convert them: every OBO product loads in the OWL API (it refused the file
    for the header's xsd:date, which OWL 2 has no datatype for), and its classes have the IRIs of
    the OWL product's classes (a CURIE identifier would become an OBO PURL there)."""
    import subprocess

    from rdflib import RDF

    from lmsgraph.owl import OWLAPI_SAVER, _java, java_command, owlapi_classpath

    def classes(path):
        graph = rdflib.Graph().parse(path, format="xml")
        return {s for s in graph.subjects(RDF.type, OWL.Class) if isinstance(s, URIRef)}

    for product in ("lmsgraph", "lmsgraph-base"):
        converted = tmp_path / f"{product}-from-obo.owl"
        done = subprocess.run(
            [*java_command(OWLAPI_SAVER, _java(), owlapi_classpath()), str(release / f"{product}.obo"), str(converted)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-500:]
        read = classes(converted)
        assert len(read) > 150 and read == classes(release / f"{product}.owl")


def test_the_mapping_table_carries_the_release_version(release):
    from lmsgraph.sssom import read_sssom

    table = read_sssom(release / "mappings.sssom.tsv")
    assert table.metadata["mapping_set_version"] == f"{LMSG}releases/{VERSION}/mappings.sssom.tsv"
    data = json.loads((release / "mappings.sssom.json").read_text())
    assert len(data["mappings"]) == len(table.mappings) == 77
    assert all(m.get("identifier_status") for m in data["mappings"])
    pytest.importorskip("sssom", reason="needs sssom-py (a test dependency)")
    from sssom.parsers import parse_sssom_json, parse_sssom_table

    # sssom-py does not read defined extension slots yet (its issue 583): without them, it reads
    # the JSON to the same standard cells as the TSV.
    extensions = {d["slot_name"] for d in data["extension_definitions"]}
    data["mappings"] = [{k: v for k, v in m.items() if k not in extensions} for m in data["mappings"]]
    data.pop("extension_definitions")
    plain = release.parent / "standard-slots.json"
    plain.write_text(json.dumps(data), encoding="utf-8")
    from_json = parse_sssom_json(str(plain)).df
    from_tsv = parse_sssom_table(release / "mappings.sssom.tsv").df

    def rows(frame):
        return frame.sort_values(["subject_id", "object_id"]).reset_index(drop=True).astype(str)

    assert len(from_json) == 77 and rows(from_json)[list(from_json.columns)].equals(
        rows(from_tsv)[list(from_json.columns)]
    )


def test_a_version_that_is_not_a_date_is_refused_and_writes_nothing(tmp_path, capsys):
    assert main(["release", "--version", "1.0", "-o", str(tmp_path / "r")]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err and not (tmp_path / "r").exists()
    assert main(["release", "--version", "2026-02-30", "-o", str(tmp_path / "r")]) == 2
    assert list(tmp_path.iterdir()) == []


def test_a_release_writes_what_changed_since_the_previous_one_and_the_changelog_section(release, tmp_path):
    earlier = tmp_path / "2026-11-21"
    earlier.mkdir()
    old = rdflib.Graph().parse(release / "lmsgraph.nt", format="nt")
    old.remove((URIRef(LMSG + "NuclearAtypia"), None, None))  # a term the newer release adds
    old.serialize(earlier / "lmsgraph.nt", format="nt")
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text("# Changelog\n\n## Unreleased\n\n- work in progress\n\n## 2026-11-21\n\n- the first\n")
    folder = tmp_path / VERSION
    args = [
        "-q",
        "release",
        "--version",
        VERSION,
        "-o",
        str(folder),
        "--previous",
        str(earlier),
        "--changelog",
        str(changelog),
    ]
    assert main(args) == 0
    changes = json.loads((folder / "changes.json").read_text())
    assert [t.split(" ")[0] for t in changes["terms"]["added"]] == ["lmsg:NuclearAtypia"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {"changes.md", "changes.json"} <= {f["file"] for f in manifest["files"]}
    text = changelog.read_text()
    assert text.index("## Unreleased") < text.index(f"## {VERSION}") < text.index("## 2026-11-21")
    assert "lmsg:NuclearAtypia" in text.split(f"## {VERSION}")[1].split("## 2026-11-21")[0]
    assert main(args) == 0  # again: the section is replaced, not repeated
    assert changelog.read_text() == text


def test_a_changelog_needs_a_previous_release(tmp_path):
    assert (
        main(["release", "--version", VERSION, "-o", str(tmp_path / "r"), "--changelog", str(tmp_path / "c.md")]) == 2
    )


def test_every_sourced_definition_carries_its_sources_in_the_obo_way(release):
    """An axiom on the definition with one oboInOwl:hasDbXref per source (a PMID where the record
    has one), which OBO format writes between the brackets of the def line."""
    graph = rdflib.Graph().parse(release / "lmsgraph.ttl", format="turtle")
    iao, xref = (
        URIRef("http://purl.obolibrary.org/obo/IAO_0000115"),
        URIRef("http://www.geneontology.org/formats/oboInOwl#hasDbXref"),
    )
    source_of = URIRef(LMSG + "definitionSource")
    sourced = set(graph.subjects(source_of, None))
    assert len(sourced) > 100
    for term in sourced:
        axioms = [
            a
            for a in graph.subjects(OWL.annotatedSource, term)
            if graph.value(a, OWL.annotatedProperty) == iao
            and graph.value(a, OWL.annotatedTarget) == graph.value(term, iao)
        ]
        assert len(axioms) == 1, term
        refs = {str(x) for x in graph.objects(axioms[0], xref)}
        assert len(refs) == len(set(graph.objects(term, source_of))), term
    bonatti = {str(x) for a in graph.subjects(xref, None) for x in graph.objects(a, xref)}
    assert "PMID:15919482" in bonatti and "HGNC:130" in bonatti
    obo = (release / "lmsgraph.obo").read_text(encoding="utf-8")
    stanza = obo.split("id: https://w3id.org/lmsgraph/InflammatoryLeiomyosarcoma\n")[1].split("\n\n")[0]
    definition = next(line for line in stanza.splitlines() if line.startswith("def:"))
    assert definition.endswith(
        "[lmsg:source-radiopaedia-inflammatory-leiomyosarcoma, lmsg:source-who-liver-leiomyosarcoma-nos]"
    )


def test_the_documentation_shows_definitions_synonyms_and_mappings(release, graph):
    """The release's html/: a page per term that opens without a server, read here as a reader
    would read it."""
    import re
    from html import unescape

    from rdflib import Namespace

    html = release / "html"
    page = (html / "InflammatoryLeiomyosarcoma.html").read_text(encoding="utf-8")
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())
    lmsg, obo = Namespace(LMSG), Namespace("http://purl.obolibrary.org/obo/")
    oboinowl = Namespace("http://www.geneontology.org/formats/oboInOwl#")
    term = lmsg.InflammatoryLeiomyosarcoma
    assert str(graph.value(term, obo.IAO_0000115)) in text
    for synonym in graph.objects(term, oboinowl.hasExactSynonym):
        assert str(synonym) in text
    for code in ("NCIT:C27495", "MONDO:0003347", "DOID:5251"):
        assert code in text
    assert "<script" not in page and 'href="static/style.css"' in page
    linked = set(re.findall(r'href="([^"#:]+\.html)"', page))
    assert linked and all((html / name).is_file() for name in linked)
    index = (html / "index.html").read_text(encoding="utf-8")
    assert 'href="InflammatoryLeiomyosarcoma.html"' in index and 'href="Desmin.html"' in index
