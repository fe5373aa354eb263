"""``lmsgraph queries``, ``query``, ``sparql``, ``entity`` and ``push`` as a user runs them."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import FIXTURES

from lmsgraph.cli import main
from lmsgraph.queries import catalogue


def run(capsys, *args, stdin=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_queries_lists_the_catalogue(capsys):
    code, out, _ = run(capsys, "queries")
    assert code == 0
    for name in catalogue():
        assert name in out
    code, out, _ = run(capsys, "queries", "--format", "json")
    listed = json.loads(out)
    assert {q["name"] for q in listed} == set(catalogue())
    assert all(p["example"] for q in listed for p in q["params"])


def test_query_by_name_with_a_label_parameter(capsys):
    code, out, _ = run(capsys, "query", "markers", "--entity", "inflammatory leiomyosarcoma", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {"desmin", "caldesmon"} <= {r["markerLabel"] for r in rows}
    assert all(r["entity"] == "lmsg:InflammatoryLeiomyosarcoma" for r in rows)


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "tsv"])
def test_query_formats(capsys, fmt):
    code, out, _ = run(capsys, "query", "entities-by-external-code", "--code=ICD-O:8890/3", "--format", fmt)
    assert code == 0 and "lmsg:Leiomyosarcoma" in out and "skos:broadMatch" in out
    if fmt == "json":
        assert len(json.loads(out)["rows"]) == 2


def test_query_on_rdflib_gives_the_same_rows(capsys):
    _, ox, _ = run(capsys, "query", "sites", "--entity", "NCIT:C5756", "--format", "json")
    _, rd, _ = run(capsys, "query", "sites", "--entity", "NCIT:C5756", "--format", "json", "--backend", "rdflib")
    assert json.loads(ox) == json.loads(rd)


def test_cohort_query_over_your_own_case_records(capsys):
    registry = FIXTURES / "cases" / "registry-valid.csv"
    code, out, _ = run(capsys, "query", "cohort-cases-by-entity-and-site", "--data", str(registry), "--format", "json")
    assert code == 0
    counts = {(r["entity"], r["site"]): r["cases"] for r in json.loads(out)["rows"]}
    _, plain, _ = run(capsys, "query", "cohort-cases-by-entity-and-site", "--format", "json")
    before = {(r["entity"], r["site"]): r["cases"] for r in json.loads(plain)["rows"]}
    assert sum(counts.values()) > sum(before.values())


@pytest.mark.parametrize(
    "args, message",
    [
        (["query", "no-such-query"], "no canned query is called 'no-such-query'"),
        (["query", "markers-of-entity"], "missing parameter --entity"),
        (["query", "markers-of-entity", "--entity", "inflamatory leiomyosarcoma"], "did you mean"),
        (["query", "markers-of-entity", "--entity", "x", "--colour", "red"], "unknown parameter"),
        (["query", "markers-of-entity", "--entity"], "--entity needs a value"),
        (["entity", "no such tumour"], "unknown name"),
        (["query", "markers", "--entity", "x", "--data", "missing.ttl"], "no such file"),
        (
            ["query", "markers-of-entity", "--entity", "desmin"],
            "names lmsg:Desmin (desmin, immunohistochemical marker), not a disease entity; did you mean one of these",
        ),
        (["query", "entities-by-marker", "--marker", "liver", "--polarity", "negative"], "not a marker"),
        (
            ["query", "entities-by-marker", "--marker", "desmin", "--polarity", "sometimes"],
            "unknown name: no polarity has it",
        ),
        (["query", "entities-by-site", "--site", "EBV-SMT"], "not an anatomic site"),
    ],
)
def test_errors_are_clear_with_exit_2(capsys, args, message):
    code, out, err = run(capsys, *args)
    assert code == 2 and message in err and out == ""


def test_sparql_from_stdin_and_file(capsys, monkeypatch, tmp_path):
    query = "PREFIX lmsg: <https://w3id.org/lmsgraph/> SELECT ?e WHERE { ?e lmsg:lacksFeature lmsg:Desmin }"
    code, out, _ = run(capsys, "sparql", "-", "--format", "tsv", stdin=query, monkeypatch=monkeypatch)
    assert code == 0 and out.splitlines() == ["e", "lmsg:EBVAssociatedSmoothMuscleTumour"]
    path = tmp_path / "bad.rq"
    path.write_text("SELECT ?x WHERE { ?x")
    code, out, err = run(capsys, "sparql", str(path))
    assert code == 2 and "bad.rq" in err and "syntax error" in err.lower()
    code, out, _ = run(capsys, "sparql", "-", stdin="ASK { ?s ?p ?o }", monkeypatch=monkeypatch)
    assert (code, out) == (0, "true\n")


def test_entity_prints_a_profile_with_citations(capsys):
    code, out, _ = run(capsys, "entity", "inflammatory LMS")
    assert code == 0
    assert out.startswith("inflammatory leiomyosarcoma (lmsg:InflammatoryLeiomyosarcoma)")
    assert "citations:" in out and "[1]" in out and "exactMatch    NCIT:C27495" in out
    code, out, _ = run(capsys, "entity", "ICDO:8890/3", "--format", "json")
    assert [p["entity"] for p in json.loads(out)] == ["lmsg:Leiomyosarcoma", "lmsg:InflammatoryLeiomyosarcoma"]


def test_query_and_push_against_virtuoso(capsys, virtuoso):
    from support.virtuoso import PASSWORD, USER

    graph = "https://example.org/cli-push"
    code, _, err = run(capsys, "push", virtuoso.graph_store, "--graph", graph, "--user", USER, "--password", PASSWORD)
    assert code == 0 and f"graph <{graph}>" in err
    code, out, _ = run(
        capsys,
        "query",
        "markers",
        "--entity",
        "EBV-SMT",
        "--endpoint",
        virtuoso.sparql,
        "--named-graph",
        graph,
        "--format",
        "json",
    )
    assert code == 0 and "lmsg:Desmin" in out
    code, _, err = run(capsys, "push", virtuoso.graph_store, "--user", USER, "--password", "wrong")
    assert code == 2 and "401" in err


def test_push_sends_what_a_store_holds(capsys, virtuoso, tmp_path):
    from support.virtuoso import PASSWORD, USER

    store, cases = tmp_path / "store", FIXTURES / "cases" / "registry-valid.csv"
    assert main(["load", "--store", str(store), str(cases)]) == 0
    graph = "https://example.org/cli-push-store"
    code, _, err = run(
        capsys,
        "push",
        virtuoso.graph_store,
        "--graph",
        graph,
        "--from-store",
        str(store),
        "--user",
        USER,
        "--password",
        PASSWORD,
    )
    assert code == 0 and f"graph <{graph}>" in err
    held = run(capsys, "info", "--store", str(store), "--json")[1]
    assert f"it holds {json.loads(held)['triples']:,} triples" in err
    name = "cohort-cases-by-entity-and-site"
    remote = run(capsys, "query", name, "--endpoint", virtuoso.sparql, "--named-graph", graph, "--format", "csv")
    local = run(capsys, "query", name, "--store", str(store), "--format", "csv")
    assert remote[0] == local[0] == 0 and remote[1] == local[1] and local[1].count("\n") > 2


def test_push_takes_a_file_or_a_store_not_both(capsys, tmp_path):
    data = tmp_path / "data.nt"
    data.write_text("")
    code, _, err = run(
        capsys, "push", "http://127.0.0.1:9/sparql-graph-crud-auth", "--file", str(data), "--from-store", str(tmp_path)
    )
    assert code == 2 and "a file or a store, not both" in err


def test_every_command_is_listed_for_lazy_loading():
    import importlib

    from lmsgraph.cli import COMMAND_MODULES, cli

    for module in set(COMMAND_MODULES.values()):
        importlib.import_module(f"lmsgraph.cli.{module}")
    assert set(cli.commands) == set(COMMAND_MODULES)


def test_an_empty_answer_says_so_on_standard_error(capsys):
    code, out, err = run(capsys, "query", "entities-by-marker", "--marker", "h-caldesmon", "--polarity", "negative")
    assert code == 0 and "(0 rows)" in out
    assert "no answer: the graph has no statement for entities-by-marker with marker='h-caldesmon'" in err
    code, out, err = run(
        capsys, "query", "entities-by-marker", "--marker", "desmin", "--polarity", "negative", "--format", "csv"
    )
    assert code == 0 and err == "" and "lmsg:EBVAssociatedSmoothMuscleTumour" in out


def test_tables_show_citations_readably_and_every_qualifier(capsys):
    code, out, _ = run(capsys, "query", "sites-of-entity", "--entity", "conventional leiomyosarcoma")
    assert code == 0
    assert "WHO Classification of Tumours online: Leiomyosarcoma, NOS" in out and "lmsg:source-who" not in out
    assert "lesion role: metastatic lesion" in out and "frequency: not stated by the source" in out
    assert "almost always" not in out


def test_entity_json_carries_every_qualifier_and_the_evidence(capsys):
    code, out, _ = run(capsys, "entity", "inflammatory leiomyosarcoma", "--format", "json")
    [profile] = json.loads(out)
    size = next(c for c in profile["claims"] if c["claim"] == "lmsg:claim-ilms-gross-size")
    q = size["qualifiers"]
    assert (q["lmsg:minValue"], q["lmsg:maxValue"], q["lmsg:unit"][0]["label"]) == ([3], [12], "centimetre")
    assert q["lmsg:evidenceBasis"][0]["label"] == "reported examples" and q["lmsg:frequency"] is None
    first = next(c for c in profile["claims"] if c["claim"] == "lmsg:claim-ilms-history-first-description")
    assert first["qualifiers"]["lmsg:year"] == [1995]
    cited = {p["id"] for p in first["evidence"]["cited_publications"]}
    assert cited == {"lmsg:article-merchant-1995", "lmsg:article-inflammatory-leiomyosarcoma-head-neck-2021"}
    numbers = {c["number"]: c["id"] for c in profile["citations"]}
    assert all(
        numbers[n] in cited | {"lmsg:source-radiopaedia-inflammatory-leiomyosarcoma"}
        for n in first["evidence"]["citation_numbers"]
    )


def test_each_command_s_summary_is_the_first_sentence_of_its_help():
    import importlib

    from lmsgraph.cli import COMMANDS, cli

    for name, (module, summary) in COMMANDS.items():
        importlib.import_module(f"lmsgraph.cli.{module}")
        first = " ".join(cli.commands[name].help.split("\n\n")[0].split())
        assert first.startswith(summary), f"{name}: {summary!r} is not how its help begins: {first!r}"
        assert summary.endswith("."), name


def test_help_imports_no_command():
    import subprocess
    import sys

    code = (
        "import sys; from lmsgraph.cli import main; main(['--help']); "
        "print(sorted(m for m in sys.modules if m.startswith('lmsgraph.cli.')), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "push      Send the bundled graph" in done.stdout, done.stdout
    assert done.stderr.strip() == "[]", done.stderr
