"""Checks over the curated data itself. Each failure names the offending node and how to fix it."""

from __future__ import annotations

import csv
import re

import pytest
from conftest import CURATED_FILES, ONTOLOGY, SHARED_REFERENCE, from_reference_table
from rdflib import OWL, RDF, RDFS, Literal, URIRef

from lmsgraph.canonical import canonical_turtle
from lmsgraph.graph import curated_graph, parse_turtle
from lmsgraph.namespaces import DEFINITION, LMSG
from lmsgraph.stats import instances, subclasses

QUALIFIER_VOCABULARIES = {
    LMSG.polarity: LMSG.Polarity,
    LMSG.frequency: LMSG.Frequency,
    LMSG.degree: LMSG.Degree,
    LMSG.distribution: LMSG.Distribution,
    LMSG.grade: LMSG.Grade,
    LMSG.unit: LMSG.Unit,
    LMSG.certainty: LMSG.Certainty,
    LMSG.evidenceBasis: LMSG.EvidenceBasis,
    LMSG.lesionRole: LMSG.LesionRole,
    LMSG.variability: LMSG.Variability,
}
TERM_LINKS = (
    LMSG.feature,
    LMSG.condition,
    LMSG.imagingModality,
    LMSG.imagingSequence,
    LMSG.siteQualifier,
    LMSG.exampleSite,
    LMSG.outcome,
    LMSG.doesNotNecessarilyIndicate,
)


@pytest.mark.parametrize("path", CURATED_FILES, ids=lambda p: p.name)
def test_every_file_parses(path):
    from rdflib import Graph

    g = Graph()
    parse_turtle(g, path)
    assert len(g) > 0, f"{path} holds no triples"


@pytest.mark.parametrize("path", CURATED_FILES, ids=lambda p: p.name)
def test_curated_files_are_canonical(path):
    assert path.read_bytes() == canonical_turtle(curated_graph([path], annotations=False)), (
        f"{path.name} is not in canonical form; fix with: lmsgraph format ontology/{path.name}"
    )


def _declared_terms(g):
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    return sorted({s for k in kinds for s in g.subjects(RDF.type, k) if isinstance(s, URIRef)})


def test_every_class_and_property_has_one_english_label_and_a_definition(curated):
    problems = []
    for term in _declared_terms(curated):
        labels = [x for x in curated.objects(term, RDFS.label) if isinstance(x, Literal) and x.language == "en"]
        if len(labels) != 1:
            problems.append(f"{term}: {len(labels)} English rdfs:label values; give it exactly one")
        definitions = [d for d in curated.objects(term, DEFINITION) if isinstance(d, Literal) and d.language == "en"]
        if len(definitions) != 1:
            problems.append(f"{term}: {len(definitions)} English definitions (IAO:0000115); give it exactly one")
    assert not problems, "\n".join(problems)


def test_every_named_individual_has_a_label_or_is_a_claim_or_observation(curated):
    quiet = instances(curated, LMSG.Claim) | set(curated.subjects(RDF.type, LMSG.CaseObservation))
    problems = [
        f"{i}: no rdfs:label; add one"
        for i in curated.subjects(RDF.type, OWL.NamedIndividual)
        if i not in quiet and curated.value(i, RDFS.label) is None
    ]
    assert not problems, "\n".join(sorted(problems))


def test_every_claim_is_complete_and_drawn_from_the_vocabularies(graph):
    entities = subclasses(graph, LMSG.DiseaseEntity)
    features = subclasses(graph, LMSG.Feature)
    relations = {p for p in graph.subjects(RDF.type, OWL.AnnotationProperty)} | {RDFS.subClassOf}
    sources = set(graph.subjects(RDF.type, LMSG.SourceDocument))
    citations = instances(graph, LMSG.Citation)
    problems = []
    claims = sorted(instances(graph, LMSG.Claim))
    assert len(claims) >= 100
    for claim in claims:

        def say(msg):
            problems.append(f"{claim}: {msg}")

        entity = graph.value(claim, LMSG.aboutEntity)
        if entity not in entities:
            say(f"lmsg:aboutEntity {entity} is not a disease entity; point it at a class below lmsg:DiseaseEntity")
        feature = graph.value(claim, LMSG.feature)
        if feature not in features and feature not in entities:
            say(f"lmsg:feature {feature} is not a vocabulary term; add it to ontology/vocabulary.ttl")
        if graph.value(claim, LMSG.relation) not in relations:
            say("lmsg:relation is missing or not a declared relation property")
        claim_sources = set(graph.objects(claim, LMSG.source))
        if not claim_sources or not claim_sources <= sources:
            say("needs at least one lmsg:source that is a lmsg:SourceDocument")
        if not set(graph.objects(claim, LMSG.citedPublication)) <= citations:
            say("lmsg:citedPublication must point at a citation record in ontology/citations.ttl")
        if not graph.value(claim, LMSG.sourceLocation):
            say("lmsg:sourceLocation is missing; say where in the source the statement is")
        for prop in (LMSG.polarity, LMSG.certainty):
            if len(list(graph.objects(claim, prop))) != 1:
                say(f"needs exactly one {prop}")
        if len(list(graph.objects(claim, LMSG.frequency))) > 1:
            say(f"has several {LMSG.frequency}; a claim has one, or none where the source gives none")
        for prop, vocabulary in QUALIFIER_VOCABULARIES.items():
            for value in graph.objects(claim, prop):
                if (value, RDF.type, vocabulary) not in graph:
                    say(f"{prop} value {value} is not in the {vocabulary} vocabulary")
        for prop in TERM_LINKS:
            for value in graph.objects(claim, prop):
                if value not in features and value not in entities:
                    say(f"{prop} value {value} is not a vocabulary term or entity")
        if graph.value(claim, LMSG.unit) is not None and graph.value(claim, LMSG.minValue) is None:
            say("has a unit but no lmsg:minValue")
    assert not problems, "\n".join(problems)


def test_claims_about_a_case_agree_with_its_record(graph):
    compared = (LMSG.feature, LMSG.imagingModality, LMSG.imagingSequence, LMSG.degree, LMSG.distribution, LMSG.polarity)
    problems = []
    pairs = list(graph.subject_objects(LMSG.observedInCase))
    assert pairs, "no claim points at a case record"
    for claim, case in pairs:
        wanted = {p: graph.value(claim, p) for p in compared}
        observations = list(graph.objects(case, LMSG.hasObservation))
        if not any(all(graph.value(o, p) == v for p, v in wanted.items()) for o in observations):
            problems.append(
                f"{claim}: no observation of {case} has the same feature and qualifiers; "
                "add it to ontology/cases.ttl or correct the claim"
            )
    assert not problems, "\n".join(problems)


def test_every_entity_has_a_definition_source_and_a_parent(graph):
    problems = []
    for entity in sorted(subclasses(graph, LMSG.DiseaseEntity)):
        if graph.value(entity, LMSG.definitionSource) is None:
            problems.append(f"{entity}: no lmsg:definitionSource; cite the source document of its definition")
        if graph.value(entity, RDFS.subClassOf) is None:
            problems.append(f"{entity}: no parent; add a classification claim")
    assert not problems, "\n".join(problems)


# ---- external identifiers --------------------------------------------------------------

OBO_IRI = re.compile(r"^http://purl\.obolibrary\.org/obo/([A-Za-z]+)_([A-Za-z0-9]+)$")
CURIE_IN_TEXT = re.compile(
    r"\b(NCIT|MONDO|DOID|UBERON|HGNC|CL|NCBITaxon|ORPHA|UMLS|ONCOTREE|ICDO|ICDOT|RO|IAO)"
    r":([A-Za-z0-9./]+)"
)


DOI_IN_TEXT = re.compile(r"\bdoi:(10\.\S+?)(?=[\s;,]|\.?$)", re.IGNORECASE)


def _known_identifiers() -> dict[str, str]:
    """Identifiers of the reference table and of verified-here.tsv, with their status.

    A DOI that a row prints in its citation (``doi:10...``) counts as known with that row's status.
    """
    known = {}
    for name in ("reference-identifiers.tsv", "verified-here.tsv"):
        with open(ONTOLOGY / "provenance" / name, encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                known.setdefault(from_reference_table(row["curie"]), row["status"])
                for doi in DOI_IN_TEXT.findall(row["label_at_source"]):
                    known.setdefault(f"DOI:{doi}", row["status"])
    return known


def _used_identifiers(graph) -> set[str]:
    used = set()
    for term in set(graph.subjects()) | set(graph.objects()) | set(graph.predicates()):
        if isinstance(term, URIRef):
            match = OBO_IRI.match(str(term))
            if match:
                used.add(f"{match[1]}:{match[2]}")
    for prop, prefix in ((LMSG.pmid, "PMID"), (LMSG.doi, "DOI"), (LMSG.isbn, "ISBN"), (LMSG.pmcid, "PMC")):
        used.update(f"{prefix}:{value}" for value in graph.objects(None, prop))
    for path in ONTOLOGY.glob("*.sssom.tsv"):
        used.update(f"{m[1]}:{m[2]}" for m in CURIE_IN_TEXT.finditer(path.read_text()))
    return used


def test_every_external_identifier_was_verified(graph):
    known = _known_identifiers()
    unknown = sorted(_used_identifiers(graph) - set(known))
    assert not unknown, (
        "identifiers not in ontology/provenance/reference-identifiers.tsv or verified-here.tsv "
        f"(verify each in a public source and record where): {unknown}"
    )


def test_identifier_status_is_recorded_for_plausible_citations(graph):
    known = _known_identifiers()
    problems = []
    for prop, prefix in ((LMSG.pmid, "PMID"), (LMSG.isbn, "ISBN")):
        for record, value in graph.subject_objects(prop):
            status = known[f"{prefix}:{value}"]
            recorded = str(graph.value(record, LMSG.identifierStatus) or "")
            if not recorded.startswith(status.split(" ")[0]):
                problems.append(f"{record}: identifier status {recorded!r} does not record {status!r}")
    assert not problems, "\n".join(problems)


def test_vendored_reference_table_matches_the_shared_one():
    if not SHARED_REFERENCE.exists():
        pytest.skip(f"no shared reference table at {SHARED_REFERENCE} to compare with")
    vendored = (ONTOLOGY / "provenance" / "reference-identifiers.tsv").read_bytes()
    assert vendored == SHARED_REFERENCE.read_bytes(), (
        f"ontology/provenance/reference-identifiers.tsv is out of date; copy {SHARED_REFERENCE} over it"
    )
