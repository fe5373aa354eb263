"""Validation in batches: a large N-Triples or Turtle file of case records cut into batches of
whole records gives the report of the whole file."""

from __future__ import annotations

from collections import Counter

import pytest

from lmsgraph.cli import main
from lmsgraph.synthetic import synthetic_ntriples
from lmsgraph.validation import validate

L = "https://w3id.org/lmsgraph/"


def keys(report):
    """The results, a blank node standing for any blank node (their labels are the engine's)."""
    from rdflib import BNode

    def term(node):
        return "_:" if isinstance(node, BNode) else str(node)

    return Counter(
        (term(r.focus_node), str(r.path), str(r.source_shape), str(r.component), r.severity, term(r.value), r.message)
        for r in report.results
    )


def write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("records", [1, 7, 250, 10_000])
def test_batches_give_the_whole_files_report(tmp_path, records):
    data = write(tmp_path / "cases.nt", synthetic_ntriples(600, seed=11, error_rate=0.3))
    whole = validate(data, shapes="cases")
    batched = validate(data, shapes="cases", batch_records=records)
    assert len(whole.results) > 100 and keys(batched) == keys(whole)
    assert batched.sources == (str(data),) and batched.conforms is whole.conforms


def test_records_that_share_nodes_or_speak_of_vocabulary_stay_whole(tmp_path):
    """Two cases sharing a marker result, an observation reached from two cases, a record split
    between two files, a blank node, and triples about a vocabulary term."""
    lines = list(synthetic_ntriples(40, seed=12, error_rate=0.2))
    case = f"<{L}synthetic/case-000001>"
    shared_result = next(line.split()[2] for line in lines if line.startswith(case) and "hasMarkerResult" in line)
    extra = [
        f"<{L}synthetic/case-000040> <{L}hasMarkerResult> {shared_result} .",
        f"<{L}synthetic/case-000039> <{L}hasObservation> _:orphan .",
        f"<{L}synthetic/case-000002> <{L}hasObservation> _:orphan .",
        f"_:orphan <{L}polarity> <{L}Present> .",
        f'<{L}Liver> <http://www.w3.org/2000/01/rdf-schema#comment> "said of a vocabulary term" .',
        f"<{L}synthetic/case-000003> <{L}caseSite> <{L}Nowhere> .",
    ]
    first = write(tmp_path / "a.nt", lines[: len(lines) // 2] + extra[:3])
    second = write(tmp_path / "b.nt", lines[len(lines) // 2 :] + extra[3:])
    whole = validate([first, second], shapes="cases")
    for records in (1, 3, 100):
        assert keys(validate([first, second], shapes="cases", batch_records=records)) == keys(whole), records


def test_a_turtle_file_in_batches_gives_the_whole_files_report(tmp_path):
    """Turtle is streamed as N-Triples is: prefixed names, anonymous blank nodes, numbers written
    bare and relative IRIs (resolved against the file) give the same results as the whole file."""
    from rdflib import Graph

    source = write(tmp_path / "source.nt", synthetic_ntriples(300, seed=17, error_rate=0.3))
    graph = Graph().parse(source, format="nt")
    graph.bind("lmsg", L)
    turtle = tmp_path / "cases.ttl"
    extra = (
        f"\n@prefix lmsg: <{L}> .\n"
        "<relative-case> a lmsg:TumourCase ; lmsg:ageYears 200 ;\n"
        "    lmsg:hasObservation [ lmsg:polarity lmsg:Present ] .\n"
    )
    turtle.write_text(graph.serialize(format="turtle") + extra, encoding="utf-8")
    whole = validate(turtle, shapes="cases")
    assert any(str(r.focus_node) == (tmp_path / "relative-case").as_uri() for r in whole.results)
    for records in (1, 40, 1_000):
        assert keys(validate(turtle, shapes="cases", batch_records=records)) == keys(whole), records


def test_batches_are_refused_where_they_could_change_the_report(tmp_path, capsys):
    data = write(tmp_path / "cases.nt", synthetic_ntriples(5, seed=1))
    jsonld = tmp_path / "cases.jsonld"
    jsonld.write_text("{}", encoding="utf-8")
    upper = write(tmp_path / "upper.nt", [*synthetic_ntriples(5, seed=1), f'<{L}x> <{L}y> "z"@EN .'])
    bad = write(
        tmp_path / "bad.ttl", [f"@prefix lmsg: <{L}> .", "<a> a lmsg:TumourCase .", '<b> lmsg:ageYears "open .']
    )
    for args, words in [
        (["--shapes", "graph", str(data)], "read a record alone"),
        (["--shapes", "cases", str(jsonld)], "N-Triples (.nt) or Turtle (.ttl)"),
        (["--shapes", "cases", str(upper)], "would store in lower case"),
        (["--shapes", "cases", str(bad)], "bad.ttl:3: syntax error"),
        (["--shapes", "cases"], "data files"),
        (["--shapes", "cases", str(tmp_path / "absent.nt")], "absent.nt: no such file"),
    ]:
        code = main(["validate", "--batch-records", "10", *args])
        assert code == 2 and words in capsys.readouterr().err, args


def test_the_command_validates_in_batches_with_progress(tmp_path, capsys):
    data = write(tmp_path / "cases.nt", synthetic_ntriples(300, seed=13, error_rate=0.2))
    code = main(
        ["validate", "--shapes", "cases", "--batch-records", "100", "--format", "json", "--progress", str(data)]
    )
    out, err = capsys.readouterr()
    assert code == 1 and "validating batch 3 of 3" in err
    import json

    assert len(json.loads(out)["results"]) == len(validate(data, shapes="cases").results)


def test_an_unknown_engine_or_fail_on_is_refused_before_any_work(tmp_path):
    from lmsgraph.errors import UsageError

    data = write(tmp_path / "cases.nt", synthetic_ntriples(5, seed=1))
    for options in ({"batch_records": 10}, {"store": tmp_path / "no-store"}):
        with pytest.raises(UsageError, match="unknown engine"):
            validate(None if "store" in options else data, shapes="cases", engine="fast", **options)
        with pytest.raises(UsageError, match="fail_on"):
            validate(None if "store" in options else data, shapes="cases", fail_on="often", **options)
