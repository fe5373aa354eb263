"""The project's SHACL conformance cases (``tests/shacl``) through ``validate()``, on every engine.

Each case is one test-manifest file: data, shapes and the expected report, written from the
SHACL specification. An engine passes a case when ``sh:conforms`` and the multiset of results
(focus node, path, value, source shape, constraint component, severity) agree with it. The
compiled engine may decline a case, saying why, and the default engine then runs pyshacl; the
cases it declines are listed here by name, and the cases where pyshacl's answer differs from
the specification in ``lmsgraph.validation.suite.SUITE_KNOWN``. Every other case must give the expected report on every engine.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from lmsgraph.errors import LmsgraphError
from lmsgraph.validation import validate
from lmsgraph.validation.suite import SUITE_KNOWN, load_cases, run_case

SUITE = Path(__file__).parent / "shacl"
CASES = load_cases(SUITE / "manifest.ttl")
ENGINES = ("compiled", "pyshacl", "auto")

# Cases the compiled engine declines, and why; the default engine runs pyshacl for them.
COMPILED_DECLINES = {
    "qualified": "sh:qualifiedValueShape is not compiled",
    "qualified-disjoint": "sh:qualifiedValueShape is not compiled",
    "literal-distinct-forms": 'Oxigraph stores "4" and "04"^^xsd:integer as one term',
    "literal-forms-in": 'sh:in would compare "4.0"^^xsd:decimal in the form Oxigraph stores, "4"',
    "literal-forms-path": 'an alternative path would merge "4" and "4.0"^^xsd:decimal, one term in Oxigraph',
    "language-tag-case": "Oxigraph stores language tags in lower case",
}


def case_id(case) -> str:
    return case.name.split(".ttl")[0]


@pytest.fixture(autouse=True)
def _quiet_rdflib():
    # rdflib logs a traceback for each ill-formed literal, and some cases have them on purpose.
    logger = logging.getLogger("rdflib")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


def test_every_case_file_is_in_the_manifest():
    files = {p.name for p in SUITE.glob("*.ttl")} - {"manifest.ttl"}
    named = {c.name.split("#")[0] for c in CASES}
    assert files == named
    assert len(CASES) == len(files)


def test_the_suite_covers_every_core_constraint_component():
    components = set()
    for case in CASES:
        components.update(key[4] for key in case.results)
    core = {
        "Class",
        "Datatype",
        "NodeKind",
        "MinCount",
        "MaxCount",
        "MinExclusive",
        "MinInclusive",
        "MaxExclusive",
        "MaxInclusive",
        "MinLength",
        "MaxLength",
        "Pattern",
        "LanguageIn",
        "UniqueLang",
        "Equals",
        "Disjoint",
        "LessThan",
        "LessThanOrEquals",
        "Not",
        "And",
        "Or",
        "Xone",
        "Node",
        "QualifiedMinCount",
        "QualifiedMaxCount",
        "Closed",
        "HasValue",
        "In",
    }
    expected = {f"<http://www.w3.org/ns/shacl#{name}ConstraintComponent>" for name in core}
    assert expected <= components, expected - components


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_case(case, engine):
    name = case_id(case)
    outcome = run_case(case, engine)
    if engine == "compiled" and name in COMPILED_DECLINES:
        assert outcome.status == "declined", outcome
        return
    if case.name in SUITE_KNOWN.get(engine, {}):
        # Still different: when pyshacl changes, this case leaves the list.
        assert outcome.status == "wrong", outcome
        return
    assert outcome.status == "pass", f"{outcome.status}: {outcome.detail}"
    if engine == "auto":
        assert outcome.used == ("pyshacl" if name in COMPILED_DECLINES else "compiled")


def test_a_wrong_expectation_is_caught():
    case = next(c for c in CASES if case_id(c) == "less-than")
    one_fewer = Counter(case.results)
    key = next(k for k, n in one_fewer.items() if n == 2)
    one_fewer[key] -= 1
    outcome = run_case(replace(case, results=one_fewer), "compiled")
    assert outcome.status == "wrong" and "unexpected 1x" in outcome.detail
    outcome = run_case(replace(case, conforms=True), "pyshacl")
    assert outcome.status == "wrong" and "conforms False, expected True" in outcome.detail


# -- messages: not part of a case's comparison, since SHACL leaves their wording to the engine --

SHAPES = """
@prefix ex: <http://example.org/lmsg/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:S a sh:NodeShape ; sh:targetNode ex:t1 ;
    sh:property [ sh:path ex:grade ; sh:datatype xsd:string ] ,
                [ sh:path ex:site ; sh:minCount 1 ; sh:message "Un site est requis."@fr, "A site is required."@en ] ;
    sh:sparql [ sh:select "SELECT $this ?value ?message WHERE { $this <http://example.org/lmsg/size> ?value . BIND (CONCAT('size ', STR(?value), ' is odd') AS ?message) }" ] ,
              [ sh:message "stage {?value} of {$this}" ;
                sh:select "SELECT $this ?value WHERE { $this <http://example.org/lmsg/stage> ?value . }" ] .
"""


def _graph():
    from rdflib import Graph

    return Graph().parse(data=SHAPES, format="turtle")


def _write(tmp_path):
    data = tmp_path / "data.ttl"
    data.write_text(
        "<http://example.org/lmsg/t1> <http://example.org/lmsg/grade> 3 ; "
        '<http://example.org/lmsg/size> 5 ; <http://example.org/lmsg/stage> "IV" .\n'
    )
    return data


def test_compiled_messages(tmp_path):
    results = validate(_write(tmp_path), shapes=_graph(), engine="compiled", context=False).results
    by_component = {}
    for r in results:
        by_component.setdefault(r.component.rsplit("#", 1)[-1], []).append(r.message)
    # No sh:message: the component's own wording.
    assert by_component["DatatypeConstraintComponent"] == [
        "Value does not have the required datatype, or is not a valid literal of it."
    ]
    # Several: the English one.
    assert by_component["MinCountConstraintComponent"] == ["A site is required."]
    # A bound ?message wins; {?value} and {$this} are filled in.
    assert sorted(by_component["SPARQLConstraintComponent"]) == [
        "size 5 is odd",
        "stage IV of http://example.org/lmsg/t1",
    ]


def test_every_engine_gives_a_message(tmp_path):
    for engine in ("compiled", "pyshacl"):
        results = validate(_write(tmp_path), shapes=_graph(), engine=engine, context=False).results
        assert len(results) == 4
        assert all(r.message for r in results), engine


def test_sparql_failure_is_an_error_not_a_result(tmp_path):
    shapes = _sparql_shape("SELECT $this ?failure WHERE { BIND (true AS ?failure) }")
    with pytest.raises(LmsgraphError, match="failure"):
        validate(_write(tmp_path), shapes=shapes, engine="compiled", context=False)


@pytest.mark.parametrize(
    "query, reason",
    [
        ("SELECT $this WHERE { { SELECT $this WHERE { $this ?p ?o } } }", "subquery"),
        ("SELECT $this WHERE { $this ?p ?o } HAVING (COUNT(?o) > 1)", "aggregates"),
    ],
)
def test_sparql_the_compiled_engine_cannot_join_is_declined(tmp_path, query, reason):
    shapes = _sparql_shape(query)
    with pytest.raises(LmsgraphError, match=reason):
        validate(_write(tmp_path), shapes=shapes, engine="compiled", context=False)
    assert validate(_write(tmp_path), shapes=shapes, context=False).engine == "pyshacl"


def test_sparql_that_shacl_forbids_is_a_failure(tmp_path):
    shapes = _sparql_shape("SELECT $this WHERE { $this ?p ?o MINUS { $this ?p 1 } }")
    with pytest.raises(LmsgraphError, match="MINUS"):
        validate(_write(tmp_path), shapes=shapes, engine="compiled", context=False)
    with pytest.raises(LmsgraphError, match="pyshacl could not validate"):
        validate(_write(tmp_path), shapes=shapes, context=False)


def _sparql_shape(query: str):
    from rdflib import Graph

    return Graph().parse(
        data=f"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
<http://example.org/lmsg/S> sh:targetNode <http://example.org/lmsg/t1> ; sh:sparql [ sh:select "{query}" ] .
""",
        format="turtle",
    )


def test_annotations_are_ignored_and_declared_components_declined(tmp_path):
    from rdflib import Graph

    data = _write(tmp_path)
    annotated = Graph().parse(
        data="""
@prefix ex: <http://example.org/lmsg/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
ex:S sh:targetNode ex:t1 ; skos:definition "Grades are strings." ;
    sh:property [ sh:path ex:grade ; sh:nodeKind sh:IRI ; skos:note "an annotation, not a constraint" ] .
""",
        format="turtle",
    )
    report = validate(data, shapes=annotated, context=False)
    assert report.engine == "compiled" and len(report.results) == 1
    declared = Graph().parse(
        data="""
@prefix ex: <http://example.org/lmsg/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
ex:StageComponent a sh:ConstraintComponent ; sh:parameter [ sh:path ex:stage ] ;
    sh:propertyValidator [ a sh:SPARQLSelectValidator ;
        sh:select "SELECT $this ?value WHERE { $this $PATH ?value . FILTER (?value != $stage) }" ] .
ex:S sh:targetNode ex:t1 ; sh:property [ sh:path ex:stage ; ex:stage "III" ] .
""",
        format="turtle",
    )
    with pytest.raises(LmsgraphError, match="uses http://example.org/lmsg/stage"):
        validate(data, shapes=declared, engine="compiled", context=False)
    report = validate(data, shapes=declared, context=False)
    assert report.engine == "pyshacl"
    assert [(str(r.value), r.component) for r in report.results] == [("IV", "http://example.org/lmsg/StageComponent")]
