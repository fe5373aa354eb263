"""A persistent store: the graph and case records loaded once into an on-disk Oxigraph store,
then queried by every command (--store DIR) and by connect(store=DIR)."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES

import lmsgraph
from lmsgraph.cli import main
from lmsgraph.errors import DataError
from lmsgraph.queries import catalogue

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
    assert record["triples"] == len(kg.backend.store) and record["files"][0].endswith("registry-valid.csv")


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
    assert len(lmsgraph.connect(store=folder).backend.store) == before["triples"]
