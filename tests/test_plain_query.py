"""``lmsgraph query`` answered without click (lmsgraph.command): the same output, notes, messages
and exit codes as the click command line, for every canned query in every format; everything it
does not read exactly as click would goes to click; and it imports none of the modules a cold
start cannot afford."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

import lmsgraph.cli as cli
from lmsgraph.__main__ import main
from lmsgraph.command import OTHER_QUERY_OPTIONS, TABLE_FORMATS, plain_query
from lmsgraph.queries import catalogue


def both(capsys, args: list[str]) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    """(exit code, output, error) of the ``lmsgraph`` command and of the click command line."""
    first = main(args)
    out, err = capsys.readouterr()
    second = cli.main(args)
    click_out, click_err = capsys.readouterr()
    return (first, out, err), (second, click_out, click_err)


def example_args(query) -> list[str]:
    args = ["query", query.name]
    for param in query.params:
        args += [f"--{param.name}", param.example]
    return args


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_every_canned_query_answers_as_click_does_in_every_format(capsys, name):
    base = example_args(catalogue()[name])
    for fmt in TABLE_FORMATS:
        args = [*base, "--format", fmt]
        assert plain_query(args) is not None, "answered without click"
        ours, theirs = both(capsys, args)
        assert ours == theirs, (name, fmt)
        assert ours[0] == 0 and ours[1].strip(), (name, fmt, ours[2])
    ours, theirs = both(capsys, base)  # no --format: a table
    assert ours == theirs and ours[1].rstrip().endswith(("row)", "rows)"))


@pytest.mark.parametrize(
    "args",
    [
        ["query", "no-such-query"],
        ["query", "cohort"],  # leading words of several queries
        ["query", "markers", "--entity", "no such entity"],
        ["query", "markers", "--entity", "desmin"],  # a marker where an entity is asked for
        ["query", "markers", "--entity", "inflammatory leiomyosarcoma", "--colour", "red"],
        ["query", "markers"],  # a parameter missing
        ["query", "markers", "stray", "--entity", "desmin"],
        ["query", "markers", "--entity=NCIT:C5756", "--format=csv"],
        ["query", "sites", "--format", "json", "--entity", "NCIT:C5756"],  # an option before a parameter
        ["query", "entities-by-external-code", "--code", "ICD-O:9999/9"],  # no answer: a note
    ],
)
def test_messages_notes_and_exit_codes_are_click_s(capsys, args):
    assert plain_query(args) is not None
    ours, theirs = both(capsys, args)
    assert ours == theirs
    assert ours[0] in (0, 2) and (ours[0] == 0 or ours[2].startswith("lmsgraph: error: "))


@pytest.mark.parametrize(
    "args",
    [
        ["query", "markers", "--entity", "desmin", "--store", "db"],
        ["query", "markers", "--entity", "desmin", "--out=x.csv"],
        ["query", "markers", "-o", "x.csv"],
        ["query", "markers", "--format", "xml"],
        ["query", "markers", "--format"],
        ["query", "markers", "--", "--entity", "desmin"],
        ["query", "markers", "--entity", "-1"],
        ["query", "--entity", "desmin", "markers"],
        ["query", "markers", "--help"],
        ["-q", "query", "markers", "--entity", "desmin"],
        ["queries"],
        ["query"],
    ],
)
def test_what_it_does_not_read_as_click_would_goes_to_click(args):
    assert plain_query(args) is None


def test_its_list_of_options_is_the_click_command_s():
    group = cli.cli.make_context("lmsgraph", ["query"], resilient_parsing=True)
    command = cli.cli.get_command(group, "query")
    context = command.make_context("query", [], parent=group, resilient_parsing=True)
    names = {opt for param in command.params if isinstance(param, click.Option) for opt in param.opts}
    names.update(context.help_option_names)
    assert names - {"--format"} == OTHER_QUERY_OPTIONS


def test_a_stream_that_is_not_utf8_goes_to_click():
    code = (
        "import sys; from lmsgraph.__main__ import main; "
        "sys.exit(main(['query', 'markers', '--entity', 'inflammatory leiomyosarcoma', '--format', 'tsv']))"
    )
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONIOENCODING": "latin-1", "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert done.returncode == 0 and "lmsg:Desmin" in done.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert {"click", "lmsgraph.cli"} <= imported


#: What a cold query cannot afford to import (see lmsgraph.command).
UNAFFORDABLE = ("click", "typing", "dataclasses", "inspect", "pathlib", "hashlib", "json", "decimal", "yaml")


def test_a_warm_plain_query_imports_none_of_the_costly_modules(tmp_path):
    code = (
        "import sys; from lmsgraph.__main__ import main; "
        "code = main(['query', 'markers', '--entity', 'inflammatory leiomyosarcoma', '--format', 'tsv']); "
        f"print('imported:', *sorted(m for m in {UNAFFORDABLE!r} if m in sys.modules), file=sys.stderr); "
        "sys.exit(code)"
    )
    env = {"XDG_CACHE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for warm in (False, True):  # the first run makes what is kept in the cache
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0 and "lmsg:Desmin" in done.stdout, done.stderr
        imported = done.stderr.strip().splitlines()[-1]
        if warm:
            assert imported == "imported:", imported
        else:
            assert "yaml" in imported  # the headers were read with PyYAML, then kept
