"""Synthetic tumour case records for benchmarks and tests.

Every record says it is synthetic (``lmsg:synthetic true``, a label starting with
"synthetic case", IRIs under ``https://w3id.org/lmsgraph/synthetic/``). They describe
no patient. Values are drawn with a seeded generator from lmsgraph's own vocabularies,
so the same arguments always give the same bytes.

A fraction of records can carry one deliberate error each (``error_rate``), drawn from
:data:`ERROR_KINDS`, so that validation has something to find.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from lmsgraph.errors import UsageError
from lmsgraph.prefixes import LMSG_NS

SYNTHETIC_NS = LMSG_NS + "synthetic/"
_L = LMSG_NS
_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

DIAGNOSES = (
    "Leiomyosarcoma",
    "ConventionalLeiomyosarcoma",
    "InflammatoryLeiomyosarcoma",
    "EpithelioidLeiomyosarcoma",
    "MyxoidLeiomyosarcoma",
    "GranularCellLeiomyosarcoma",
    "HepaticLeiomyosarcoma",
    "EBVAssociatedSmoothMuscleTumour",
)
SITES = ("Liver", "Retroperitoneum", "HeadAndNeck", "LowerLimb", "Trunk", "DeepSoftTissue", "Allograft")
SEXES = ("Female", "Male", "UnknownSex")
MARKERS = ("Desmin", "Caldesmon", "SmoothMuscleActin", "NuclearEBER")
RESULTS = ("Positive", "Negative", "Equivocal")
SETTINGS = ("HeartTransplantation", "LiverTransplantation", "HIVInfection", "AIDS")
FINDINGS = (
    ("Hyperintensity", "MagneticResonanceImaging", "T2Weighted", "Marked"),
    ("Hyperintensity", "MagneticResonanceImaging", "T1Weighted", "Mild"),
    ("RestrictedDiffusion", "MagneticResonanceImaging", "DiffusionWeighted", "Moderate"),
    ("ContrastEnhancement", "ComputedTomography", None, None),
    ("WellCircumscribedMargin", "ComputedTomography", None, None),
    ("LobulatedContour", "MagneticResonanceImaging", None, None),
    ("Multifocality", None, None, None),
    ("LymphoplasmacyticInfiltrate", None, None, None),
    ("NuclearAtypia", None, None, None),
    ("MitoticActivity", None, None, None),
)

ERROR_KINDS = (
    "age-out-of-range",
    "size-without-unit",
    "unknown-site",
    "unknown-finding",
    "contradictory-marker",
    "future-date",
    "bad-sex",
    "missing-diagnosis",
)


def _iri(local: str) -> str:
    return f"<{_L}{local}>"


def _lit(value: object, datatype: str) -> str:
    return f'"{value}"^^<{_XSD}{datatype}>'


def case_triples(index: int, rng: random.Random, error: str | None = None) -> Iterator[str]:
    """The N-Triples lines of synthetic case number ``index``."""
    case = f"<{SYNTHETIC_NS}case-{index:06d}>"
    yield f"{case} <{_RDF_TYPE}> {_iri('TumourCase')} ."
    yield f'{case} <{_RDFS_LABEL}> "synthetic case {index}"@en .'
    yield f"{case} {_iri('synthetic')} {_lit('true', 'boolean')} ."
    diagnosis = rng.choice(DIAGNOSES)
    if error != "missing-diagnosis":
        yield f"{case} {_iri('diagnosis')} {_iri(diagnosis)} ."
    age = 151 if error == "age-out-of-range" else rng.randint(18, 90)
    yield f"{case} {_iri('ageYears')} {_lit(age, 'integer')} ."
    sex = "Unspecified" if error == "bad-sex" else rng.choice(SEXES)
    yield f"{case} {_iri('sex')} {_iri(sex)} ."
    site = (
        "Lung" if error == "unknown-site" else ("Liver" if diagnosis == "HepaticLeiomyosarcoma" else rng.choice(SITES))
    )
    yield f"{case} {_iri('caseSite')} {_iri(site)} ."
    size = f"{rng.randint(10, 250) / 10:.1f}"
    yield f"{case} {_iri('largestDimension')} {_lit(size, 'decimal')} ."
    if error != "size-without-unit":
        yield f"{case} {_iri('unit')} {_iri('Centimetre')} ."
    year = 2100 if error == "future-date" else rng.randint(2000, 2024)
    yield f"{case} {_iri('diagnosisDate')} {_lit(f'{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}', 'date')} ."
    if diagnosis == "EBVAssociatedSmoothMuscleTumour":
        yield f"{case} {_iri('ebvStatus')} {_iri('Positive')} ."
        yield f"{case} {_iri('caseSetting')} {_iri(rng.choice(SETTINGS))} ."
    for n, (feature, modality, sequence, degree) in enumerate(rng.sample(FINDINGS, rng.randint(1, 3)), 1):
        obs = f"<{SYNTHETIC_NS}case-{index:06d}-observation-{n}>"
        yield f"{case} {_iri('hasObservation')} {obs} ."
        yield f"{obs} <{_RDF_TYPE}> {_iri('CaseObservation')} ."
        if error == "unknown-finding" and n == 1:
            feature = "GlowingSurface"
        yield f"{obs} {_iri('feature')} {_iri(feature)} ."
        yield f"{obs} {_iri('polarity')} {_iri('Present' if rng.random() < 0.8 else 'Absent')} ."
        if modality:
            yield f"{obs} {_iri('imagingModality')} {_iri(modality)} ."
        if sequence:
            yield f"{obs} {_iri('imagingSequence')} {_iri(sequence)} ."
        if degree:
            yield f"{obs} {_iri('degree')} {_iri(degree)} ."
    markers = rng.sample(MARKERS, rng.randint(1, 3))
    results = [(m, rng.choice(RESULTS[:2])) for m in markers]
    if error == "contradictory-marker":
        marker, result = results[0]
        results.append((marker, "Negative" if result == "Positive" else "Positive"))
    for n, (marker, result) in enumerate(results, 1):
        res = f"<{SYNTHETIC_NS}case-{index:06d}-marker-{n}>"
        yield f"{case} {_iri('hasMarkerResult')} {res} ."
        yield f"{res} <{_RDF_TYPE}> {_iri('MarkerResult')} ."
        yield f"{res} {_iri('marker')} {_iri(marker)} ."
        yield f"{res} {_iri('result')} {_iri(result)} ."


def synthetic_ntriples(count: int, *, seed: int = 0, error_rate: float = 0.0) -> Iterator[str]:
    """N-Triples lines of ``count`` synthetic cases; deterministic for a given seed.

    >>> lines = list(synthetic_ntriples(2, seed=1))
    >>> any('"synthetic case 1"@en' in line for line in lines)
    True
    """
    if count < 0:
        raise UsageError(f"count must be zero or more, not {count}")
    if not 0.0 <= error_rate <= 1.0:
        raise UsageError(f"error_rate must be between 0 and 1, not {error_rate}")
    rng = random.Random(seed)
    for index in range(1, count + 1):
        error = rng.choice(ERROR_KINDS) if rng.random() < error_rate else None
        yield from case_triples(index, rng, error)


def synthetic_graph(count: int, *, seed: int = 0, error_rate: float = 0.0):
    """An rdflib Graph of ``count`` synthetic cases."""
    from rdflib import Graph

    graph = Graph()
    graph.parse(data="\n".join(synthetic_ntriples(count, seed=seed, error_rate=error_rate)) + "\n", format="nt")
    return graph
