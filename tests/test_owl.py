"""OWL 2 DL profile (OWL API) and HermiT consistency and classification, on the real graph and on broken ones."""

from __future__ import annotations

import shutil

import pytest
from rdflib import Graph

from lmsgraph.namespaces import LMSG
from lmsgraph.owl import check_dl_profile, reason

pytestmark = pytest.mark.java

PROBE = """
@prefix lmsg: <https://w3id.org/lmsgraph/> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
lmsg:ProbeLiverLeiomyosarcoma a owl:Class ;
    rdfs:subClassOf lmsg:Leiomyosarcoma ,
        [ a owl:Restriction ; owl:onProperty obo:RO_0004026 ; owl:someValuesFrom lmsg:Liver ] .
"""


def test_graph_is_in_the_owl2_dl_profile(graph):
    report = check_dl_profile(graph)
    assert report.violations == []
    assert report.in_profile
    assert report.axioms > 3000


def test_graph_is_consistent_under_hermit(graph):
    report = reason(graph)
    assert report.consistent
    assert report.unsatisfiable == []


def test_hermit_classifies_through_the_logical_definition(graph):
    probe = Graph()
    for triple in graph:
        probe.add(triple)
    probe.parse(data=PROBE, format="turtle")
    report = reason(probe)
    assert (str(LMSG.ProbeLiverLeiomyosarcoma), str(LMSG.HepaticLeiomyosarcoma)) in report.inferred_subclasses


def test_hermit_detects_an_inconsistency():
    broken = Graph().parse(
        format="turtle",
        data="""
        @prefix ex: <https://example.org/> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        ex:A a owl:Class . ex:B a owl:Class ; owl:disjointWith ex:A .
        ex:x a owl:NamedIndividual , ex:A , ex:B .
    """,
    )
    assert not reason(broken).consistent


def test_profile_checker_rejects_a_non_dl_graph():
    broken = Graph().parse(
        format="turtle",
        data="""
        @prefix ex: <https://example.org/> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <https://example.org/o> a owl:Ontology .
        ex:p a owl:DatatypeProperty .
        ex:x a owl:NamedIndividual ; ex:p "2020"^^xsd:gYear .
    """,
    )
    report = check_dl_profile(broken)
    assert not report.in_profile
    assert any("gYear" in v for v in report.violations)


@pytest.mark.java
def test_the_profile_checker_is_compiled_once_per_content(tmp_path, monkeypatch):
    if shutil.which("javac") is None:
        pytest.skip("needs javac (Debian's default-jdk-headless), not installed here")
    from lmsgraph.owl import _java, owlapi_classpath, profile_checker_command

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = profile_checker_command(_java(), owlapi_classpath())
    compiled = list((tmp_path / "lmsgraph" / "java").glob("*/DlProfileCheck.class"))
    assert len(compiled) == 1 and first[-1] == "DlProfileCheck"
    made = compiled[0].stat().st_mtime_ns
    assert profile_checker_command(_java(), owlapi_classpath()) == first
    assert compiled[0].stat().st_mtime_ns == made  # reused, not compiled again


def _axiom_annotations(graph: Graph) -> set[tuple]:
    """Every annotation on an annotated axiom: (source, property, target, annotation, value)."""
    from rdflib import OWL, RDF

    found = set()
    for axiom in graph.subjects(RDF.type, OWL.Axiom):
        key = tuple(graph.value(axiom, p) for p in (OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget))
        for prop, value in graph.predicate_objects(axiom):
            if prop not in (RDF.type, OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget):
                found.add((*key, prop, value.toPython() if hasattr(value, "toPython") else value))
    return found


def test_mapping_metadata_and_definition_sources_survive_a_save_through_the_owl_api(graph, tmp_path):
    """Protégé and ROBOT save through the OWL API: every mapping keeps its verification status,
    evidence, justification, author and date, and every definition its source."""
    from rdflib import Literal

    from lmsgraph.owl import save_through_owlapi

    saved = Graph().parse(save_through_owlapi(graph, tmp_path), format="xml")
    before, after = _axiom_annotations(graph), _axiom_annotations(saved)
    status = LMSG.identifierStatus
    mappings = {a[:3] for a in before if a[3] == status}
    assert len(mappings) >= 70  # every mapping row records its status
    # Literals compared by value: the OWL API may write a plain string as xsd:string.
    kept = after | {(*a[:4], Literal(a[4]).toPython()) for a in after}
    assert before <= kept, sorted(before - kept)[:5]
    definitions = set(graph.subject_objects(LMSG.definitionSource))
    assert definitions and definitions <= set(saved.subject_objects(LMSG.definitionSource))
