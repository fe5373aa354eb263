"""The command line: help, info, export, format, build; exit codes 0, 1 and 2."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import ONTOLOGY

from lmsgraph.cli import cli, main


def run(args, **kwargs):
    from lmsgraph.cli import build, info, validate  # noqa: F401

    return CliRunner().invoke(cli, args, catch_exceptions=False, **kwargs)


def test_help_lists_the_commands():
    result = run(["--help"])
    assert result.exit_code == 0
    for command in ("info", "build", "export", "format", "reason", "validate"):
        assert command in result.output


def test_info_prints_version_and_counts():
    result = run(["info", "--json"])
    assert result.exit_code == 0
    figures = json.loads(result.output)
    assert figures["version"] == "0.1.0"
    assert figures["entities"] == 9 and figures["claims"] >= 100 and figures["case_records"] == 2


def test_export_to_a_file(tmp_path):
    out = tmp_path / "g.ttl"
    result = run(["export", "--format", "ttl", "--out", str(out)])
    assert result.exit_code == 0
    assert out.read_bytes().startswith(b"@prefix")


def test_format_check_names_the_file_and_the_fix(tmp_path):
    messy = tmp_path / "messy.ttl"
    messy.write_text("@prefix lmsg: <https://w3id.org/lmsgraph/> .\nlmsg:b lmsg:p 1 .   lmsg:a lmsg:p 2 .\n")
    assert main(["format", "--check", str(messy)]) == 1
    assert main(["format", str(messy)]) == 0
    assert main(["format", "--check", str(messy)]) == 0


def test_format_check_passes_on_the_repository():
    assert main(["format", "--check", *map(str, sorted(ONTOLOGY.glob("*.ttl")))]) == 0


def test_bad_turtle_gives_exit_2_with_file_and_line(tmp_path, capsys):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix lmsg: <https://w3id.org/lmsgraph/> .\n\nlmsg:a lmsg:p "unterminated .\n')
    assert main(["format", "--check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "Turtle syntax error" in err
    assert f"{bad}:3" in err


def test_build_writes_every_export(tmp_path, capsys):
    # The OWL checks the build runs are the ones test_reason_runs_the_profile_check_and_hermit runs.
    assert main(["build", "--skip-owl-checks", "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr()
    out = printed.out
    assert "OWL checks skipped (--skip-owl-checks)" in printed.err
    assert (
        "SHACL (graph shapes, compiled engine): passes (no violation allowed); 0 violations, 0 warnings, 0 infos; "
        "sh:conforms true"
    ) in out
    assert (
        "SHACL (cases shapes, compiled engine): passes (no violation allowed); 0 violations, 1 warnings, 0 infos; "
        "sh:conforms false"
    ) in out
    assert "Markers of inflammatory leiomyosarcoma" in out and "  has marker desmin\n" in out
    assert 'polarity: absent; frequency: usually; certainty: stated; wording: "usually not for desmin"' in out
    assert "in group: immunoreactive for smooth muscle actin, desmin and/or caldesmon" in out
    assert "conventional leiomyosarcoma: has site liver" in out and "lesion role: metastatic lesion" in out
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["lmsgraph.jsonld", "lmsgraph.nt", "lmsgraph.owl", "lmsgraph.ttl", "mappings.sssom.tsv"]


@pytest.mark.java
def test_reason_runs_the_profile_check_and_hermit(capsys):
    assert main(["reason"]) == 0
    out = capsys.readouterr().out
    assert "OWL 2 DL profile: yes" in out and "HermiT: consistent" in out


def test_build_into_an_unwritable_place_is_an_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["build", "--skip-owl-checks", "--out", str(blocker / "sub")]) == 2
    assert "error" in capsys.readouterr().err
