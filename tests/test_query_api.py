"""Entity resolution, the Python API's typed rows and evidence, and the direct Oxigraph loader."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pyoxigraph
import pytest
from rdflib import XSD, Graph, Literal
from rdflib.compare import isomorphic

import lmsgraph
from lmsgraph.api import Resource, Table
from lmsgraph.errors import DataError, UnknownNameError, UsageError, WrongKindError
from lmsgraph.store import bundled_store


@pytest.fixture(scope="module")
def kg():
    return lmsgraph.connect()


@pytest.mark.parametrize(
    "name, expected",
    [
        ("inflammatory leiomyosarcoma", "lmsg:InflammatoryLeiomyosarcoma"),  # label
        ("Inflammatory  LMS", "lmsg:InflammatoryLeiomyosarcoma"),  # synonym, case and spaces
        ("lmsg:MyxoidLeiomyosarcoma", "lmsg:MyxoidLeiomyosarcoma"),  # CURIE
        ("https://w3id.org/lmsgraph/HepaticLeiomyosarcoma", "lmsg:HepaticLeiomyosarcoma"),  # IRI
        ("<https://w3id.org/lmsgraph/HepaticLeiomyosarcoma>", "lmsg:HepaticLeiomyosarcoma"),
        ("NCIT:C3158", "lmsg:Leiomyosarcoma"),  # NCIt
        ("ncit:c27495", "lmsg:InflammatoryLeiomyosarcoma"),
        ("MONDO:0003356", "lmsg:EpithelioidLeiomyosarcoma"),  # Mondo
        ("DOID:5258", "lmsg:GranularCellLeiomyosarcoma"),  # DOID
        ("UMLS:C1333969", "lmsg:HepaticLeiomyosarcoma"),  # UMLS
        ("ICD-O:8896/3", "lmsg:MyxoidLeiomyosarcoma"),  # ICD-O-3
        ("http://purl.obolibrary.org/obo/MONDO_0005058", "lmsg:Leiomyosarcoma"),  # an external IRI
    ],
)
def test_names_resolve_to_entities(kg, name, expected):
    assert [m.curie for m in kg.resolve(name, entities_only=True)] == [expected]


def test_an_external_code_may_name_several_entities(kg):
    matches = kg.resolve("ICDO:8890/3")
    assert [(m.curie, m.predicate) for m in matches] == [
        ("lmsg:Leiomyosarcoma", "skos:exactMatch"),
        ("lmsg:InflammatoryLeiomyosarcoma", "skos:broadMatch"),
    ]
    with pytest.raises(DataError, match="names several terms"):
        kg.query("markers-of-entity", entity="ICDO:8890/3")


def test_unknown_names_suggest_the_closest(kg):
    with pytest.raises(UnknownNameError, match="did you mean 'inflammatory leiomyosarcoma'"):
        kg.resolve("inflamatory leiomyosarcoma")
    with pytest.raises(UnknownNameError, match="did you mean 'lmsg:Desmin'"):
        kg.resolve("lmsg:Desmn")
    with pytest.raises(UnknownNameError, match="no term of the graph is mapped to NCIT:C0000000"):
        kg.resolve("NCIT:C0000000")
    with pytest.raises(
        WrongKindError,
        match=r"names lmsg:Desmin \(desmin, immunohistochemical marker\), not a disease entity; "
        r"did you mean one of these \(disease entity names closest to it\): '",
    ):
        kg.resolve("desmin", entities_only=True)


def test_a_parameter_of_the_wrong_kind_is_an_error_not_an_empty_answer(kg):
    with pytest.raises(WrongKindError, match="names lmsg:Desmin .*not a disease entity") as caught:
        kg.query("markers-of-entity", entity="desmin")
    assert caught.value.field == "entity"
    with pytest.raises(WrongKindError, match="not a marker; did you mean one of these"):
        kg.query("entities-by-marker", marker="inflammatory leiomyosarcoma", polarity="present")
    with pytest.raises(UnknownNameError, match="unknown name: no polarity has it; did you mean .*'absent'"):
        kg.query("entities-by-marker", marker="desmin", polarity="absnt")
    with pytest.raises(WrongKindError, match="not an anatomic site"):
        kg.entities_at_site("desmin")


def test_polarity_takes_positive_and_negative_as_well_as_present_and_absent(kg):
    for absent in ("absent", "negative", "lmsg:Absent", "Negative"):
        rows = kg.entities_with_marker("desmin", absent)
        assert [(r["entityLabel"], r["frequency"]) for r in rows] == [
            ("EBV-associated smooth muscle tumour", "usually")
        ]
    positive = {r["entityLabel"] for r in kg.entities_with_marker("desmin", "positive")}
    assert positive == {r["entityLabel"] for r in kg.entities_with_marker("desmin", "present")}
    assert positive == {"inflammatory leiomyosarcoma"}


def test_the_sources_own_names_resolve(kg):
    assert [m.curie for m in kg.resolve("EBV-associated leiomyosarcoma")] == ["lmsg:EBVAssociatedSmoothMuscleTumour"]
    assert kg.resolve("EBV-associated leiomyosarcoma")[0].how == "related synonym"
    assert [m.curie for m in kg.resolve("h-caldesmon", kind="marker")] == ["lmsg:Caldesmon"]


def test_rows_are_typed_and_carry_labels_and_evidence(kg):
    rows = kg.markers("EBV-SMT")
    desmin = next(r for r in rows if r["marker"] == "lmsg:Desmin")
    assert isinstance(desmin["marker"], Resource) and desmin["marker"].label == "desmin"
    assert desmin["marker"].iri == "https://w3id.org/lmsgraph/Desmin"
    assert desmin["polarity"] == "absent" and desmin["frequency"] == "usually"
    # The evidence travels with the answer: the source document, and every publication it cites.
    assert desmin["source"].label.startswith("WHO Classification of Tumours online")
    assert "cites WHO Classification of Tumours of the Digestive System, 4th edition (2010)" in str(desmin["evidence"])
    assert (
        str(desmin["qualifiers"])
        == 'polarity: absent; frequency: usually; certainty: stated; wording: "usually not for desmin"'
    )
    assert desmin["evidence"].as_json()["cited_publications"][0]["isbn"] == "978-92-832-2432-7"
    epi = kg.epidemiology("inflammatory leiomyosarcoma")
    assert any(isinstance(v, (int, Decimal)) and not isinstance(v, bool) for r in epi for v in r.values())
    assert isinstance(rows, Table) and rows.variables[0] == "entity"


def test_convenience_methods_answer_the_main_questions(kg):
    assert {r["entityLabel"] for r in kg.entities_with_marker("desmin", "absent")} == {
        "EBV-associated smooth muscle tumour"
    }
    assert kg.sites("hepatic leiomyosarcoma") and kg.genetics("inflammatory leiomyosarcoma")
    assert {r["kind"] for r in kg.findings("inflammatory leiomyosarcoma")} == {"gross", "microscopic", "imaging"}
    assert kg.codes("leiomyosarcoma") and kg.similar("EBV-SMT") and kg.citations("EBV-SMT")
    assert [r["mimicLabel"] for r in kg.differential("inflammatory leiomyosarcoma")] == [
        "benign and malignant soft tissue tumours of the deep soft tissue and retroperitoneum"
    ]
    assert "lmsg:InflammatoryLeiomyosarcoma" in {r["subtype"] for r in kg.subtypes("leiomyosarcoma")}
    with pytest.raises(UsageError, match="finding kind"):
        kg.findings("leiomyosarcoma", kind="smell")


def test_entity_profile_numbers_its_citations(kg):
    [profile] = kg.entity("EBV-associated smooth muscle tumour")
    text = profile.to_text()
    numbers = profile.numbers()
    entry, book = (
        numbers[f"https://w3id.org/lmsgraph/{n}"]
        for n in ("source-who-liver-leiomyosarcoma-nos", "book-who-digestive-system-4th-edition")
    )
    assert (
        f"    has marker desmin [{entry}, {book}]\n"
        '        polarity: absent; frequency: usually; certainty: stated; wording: "usually not for desmin"\n'
        f'        evidence: source [{entry}]; at "hepatic leiomyosarcoma: histology"; cites [{book}]; '
        "claim lmsg:claim-ebv-smt-ihc-desmin-negative\n"
    ) in text
    assert (
        f"    [{book}] Bosman FT, Carneiro F, Hruban RH, Theise ND (eds). WHO Classification of Tumours of the Digestive System."
        in text
    )
    assert "PMID 8620427" in text and "relatedMatch  NCIT:C27689" in text
    assert profile.as_dict()["label"] == "EBV-associated smooth muscle tumour"
    assert len(kg.entity("ICD-O:8890/3")) == 2


def test_any_sparql_and_literal_values(kg):
    rows = kg.sparql("PREFIX lmsg: <https://w3id.org/lmsgraph/> SELECT ?d WHERE { ?m lmsg:mappingDate ?d } LIMIT 1")
    assert isinstance(rows, Table)
    dated = kg.sparql(
        'SELECT ("2021-03-04"^^<http://www.w3.org/2001/XMLSchema#date> AS ?d) (1.50 AS ?x) (true AS ?b) WHERE {}'
    )
    assert dated[0] == {"d": date(2021, 3, 4), "x": Decimal("1.5"), "b": True}


def test_unknown_query_and_parameters(kg):
    with pytest.raises(
        UsageError, match="no canned query is called 'markers-of-entiy'; did you mean markers-of-entity"
    ):
        kg.query("markers-of-entiy", entity="leiomyosarcoma")
    with pytest.raises(UsageError, match="could be any of"):
        kg.query("entities", marker="desmin")
    with pytest.raises(UsageError, match="missing parameter --entity"):
        kg.query("markers")
    with pytest.raises(UsageError, match="unknown parameter"):
        kg.query("markers", entity="leiomyosarcoma", colour="red")


def _canonical(graph: Graph) -> Graph:
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.decimal:  # 3.0 and 3 are one xsd:decimal
            o = Literal(format(Decimal(str(o)).normalize(), "f"), datatype=XSD.decimal)
        out.add((s, p, o))
    return out


def test_direct_oxigraph_loader_holds_the_same_graph(graph):
    store = bundled_store()
    dumped = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    loaded = Graph().parse(data=dumped, format="nt")
    assert len(loaded) == len(graph)
    assert isomorphic(_canonical(loaded), _canonical(graph))


def test_tables_render_in_every_format(kg):
    import csv
    import io
    import json

    rows = kg.query("entities-by-external-code", code="ICDO:8890/3")
    assert json.loads(rows.render("json"))["rows"][0]["code"] == "ICDO:8890/3"
    parsed = list(csv.DictReader(io.StringIO(rows.render("csv"))))
    assert [r["termLabel"] for r in parsed] == [r["termLabel"] for r in rows]
    assert rows.render("tsv").splitlines()[0].split("\t") == rows.variables
    assert rows.render("table").rstrip().endswith("(2 rows)")


def test_repeated_calls_answer_for_their_own_parameters():
    kg = lmsgraph.connect()
    first = kg.query("markers-of-entity", entity="lmsg:InflammatoryLeiomyosarcoma")
    other = kg.query("markers-of-entity", entity="lmsg:EBVAssociatedSmoothMuscleTumour")
    again = kg.query("markers-of-entity", entity="lmsg:InflammatoryLeiomyosarcoma")
    assert {r["entity"] for r in first} == {"lmsg:InflammatoryLeiomyosarcoma"}
    assert {r["entity"] for r in other} == {"lmsg:EBVAssociatedSmoothMuscleTumour"}
    assert again == first and again[0]["marker"].label == first[0]["marker"].label
    for _ in range(2):  # a name that does not resolve is refused every time, not remembered
        with pytest.raises(UnknownNameError):
            kg.query("markers-of-entity", entity="no such tumour")


def test_the_name_index_holds_terms_not_case_records():
    """Case records beside the graph do not enter the name index, so the first lookup costs the
    same with none or a million of them (bench/queries.py times it)."""
    import pyoxigraph

    from lmsgraph.store import bundled_store
    from lmsgraph.synthetic import synthetic_ntriples

    bare = lmsgraph.connect("oxigraph", store=bundled_store())
    store = bundled_store()
    store.bulk_load("\n".join(synthetic_ntriples(500, seed=3)).encode(), format=pyoxigraph.RdfFormat.N_TRIPLES)
    with_cases = lmsgraph.connect("oxigraph", store=store)
    assert with_cases.resolver._load() == bare.resolver._load()
    assert not any(name.startswith("synthetic case") for name in with_cases.resolver._load())
    assert with_cases.resolve("inflammatory LMS")[0].iri.endswith("InflammatoryLeiomyosarcoma")
