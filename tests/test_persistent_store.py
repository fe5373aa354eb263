"""A persistent store: the graph and case records loaded once into an on-disk Oxigraph store,
then queried by every command (--store DIR) and by connect(store=DIR), and validated where it lies."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from conftest import FIXTURES

import lmsgraph
from lmsgraph import cohort
from lmsgraph.cli import main
from lmsgraph.errors import DataError
from lmsgraph.persistent import load_store
from lmsgraph.queries import catalogue
from lmsgraph.synthetic import synthetic_ntriples
from lmsgraph.validation import validate

CASES = FIXTURES / "cases"
COHORT = [name for name in catalogue() if name.startswith("cohort-")]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stores") / "registry"
    assert main(["load", "--store", str(folder), str(CASES / "registry-valid.csv")]) == 0
    return folder


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", COHORT)
def test_a_store_answers_as_the_files_loaded_each_time(store_dir, capsys, name):
    code, from_store, _ = run(capsys, "query", name, "--store", str(store_dir), "--format", "csv")
    again, from_files, _ = run(capsys, "query", name, "--data", str(CASES / "registry-valid.csv"), "--format", "csv")
    assert code == again == 0 and from_store == from_files and from_store.count("\n") > 1


def test_connect_opens_a_store_by_its_folder(store_dir):
    kg = lmsgraph.connect(store=store_dir)
    assert [str(r["marker"]) for r in kg.markers("EBV-SMT")] == [
        str(r["marker"]) for r in lmsgraph.connect().markers("EBV-SMT")
    ]
    record = json.loads((store_dir / "lmsgraph-store.json").read_text())
    assert record["triples"] == default_graph_size(kg) and record["files"][0].endswith("registry-valid.csv")


def test_loading_again_adds_files(tmp_path, capsys):
    folder = tmp_path / "store"
    assert main(["load", "--store", str(folder)]) == 0
    bundled = json.loads((folder / "lmsgraph-store.json").read_text())["triples"]
    assert main(["load", "--store", str(folder), str(CASES / "registry-valid.csv")]) == 0
    record = json.loads((folder / "lmsgraph-store.json").read_text())
    assert record["triples"] > bundled and len(record["files"]) == 1
    assert "triples from the bundled graph and 1 file(s)" in capsys.readouterr().err


def test_what_is_not_a_store_is_refused(tmp_path, capsys):
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine", encoding="utf-8")
    code, _, err = run(capsys, "load", "--store", str(other))
    assert code == 2 and "holds no lmsgraph store; give a new or empty folder" in err
    assert sorted(p.name for p in other.iterdir()) == ["notes.txt"]
    code, _, err = run(capsys, "query", "cohort-cases-by-entity-and-site", "--store", str(other))
    assert code == 2 and "not an lmsgraph store" in err
    with pytest.raises(DataError, match="not an lmsgraph store"):
        lmsgraph.connect(store=other)


def test_a_bad_file_is_refused_before_the_store_is_made(tmp_path, capsys):
    folder = tmp_path / "new"
    code, _, err = run(capsys, "load", "--store", str(folder), str(tmp_path / "absent.csv"))
    assert code == 2 and "no such file" in err and not folder.exists()


def test_a_store_is_not_mixed_with_data_files(store_dir, capsys):
    code, _, err = run(
        capsys,
        "query",
        "cohort-cases-by-entity-and-site",
        "--store",
        str(store_dir),
        "--data",
        str(CASES / "registry-valid.csv"),
    )
    assert code == 2 and "lmsgraph load --store DIR FILES" in err


def test_a_file_that_does_not_parse_leaves_the_store_as_it_was(tmp_path, capsys):
    folder = tmp_path / "store"
    broken = tmp_path / "broken.ttl"
    broken.write_text("<https://example.org/a> <https://example.org/p> 1 .\n<https://example.org/b> oops\n")
    code, _, err = run(capsys, "load", "--store", str(folder), str(CASES / "registry-valid.csv"), str(broken))
    assert code == 2 and "broken.ttl:2" in err and not folder.exists()
    assert main(["load", "--store", str(folder)]) == 0
    before = json.loads((folder / "lmsgraph-store.json").read_text())
    code, _, err = run(capsys, "load", "--store", str(folder), str(CASES / "registry-valid.csv"), str(broken))
    assert code == 2 and json.loads((folder / "lmsgraph-store.json").read_text()) == before
    assert default_graph_size(lmsgraph.connect(store=folder)) == before["triples"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [".lmsgraph-load.lock", before["data"], "lmsgraph-store.json"]
    )


def default_graph_size(kg):
    return int(kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"])


# --- counts for the cohort queries, kept with every change ------------------------------------


def synthetic_file(path, count, seed, prefix):
    """Synthetic case records, a fifth with a deliberate error (an unknown site, no diagnosis...),
    and the site left out of every seventh."""
    lines = [
        line.replace("/case-", f"/{prefix}-")
        for line in synthetic_ntriples(count, seed=seed, error_rate=0.2)
        if not ("caseSite" in line and int(line.split("case-")[1][:6]) % 7 == 0)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cohort_rows(kg, name):
    return [{k: str(v) for k, v in row.items()} for row in kg.query(name)]


def assert_counts_answer_as_a_recount(folder):
    """Every cohort query answered from the store's counts gives the rows of the canned query
    reading the case records themselves."""
    kg = lmsgraph.connect(store=folder)
    assert sorted(kg.counted) == sorted(COHORT)
    live = lmsgraph.connect(store=folder)
    live.counted = {}
    for name in COHORT:
        fast, slow = cohort_rows(kg, name), cohort_rows(live, name)
        assert fast == slow and len(fast) > 5, name


def test_counts_stay_equal_to_a_recount_as_records_are_added_and_removed(tmp_path):
    folder = tmp_path / "store"
    first = synthetic_file(tmp_path / "first.nt", 400, 1, "first")
    second = synthetic_file(tmp_path / "second.nt", 250, 2, "second")
    load_store(folder, [first])
    assert_counts_answer_as_a_recount(folder)
    one = cohort_rows(lmsgraph.connect(store=folder), "cohort-marker-positivity-by-entity")
    load_store(folder, [second])
    assert_counts_answer_as_a_recount(folder)
    both = cohort_rows(lmsgraph.connect(store=folder), "cohort-marker-positivity-by-entity")
    assert both != one and sum(int(r["tested"]) for r in both) > sum(int(r["tested"]) for r in one)
    said = []
    record = load_store(folder, [], remove=[first], progress=said.append)
    assert record["files"] == [str(second.resolve())]
    assert "counting the 400 case records the change touches" in said  # case by case, not the whole store
    assert_counts_answer_as_a_recount(folder)
    assert record["triples"] == default_graph_size(lmsgraph.connect(store=folder))
    load_store(folder, [first])
    assert_counts_answer_as_a_recount(folder)
    assert cohort_rows(lmsgraph.connect(store=folder), "cohort-marker-positivity-by-entity") == both


def test_counts_follow_changes_to_records_already_in_the_store(tmp_path):
    """A file may repeat, extend or share nodes with records already loaded: the cases it
    touches are counted again as the store holds them."""
    folder = tmp_path / "store"
    cases = synthetic_file(tmp_path / "cases.nt", 300, 6, "c")
    load_store(folder, [cases])
    lines = cases.read_text().splitlines()
    case = lines[0].split()[0]
    marker = next(line.split()[2] for line in lines if line.startswith(case) and "hasMarkerResult" in line)
    edits = {
        "again.nt": "\n".join(lines[:40]),  # triples the store holds already
        "site.nt": f"{case} <https://w3id.org/lmsgraph/caseSite> <https://w3id.org/lmsgraph/Liver> .",
        "result.nt": f"{marker} <https://w3id.org/lmsgraph/result> <https://w3id.org/lmsgraph/Equivocal> .",
        "new-case.nt": "\n".join(
            line.replace("/c-000002", "/n-000001")
            for line in lines
            if line.startswith(case.replace("000001", "000002"))
        ),
    }
    for name, text in edits.items():
        path = tmp_path / name
        path.write_text(text + "\n")
        said = []
        record = load_store(folder, [path], progress=said.append)
        assert any(m.startswith("counting the ") and "touches" in m for m in said), (name, said)
        assert_counts_answer_as_a_recount(folder)
        assert record["triples"] == default_graph_size(lmsgraph.connect(store=folder)), name
    for name in edits:
        load_store(folder, [], remove=[tmp_path / name])
        assert_counts_answer_as_a_recount(folder)


def test_counts_made_by_another_recount_are_not_used(tmp_path):
    folder = tmp_path / "store"
    load_store(folder, [synthetic_file(tmp_path / "cases.nt", 100, 3, "c")])
    marker = folder / "lmsgraph-store.json"
    record = json.loads(marker.read_text())
    marker.write_text(json.dumps(dict(record, counts="0000000000000000")))
    kg = lmsgraph.connect(store=folder)
    assert kg.counted == {}
    marker.write_text(json.dumps(record))
    assert cohort_rows(kg, "cohort-cases-by-entity-and-site") == cohort_rows(
        lmsgraph.connect(store=folder), "cohort-cases-by-entity-and-site"
    )


def test_removing_a_file_keeps_the_bundled_graph_whole(tmp_path, capsys):
    folder = tmp_path / "store"
    assert main(["load", "--store", str(folder)]) == 0
    bundled = json.loads((folder / "lmsgraph-store.json").read_text())["triples"]
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix lmsg: <https://w3id.org/lmsgraph/> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "lmsg:Desmin a owl:Class .\n<https://example.org/x> <https://example.org/p> 1 .\n"
    )
    assert main(["load", "--store", str(folder), str(extra)]) == 0
    assert json.loads((folder / "lmsgraph-store.json").read_text())["triples"] == bundled + 1
    code, _, err = run(capsys, "load", "--store", str(folder), "--remove", str(extra))
    assert code == 0 and "after 1 file(s) taken out" in err, err
    assert json.loads((folder / "lmsgraph-store.json").read_text())["triples"] == bundled
    assert lmsgraph.connect(store=folder).sparql(
        "ASK { <https://w3id.org/lmsgraph/Desmin> a <http://www.w3.org/2002/07/owl#Class> }"
    )


def test_a_file_with_blank_nodes_cannot_be_removed(tmp_path, capsys):
    folder = tmp_path / "store"
    blank = tmp_path / "blank.ttl"
    blank.write_text("<https://example.org/x> <https://example.org/p> [ <https://example.org/q> 1 ] .\n")
    assert main(["load", "--store", str(folder), str(blank)]) == 0
    before = (folder / "lmsgraph-store.json").read_text()
    code, _, err = run(capsys, "load", "--store", str(folder), "--remove", str(blank))
    assert code == 2 and "blank.ttl" in err and "blank nodes" in err
    assert (folder / "lmsgraph-store.json").read_text() == before


def test_a_change_that_fails_half_way_leaves_the_store_as_it_was(tmp_path, monkeypatch):
    folder = tmp_path / "store"
    cases = synthetic_file(tmp_path / "cases.nt", 50, 4, "c")
    load_store(folder, [cases])
    before = (folder / "lmsgraph-store.json").read_text()
    rows = cohort_rows(lmsgraph.connect(store=folder), "cohort-cases-by-entity-and-site")

    def fail(*args):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(cohort, "update", fail)
    with pytest.raises(OSError, match="simulated"):
        load_store(folder, [synthetic_file(tmp_path / "more.nt", 50, 5, "m")])
    monkeypatch.undo()
    assert (folder / "lmsgraph-store.json").read_text() == before
    assert sorted(p.name for p in folder.glob("data-*")) == [json.loads(before)["data"]]
    assert cohort_rows(lmsgraph.connect(store=folder), "cohort-cases-by-entity-and-site") == rows


def test_one_load_at_a_time(tmp_path, capsys):
    import fcntl

    folder = tmp_path / "store"
    assert main(["load", "--store", str(folder)]) == 0
    with open(folder / ".lmsgraph-load.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        code, _, err = run(capsys, "load", "--store", str(folder), str(CASES / "registry-valid.csv"))
    assert code == 2 and "another lmsgraph load is changing this store" in err


# --- validating a store where it lies -------------------------------------------------------------


def result_keys(report):
    return Counter(
        (str(r.focus_node), str(r.path), str(r.source_shape), str(r.component), r.severity, str(r.value))
        for r in report.results
    )


def test_a_store_validates_as_its_files_and_the_bundled_records(tmp_path, capsys):
    """The store holds the bundled graph, its case records included, and the files loaded:
    validating it where it lies finds what validating the files and the bundled records finds."""
    folder = tmp_path / "store"
    cases = synthetic_file(tmp_path / "cases.nt", 400, 7, "v")
    load_store(folder, [cases])
    in_store = validate(store=folder, shapes="cases")
    from_files = validate(cases, shapes="cases", engine="compiled")
    bundled = validate(shapes="cases", engine="compiled")
    assert result_keys(in_store) == result_keys(from_files) + result_keys(bundled)
    assert len(from_files.results) > 50 and in_store.engine == "compiled"
    code, out, _ = run(capsys, "validate", "--shapes", "cases", "--store", str(folder), "--format", "json")
    assert code == 1 and len(json.loads(out)["results"]) == len(in_store.results)


def test_a_store_is_validated_by_the_compiled_engine_only(tmp_path, capsys):
    folder = tmp_path / "store"
    assert main(["load", "--store", str(folder)]) == 0
    code, _, err = run(capsys, "validate", "--store", str(folder), "--engine", "pyshacl")
    assert code == 2 and "compiled engine" in err
    shapes = tmp_path / "qualified.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<https://example.org/s> a sh:NodeShape ; sh:targetClass <https://example.org/C> ;\n"
        "  sh:property [ sh:path <https://example.org/p> ; sh:qualifiedValueShape [ sh:minCount 1 ] ;"
        " sh:qualifiedMinCount 1 ] .\n"
    )
    code, _, err = run(capsys, "validate", "--store", str(folder), "--shapes", str(shapes))
    assert code == 2 and "validate the files with pyshacl" in err
    code, _, err = run(capsys, "validate", str(CASES / "registry-valid.csv"), "--store", str(folder))
    assert code == 2 and "not both" in err


def test_a_reader_keeps_its_snapshot_while_a_load_changes_the_store(tmp_path):
    folder = tmp_path / "store"
    load_store(folder, [synthetic_file(tmp_path / "first.nt", 100, 8, "a")])
    reader = lmsgraph.connect(store=folder)
    before = default_graph_size(reader)
    load_store(folder, [synthetic_file(tmp_path / "second.nt", 100, 9, "b")])
    assert default_graph_size(reader) == before  # the data it opened, though no longer the store's
    assert default_graph_size(lmsgraph.connect(store=folder)) > before


def held_graph(store_dir):
    """What the store holds, read into rdflib through Oxigraph's own N-Triples."""
    import pyoxigraph
    from rdflib import Graph

    store = lmsgraph.connect(store=store_dir).backend.store
    text = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    return Graph().parse(data=text, format="nt")


def test_info_counts_a_store_where_it_lies(store_dir, capsys):
    from lmsgraph.stats import count_graph

    code, out, _ = run(capsys, "info", "--store", str(store_dir), "--json")
    expected = count_graph(held_graph(store_dir)).as_dict()
    assert code == 0 and json.loads(out) == {"version": lmsgraph.__version__, **expected}
    assert expected["case_records"] > lmsgraph.counts().case_records
    code, _, err = run(capsys, "info", "--store", str(store_dir.parent / "no-store"))
    assert code == 2 and "not an lmsgraph store" in err


@pytest.mark.parametrize("fmt, syntax", [("nt", "nt"), ("ttl", "turtle"), ("jsonld", "json-ld"), ("rdfxml", "xml")])
def test_export_writes_what_a_store_holds(store_dir, tmp_path, capsys, fmt, syntax):
    from rdflib import Graph
    from rdflib.compare import isomorphic

    held = held_graph(store_dir)
    target = tmp_path / f"store.{fmt}"
    code, _, err = run(capsys, "export", "--store", str(store_dir), "--format", fmt, "-o", str(target))
    assert code == 0 and "from the store" in err
    written = Graph().parse(target, format=syntax)
    assert len(written) == len(held) == default_graph_size(lmsgraph.connect(store=store_dir))
    assert isomorphic(written, held)
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_store_is_counted_as_the_graph_it_holds():
    from lmsgraph.stats import count_store
    from lmsgraph.store import bundled_store

    assert count_store(bundled_store()) == lmsgraph.counts()


def test_a_long_export_says_how_much_it_has_written(store_dir):
    import io

    import pyoxigraph

    from lmsgraph.cli.build import _Counted

    said, out = [], io.BytesIO()
    counted = _Counted(out, said.append)
    counted.STEP = 50_000
    store = lmsgraph.connect(store=store_dir).backend.store
    store.dump(counted, format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    assert counted.written == len(out.getvalue()) > 10 * counted.STEP
    assert len(said) >= 10 and all(message.endswith("MB written") for message in said)


@pytest.mark.parametrize("character", ["\x07", "\x1b", "\r", "\ufffe"])
def test_a_store_export_to_rdfxml_refuses_what_xml_cannot_hold(tmp_path, capsys, character):
    """Oxigraph's RDF/XML writer copies such characters into the document, which XML parsers then
    refuse (or, for a carriage return, read back as a line feed): an error, and no file."""
    from lmsgraph.ntriples import literal

    data = tmp_path / "hostile.nt"
    data.write_text(
        f"<https://example.org/c1> <http://www.w3.org/2000/01/rdf-schema#comment> {literal('a' * 9000 + character)} .\n",
        encoding="utf-8",
    )
    folder = tmp_path / "store"
    assert main(["load", "--store", str(folder), str(data)]) == 0
    target = tmp_path / "store.rdf"
    code, _, err = run(capsys, "export", "--store", str(folder), "--format", "rdfxml", "-o", str(target))
    assert code == 2 and f"U+{ord(character):04X}" in err and "export as Turtle" in err
    assert not target.exists() and not list(tmp_path.glob(".*.tmp"))
    code, _, _ = run(capsys, "export", "--store", str(folder), "--format", "ttl", "-o", str(tmp_path / "store.ttl"))
    assert code == 0


@pytest.mark.parametrize("fmt", ["nt", "ttl", "jsonld"])
def test_a_store_export_writes_control_characters_as_escapes(tmp_path, capsys, fmt):
    """Exported from a store, no format carries a raw control character to a terminal: Oxigraph
    escapes them in Turtle, N-Triples and JSON-LD (and RDF/XML refuses them, above)."""
    data = tmp_path / "hostile.nt"
    data.write_text(
        '<https://example.org/c1> <http://www.w3.org/2000/01/rdf-schema#comment> "bell\\u0007 esc\\u001B[31m" .\n'
    )
    folder = tmp_path / "store"
    assert main(["load", "--store", str(folder), str(data)]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "export", "--store", str(folder), "--format", fmt)
    assert code == 0 and "example.org/c1" in out and "\x1b" not in out and "\x07" not in out
