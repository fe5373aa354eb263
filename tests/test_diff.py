"""``lmsgraph diff``: two real graphs that differ in every way the diff reports, and nothing else."""

from __future__ import annotations

import json

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace

import lmsgraph
from lmsgraph.cli import main
from lmsgraph.diff import diff_graphs

LMSG = Namespace("https://w3id.org/lmsgraph/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")


def _copy(graph: Graph) -> Graph:
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    return copy


@pytest.fixture(scope="module")
def graphs():
    """The working graph, and a copy changed once in each way."""
    old = lmsgraph.load()
    new = _copy(old)
    # Terms: one added, one removed, one relabelled, one definition changed.
    new.add((LMSG.ProbeTerm, RDF.type, OWL.Class))
    new.add((LMSG.ProbeTerm, RDFS.label, Literal("probe term", lang="en")))
    new.remove((LMSG.NuclearAtypia, None, None))
    new.set((LMSG.Liver, RDFS.label, Literal("hepar", lang="en")))
    new.set((LMSG.Leiomyosarcoma, OBO.IAO_0000115, Literal("A changed definition.", lang="en")))
    # Claims: one removed, one added, one with its frequency changed and its wording taken out.
    new.remove((LMSG["claim-ilms-behaviour-malignant"], None, None))
    new.add((LMSG["claim-probe"], LMSG.aboutEntity, LMSG.MyxoidLeiomyosarcoma))
    new.add((LMSG["claim-probe"], LMSG.feature, LMSG.Desmin))
    metastasis = LMSG["claim-ilms-behaviour-metastasis"]
    new.set((metastasis, LMSG.frequency, LMSG.Rare))
    new.remove((metastasis, LMSG.qualifierWording, None))
    # A citation with another title.
    new.set((LMSG["article-bonatti-2005"], LMSG.title, Literal("A changed title")))
    # Mappings: one's status changed, one removed.
    axioms = sorted(
        (a for a in new.subjects(RDF.type, OWL.Axiom) if new.value(a, OWL.annotatedProperty) == SKOS.exactMatch),
        key=lambda a: (str(new.value(a, OWL.annotatedSource)), str(new.value(a, OWL.annotatedTarget))),
    )
    new.set((axioms[0], LMSG.identifierStatus, Literal("plausible (a test)")))
    gone = axioms[1]
    new.remove((new.value(gone, OWL.annotatedSource), SKOS.exactMatch, new.value(gone, OWL.annotatedTarget)))
    new.remove((gone, None, None))
    return old, new, axioms


def test_every_kind_of_change_is_reported_and_nothing_else(graphs):
    old, new, axioms = graphs
    report = diff_graphs(old, new).as_json()
    terms = report["terms"]
    assert terms["added"] == ["lmsg:ProbeTerm (probe term)"]
    assert [t.split(" ")[0] for t in terms["removed"]] == ["lmsg:NuclearAtypia"]
    assert [c["id"] for c in terms["relabelled"]] == ["lmsg:Liver"]
    assert terms["relabelled"][0]["added"] == {"rdfs:label": ['"hepar"@en']}
    assert [c["id"] for c in terms["definition changed"]] == ["lmsg:Leiomyosarcoma"]

    claims = report["claims"]
    assert [c.split(" ")[0] for c in claims["added"]] == ["lmsg:claim-probe"]
    assert [c.split(" ")[0] for c in claims["removed"]] == ["lmsg:claim-ilms-behaviour-malignant"]
    assert [c["id"] for c in claims["changed"]] == ["lmsg:claim-ilms-behaviour-metastasis"]
    change = claims["changed"][0]
    assert change["removed"]["lmsg:frequency"] == ["lmsg:SomeCases (some cases)"]
    assert change["added"] == {"lmsg:frequency": ["lmsg:Rare (rare)"]}
    assert change["removed"]["lmsg:qualifierWording"] == ['"in some cases"']

    citations = report["citations"]
    assert [c["id"] for c in citations["changed"]] == ["lmsg:article-bonatti-2005"]
    assert citations["changed"][0]["added"] == {"lmsg:title": ['"A changed title"']}
    assert not citations["added"] and not citations["removed"]

    mappings = report["mappings"]
    assert len(mappings["removed"]) == 1 and not mappings["added"]
    assert [c["id"] for c in mappings["changed"]] == [
        f"{_curie(new, axioms[0], OWL.annotatedSource)} skos:exactMatch {_curie(new, axioms[0], OWL.annotatedTarget)}"
    ]
    assert mappings["changed"][0]["added"] == {"lmsg:identifierStatus": ['"plausible (a test)"']}


def _curie(graph, axiom, prop):
    from lmsgraph.prefixes import compact_iri

    return compact_iri(str(graph.value(axiom, prop)))


def test_the_same_graph_has_no_changes_and_says_so():
    graph = lmsgraph.load()
    result = diff_graphs(graph, _copy(graph))
    assert result.empty and "No changes." in result.to_text()


def test_the_command_compares_files_as_text_and_json(graphs, tmp_path, capsys):
    old, new, _ = graphs
    (tmp_path / "old").mkdir()
    old.serialize(tmp_path / "old" / "lmsgraph.nt", format="nt")
    new.serialize(tmp_path / "new.ttl", format="turtle")
    assert main(["diff", str(tmp_path / "old"), str(tmp_path / "new.ttl"), "-o", str(tmp_path / "changes.json")]) == 0
    data = json.loads((tmp_path / "changes.json").read_text())
    assert data["terms"]["added"] == ["lmsg:ProbeTerm (probe term)"]
    assert main(["diff", str(tmp_path / "old"), str(tmp_path / "new.ttl")]) == 0
    text = capsys.readouterr().out
    assert "### Claims" in text and "lmsg:frequency: added lmsg:Rare (rare)" in text
    assert main(["diff", str(tmp_path / "old")]) == 0  # against the working graph: the same graph
    assert "No changes." in capsys.readouterr().out
    assert main(["diff", str(tmp_path / "missing")]) == 2
