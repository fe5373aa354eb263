"""Plain entity-to-feature edges are derived from the claims, never curated by hand."""

from __future__ import annotations

from rdflib import RDFS, Graph

from lmsgraph.graph import derive_edges
from lmsgraph.namespaces import LMSG
from lmsgraph.stats import instances

EBV_SMT = LMSG.EBVAssociatedSmoothMuscleTumour


def test_curated_files_hold_no_plain_edges(curated):
    relations = (set(curated.objects(None, LMSG.relation)) - {RDFS.subClassOf}) | {LMSG.lacksFeature}
    hand_made = [(s, p, o) for p in relations for s, o in curated.subject_objects(p)]
    assert not hand_made, f"plain edges written by hand (derive them from claims instead): {hand_made[:5]}"
    entities = set(curated.objects(None, LMSG.aboutEntity))
    hand_hierarchy = [(s, o) for s, o in curated.subject_objects(RDFS.subClassOf) if o in entities]
    assert not hand_hierarchy, f"hierarchy links written by hand (add classification claims): {hand_hierarchy}"


def test_every_claim_yields_its_edge(graph):
    for claim in instances(graph, LMSG.Claim):
        entity, feature = graph.value(claim, LMSG.aboutEntity), graph.value(claim, LMSG.feature)
        if graph.value(claim, LMSG.polarity) == LMSG.Absent:
            assert (entity, LMSG.lacksFeature, feature) in graph
        else:
            assert (entity, graph.value(claim, LMSG.relation), feature) in graph


def test_absent_claim_gives_lacks_feature_not_the_positive_edge(graph):
    assert (EBV_SMT, LMSG.lacksFeature, LMSG.Desmin) in graph
    assert (EBV_SMT, LMSG.hasMarker, LMSG.Desmin) not in graph
    assert (EBV_SMT, LMSG.hasMarker, LMSG.SmoothMuscleActin) in graph


def test_derivation_on_a_small_graph():
    g = Graph().parse(format="turtle", data="""
        @prefix lmsg: <https://w3id.org/lmsgraph/> .
        lmsg:c1 lmsg:aboutEntity lmsg:E ; lmsg:relation lmsg:hasSite ; lmsg:feature lmsg:S ; lmsg:polarity lmsg:Present .
        lmsg:c2 lmsg:aboutEntity lmsg:E ; lmsg:relation lmsg:hasMarker ; lmsg:feature lmsg:M ; lmsg:polarity lmsg:Absent .
        lmsg:g1 lmsg:aboutEntity lmsg:E .
    """)
    assert derive_edges(g) == 2
    assert (LMSG.E, LMSG.hasSite, LMSG.S) in g
    assert (LMSG.E, LMSG.lacksFeature, LMSG.M) in g
    assert (LMSG.E, LMSG.hasMarker, LMSG.M) not in g
