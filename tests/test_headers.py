"""YAML headers (canned queries, SSSOM tables): parsed with PyYAML once, then read from the
user's cache by the header's digest, with the same mapping."""

from __future__ import annotations

import datetime
import subprocess
import sys

import pytest

from lmsgraph.errors import DataError
from lmsgraph.headers import cached_yaml_header, read_yaml_header

LINES = ["# mapping_date: 2026-11-21", "# curie_map:", "#   NCIT: http://example.org/ncit_", "# n: 3", "subject_id"]


def test_the_cache_gives_the_mapping_yaml_gives(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    parsed = read_yaml_header(LINES, "#", "m.sssom.tsv")
    assert cached_yaml_header(LINES, "#", "m.sssom.tsv") == parsed  # parsed, then written
    assert len(list((tmp_path / "lmsgraph" / "headers").iterdir())) == 1
    again = cached_yaml_header(LINES, "#", "m.sssom.tsv")  # read back
    assert again == parsed and again[0]["mapping_date"] == datetime.date(2026, 11, 21)


def test_a_bad_header_is_still_an_error_with_its_line(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with pytest.raises(DataError, match=r"q\.rq:\d+: the header is not valid YAML"):
        cached_yaml_header(["#+ summary: x", "#+ tags: [a, b", "SELECT"], "#+", "q.rq")


def test_a_warm_query_command_does_not_import_pyyaml(tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    code = (
        "import sys; from lmsgraph.cli import main; "
        "main(['query', 'markers-of-entity', '--entity', 'inflammatory leiomyosarcoma']); "
        "print('yaml' in sys.modules, file=sys.stderr)"
    )
    for expected in ("True", "False"):  # cold cache, then warm
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0 and "lmsg:Desmin" in done.stdout, done.stderr
        assert done.stderr.strip().splitlines()[-1] == expected
