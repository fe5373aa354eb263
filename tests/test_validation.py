"""SHACL shapes and SPARQL quality checks: each one fires on its failing fixture and stays quiet on its passing one.

Fixtures live in ``tests/fixtures/validation/{graph,cases,checks}/<name>.{fail,pass}.ttl``.
Each carries a ``#+`` YAML header: the shape or check it exercises, its context (``bundled``:
added to the bundled graph; ``none``: validated on its own) and, for failing fixtures, the
results expected from that shape: focus node, path, value and message.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES
from rdflib import Graph, URIRef

import lmsgraph
from lmsgraph.headers import read_yaml_header
from lmsgraph.prefixes import compact_iri
from lmsgraph.resources import data_dir
from lmsgraph.validation import validate
from lmsgraph.validation.compiled import Compiler
from lmsgraph.validation.shapes import check_files, enabled_checks, shape_set

VALIDATION = FIXTURES / "validation"
FAILING = sorted(VALIDATION.glob("*/*.fail.ttl"))
PASSING = sorted(VALIDATION.glob("*/*.pass.ttl"))


def header(path: Path) -> dict:
    meta, _ = read_yaml_header(path.read_text(encoding="utf-8").splitlines(), "#+", path)
    return meta


def shapes_of(path: Path) -> str:
    return "cases" if path.parent.name == "cases" else "graph"


def run_fixture(path: Path, bundled: Graph, engine: str = "auto"):
    meta = header(path)
    if shapes_of(path) == "cases" or meta["context"] == "none":
        return validate(path, shapes=shapes_of(path), engine=engine)
    return validate(path, shapes="graph", engine=engine, context=True)


def fixture_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


@pytest.mark.parametrize("path", FAILING, ids=fixture_id)
def test_failing_fixture_reports_what_it_expects(path, graph):
    meta = header(path)
    report = run_fixture(path, graph)
    found = {
        (r["focus_node"], r["path"], r["value"], r["message"])
        for r in map(lambda r: r.as_dict(), report.results)
        if r["source_shape"] == meta["shape"]
    }
    expected = {(e["focus"], e["path"], e["value"], e["message"]) for e in meta["expect"]}
    assert found == expected, report.to_text()
    allowed = {meta["shape"], *meta.get("also", [])}
    others = [r for r in report.results if r.as_dict()["source_shape"] not in allowed]
    assert not others, f"{path.name} also trips other shapes:\n{report.to_text()}"


@pytest.mark.parametrize("path", PASSING, ids=fixture_id)
def test_passing_fixture_has_no_results(path, graph):
    report = run_fixture(path, graph)
    assert report.conforms and not report.results, report.to_text()


def test_every_shape_and_check_has_a_failing_and_a_passing_fixture():
    for set_name in ("graph", "cases"):
        sset = shape_set(set_name)
        reported = {compact_iri(str(c.shape)) for c in Compiler(sset.graph()).compile()}
        reported |= {f"lmsgsh:check/{c.name}" for c in sset.checks}
        for kind in ("fail", "pass"):
            covered = {header(p)["shape"] for p in VALIDATION.glob(f"*/*.{kind}.ttl")}
            missing = sorted(reported - covered)
            assert not missing, f"{set_name} shapes without a .{kind}.ttl fixture: {missing}"


def test_every_check_file_is_enabled_exactly_once():
    listed = [name for names in enabled_checks().values() for name in names]
    files = [p.name.removesuffix("-violation.rq") for p in check_files()]
    assert sorted(listed) == sorted(files), "shapes/checks.yaml must list every check file once"
    assert len(listed) == len(set(listed))


def test_checks_return_entity_property_value():
    for path in check_files():
        text = path.read_text(encoding="utf-8")
        select = text[text.index("SELECT") : text.index("WHERE")]
        assert "?entity ?property ?value" in select, f"{path.name} must return ?entity ?property ?value"


# --- engines -------------------------------------------------------------------------


def as_rows(report) -> list[str]:
    return [json.dumps(r.as_dict(), sort_keys=True) for r in report.results]


def engines_agree(data, shapes: str):
    """Validate with both engines, assert the reports are the same, and return the compiled one."""
    compiled = validate(data, shapes=shapes, engine="compiled")
    reference = validate(data, shapes=shapes, engine="pyshacl")
    assert (compiled.engine, reference.engine) == ("compiled", "pyshacl")
    assert as_rows(compiled) == as_rows(reference)
    return compiled


@pytest.mark.parametrize("path", sorted(VALIDATION.glob("cases/*.ttl")), ids=fixture_id)
def test_compiled_engine_matches_pyshacl_on_case_fixtures(path, graph):
    compiled = run_fixture(path, graph, engine="compiled")
    reference = run_fixture(path, graph, engine="pyshacl")
    assert (compiled.engine, reference.engine) == ("compiled", "pyshacl")
    assert as_rows(compiled) == as_rows(reference)


def test_compiled_engine_matches_pyshacl_on_all_graph_fixtures_at_once(graph):
    data = Graph()
    data += graph
    for path in sorted(VALIDATION.glob("graph/*.fail.ttl")) + sorted(VALIDATION.glob("checks/*.fail.ttl")):
        if header(path)["context"] == "bundled":
            data.parse(path, format="turtle")
    assert len(engines_agree(data, "graph").results) > 40


def test_compiled_engine_matches_pyshacl_on_synthetic_cases(tmp_path):
    from lmsgraph.synthetic import synthetic_ntriples

    path = tmp_path / "cases.nt"
    path.write_text("\n".join(synthetic_ntriples(150, seed=7, error_rate=0.5)) + "\n", encoding="utf-8")
    assert len(engines_agree(path, "cases").violations) > 30


def test_shapes_the_compiler_cannot_run_go_to_pyshacl(tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix lmsg: <https://w3id.org/lmsgraph/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "<urn:s> a sh:NodeShape ; sh:targetClass lmsg:TumourCase ;\n"
        "  sh:property [ sh:path lmsg:ageYears ; sh:datatype xsd:positiveInteger ] .\n",
        encoding="utf-8",
    )
    report = validate(VALIDATION / "cases" / "case-age.pass.ttl", shapes=shapes)
    assert report.engine == "pyshacl"
    assert [r.as_dict()["component"] for r in report.results] == ["sh:DatatypeConstraintComponent"]
    with pytest.raises(ValueError, match="compiled engine cannot give the exact report: datatype .*positiveInteger"):
        validate(VALIDATION / "cases" / "case-age.pass.ttl", shapes=shapes, engine="compiled")


# --- the bundled graph ---------------------------------------------------------------


def test_the_bundled_graph_conforms_to_the_graph_shapes_on_the_compiled_engine(graph):
    report = validate(graph, shapes="graph")
    assert report.conforms and report.passed and report.engine == "compiled", report.to_text()


def test_the_bundled_case_records_pass_with_one_warning_so_they_do_not_conform():
    for data in (None, lmsgraph.load()):
        report = validate(data, shapes="cases")
        assert report.passed and not report.violations and report.engine == "compiled"
        assert not report.conforms, "SHACL: any result, a warning too, means the data do not conform"
        assert [(r.as_dict()["focus_node"], r.as_dict()["source_shape"]) for r in report.results] == [
            ("lmsg:case-ebv-smooth-muscle-tumour-heart-transplant-2005", "lmsgsh:case-site-recorded")
        ]
        assert not validate(data, shapes="cases", fail_on="warning").passed


# --- the report -----------------------------------------------------------------------


def test_report_renders_as_text_json_and_a_shacl_results_graph():
    report = validate(VALIDATION / "cases" / "case-age.fail.ttl", shapes="cases")
    text = report.to_text()
    assert "does not conform (1 violations" in text
    assert 'VIOLATION https://example.org/registry/c1 lmsg:ageYears = "150"^^xsd:integer' in text
    data = json.loads(report.to_json())
    assert data["conforms"] is False and data["counts"]["Violation"] == 1
    assert data["results"][0]["component"] == "sh:MaxInclusiveConstraintComponent"
    results = Graph().parse(data=report.to_turtle(), format="turtle")
    conforms = results.query(
        "PREFIX sh: <http://www.w3.org/ns/shacl#> "
        "SELECT ?c (COUNT(?r) AS ?n) WHERE { ?rep a sh:ValidationReport ; sh:conforms ?c ; sh:result ?r } GROUP BY ?c"
    )
    assert [(c.toPython(), n.toPython()) for c, n in conforms] == [(False, 1)]
    assert report.to_turtle() == validate(VALIDATION / "cases" / "case-age.fail.ttl", shapes="cases").to_turtle()


def test_a_property_path_is_copied_into_the_results_graph(graph):
    report = run_fixture(VALIDATION / "graph" / "term-synonym.fail.ttl", graph)
    results = Graph().parse(data=report.to_turtle(), format="turtle")
    alternatives = list(
        results.query(
            "PREFIX sh: <http://www.w3.org/ns/shacl#> SELECT ?a WHERE { ?r sh:resultPath/sh:alternativePath ?a }"
        )
    )
    assert len(alternatives) == 1


def test_unknown_shapes_and_engine_are_errors():
    with pytest.raises(ValueError, match="unknown shapes 'everything'"):
        validate(shapes="everything")
    with pytest.raises(ValueError, match="unknown engine"):
        validate(engine="fast")


def test_a_syntax_error_names_the_file_and_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix lmsg: <https://w3id.org/lmsgraph/> .\nlmsg:a lmsg:b lmsg:c .\nlmsg:a lmsg:b "open .\n')
    for engine in ("compiled", "pyshacl"):
        with pytest.raises(ValueError, match=r"bad\.ttl:3"):
            validate(bad, shapes="cases", engine=engine)


@pytest.mark.parametrize(
    "suffix, term, reason",
    [
        (".nt", "<https://example.org/a{b}>", "Invalid IRI code point"),
        (".ttl", "<https://example.org/a{b}>", "Invalid IRI code point"),
        (".nt", "<relative>", "No scheme found"),  # Turtle resolves it against the file's IRI
        (".nt", "<http://[x]/>", "Invalid host"),
        (".ttl", "<http://[x]/>", "Invalid host"),
    ],
)
def test_an_iri_the_lenient_load_would_keep_is_refused_with_its_line(tmp_path, suffix, term, reason):
    """The store loads leniently and a strict reading of the same text stands guard: an invalid
    IRI, which Oxigraph's lenient parser stores as it is, is still a syntax error at its line."""
    bad = tmp_path / f"bad{suffix}"
    good = "<https://example.org/c1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/lmsgraph/TumourCase> .\n"
    bad.write_text(good * 3 + f"<https://example.org/c1> <https://w3id.org/lmsgraph/describedIn> {term} .\n" + good)
    with pytest.raises(ValueError, match=rf"bad\{suffix}:4.*{reason}"):
        validate(bad, shapes="cases", engine="compiled")


def test_case_records_as_json_ld_give_the_same_report_as_turtle(tmp_path):
    source = VALIDATION / "cases" / "case-age.fail.ttl"
    as_jsonld = tmp_path / "case.jsonld"
    as_jsonld.write_text(Graph().parse(source, format="turtle").serialize(format="json-ld"), encoding="utf-8")
    assert as_rows(validate(as_jsonld, shapes="cases")) == as_rows(validate(source, shapes="cases"))


def test_shapes_data_folder_is_complete():
    names = {p.name for p in data_dir("shapes").iterdir()}
    assert {"term-shapes.ttl", "graph-shapes.ttl", "case-shapes.ttl", "checks.yaml", "checks", "README.md"} <= names
    with (data_dir("shapes") / "checks.yaml").open(encoding="utf-8") as handle:
        assert set(yaml.safe_load(handle)) == {"graph", "cases"}


def test_synthetic_cases_say_they_are_synthetic_and_are_deterministic():
    from lmsgraph.synthetic import synthetic_graph, synthetic_ntriples

    assert list(synthetic_ntriples(20, seed=3)) == list(synthetic_ntriples(20, seed=3))
    graph = synthetic_graph(20, seed=3)
    cases = set(graph.subjects(predicate=None, object=URIRef("https://w3id.org/lmsgraph/TumourCase")))
    assert len(cases) == 20
    for case in cases:
        assert graph.value(case, URIRef("https://w3id.org/lmsgraph/synthetic")).toPython() is True
        assert str(graph.value(case, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))).startswith("synthetic case")
    assert validate(graph, shapes="cases").conforms


def _written_and_graph_agree(report) -> None:
    from rdflib.compare import isomorphic

    written = Graph().parse(data=report.to_turtle(), format="turtle")
    assert isomorphic(written, report.to_graph()) and len(written) == len(report.to_graph())


@pytest.mark.parametrize("fixture", ["cases/case-age.fail.ttl", "graph/term-synonym.fail.ttl"])
def test_the_written_report_is_the_report_graph(fixture, graph):
    """The Turtle report is written out directly; read back, it is the report's graph: every
    result, copied paths and their blank nodes included."""
    path = VALIDATION / fixture
    report = run_fixture(path, graph) if fixture.startswith("graph/") else validate(path, shapes="cases")
    assert report.results
    _written_and_graph_agree(report)


def test_the_written_report_keeps_every_character_of_a_literal():
    from rdflib import Literal

    from lmsgraph.validation.report import ValidationResult, make_report

    values = [
        Literal('quote " back \\ tab \t line\nend \u2028 \x07 é'),
        Literal("7", datatype=URIRef("urn:x:t")),
        Literal("x", lang="de-AT"),
    ]
    report = make_report(
        [
            ValidationResult(
                "Violation", URIRef("urn:x:focus"), URIRef("urn:x:p"), v, 'say "no"\n', URIRef("urn:x:shape"), "urn:x:C"
            )
            for v in values
        ]
        + [ValidationResult("urn:x:severity", Literal(3), None, None, "", URIRef("urn:x:shape"), "urn:x:C")],
        shapes="given",
        engine="compiled",
    )
    _written_and_graph_agree(report)


def test_constraint_results_come_in_the_shapes_order_whatever_the_workers(tmp_path):
    """The constraints run longest first on several workers; the results still come back in the
    order of the compiled shapes, the same list with one worker or four."""
    from lmsgraph.graph import vocabulary_ntriples
    from lmsgraph.synthetic import synthetic_ntriples
    from lmsgraph.validation import _compiled
    from lmsgraph.validation.compiled import run_compiled
    from lmsgraph.validation.loading import load_exact

    data = tmp_path / "cases.nt"
    data.write_text("".join(line + "\n" for line in synthetic_ntriples(300, seed=7, error_rate=0.4)))
    store, restore = load_exact(paths=[data], ntriples=[vocabulary_ntriples()])
    _, compiled = _compiled(shape_set("cases"))
    runs = [run_compiled(store, compiled, restore=restore, workers=n) for n in (1, 2, 4)]
    assert len({r.source_shape for r in runs[0]}) > 5, "the errors reach several shapes"
    assert runs[0] == runs[1] == runs[2]
    position = {(str(c.shape), str(c.component)): n for n, c in enumerate(compiled)}
    assert len(position) == len(compiled), "each constraint named once by shape and component"
    order = [position[(str(r.source_shape), r.component)] for r in runs[0]]
    assert order == sorted(order)


def test_a_failing_constraint_stops_the_ones_not_yet_started(monkeypatch):
    """With one worker, the SPARQL constraint (run before the value constraints) fails, and the
    value constraints waiting behind it are not run: the error comes at once."""
    import pyoxigraph
    from rdflib import URIRef

    from lmsgraph.errors import ValidationFailureError
    from lmsgraph.validation import compiled as engine
    from lmsgraph.validation.compiled import Compiled, run_compiled

    store = pyoxigraph.Store()
    store.add(pyoxigraph.Quad(*(pyoxigraph.NamedNode(f"https://example.org/{n}") for n in "spo")))
    component = URIRef("http://www.w3.org/ns/shacl#DatatypeConstraintComponent")
    waiting = [
        Compiled(
            URIRef(f"https://example.org/shape{n}"),
            component,
            "Violation",
            "m",
            "SELECT ?focus ?value WHERE { ?focus ?p ?value }",
        )
        for n in range(6)
    ]
    failing = Compiled(
        URIRef("https://example.org/failing"),
        URIRef("http://www.w3.org/ns/shacl#SPARQLConstraintComponent"),
        "Violation",
        "m",
        "SELECT ?this ?failure WHERE { ?this ?p ?o BIND (true AS ?failure) }",
        value_mode="sparql",
    )
    ran = []
    real = engine._results
    monkeypatch.setattr(engine, "_results", lambda store, c, *rest: ran.append(c) or real(store, c, *rest))
    with pytest.raises(ValidationFailureError, match="failure"):
        run_compiled(store, [*waiting, failing], workers=1)
    # The worker may have taken the next query before the error reached this thread; no more.
    assert ran[0] is failing and len(ran) <= 2
    assert len(run_compiled(store, waiting, workers=1)) == 6
