"""Every view tells the whole claim: the schema says which properties make up a claim, and every
value every claim has must appear in its profile (text and JSON) and in the rows of the canned
queries that return it. A qualifier added to the schema and used on a claim is checked here
without this file changing."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from rdflib import RDF, RDFS, Literal, URIRef

import lmsgraph
from lmsgraph.namespaces import LMSG
from lmsgraph.prefixes import compact_iri
from lmsgraph.queries import catalogue
from lmsgraph.stats import instances

SLOTS = (LMSG.CoreSlot, LMSG.QualifierSlot, LMSG.WordingSlot, LMSG.EvidenceSlot)
# Every claim is typed and may carry a note; everything else it says needs a slot in the schema.
UNSLOTTED = {RDF.type, RDFS.comment, RDFS.label}  # its kind, its notes, its name
EVIDENCE_NUMBERED = {LMSG.source, LMSG.citedPublication}


@pytest.fixture(scope="module")
def kg():
    return lmsgraph.connect()


@pytest.fixture(scope="module")
def slots(graph):
    return {p: s for p, s in graph.subject_objects(LMSG.claimSlot)}


def claim_values(graph, slots, claim):
    """(property, value) for everything a claim says that a reader must see."""
    for prop, value in graph.predicate_objects(claim):
        if prop == RDF.type:
            continue
        if prop in slots or prop == RDFS.comment:
            yield prop, value


def text_of(graph, value) -> str:
    """How a value reads: a term by its label (``is a`` for rdfs:subClassOf), a number in plain form."""
    if isinstance(value, URIRef):
        if value == RDFS.subClassOf:
            return "is a"
        label = graph.value(value, RDFS.label)
        return str(label) if label is not None else compact_iri(str(value))
    python = value.toPython() if isinstance(value, Literal) else value
    if isinstance(python, Decimal) and python == python.to_integral_value():
        return str(int(python))
    return str(python)


def test_every_property_of_every_claim_has_a_slot_in_the_schema(graph, slots):
    assert set(slots.values()) <= set(SLOTS)
    used = {p for c in instances(graph, LMSG.Claim) for p in graph.predicates(c)}
    missing = sorted(str(p) for p in used - set(slots) - UNSLOTTED)
    assert not missing, f"give these properties an lmsg:claimSlot in ontology/schema.ttl: {missing}"


def profile_blocks(text: str) -> dict[str, str]:
    """The three lines of each claim in a profile's text, by the claim's CURIE on its evidence line."""
    lines = text.splitlines()
    blocks = {}
    for i, line in enumerate(lines):
        if line.startswith("        evidence: ") and "; claim lmsg:" in line:
            blocks[line.rsplit("; claim ", 1)[1]] = "\n".join(lines[i - 2 : i + 1])
    return blocks


def test_every_value_of_every_claim_appears_in_its_profile(graph, slots, kg):
    entities = sorted({graph.value(c, LMSG.aboutEntity) for c in instances(graph, LMSG.Claim)})
    checked = 0
    for entity in entities:
        [profile] = kg.entity(compact_iri(str(entity)))
        text, data = profile.to_text(), profile.as_dict()
        numbers = profile.numbers()
        blocks = profile_blocks(text)
        by_claim = {c["claim"]: c for c in data["claims"]}
        claims = sorted(graph.subjects(LMSG.aboutEntity, entity))
        claims = [c for c in claims if c in instances(graph, LMSG.Claim)]
        assert set(blocks) == set(by_claim) == {compact_iri(str(c)) for c in claims}
        for claim in claims:
            block, entry = (
                blocks[compact_iri(str(claim))],
                json.dumps(by_claim[compact_iri(str(claim))], ensure_ascii=False),
            )
            for prop, value in claim_values(graph, slots, claim):
                if prop == LMSG.aboutEntity:  # the profile's own subject, named at its head
                    assert value == entity and text.startswith(f"{text_of(graph, value)} ({compact_iri(str(value))})")
                    continue
                if prop in EVIDENCE_NUMBERED:
                    assert f"[{numbers[str(value)]}]" in block, (claim, prop, value)
                    assert compact_iri(str(value)) in entry, (claim, prop, value)
                    checked += 1
                    continue
                shown = text_of(graph, value)
                assert shown in block, (
                    f"{compact_iri(str(claim))}: {compact_iri(str(prop))} {shown!r} is missing from\n{block}"
                )
                if isinstance(value, URIRef):
                    assert compact_iri(str(value)) in entry or value == RDFS.subClassOf, (claim, prop, value)
                else:
                    assert json.dumps(str(value), ensure_ascii=False)[1:-1] in entry or shown in entry, (
                        claim,
                        prop,
                        value,
                    )
                checked += 1
            if graph.value(claim, LMSG.frequency) is None:
                assert "frequency: not stated by the source" in block
                assert by_claim[compact_iri(str(claim))]["qualifiers"]["lmsg:frequency"] is None
    assert checked > 1000


def test_every_citation_of_a_profile_is_listed_in_full(kg):
    [profile] = kg.entity("inflammatory leiomyosarcoma")
    text = profile.to_text()
    for iri, n in profile.numbers().items():
        record = profile.citations[iri]
        assert f"    [{n}] {record.full()}" in text
    case_report = profile.citations["https://w3id.org/lmsgraph/article-inflammatory-leiomyosarcoma-head-neck-2021"]
    assert case_report.full() == (
        "Inflammatory leiomyosarcoma of the head and neck: Case report. Int J Surg Case Rep. "
        "2021;82:105907. PMID 33934064. doi:10.1016/j.ijscr.2021.105907."
    )


CLAIM_QUERIES = sorted(name for name, q in catalogue().items() if " ?claim " in q.text.split("WHERE")[0] + " ")


@pytest.mark.parametrize("name", CLAIM_QUERIES)
def test_rows_of_a_claim_query_carry_every_qualifier_and_the_evidence(graph, slots, kg, name):
    query = catalogue()[name]
    rows = kg.query(name, **{p.name: p.example for p in query.params})
    assert rows and {"qualifiers", "evidence"} <= set(rows.variables)
    citations = kg.claims.citations()
    for row in rows:
        if row.get("claim") is None:
            continue
        claim = URIRef(row["claim"].iri)
        qualifiers, evidence = str(row["qualifiers"]), str(row["evidence"])
        for prop, value in claim_values(graph, slots, claim):
            slot = slots.get(prop)
            if slot == LMSG.CoreSlot:
                continue
            if prop in EVIDENCE_NUMBERED:
                assert citations[str(value)].short() in evidence, (claim, prop, value)
            elif slot == LMSG.EvidenceSlot:
                assert text_of(graph, value) in evidence, (claim, prop, value)
            else:
                assert text_of(graph, value) in qualifiers, (claim, prop, value)
        as_json = row["qualifiers"].as_json()
        assert set(as_json) == {"qualifiers", "wording", "notes"}
        assert json.dumps(row["evidence"].as_json())


# Each claim kind and the canned query (and API method) that answers it for an entity.
KIND_QUERIES = {
    LMSG.BehaviourClaim: ("behaviour-and-prognosis-of-entity", "behaviour"),
    LMSG.PrognosisClaim: ("behaviour-and-prognosis-of-entity", "behaviour"),
    LMSG.ClassificationClaim: ("classification-of-entity", "classification"),
    LMSG.ClinicalPresentationClaim: ("clinical-presentation-of-entity", "presentation"),
    LMSG.ClinicalSettingClaim: ("clinical-settings-of-entity", "settings"),
    LMSG.DiagnosticCriterionClaim: ("diagnostic-criteria-of-entity", "criteria"),
    LMSG.DiagnosticMethodClaim: ("diagnosis-and-work-up-of-entity", "diagnosis"),
    LMSG.DiagnosticWorkupClaim: ("diagnosis-and-work-up-of-entity", "diagnosis"),
    LMSG.DifferentialDiagnosisClaim: ("differential-diagnosis-of-entity", "differential"),
    LMSG.EpidemiologyClaim: ("epidemiology-of-entity", "epidemiology"),
    LMSG.EtiologyClaim: ("genetics-and-etiology-of-entity", "genetics"),
    LMSG.EvidenceGapClaim: ("evidence-gaps-of-entity", "evidence_gaps"),
    LMSG.GeneticClaim: ("genetics-and-etiology-of-entity", "genetics"),
    LMSG.GrossPathologyClaim: ("gross-findings-of-entity", "findings"),
    LMSG.HistoryClaim: ("history-of-entity", "history"),
    LMSG.ImagingClaim: ("imaging-findings-of-entity", "findings"),
    LMSG.ImmunohistochemistryClaim: ("markers-of-entity", "markers"),
    LMSG.MicroscopicPathologyClaim: ("microscopic-findings-of-entity", "findings"),
    LMSG.RadiologyReportClaim: ("radiology-report-items-of-entity", "report_items"),
    LMSG.SiteClaim: ("sites-of-entity", "sites"),
    LMSG.TreatmentClaim: ("treatment-of-entity", "treatment"),
}


def test_every_claim_kind_has_a_query_and_an_api_method(graph):
    kinds = set(graph.subjects(RDFS.subClassOf, LMSG.Claim))
    assert kinds == set(KIND_QUERIES), f"claim kinds without a query here: {sorted(kinds ^ set(KIND_QUERIES))}"
    for name, method in KIND_QUERIES.values():
        assert name in catalogue() and callable(getattr(lmsgraph.api.KnowledgeGraph, method))


def test_every_claim_is_reachable_through_its_kind_query_and_api_method(graph, kg):
    for claim in sorted(instances(graph, LMSG.Claim)):
        entity = compact_iri(str(graph.value(claim, LMSG.aboutEntity)))
        kinds = [k for k in graph.objects(claim, RDF.type) if k in KIND_QUERIES]
        assert len(kinds) == 1, claim
        name, method = KIND_QUERIES[kinds[0]]
        by_query = {r["claim"] for r in kg.query(name, entity=entity)}
        by_method = {r["claim"] for r in getattr(kg, method)(entity)}
        assert compact_iri(str(claim)) in by_query and compact_iri(str(claim)) in by_method, (claim, name, method)


def test_the_citations_query_gives_the_full_reference(kg):
    rows = {r["citation"]: r for r in kg.citations("EBV-associated smooth muscle tumour")}
    bonatti = rows["lmsg:article-bonatti-2005"]
    assert (bonatti["authors"], bonatti["journal"], bonatti["year"], bonatti["volume"], bonatti["pages"]) == (
        "Bonatti H; Hoefer D; Rogatsch H; Margreiter R; Larcher C; Antretter H",
        "Transplant Proc",
        2005,
        "37",
        "1839-44",
    )
    assert bonatti["reference"].startswith(
        "Bonatti H, Hoefer D, Rogatsch H, Margreiter R, Larcher C, Antretter H. "
        "Successful management of recurrent Epstein-Barr virus-associated"
    )
    assert bonatti["citation"].display == "Bonatti et al. 2005, Transplant Proc"
    table = kg.citations("EBV-associated smooth muscle tumour").render("table")
    assert "Bonatti et al. 2005, Transplant Proc" in table and "lmsg:article-bonatti-2005" not in table
    assert "lmsg:article-bonatti-2005" in kg.citations("EBV-SMT").render("csv")


def test_a_claim_row_in_json_keeps_its_qualifiers_as_data(kg):
    rendered = json.loads(kg.query("imaging-findings-of-entity", entity="inflammatory leiomyosarcoma").render("json"))
    t2 = next(r for r in rendered["rows"] if r["sequence"] == "T2-weighted")
    qualifiers = t2["qualifiers"]["qualifiers"]
    assert qualifiers["lmsg:degree"] == [{"id": "lmsg:Marked", "label": "marked"}]
    assert qualifiers["lmsg:evidenceBasis"] == [{"id": "lmsg:SingleCaseReport", "label": "single case report"}]
    assert qualifiers["lmsg:frequency"] is None
    assert qualifiers["lmsg:observedInCase"][0]["id"] == "lmsg:case-inflammatory-leiomyosarcoma-head-neck-2021"
    assert t2["evidence"]["cited_publications"][0]["pmid"] == "33934064"


@pytest.mark.parametrize("name", CLAIM_QUERIES)
def test_a_first_query_reading_its_claims_alone_renders_them_as_the_whole_index_does(kg, name):
    """The first query of a new graph reads only the claims in its rows; its qualifiers and
    evidence are those of the index of every claim."""
    query = catalogue()[name]
    params = {p.name: p.example for p in query.params}
    fresh = lmsgraph.connect()
    rows = fresh.query(name, **params)
    assert fresh.claims._views is None and fresh.claims._some  # read alone
    kg.claims.views()  # the whole index
    whole = kg.query(name, **params)

    def cells(table):
        return [
            (
                str(r.get("qualifiers")),
                str(r.get("evidence")),
                *(c.as_json() for c in (r.get("qualifiers"), r.get("evidence")) if c),
            )
            for r in table
        ]

    assert cells(rows) == cells(whole) and any(r.get("qualifiers") for r in rows)


def test_claims_citations_and_profiles_compare_by_what_they_hold(kg):
    """As the dataclasses they were: equal when every field is, of the same class, unhashable."""
    from lmsgraph.claims import ClaimIndex

    iri = "https://w3id.org/lmsgraph/claim-conventional-lms-site-liver-metastatic"
    first, second = ClaimIndex(kg).claim(iri), ClaimIndex(kg).claim(iri)
    assert first is not second and first == second
    second.notes.append("a note the first does not have")
    assert first != second
    citations, again = ClaimIndex(kg).citations(), ClaimIndex(kg).citations()
    assert citations == again and len(citations) > 5
    profile = kg.entity("inflammatory leiomyosarcoma")[0]
    copy = type(profile)(**vars(profile))
    assert copy == profile
    copy.synonyms = [*profile.synonyms, "another synonym"]
    assert copy != profile and profile != first
    with pytest.raises(TypeError):
        hash(first)
