"""Prefixes held to the Bioregistry, and the mapping table held to sssom-py.

Every prefix lmsgraph writes or reads (its own, the mapping table's curie_map, the shapes') is
the Bioregistry's preferred prefix in its OBO context, with the Bioregistry's expansion, except
the deliberate exceptions listed below with their reasons. The SSSOM table validates with
sssom-py (JSON schema, prefix map completeness, strict CURIE format) and round-trips through
sssom-py's JSON with every standard column kept."""

from __future__ import annotations

import logging

import pytest
from conftest import ONTOLOGY

from lmsgraph.prefixes import converter

TABLE = ONTOLOGY / "mappings.sssom.tsv"

#: Prefixes that differ from the Bioregistry on purpose: what differs ("prefix", "uri", or
#: "unregistered"), and why.
EXCEPTIONS = {
    "lmsg": ({"unregistered"}, "lmsgraph's own namespace"),
    "lmsgsh": ({"unregistered"}, "the namespace of lmsgraph's SHACL shapes"),
    "ICDOT": (
        {"unregistered"},
        "ICD-O-3 topography codes under lmsgraph's namespace: the Bioregistry's icdo expands to a search "
        "page and has no topography IRIs; a prefix with a hyphen (ICDO-T) is not valid SSSOM",
    ),
    "ICDO": (
        {"prefix", "uri"},
        "the IRIs and prefix of Mondo's mapping files, so that lmsgraph's ICD-O mappings join Mondo's "
        "(the Bioregistry's icdo expands to a search page of codes.iarc.fr)",
    ),
    "ONCOTREE": ({"prefix", "uri"}, "the IRIs and prefix of Mondo's mapping files, as for ICDO"),
    "UMLS": (
        {"prefix", "uri"},
        "Mondo's IRIs for UMLS (linkedlifedata.com, in the prefix list of its ROBOT builds) and its "
        "upper-case prefix, so that UMLS mappings join Mondo's",
    ),
    "HGNC": (
        {"prefix"},
        "HGNC writes its identifiers HGNC:2770, and Mondo's prefix list has HGNC; the expansion is the Bioregistry's",
    ),
}


@pytest.fixture(scope="module")
def bioregistry_obo():
    """The Bioregistry's converter in its OBO context (OBO Foundry prefixes first)."""
    bioregistry = pytest.importorskip("bioregistry", reason="needs the bioregistry package (a test dependency)")
    context = bioregistry.get_context("obo")
    return bioregistry.manager.get_converter(
        prefix_priority=context.prefix_priority, uri_prefix_priority=context.uri_prefix_priority
    )


def test_every_prefix_is_the_bioregistrys_or_a_listed_exception(bioregistry_obo):
    problems = []
    for prefix, namespace in sorted(converter().prefix_map.items()):
        standard = bioregistry_obo.standardize_prefix(prefix)
        differs = set()
        if standard is None:
            differs.add("unregistered")
        else:
            if standard != prefix:
                differs.add("prefix")
            if bioregistry_obo.bimap.get(standard) != namespace:
                differs.add("uri")
        expected = EXCEPTIONS.get(prefix, (set(), ""))[0]
        if differs != expected:
            problems.append(
                f"{prefix}: {namespace} differs from the Bioregistry in {sorted(differs) or 'nothing'}, "
                f"listed as {sorted(expected) or 'nothing'} (Bioregistry: {standard} "
                f"{bioregistry_obo.bimap.get(standard) if standard else ''})"
            )
    assert not problems, "\n".join(problems)
    assert set(EXCEPTIONS) <= set(converter().prefix_map), "an exception for a prefix no longer used"


def test_the_curie_map_declares_every_prefix_the_table_uses():
    from lmsgraph.sssom import read_sssom

    table = read_sssom(TABLE)
    used = set()
    for m in table.mappings:
        for value in (m.subject_id, m.predicate_id, m.object_id, m.mapping_justification):
            used.add(value.partition(":")[0])
    header = TABLE.read_text(encoding="utf-8").split("\nsubject_id")[0]
    for line in header.splitlines():
        key, _, value = line.lstrip("# ").partition(": ")
        if key in ("property", "type_hint"):
            used.add(value.partition(":")[0])
    assert "xsd" in used and used <= set(table.curie_map), sorted(used - set(table.curie_map))


@pytest.fixture(scope="module")
def sssom_py():
    return pytest.importorskip("sssom", reason="needs sssom-py (a test dependency)")


def test_the_table_validates_with_sssom_py(sssom_py, caplog):
    from sssom.constants import SchemaValidationType
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    with caplog.at_level(logging.WARNING):
        table = parse_sssom_table(TABLE)
    checks = [
        SchemaValidationType.JsonSchema,
        SchemaValidationType.PrefixMapCompleteness,
        SchemaValidationType.StrictCurieFormat,
    ]
    reports = validate(table, checks, fail_on_error=False)
    assert {check: report.results for check, report in reports.items()} == {check: [] for check in checks}
    # sssom-py's only warnings: it does not keep defined extension slots (SSSOM 1.0, section on
    # extensions; sssom-py issue 583). Any other warning fails here.
    warnings = sorted({r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING})
    assert warnings == [
        "No attr for identifier_source [77 instances]",
        "No attr for identifier_status [77 instances]",
    ]


def test_the_table_round_trips_through_sssom_pys_json(sssom_py, tmp_path):
    from sssom.parsers import parse_sssom_json, parse_sssom_table
    from sssom.writers import write_json, write_table

    json_path = tmp_path / "mappings.json"
    with json_path.open("w", encoding="utf-8") as handle:
        write_json(parse_sssom_table(TABLE), handle)  # the writer condenses the set it is given in place
    table = parse_sssom_table(TABLE)
    back = parse_sssom_json(str(json_path))
    assert len(table.df) == len(back.df) == 77

    def rows(frame):
        return frame.sort_values(["subject_id", "object_id"]).reset_index(drop=True).astype(str)

    before, after = rows(table.df), rows(back.df)
    for column in before.columns:
        # sssom-py writes a value every row shares once, as set metadata (SSSOM's condensation).
        if column in after.columns:
            assert before[column].equals(after[column]), column
        else:
            assert set(before[column]) == {str(back.metadata[column])}, column
    condensed = set(before.columns) - set(after.columns)

    def metadata(frame):
        plain = {}
        for key, value in frame.metadata.items():
            if key in condensed | {"curie_map"}:
                continue
            if key == "extension_definitions":
                value = [
                    {slot: str(getattr(d, slot, None) or d[slot]) for slot in ("slot_name", "property", "type_hint")}
                    for d in value
                ]
            plain[key] = value
        return plain

    assert metadata(back) == metadata(table) and len(metadata(table)["extension_definitions"]) == 2
    # sssom-py adds the prefixes SSSOM builds in (dcterms, pav, prov...); none of ours changes.
    assert table.converter.prefix_map.items() <= back.converter.prefix_map.items()
    tsv_path = tmp_path / "again.sssom.tsv"
    with tsv_path.open("w", encoding="utf-8") as handle:
        write_table(back, handle)
    assert len(parse_sssom_table(tsv_path).df) == 77
