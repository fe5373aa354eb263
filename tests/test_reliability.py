"""The reliability corpus (tests/fixtures/hostile/corpus.yaml): every hostile or malformed input
gives the exit code and the message it should, and nothing is fetched while it is read."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES

from lmsgraph.cli import main

HOSTILE = FIXTURES / "hostile"
CORPUS = yaml.safe_load((HOSTILE / "corpus.yaml").read_text(encoding="utf-8"))


class Listener:
    """A TCP server on loopback that records every connection made to it, for at most a minute."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.contacts: list[bytes] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        deadline = time.monotonic() + 60
        while not self.stopping.is_set() and time.monotonic() < deadline:
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.contacts.append(conn.recv(4096))
                except OSError:
                    self.contacts.append(b"")

    def close(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def test_the_listener_sees_a_connection(listener):
    """The check below can fail: a connection to the listener is recorded."""
    with socket.create_connection(("127.0.0.1", int(listener.url.rsplit(":", 1)[1])), timeout=2) as conn:
        conn.sendall(b"GET / HTTP/1.0\r\n\r\n")
    deadline = time.monotonic() + 5
    while not listener.contacts and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listener.contacts and listener.contacts[0].startswith(b"GET /")


def entry_id(entry: dict) -> str:
    return f"{entry['file']}:{' '.join(entry['run'][:1] + [a for a in entry['run'][1:] if a.startswith('--')])}"


@pytest.mark.parametrize("entry", CORPUS, ids=[entry_id(e) for e in CORPUS])
def test_hostile_input(entry, listener, tmp_path, capsys, monkeypatch):
    # The fixtures go to a fresh folder with the listener's URL written in, and are run from there.
    for source in HOSTILE.iterdir():
        if source.name != "corpus.yaml":
            (tmp_path / source.name).write_bytes(source.read_bytes().replace(b"{listener}", listener.url.encode()))
    monkeypatch.chdir(tmp_path)
    args = [arg.replace("{file}", entry["file"]).replace("{listener}", listener.url) for arg in entry["run"]]
    code = main(args)
    out, err = capsys.readouterr()
    shown = err if entry["exit"] == 2 else out
    assert code == entry["exit"], f"{entry['why']}: exit {code}\nstdout: {out}\nstderr: {err}"
    for words in entry["says"]:
        assert words.replace("{listener}", listener.url) in shown, f"{entry['why']}: {words!r} not in\n{shown}"
    if entry["exit"] == 2:
        assert "Traceback" not in out + err
    time.sleep(0.1)  # a connection in flight would reach the listener by now
    assert listener.contacts == [], f"{entry['why']}: the listener was contacted: {listener.contacts}"


def test_every_fixture_is_in_the_corpus():
    named = {e["file"] for e in CORPUS}
    helpers = {"jsonld-file-context.context.jsonld"}  # read only if a fixture's context were followed
    on_disk = {p.name for p in HOSTILE.iterdir()} - {"corpus.yaml"} - helpers
    assert on_disk == named, f"fixtures without an entry: {on_disk - named}; entries without a file: {named - on_disk}"


def test_entries_are_complete():
    for entry in CORPUS:
        assert set(entry) == {"file", "why", "run", "exit", "says"}, entry
        assert entry["exit"] in (0, 1, 2) and entry["says"], entry
        assert Path(HOSTILE / entry["file"]).is_file(), entry


@pytest.mark.parametrize("command", [["validate", "--shapes", "cases"], ["query", "cohort-cases", "--data"]])
def test_a_folder_a_pipe_and_a_missing_file_each_get_their_own_message(tmp_path, capsys, command):
    import os

    folder = tmp_path / "records.csv"
    folder.mkdir()
    pipe = tmp_path / "records.ttl"
    os.mkfifo(pipe)
    for path, words in (
        (folder, "is a folder, not a file"),
        (pipe, "is a named pipe, not a file"),
        (tmp_path / "absent.csv", "no such file"),
    ):
        assert main([*command, str(path)]) == 2
        err = capsys.readouterr().err
        assert f"{path}: {words}" in err, err


def test_a_csv_above_the_size_limit_is_refused_before_it_is_read(tmp_path, capsys):
    from lmsgraph.inputs import MAX_CSV_BYTES

    big = tmp_path / "registry.csv"
    with big.open("wb") as handle:  # sparse: nothing is written but the size
        handle.truncate(MAX_CSV_BYTES + 1)
    assert main(["validate", "--shapes", "cases", str(big)]) == 2
    err = capsys.readouterr().err
    assert f"lmsgraph reads CSV case records of up to {MAX_CSV_BYTES >> 20} MB at once" in err


def test_impossible_dates_in_turtle_are_violations_on_every_engine(tmp_path):
    from lmsgraph.validation import validate

    data = tmp_path / "dates.ttl"
    records = "".join(
        f"<https://example.org/registry/c{i}> a lmsg:TumourCase ; lmsg:diagnosis lmsg:Leiomyosarcoma ; "
        f'lmsg:caseSite lmsg:Retroperitoneum ; lmsg:diagnosisDate "{day}"^^xsd:date .\n'
        for i, day in enumerate(["2021-02-30", "0000-01-01", "2021-02-29", "2020-02-29", "-0044-03-15", "2021-04-31"])
    )
    data.write_text(
        "@prefix lmsg: <https://w3id.org/lmsgraph/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n" + records,
        encoding="utf-8",
    )
    flagged = {}
    for engine in ("compiled", "pyshacl"):
        report = validate(data, shapes="cases", engine=engine)
        flagged[engine] = sorted(str(r.focus_node) for r in report.results)
    assert flagged["compiled"] == flagged["pyshacl"]
    assert [f.rsplit("c", 1)[1] for f in flagged["compiled"]] == ["0", "1", "2", "4", "5"]
