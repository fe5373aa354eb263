"""The command line's conventions, as tools of the field have them: ``-o/--output`` with ``-``
for standard output, the format from the output file's extension, a clash between the two an
error, ``-q`` for silence and ``-v`` for a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import rdflib

from lmsgraph.cli import main


@pytest.mark.parametrize(
    ("name", "syntax", "start"),
    [
        ("g.owl", "xml", b"<?xml"),
        ("g.rdf", "xml", b"<?xml"),
        ("g.nt", "nt", b"<"),
        ("g.jsonld", "json-ld", b"{"),
        ("g.ttl", "turtle", b"@prefix"),
    ],
)
def test_export_takes_its_format_from_the_extension(tmp_path, name, syntax, start):
    out = tmp_path / name
    assert main(["export", "-o", str(out)]) == 0
    data = out.read_bytes()
    assert data.lstrip().startswith(start), data[:40]
    assert len(rdflib.Graph().parse(data=data, format=syntax)) > 1000


def test_a_dash_is_standard_output_and_no_file(tmp_path, capsysbinary, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--format", "nt", "-o", "-"]) == 0
    dashed = capsysbinary.readouterr().out
    assert main(["export", "--format", "nt"]) == 0
    assert capsysbinary.readouterr().out == dashed and dashed.startswith(b"<")
    assert not (tmp_path / "-").exists()


def test_a_format_other_than_the_extension_says_is_an_error(tmp_path, capsys):
    out = tmp_path / "g.owl"
    assert main(["export", "--format", "ttl", "-o", str(out)]) == 2
    assert "--format ttl does not match the file name" in capsys.readouterr().err and not out.exists()
    assert main(["export", "--format", "ttl", "--output", str(tmp_path / "g.data")]) == 0  # an extension naming nothing


@pytest.mark.parametrize(
    ("args", "name", "check"),
    [
        (
            ["query", "markers", "--entity", "lmsg:InflammatoryLeiomyosarcoma"],
            "rows.csv",
            lambda t: t.startswith("entity,claim,"),
        ),
        (
            ["query", "markers", "--entity", "lmsg:InflammatoryLeiomyosarcoma"],
            "rows.json",
            lambda t: json.loads(t)["rows"],
        ),
        (["entity", "inflammatory leiomyosarcoma"], "profile.json", lambda t: json.loads(t)[0]["label"]),
        (["validate"], "report.json", lambda t: "conforms" in json.loads(t)),
        (["validate"], "report.ttl", lambda t: len(rdflib.Graph().parse(data=t, format="turtle")) > 0),
    ],
)
def test_every_answer_can_go_to_a_file_in_the_format_its_name_says(tmp_path, args, name, check):
    out = tmp_path / name
    assert main([*args, "-o", str(out)]) in (0, 1)
    assert check(out.read_text(encoding="utf-8"))


def _lmsgraph(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lmsgraph", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env={**os.environ},
    )


def test_quiet_leaves_standard_error_empty_and_verbose_shows_a_traceback(tmp_path):
    said = _lmsgraph("export", "-o", str(tmp_path / "a.ttl"))
    assert said.returncode == 0 and "wrote" in said.stderr
    quiet = _lmsgraph("-q", "export", "-o", str(tmp_path / "b.ttl"))
    assert quiet.returncode == 0 and quiet.stderr == "" and (tmp_path / "b.ttl").stat().st_size > 0
    failing = ["query", "markers", "--entity", "no such entity"]
    plain, verbose = _lmsgraph(*failing), _lmsgraph("-v", *failing)
    assert plain.returncode == verbose.returncode == 2
    assert "Traceback" not in plain.stderr and "Traceback" in verbose.stderr
    assert "no such entity" in verbose.stderr.splitlines()[-1]
    both = _lmsgraph("-v", "-q", "info")
    assert both.returncode == 2 and "opposite" in both.stderr


def _validate_stdin(data: bytes, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lmsgraph", "validate", "--shapes", "cases", *args],
        input=data,
        capture_output=True,
        timeout=300,
    )


def test_validate_reads_standard_input_as_a_dash():
    from conftest import FIXTURES

    csv_data = (FIXTURES / "cases" / "registry-invalid.csv").read_bytes()
    first, again = _validate_stdin(csv_data, "-"), _validate_stdin(csv_data, "-")
    assert first.returncode == 1 and first.stdout == again.stdout  # the same report, whatever file held it
    report = first.stdout.decode()
    assert "-, row 2, column age_years" in report and "urn:lmsgraph:stdin#R-101" in report and "/tmp" not in report
    valid = _validate_stdin((FIXTURES / "cases" / "registry-valid.csv").read_bytes(), "-")
    assert valid.returncode == 0, valid.stdout
    broken = _validate_stdin(b'@prefix lmsg: <https://w3id.org/lmsgraph/> .\nlmsg:x lmsg:p "open .\n', "-")
    assert broken.returncode == 2 and b"- (standard input):2" in broken.stderr
    as_nt = _validate_stdin(b"<urn:x:a> <urn:x:b> <urn:x:c> .\n", "--input-format", "nt", "-")
    assert as_nt.returncode == 0, as_nt.stderr
    assert _validate_stdin(b"", "-", "-").returncode == 2
    assert _validate_stdin(b"", "--input-format", "nt").returncode == 2
