"""The package: cheap import, data files inside the wheel, installed data current, version agreement."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from conftest import REPO
from rdflib import OWL

import lmsgraph
from lmsgraph.namespaces import ONTOLOGY_IRI
from lmsgraph.resources import DATA_KINDS, data_dir


def test_import_is_cheap():
    code = (
        "import sys, lmsgraph; heavy = [m for m in ('rdflib', 'pyoxigraph', 'owlready2', 'pyshacl', 'yaml') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"import lmsgraph pulled in heavy modules: {out}"


def test_wheel_contains_the_data_files(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("lmsgraph-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for kind in DATA_KINDS:
        expected = {
            f"lmsgraph/data/{kind}/{p.relative_to(REPO / kind).as_posix()}"
            for p in (REPO / kind).rglob("*")
            if p.is_file()
        }
        assert expected, f"the repository has no {kind} files"
        missing = expected - names
        assert not missing, f"{kind} files missing from {wheel.name}: {sorted(missing)}"
    assert "lmsgraph/java/DlProfileCheck.java" in names
    web = REPO / "src" / "lmsgraph" / "serve"
    for folder in ("templates", "static"):
        shipped = {f"lmsgraph/serve/{folder}/{p.name}" for p in (web / folder).iterdir() if p.is_file()}
        assert shipped and shipped <= names, f"lmsgraph serve's {folder} missing from {wheel.name}"


def test_installed_data_matches_the_repository():
    for kind in DATA_KINDS:
        installed = data_dir(kind)
        for source in (REPO / kind).rglob("*"):
            if source.is_file():
                copy = installed / source.relative_to(REPO / kind)
                assert copy.is_file(), f"{copy} is missing; reinstall with `python3 run.py test`"
                assert copy.read_bytes() == source.read_bytes(), (
                    f"{copy} differs from {source}; reinstall with `python3 run.py test`"
                )


def test_version_agrees_with_ontology_and_pyproject(graph):
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["version"] == lmsgraph.__version__
    assert str(graph.value(ONTOLOGY_IRI, OWL.versionInfo)) == lmsgraph.__version__
    version_iri = str(graph.value(ONTOLOGY_IRI, OWL.versionIRI))
    assert f"/releases/{lmsgraph.__version__}/" in version_iri


def test_load_returns_the_whole_graph(graph):
    counts = lmsgraph.counts(graph)
    assert counts.entities == 9
    assert counts.claims >= 100
    assert counts.citations == 13
    assert counts.case_records == 2
    assert counts.mappings == sum(
        1 for line in (REPO / "ontology" / "mappings.sssom.tsv").read_text().splitlines() if line.startswith("lmsg:")
    )
