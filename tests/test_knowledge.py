"""The knowledge of the two source documents, statement by statement, with qualifiers and evidence.

Constants name the nodes so that the assertions read as the sources do.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import DCTERMS, OWL, RDF, RDFS, BNode, Literal

import lmsgraph
from lmsgraph.namespaces import LMSG, OBO, OBOINOWL
from lmsgraph.stats import instances

ILMS = LMSG.InflammatoryLeiomyosarcoma
LMS = LMSG.Leiomyosarcoma
EBV_SMT = LMSG.EBVAssociatedSmoothMuscleTumour
HEPATIC = LMSG.HepaticLeiomyosarcoma
CONVENTIONAL = LMSG.ConventionalLeiomyosarcoma
RADIOPAEDIA = LMSG["source-radiopaedia-inflammatory-leiomyosarcoma"]
WHO_LIVER = LMSG["source-who-liver-leiomyosarcoma-nos"]
WHO5 = LMSG["book-who-soft-tissue-bone-5th-edition"]
WHO4 = LMSG["book-who-digestive-system-4th-edition"]
TIMMONS = LMSG["article-timmons-1995"]
BONATTI = LMSG["article-bonatti-2005"]
HEAD_NECK_CASE_REPORT = LMSG["article-inflammatory-leiomyosarcoma-head-neck-2021"]


def claims(graph, entity, feature, **qualifiers):
    found = []
    for claim in graph.subjects(LMSG.aboutEntity, entity):
        if graph.value(claim, LMSG.feature) != feature:
            continue
        if all(graph.value(claim, LMSG[k]) == v for k, v in qualifiers.items()):
            found.append(claim)
    return found


def one_claim(graph, entity, feature, **qualifiers):
    found = claims(graph, entity, feature, **qualifiers)
    assert len(found) == 1, f"expected one claim {entity} -> {feature} {qualifiers}, found {found}"
    return found[0]


# (entity, feature, qualifiers, source, cited publication or None)
STATEMENTS = [
    (ILMS, LMSG.Malignant, {}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.VeryRare, {}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.Adults, {"frequency": LMSG.MostCases}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.Adolescents, {"frequency": LMSG.SomeCases, "certainty": LMSG.Reported}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.MalePredilection, {}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.Histopathology, {}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.Immunohistochemistry, {}, RADIOPAEDIA, WHO5),
    (
        ILMS,
        LMSG.GrowingDeepSoftTissueMass,
        {"frequency": LMSG.MostCases, "variability": LMSG.InconstantDuration},
        RADIOPAEDIA,
        None,
    ),
    (ILMS, LMSG.InflammatorySymptoms, {"frequency": LMSG.SomeCases}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.NeoplasticSmoothMuscleCells, {"grade": LMSG.LowGrade}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.LymphoplasmacyticInfiltrate, {}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.UnknownEtiology, {}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.DeepSoftTissue, {}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.LowerLimb, {"frequency": LMSG.MostOften}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.Trunk, {"frequency": LMSG.MostOften}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.Retroperitoneum, {"frequency": LMSG.MostOften}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.VisceralSite, {"frequency": LMSG.Rare}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.WellDelineatedTumour, {}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.YellowTanSurface, {}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.RedFleshySurface, {}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.EosinophilicSpindleCells, {}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.FascicularGrowthPattern, {}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.StoriformGrowthPattern, {}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.NuclearAtypia, {"degree": LMSG.VariableDegree}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.Pleomorphism, {}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.InflammatoryInfiltrate, {"distribution": LMSG.Diffuse}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.SmallLymphocytes, {}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.PlasmaCells, {"degree": LMSG.SomeAmount}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.Histiocytes, {"frequency": LMSG.Often, "degree": LMSG.Prominent}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.PsammomatousCalcification, {"frequency": LMSG.SomeCases}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.SmoothMuscleActin, {"polarity": LMSG.Present, "frequency": None}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.Desmin, {"polarity": LMSG.Present, "frequency": None}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.Caldesmon, {"polarity": LMSG.Present, "frequency": None}, RADIOPAEDIA, WHO5),
    (
        ILMS,
        LMSG.NearHaploidGenotype,
        {"relation": LMSG.hasGeneticFeature, "frequency": LMSG.Characteristic},
        RADIOPAEDIA,
        WHO5,
    ),
    (
        ILMS,
        LMSG.NearHaploidGenotype,
        {"relation": LMSG.hasPathogeneticFeature, "certainty": LMSG.Considered},
        RADIOPAEDIA,
        WHO5,
    ),
    (ILMS, LMSG.LymphoidInfiltrate, {"variability": LMSG.VariableComposition}, RADIOPAEDIA, WHO5),
    (ILMS, LMSG.HistiocyticXanthomatousInfiltrate, {"variability": LMSG.VariableComposition}, RADIOPAEDIA, WHO5),
    (
        ILMS,
        LMSG.TumourSize,
        {"variability": LMSG.VariableSize, "evidenceBasis": LMSG.ReportedExamples, "frequency": None},
        RADIOPAEDIA,
        WHO5,
    ),
    (ILMS, LMSG.RelationToFasciaeAndMuscles, {"condition": LMSG.SoftTissue}, RADIOPAEDIA, None),
    (ILMS, LMSG.Metastasis, {"frequency": LMSG.SomeCases}, RADIOPAEDIA, None),
    (ILMS, LMSG.FollowUpAndPrognosis, {}, RADIOPAEDIA, None),
    (ILMS, LMSG.ImagingAppearance, {}, RADIOPAEDIA, HEAD_NECK_CASE_REPORT),
    (ILMS, LMSG.SoftTissueTumourMimics, {}, RADIOPAEDIA, None),
    (ILMS, LMSG.FirstDescription, {}, RADIOPAEDIA, LMSG["article-merchant-1995"]),
    (ILMS, LMSG.WHORecognition, {}, RADIOPAEDIA, WHO5),
    (LMS, LMSG.Uncommon, {}, WHO_LIVER, WHO4),
    (LMS, LMSG.Aggressive, {}, WHO_LIVER, WHO4),
    (LMS, LMSG.Malignant, {}, WHO_LIVER, WHO4),
    (LMS, LMSG.PostmenopausalWomen, {"frequency": LMSG.Usually}, WHO_LIVER, WHO4),
    (LMS, LMSG.NeoplasticSpindleCells, {}, WHO_LIVER, WHO4),
    (CONVENTIONAL, LMSG.Liver, {"frequency": None, "lesionRole": LMSG.MetastaticLesion}, WHO_LIVER, WHO4),
    (CONVENTIONAL, LMSG.Metastasis, {"frequency": LMSG.AlmostAlways, "condition": LMSG.Liver}, WHO_LIVER, WHO4),
    (
        HEPATIC,
        LMSG.SearchForPrimaryTumour,
        {"frequency": LMSG.Always, "exampleSite": LMSG.Retroperitoneum},
        WHO_LIVER,
        WHO4,
    ),
    (EBV_SMT, LMSG.Liver, {"lesionRole": LMSG.PrimaryLesion}, WHO_LIVER, WHO4),
    (EBV_SMT, LMSG.EpsteinBarrVirus, {}, WHO_LIVER, WHO4),
    (EBV_SMT, LMSG.Immunosuppression, {}, WHO_LIVER, WHO4),
    (EBV_SMT, LMSG.AcquiredImmunosuppression, {}, WHO_LIVER, WHO4),
    (EBV_SMT, LMSG.IatrogenicImmunosuppression, {}, WHO_LIVER, WHO4),
    (EBV_SMT, LMSG.HIVInfection, {}, WHO_LIVER, WHO4),
    (EBV_SMT, LMSG.AIDS, {}, WHO_LIVER, WHO4),
    (EBV_SMT, LMSG.OrganTransplantation, {"frequency": LMSG.Usually}, WHO_LIVER, WHO4),
    (
        EBV_SMT,
        LMSG.DonorDerivedCells,
        {
            "siteQualifier": LMSG.Allograft,
            "condition": LMSG.LiverTransplantation,
            "certainty": LMSG.Reported,
            "frequency": None,
        },
        WHO_LIVER,
        TIMMONS,
    ),
    (
        EBV_SMT,
        LMSG.RecipientDerivedCells,
        {"siteQualifier": LMSG.ExtragraftSite, "certainty": LMSG.Reported, "frequency": None},
        WHO_LIVER,
        TIMMONS,
    ),
    (EBV_SMT, LMSG.LessDifferentiatedMorphology, {"frequency": LMSG.Typically, "comparator": LMS}, WHO_LIVER, WHO4),
    (EBV_SMT, LMSG.OvalToSpindledMesenchymalCells, {}, WHO_LIVER, WHO4),
    (EBV_SMT, LMSG.SmoothMuscleActin, {"polarity": LMSG.Present}, WHO_LIVER, WHO4),
    (EBV_SMT, LMSG.Desmin, {"polarity": LMSG.Absent, "frequency": LMSG.Usually}, WHO_LIVER, WHO4),
    (EBV_SMT, LMSG.NuclearEBER, {}, WHO_LIVER, WHO4),
    (EBV_SMT, LMSG.UnpredictableBehaviour, {}, WHO_LIVER, TIMMONS),
    (EBV_SMT, LMSG.Multifocality, {"doesNotNecessarilyIndicate": LMSG.Metastasis}, WHO_LIVER, TIMMONS),
    (EBV_SMT, LMSG.AntiviralTherapy, {"frequency": LMSG.SomeCases}, WHO_LIVER, BONATTI),
    (EBV_SMT, LMSG.ImmuneRestoration, {"frequency": LMSG.SomeCases}, WHO_LIVER, BONATTI),
]


@pytest.mark.parametrize(
    "entity,feature,qualifiers,source,publication",
    STATEMENTS,
    ids=[f"{e.split('/')[-1]}-{f.split('/')[-1]}" for e, f, *_ in STATEMENTS],
)
def test_source_statement_is_a_cited_claim(graph, entity, feature, qualifiers, source, publication):
    claim = one_claim(graph, entity, feature, **qualifiers)
    assert (claim, LMSG.source, source) in graph
    published = set(graph.objects(claim, LMSG.citedPublication))
    if publication is None:
        assert not published, f"{claim} cites {published}, but the source names no reference for it"
    else:
        assert publication in published


def test_both_sources_are_covered(graph):
    per_source = {s: len(set(graph.subjects(LMSG.source, s))) for s in (RADIOPAEDIA, WHO_LIVER)}
    assert per_source[RADIOPAEDIA] >= 60
    assert per_source[WHO_LIVER] >= 35


def test_numbers_are_data_not_prose(graph):
    size = one_claim(graph, ILMS, LMSG.TumourSize)
    assert graph.value(size, LMSG.minValue).toPython() == Decimal(3)
    assert graph.value(size, LMSG.maxValue).toPython() == Decimal(12)
    assert graph.value(size, LMSG.unit) == LMSG.Centimetre
    peak = one_claim(graph, ILMS, LMSG.PeakAge)
    assert (graph.value(peak, LMSG.minValue).toPython(), graph.value(peak, LMSG.maxValue).toPython()) == (3, 4)
    assert graph.value(peak, LMSG.unit) == LMSG.DecadeOfLife
    assert graph.value(one_claim(graph, ILMS, LMSG.FirstDescription), LMSG.year).toPython() == 1995
    assert graph.value(one_claim(graph, ILMS, LMSG.WHORecognition), LMSG.year).toPython() == 2020


def test_who_criteria_carry_their_edition(graph):
    criteria = [
        c for c in graph.subjects(LMSG.aboutEntity, ILMS) if (c, RDF.type, LMSG.DiagnosticCriterionClaim) in graph
    ]
    assert {graph.value(c, LMSG.feature) for c in criteria} == {
        LMSG.AtypicalEosinophilicSpindleCells,
        LMSG.MitoticActivity,
        LMSG.LymphoidInfiltrate,
        LMSG.HistiocyticXanthomatousInfiltrate,
        LMSG.SmoothMuscleAntigen,
    }
    sets = {graph.value(c, LMSG.inCriteriaSet) for c in criteria}
    assert len(sets) == 1
    (criteria_set,) = sets
    assert graph.value(criteria_set, LMSG.edition).toPython() == 5
    assert graph.value(criteria_set, LMSG.publishedIn) == WHO5


def test_or_and_any_combination_are_kept_as_groups(graph):
    panel = {graph.value(c, LMSG.inGroup) for c in claims(graph, ILMS, LMSG.Desmin)}
    assert len(panel) == 1
    (group,) = panel
    assert graph.value(group, LMSG.groupKind) == LMSG.AnyCombination
    members = {graph.value(c, LMSG.feature) for c in graph.subjects(LMSG.inGroup, group)}
    assert members == {LMSG.SmoothMuscleActin, LMSG.Desmin, LMSG.Caldesmon}
    surface = graph.value(one_claim(graph, ILMS, LMSG.YellowTanSurface), LMSG.inGroup)
    assert graph.value(surface, LMSG.groupKind) == LMSG.Alternatives


def test_hedged_and_conditional_prognosis(graph):
    claim = one_claim(graph, ILMS, LMSG.VeryGoodPrognosis)
    assert graph.value(claim, LMSG.certainty) == LMSG.Tentative
    assert graph.value(claim, LMSG.condition) == LMSG.NearHaploidGenotype
    less = one_claim(graph, ILMS, LMSG.LessAggressive)
    assert graph.value(less, LMSG.comparator) == LMS


def test_imaging_findings_by_modality_and_sequence(graph):
    mri = {
        (
            graph.value(c, LMSG.imagingSequence),
            graph.value(c, LMSG.feature),
            graph.value(c, LMSG.degree),
            graph.value(c, LMSG.distribution),
        )
        for c in graph.subjects(LMSG.imagingModality, LMSG.MagneticResonanceImaging)
        if (c, RDF.type, LMSG.ImagingClaim) in graph
    }
    assert mri == {
        (None, LMSG.LobulatedContour, None, None),
        (LMSG.T1Weighted, LMSG.Hyperintensity, LMSG.Mild, None),
        (LMSG.T2Weighted, LMSG.Hyperintensity, LMSG.Marked, None),
        (LMSG.DiffusionWeighted, LMSG.RestrictedDiffusion, LMSG.Moderate, None),
        (LMSG.ContrastEnhancedT1, LMSG.ContrastEnhancement, None, LMSG.Diffuse),
    }
    ct = {
        graph.value(c, LMSG.feature)
        for c in graph.subjects(LMSG.imagingModality, LMSG.ComputedTomography)
        if (c, RDF.type, LMSG.ImagingClaim) in graph
    }
    assert ct == {LMSG.WellCircumscribedMargin, LMSG.ContrastEnhancement}
    for c in graph.subjects(RDF.type, LMSG.ImagingClaim):
        assert graph.value(c, LMSG.evidenceBasis) == LMSG.SingleCaseReport
        assert (c, LMSG.citedPublication, HEAD_NECK_CASE_REPORT) in graph


def test_radiology_report_elements(graph):
    report = [c for c in graph.subjects(LMSG.aboutEntity, ILMS) if (c, RDF.type, LMSG.RadiologyReportClaim) in graph]
    assert {graph.value(c, LMSG.feature) for c in report} == {
        LMSG.ReportForm,
        LMSG.ReportLocation,
        LMSG.ReportSize,
        LMSG.ReportMargins,
        LMSG.RelationToOrgansAndViscera,
        LMSG.RelationToFasciaeAndMuscles,
        LMSG.RelationToNervesAndVessels,
    }
    # "in soft tissues" restricts the fasciae item, so it yields no plain edge; the others do.
    assert set(graph.objects(ILMS, LMSG.reportShouldDescribe)) == {
        LMSG.ReportForm,
        LMSG.ReportLocation,
        LMSG.ReportSize,
        LMSG.ReportMargins,
        LMSG.RelationToOrgansAndViscera,
        LMSG.RelationToNervesAndVessels,
    }


def test_hierarchy(graph):
    for variant in (
        ILMS,
        LMSG.EpithelioidLeiomyosarcoma,
        LMSG.MyxoidLeiomyosarcoma,
        LMSG.GranularCellLeiomyosarcoma,
        HEPATIC,
        CONVENTIONAL,
    ):
        assert (variant, RDFS.subClassOf, LMS) in graph
    assert (LMS, RDFS.subClassOf, LMSG.SmoothMuscleTumour) in graph
    assert (EBV_SMT, RDFS.subClassOf, LMSG.SmoothMuscleTumour) in graph
    assert (EBV_SMT, RDFS.subClassOf, LMS) not in graph, "EBV-SMT is its own entity, not a leiomyosarcoma variant"
    assert (EBV_SMT, LMSG.describedAsFormOf, LMS) in graph


def test_hepatic_leiomyosarcoma_has_a_logical_definition(graph):
    (definition,) = graph.objects(HEPATIC, OWL.equivalentClass)
    members = list(graph.items(graph.value(definition, OWL.intersectionOf)))
    assert LMS in members
    (restriction,) = [m for m in members if isinstance(m, BNode)]
    assert graph.value(restriction, OWL.onProperty) == OBO.RO_0004026
    assert graph.value(restriction, OWL.someValuesFrom) == LMSG.Liver


def test_case_records(graph):
    cases = instances(graph, LMSG.TumourCase)
    head_neck = LMSG["case-inflammatory-leiomyosarcoma-head-neck-2021"]
    assert head_neck in cases
    assert graph.value(head_neck, LMSG.diagnosis) == ILMS
    assert graph.value(head_neck, LMSG.caseSite) == LMSG.HeadAndNeck
    assert len(list(graph.objects(head_neck, LMSG.hasObservation))) == 7
    for case in cases:
        assert graph.value(case, LMSG.synthetic) == Literal(False)
        assert graph.value(case, LMSG.describedIn) is not None


# --- the corrections of the audit -------------------------------------------------------

SOURCES = Path(__file__).resolve().parents[2] / "shared" / "sources"
NUMBERED_WORKS = {1: WHO5, 5: HEAD_NECK_CASE_REPORT}


def printed_numbers(markers) -> set[int]:
    """``1,4-6`` -> {1, 4, 5, 6}."""
    found = set()
    for part in str(markers).split(","):
        low, _, high = part.partition("-")
        found.update(range(int(low), int(high or low) + 1))
    return found


def test_almost_always_qualifies_the_metastatic_nature_of_liver_involvement(graph):
    site = one_claim(graph, CONVENTIONAL, LMSG.Liver)
    assert graph.value(site, LMSG.lesionRole) == LMSG.MetastaticLesion and graph.value(site, LMSG.frequency) is None
    metastatic = one_claim(graph, CONVENTIONAL, LMSG.Metastasis)
    assert graph.value(metastatic, LMSG.frequency) == LMSG.AlmostAlways
    assert graph.value(metastatic, LMSG.condition) == LMSG.Liver
    rows = lmsgraph.connect().entities_at_site("liver")
    conventional = [r for r in rows if r["entity"] == "lmsg:ConventionalLeiomyosarcoma"]
    assert [(r["frequency"], r["role"]) for r in conventional] == [(None, "metastatic lesion")]
    assert "lesion role: metastatic lesion" in str(conventional[0]["qualifiers"])


def test_hedges_and_restrictions_are_data(graph):
    assert graph.value(one_claim(graph, ILMS, LMSG.Adolescents), LMSG.certainty) == LMSG.Reported
    pathogenesis = one_claim(graph, ILMS, LMSG.NearHaploidGenotype, relation=LMSG.hasPathogeneticFeature)
    assert graph.value(pathogenesis, LMSG.certainty) == LMSG.Considered
    assert (
        graph.value(one_claim(graph, ILMS, LMSG.NearHaploidGenotype, relation=LMSG.hasGeneticFeature), RDFS.comment)
        is None
    ), "the hedge is a claim of its own, not a comment"
    multifocal = one_claim(graph, EBV_SMT, LMSG.Multifocality)
    assert graph.value(multifocal, LMSG.doesNotNecessarilyIndicate) == LMSG.Metastasis
    for infiltrate in (LMSG.LymphoidInfiltrate, LMSG.HistiocyticXanthomatousInfiltrate):
        assert graph.value(one_claim(graph, ILMS, infiltrate), LMSG.variability) == LMSG.VariableComposition
    mass = one_claim(graph, ILMS, LMSG.GrowingDeepSoftTissueMass)
    assert graph.value(mass, LMSG.variability) == LMSG.InconstantDuration
    assert graph.value(one_claim(graph, ILMS, LMSG.RelationToFasciaeAndMuscles), LMSG.condition) == LMSG.SoftTissue


def test_no_frequency_where_the_source_gives_none(graph):
    for claim in graph.subjects(RDF.type, LMSG.ImagingClaim):
        assert graph.value(claim, LMSG.frequency) is None, "one case report gives no frequency"
    for group in graph.subjects(LMSG.groupKind, LMSG.Alternatives):
        for claim in graph.subjects(LMSG.inGroup, group):
            assert graph.value(claim, LMSG.frequency) in (None, LMSG.Characteristic), claim
    for feature in (LMSG.UnknownEtiology, LMSG.Malignant, LMSG.VeryRare, LMSG.MalePredilection):
        for claim in claims(graph, ILMS, feature):
            assert graph.value(claim, LMSG.frequency) is None, claim
    assert not set(graph.subjects(LMSG.frequency, LMSG.Possible)) & set(
        graph.subjects(RDF.type, LMSG.ClinicalSettingClaim)
    )


def test_reference_markers_link_the_same_work_wherever_they_are_printed(graph):
    refs = {r: graph.value(r, LMSG.refersTo) for r in graph.subjects(RDF.type, LMSG.NumberedReference)}
    assert {graph.value(r, LMSG.referenceNumber).toPython(): w for r, w in refs.items()} == NUMBERED_WORKS
    assert all(graph.value(r, LMSG.inDocument) == RADIOPAEDIA for r in refs)
    checked = 0
    for claim in set(graph.subjects(LMSG.source, RADIOPAEDIA)):
        markers = graph.value(claim, LMSG.sourceReferenceMarkers)
        printed = printed_numbers(markers) if markers is not None else set()
        cited = set(graph.objects(claim, LMSG.citedPublication))
        for number, work in NUMBERED_WORKS.items():
            assert (work in cited) == (number in printed), f"{claim}: marker {number} and {work} disagree"
        if not printed:
            assert not cited, f"{claim} cites {cited} where the source prints no reference"
        checked += 1
    assert checked >= 60


def test_criteria_sets_say_how_their_criteria_combine(graph):
    combined = {
        s: graph.value(s, LMSG.criteriaCombination) for s in graph.subjects(RDF.type, LMSG.DiagnosticCriteriaSet)
    }
    assert combined == {
        LMSG["criteria-inflammatory-leiomyosarcoma-who-5th-edition"]: LMSG.CombinationNotStated,
        LMSG["criteria-ebv-smooth-muscle-tumour-who-digestive-4th-edition"]: LMSG.EachSufficient,
    }


def test_definitions_say_only_what_their_sources_say(graph):
    definition = lambda term: str(graph.value(term, OBO.IAO_0000115))  # noqa: E731
    assert "separate entity" not in definition(EBV_SMT) and "not a variant" not in definition(EBV_SMT)
    for variant in (LMSG.EpithelioidLeiomyosarcoma, LMSG.GranularCellLeiomyosarcoma, LMSG.MyxoidLeiomyosarcoma):
        assert "named for" not in definition(variant)
    assert "immunosuppressive drugs" not in definition(LMSG.ImmuneRestoration)
    assert graph.value(LMSG.Caldesmon, LMSG.markerOfGene) is None, "the CALD1 record is unverified"
    assert Literal("multilocular", lang="en") not in set(graph.objects(LMSG.Multifocality, OBOINOWL.hasExactSynonym))
    terms = subclasses_below_vocabularies(graph)
    assert len(terms) > 90
    missing = sorted(t for t in terms if graph.value(t, LMSG.definitionSource) is None)
    assert not missing, f"vocabulary terms whose definition names no source: {missing}"


def test_every_definition_names_its_source(graph):
    """The curated terms' definitions rest on the source documents; the model's own terms (and
    the terms it takes from SKOS, Dublin Core, IAO, SSSOM, RO) on the lmsgraph knowledge model,
    whose definitions its developers wrote."""
    from conftest import ONTOLOGY
    from rdflib import Graph

    model = LMSG["source-lmsgraph-model"]
    defined = set(graph.subjects(OBO.IAO_0000115, None))
    assert len(defined) > 300
    assert not sorted(t for t in defined if graph.value(t, LMSG.definitionSource) is None)
    assert (model, RDF.type, LMSG.ProjectDocument) in graph and graph.value(model, DCTERMS.title) is not None
    schema = Graph().parse(ONTOLOGY / "schema.ttl")
    own = set(schema.subjects(OBO.IAO_0000115, None))
    assert {graph.value(t, LMSG.definitionSource) for t in own} == {model}
    curated = defined - own - {OBO.RO_0004026}
    assert model not in {s for t in curated for s in graph.objects(t, LMSG.definitionSource)}


def subclasses_below_vocabularies(graph):
    from lmsgraph.stats import subclasses

    vocabularies = set(graph.subjects(RDFS.subClassOf, LMSG.Feature))
    return subclasses(graph, LMSG.Feature) - vocabularies


def test_records_say_nothing_unverified_about_each_other(graph):
    for s, _p, o in graph.triples((None, RDFS.comment, None)):
        if "same patient" in str(o):
            assert "not been verified" in str(o), s


WORD = re.compile(r"[a-z0-9]+")
BIBLIOGRAPHIC = {DCTERMS.title, LMSG.authors, LMSG.journal, LMSG.pages, LMSG.volume, LMSG.issue, LMSG.publisher}


@pytest.mark.skipif(
    not SOURCES.is_dir(), reason="the source documents are kept in ../shared/sources, which is not beside this checkout"
)
def test_no_literal_copies_eight_words_of_a_source(graph):
    grams = set()
    for path in sorted(SOURCES.glob("*.txt")):
        words = WORD.findall(path.read_text(encoding="utf-8").lower())
        grams |= {tuple(words[i : i + 8]) for i in range(len(words) - 7)}
    assert len(grams) > 500
    copied = []
    citations = instances(graph, LMSG.Citation)
    for s, p, o in graph:
        if not isinstance(o, Literal) or p == LMSG.qualifierWording or p in BIBLIOGRAPHIC:
            continue
        if p == RDFS.label and s in citations:  # a record's label is its short reference
            continue
        words = WORD.findall(str(o).lower())
        if any(tuple(words[i : i + 8]) in grams for i in range(len(words) - 7)):
            copied.append(f"{s} {p}: {o}")
    assert not copied, "rewrite in our own words:\n" + "\n".join(copied)
