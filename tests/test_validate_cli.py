"""``lmsgraph validate`` and case records in CSV: exit codes 0, 1 and 2, formats, row and column errors."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import FIXTURES
from rdflib import Graph, Literal, Namespace, URIRef

from lmsgraph.cli import main
from lmsgraph.inputs import read_cases_csv

CASES = FIXTURES / "cases"
LMSG = Namespace("https://w3id.org/lmsgraph/")


def lmsgraph(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lmsgraph", *args], capture_output=True, text=True)


def test_the_bundled_graph_conforms_exit_0():
    result = lmsgraph("validate")
    assert result.returncode == 0, result.stderr
    assert "the bundled graph against the graph shapes: conforms" in result.stdout


def test_invalid_case_records_exit_1_with_row_and_column():
    result = lmsgraph("validate", "--shapes", "cases", str(CASES / "registry-invalid.csv"))
    assert result.returncode == 1
    assert "registry-invalid.csv, row 2, column age_years: VIOLATION" in result.stdout
    assert "registry-invalid.csv, row 3, column site: VIOLATION" in result.stdout
    assert "5 result(s) at or above --fail-on violation for the cases shapes" in result.stderr


def test_valid_case_records_exit_0():
    result = lmsgraph("validate", "--shapes", "cases", str(CASES / "registry-valid.csv"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_fail_on_decides_the_exit_code_and_conforms_stays_shacls():
    """The bundled case records have one warning: they do not conform, yet pass at the default level."""
    result = lmsgraph("validate", "--shapes", "cases")
    assert result.returncode == 0, result.stderr
    assert "does not conform (0 violations, 1 warnings, 0 infos); passes at --fail-on violation" in result.stdout
    result = lmsgraph("validate", "--shapes", "cases", "--fail-on", "warning")
    assert result.returncode == 1
    assert "1 result(s) at or above --fail-on warning" in result.stderr
    result = lmsgraph("validate", "--shapes", "cases", "--fail-on", "info", "--format", "json")
    report = json.loads(result.stdout)
    assert (result.returncode, report["conforms"], report["passed"], report["fail_on"]) == (1, False, False, "info")


def test_unreadable_cells_exit_2_listing_every_row_and_column():
    result = lmsgraph("validate", "--shapes", "cases", str(CASES / "registry-unreadable.csv"))
    assert result.returncode == 2
    for line in (
        "row 2, column age_years: 'forty' is not a whole number of years",
        "row 3, column sex: 'woman' is not one of female, male, unknown",
        "row 3, column site: 'livr' is not a label, synonym or CURIE of lmsgraph's vocabulary; did you mean 'liver'?",
        "row 4, column case_id: 'R-201' already used on row 2",
    ):
        assert line in result.stderr


def test_unknown_column_exit_2():
    result = lmsgraph("validate", "--shapes", "cases", str(CASES / "registry-unknown-column.csv"))
    assert result.returncode == 2
    assert "registry-unknown-column.csv:1: unknown column(s) 'age'" in result.stderr


def test_syntax_error_exit_2_with_file_and_line(tmp_path):
    bad = tmp_path / "cases.ttl"
    bad.write_text(
        "@prefix lmsg: <https://w3id.org/lmsgraph/> .\n\nlmsg:c1 a lmsg:TumourCase ;\n  lmsg:ageYears 4 5 .\n"
    )
    result = lmsgraph("validate", "--shapes", "cases", str(bad))
    assert result.returncode == 2
    assert f"{bad}:4" in result.stderr


def test_unknown_shapes_and_missing_file_exit_2(tmp_path):
    assert main(["validate", "--shapes", "everything"]) == 2
    assert main(["validate", "--shapes", "cases", str(tmp_path / "nowhere.ttl")]) == 2


def test_json_and_turtle_formats(tmp_path):
    result = lmsgraph("validate", "--shapes", "cases", "--format", "json", str(CASES / "registry-invalid.csv"))
    report = json.loads(result.stdout)
    assert report["conforms"] is False and report["counts"]["Violation"] == 5
    assert {r["location"] for r in report["results"]} >= {f"{CASES / 'registry-invalid.csv'}, row 3, column site"}
    out = tmp_path / "report.ttl"
    result = lmsgraph(
        "validate", "--shapes", "cases", "--format", "ttl", "--out", str(out), str(CASES / "registry-invalid.csv")
    )
    assert result.returncode == 1 and out.is_file()
    graph = Graph().parse(out, format="turtle")
    sh = Namespace("http://www.w3.org/ns/shacl#")
    assert len(list(graph.subjects(sh.resultSeverity, sh.Violation))) == 5
    assert (None, sh.conforms, Literal(False)) in graph


def test_csv_rows_become_case_records():
    graph = Graph()
    located = read_cases_csv(graph, CASES / "registry-valid.csv")
    case = URIRef((CASES / "registry-valid.csv").resolve().as_uri() + "#R-003")
    assert graph.value(case, LMSG.diagnosis) == LMSG.EBVAssociatedSmoothMuscleTumour
    assert set(graph.objects(case, LMSG.caseSetting)) == {LMSG.HeartTransplantation, LMSG.AIDS}
    assert graph.value(case, LMSG.ebvStatus) == LMSG.Positive
    marker = graph.value(case, LMSG.hasMarkerResult)
    assert (graph.value(marker, LMSG.marker), graph.value(marker, LMSG.result)) == (LMSG.NuclearEBER, LMSG.Positive)
    assert located.rows[case].endswith("registry-valid.csv, row 4")
    first = URIRef((CASES / "registry-valid.csv").resolve().as_uri() + "#R-001")
    assert str(graph.value(first, LMSG.largestDimension)) == "8.5"
    assert graph.value(first, LMSG.unit) == LMSG.Centimetre
    assert len(list(graph.objects(first, LMSG.hasObservation))) == 2


def test_docs_list_every_csv_column():
    from conftest import REPO

    from lmsgraph.inputs import CSV_COLUMNS

    text = (REPO / "docs" / "cases.md").read_text(encoding="utf-8")
    for column, meaning in CSV_COLUMNS.items():
        assert f"| `{column}` | {meaning} |" in text


def test_a_quoted_csv_cell_may_span_lines(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text('case_id,site,comment\nR-1,liver,"first line\nsecond line"\nR-2,trunk,\n', encoding="utf-8")
    graph = Graph()
    located = read_cases_csv(graph, path)
    first = URIRef(path.resolve().as_uri() + "#R-1")
    assert str(graph.value(first, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"))) == "first line\nsecond line"
    assert located.rows[URIRef(path.resolve().as_uri() + "#R-2")].endswith("row 3")


def test_csv_terms_may_be_the_sources_own_names(tmp_path):
    from rdflib import Graph

    from lmsgraph.inputs import read_cases_csv
    from lmsgraph.namespaces import LMSG

    path = tmp_path / "names.csv"
    path.write_text(
        "case_id,diagnosis,markers_positive\nc1,EBV-associated leiomyosarcoma,h-caldesmon\n"
        "c2,leiomyosarcoma NOS,desmin\n"
    )
    graph = Graph()
    read_cases_csv(graph, path)
    assert set(graph.objects(None, LMSG.diagnosis)) == {LMSG.EBVAssociatedSmoothMuscleTumour, LMSG.Leiomyosarcoma}
    assert set(graph.objects(None, LMSG.marker)) == {LMSG.Caldesmon, LMSG.Desmin}


def _stderr_on_a_terminal(*args: str) -> tuple[int, str]:
    """Run lmsgraph with its standard error on a pseudo-terminal; (exit code, what it wrote there)."""
    import os
    import pty
    import select
    import time

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "lmsgraph", *args], stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    chunks, deadline = [], time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the other end closed
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(master)
    return proc.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def test_progress_on_a_terminal_and_quiet_otherwise():
    code, seen = _stderr_on_a_terminal("validate", "--shapes", "cases", str(CASES / "registry-valid.csv"))
    assert code == 0
    assert "lmsgraph: constraint 1/" in seen and "done" in seen
    quiet = lmsgraph("validate", "--shapes", "cases", str(CASES / "registry-valid.csv"))
    assert quiet.returncode == 0 and "lmsgraph: constraint" not in quiet.stderr
    code, seen = _stderr_on_a_terminal(
        "validate", "--no-progress", "--shapes", "cases", str(CASES / "registry-valid.csv")
    )
    assert code == 0 and "lmsgraph: constraint" not in seen
