"""The SSSOM table: well formed, only verified identifiers, exact only where exact, errors that say where."""

from __future__ import annotations

import csv

import pytest
from conftest import ONTOLOGY, from_reference_table
from rdflib import OWL, SKOS, URIRef

from lmsgraph.errors import DataError
from lmsgraph.namespaces import LMSG, SSSOM
from lmsgraph.sssom import read_sssom

TABLE = ONTOLOGY / "mappings.sssom.tsv"
GOOD_HEADER = (
    "# curie_map:\n#   lmsg: https://w3id.org/lmsgraph/\n#   NCIT: http://purl.obolibrary.org/obo/NCIT_\n"
    "#   semapv: https://w3id.org/semapv/vocab/\n#   skos: http://www.w3.org/2004/02/skos/core#\n"
    "# mapping_set_id: https://example.org/m.sssom.tsv\n# license: https://creativecommons.org/licenses/by/4.0/\n"
    "subject_id\tsubject_label\tpredicate_id\tobject_id\tmapping_justification\tauthor_label\tmapping_date\n"
)


def test_table_parses_and_every_entity_is_mapped(graph):
    mset = read_sssom(TABLE)
    assert len(mset.mappings) >= 70
    mapped = {m.subject_id for m in mset.mappings}
    for entity in (
        "Leiomyosarcoma",
        "InflammatoryLeiomyosarcoma",
        "EpithelioidLeiomyosarcoma",
        "MyxoidLeiomyosarcoma",
        "GranularCellLeiomyosarcoma",
        "HepaticLeiomyosarcoma",
        "EBVAssociatedSmoothMuscleTumour",
        "SmoothMuscleTumour",
        "ConventionalLeiomyosarcoma",
    ):
        assert f"lmsg:{entity}" in mapped, f"lmsg:{entity} has no mapping"


def test_rows_match_the_reference_table_status():
    with open(ONTOLOGY / "provenance" / "reference-identifiers.tsv", encoding="utf-8") as handle:
        reference = {}
        for row in csv.DictReader(handle, delimiter="\t"):
            reference.setdefault(from_reference_table(row["curie"]), []).append(row)
    problems = []
    for m in read_sssom(TABLE).mappings:
        rows = reference.get(m.object_id)
        if not rows:
            problems.append(f"line {m.line}: {m.object_id} is not in the reference table")
            continue
        if m.extensions["identifier_status"] not in {r["status"] for r in rows}:
            problems.append(f"line {m.line}: status {m.extensions['identifier_status']!r} differs from the table")
        if any(r["status"].startswith("unverified") for r in rows):
            problems.append(f"line {m.line}: {m.object_id} is unverified and must not be used")
        if m.predicate_id == "skos:exactMatch" and not m.extensions["identifier_status"].startswith("verified"):
            problems.append(f"line {m.line}: exact match to a {m.extensions['identifier_status']!r} identifier")
    assert not problems, "\n".join(problems)


def test_ebv_smooth_muscle_tumour_has_no_exact_mapping():
    rows = [m for m in read_sssom(TABLE).mappings if m.subject_id == "lmsg:EBVAssociatedSmoothMuscleTumour"]
    assert rows
    assert all(m.predicate_id != "skos:exactMatch" for m in rows)


def test_every_row_gives_the_reason_for_its_predicate_and_no_placeholder_label():
    for m in read_sssom(TABLE).mappings:
        assert (m.comment or "").strip(), f"line {m.line}: say why {m.predicate_id} (comment column)"
        assert m.object_label is None or not m.object_label.startswith("("), f"line {m.line}: placeholder label"


@pytest.mark.parametrize(
    "subject,obj,predicate,reason",
    [
        ("lmsg:HepaticLeiomyosarcoma", "NCIT:C5756", "skos:closeMatch", "arising from"),
        ("lmsg:HepaticLeiomyosarcoma", "MONDO:0003378", "skos:closeMatch", "logical definition"),
        ("lmsg:ConventionalLeiomyosarcoma", "NCIT:C9428", "skos:closeMatch", "EBV-associated smooth muscle tumours"),
        ("lmsg:ConventionalLeiomyosarcoma", "MONDO:0003348", "skos:closeMatch", "EBV-associated smooth muscle tumours"),
        ("lmsg:ConventionalLeiomyosarcoma", "DOID:5253", "skos:closeMatch", "EBV-associated smooth muscle tumours"),
        ("lmsg:Leiomyosarcoma", "ONCOTREE:LMS", "skos:narrowMatch", "soft tissue"),
        ("lmsg:Histiocytes", "NCIT:C12563", "skos:exactMatch", "Histiocyte"),
        ("lmsg:Histiocytes", "CL:0000864", "skos:closeMatch", "tissue-resident macrophage"),
        ("lmsg:HeadAndNeck", "NCIT:C12418", "skos:exactMatch", "same region"),
        ("lmsg:HeadAndNeck", "UBERON:0007811", "skos:closeMatch", "related synonym"),
    ],
)
def test_re_examined_mappings_carry_their_predicate_and_reason(subject, obj, predicate, reason):
    [m] = [m for m in read_sssom(TABLE).mappings if (m.subject_id, m.object_id) == (subject, obj)]
    assert m.predicate_id == predicate and reason in m.comment


def test_at_most_one_exact_mapping_per_external_ontology():
    seen = {}
    for m in read_sssom(TABLE).mappings:
        if m.predicate_id == "skos:exactMatch":
            key = (m.subject_id, m.object_id.split(":")[0])
            assert key not in seen, f"line {m.line}: second exact {key[1]} mapping of {key[0]} (first at {seen[key]})"
            seen[key] = m.line


def test_mappings_are_in_the_graph_with_their_metadata(graph):
    ncit = URIRef("http://purl.obolibrary.org/obo/NCIT_C27495")
    assert (LMSG.InflammatoryLeiomyosarcoma, SKOS.exactMatch, ncit) in graph
    axioms = [
        a
        for a in graph.subjects(OWL.annotatedTarget, ncit)
        if graph.value(a, OWL.annotatedSource) == LMSG.InflammatoryLeiomyosarcoma
    ]
    assert len(axioms) == 1
    assert graph.value(axioms[0], SSSOM.mapping_justification) is not None
    assert str(graph.value(axioms[0], LMSG.identifierStatus)) == "verified"
    plausible = URIRef("http://purl.obolibrary.org/obo/mondo/mappings/unknown_prefix/ICDO/8890/3")
    statuses = {
        str(graph.value(a, LMSG.identifierStatus))
        for a in graph.subjects(OWL.annotatedTarget, plausible)
        if graph.value(a, OWL.annotatedSource) == LMSG.InflammatoryLeiomyosarcoma
    }
    assert statuses == {"plausible (secondary source only)"}


@pytest.mark.parametrize(
    "body,line,field,fragment",
    [
        (
            "lmsg:A\ta\tskos:sameAs\tNCIT:C1\tsemapv:ManualMappingCuration\tme\t2026-01-01\n",
            9,
            "predicate_id",
            "predicate",
        ),
        (
            "lmsg:A\ta\tskos:exactMatch\tFOO:1\tsemapv:ManualMappingCuration\tme\t2026-01-01\n",
            9,
            "object_id",
            "curie_map",
        ),
        (
            "lmsg:A\ta\tskos:exactMatch\tNCIT:C1\tsemapv:ManualMappingCuration\tme\t21/11/2026\n",
            9,
            "mapping_date",
            "ISO date",
        ),
        ("lmsg:A\ta\tskos:exactMatch\tNCIT:C1\n", 9, None, "cells"),
    ],
    ids=["bad-predicate", "unknown-prefix", "bad-date", "short-row"],
)
def test_bad_rows_are_reported_with_line_and_field(tmp_path, body, line, field, fragment):
    path = tmp_path / "bad.sssom.tsv"
    path.write_text(GOOD_HEADER + body)
    with pytest.raises(DataError) as info:
        read_sssom(path)
    assert info.value.line == line
    assert info.value.field == field
    assert fragment in str(info.value)
    assert str(path) in str(info.value)


def test_missing_column_is_reported(tmp_path):
    path = tmp_path / "bad.sssom.tsv"
    path.write_text(GOOD_HEADER.replace("\tmapping_date", ""))
    with pytest.raises(DataError, match="missing column 'mapping_date'"):
        read_sssom(path)
