"""Output is safe: the writers are correct for any graph, values in messages are cut, and data
cannot act on a terminal."""

from __future__ import annotations

import json

import pyoxigraph
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from lmsgraph.cli import main
from lmsgraph.display import escape_controls, json_safe, shown
from lmsgraph.errors import DataError, UnknownNameError
from lmsgraph.export import serialize

EX = "https://example.org/"
# Every C0 and C1 control, DEL, the line and paragraph separators, a byte order mark, a bidi
# override, quotes and backslashes, and text that looks like the end of a triple or an element.
HOSTILE_TEXT = (
    "".join(map(chr, range(0x00, 0x20)))
    + "".join(map(chr, range(0x7F, 0xA0)))
    + '\u2028\u2029\ufeff\u202e "quoted" \\ \' > . <x/> ]]> &amp; \r\n'
)
XML_SAFE_TEXT = 'tab\there, line\nbreak, return\r, quote " & < > ]]> \u2028 \x85 \x7f end'
OXIGRAPH_FORMATS = {"nt": pyoxigraph.RdfFormat.N_TRIPLES, "ttl": pyoxigraph.RdfFormat.TURTLE}
RDFLIB_FORMATS = {"nt": "nt", "ttl": "turtle", "jsonld": "json-ld", "rdfxml": "xml"}


def hostile_graph(text: str) -> Graph:
    graph = Graph()
    s, p = URIRef(EX + "s"), URIRef(EX + "p")
    graph.add((s, p, Literal(text)))
    graph.add((s, p, Literal(text, lang="en")))
    graph.add((s, p, Literal(text, datatype=URIRef(EX + "type"))))
    node = BNode()
    graph.add((s, URIRef(EX + "q"), node))
    graph.add((node, p, Literal("x" + text[::-1])))
    return graph


@pytest.mark.parametrize("fmt", ["nt", "ttl", "jsonld"])
def test_any_literal_round_trips_through_rdflib(fmt):
    graph = hostile_graph(HOSTILE_TEXT)
    back = Graph().parse(data=serialize(graph, fmt), format=RDFLIB_FORMATS[fmt])
    assert isomorphic(back, graph)


@pytest.mark.parametrize("fmt", ["nt", "ttl"])
def test_any_literal_round_trips_through_oxigraph(fmt):
    graph = hostile_graph(HOSTILE_TEXT)
    read = list(pyoxigraph.parse(serialize(graph, fmt), format=OXIGRAPH_FORMATS[fmt]))
    assert sorted(q.object.value for q in read if isinstance(q.object, pyoxigraph.Literal)) == sorted(
        str(o) for o in graph.objects() if isinstance(o, Literal)
    )


def test_n_triples_is_one_triple_per_line_for_every_reader():
    graph = hostile_graph(HOSTILE_TEXT)
    data = serialize(graph, "nt")
    # str.splitlines also breaks at vertical tab, form feed, U+001C-001E, U+0085, U+2028 and U+2029.
    assert len(data.decode("utf-8").splitlines()) == len(graph)
    assert all(line.endswith(" .") for line in data.decode("utf-8").splitlines())


def test_rdfxml_carries_every_character_xml_can_hold():
    graph = hostile_graph(XML_SAFE_TEXT)
    data = serialize(graph, "rdfxml")
    assert isomorphic(Graph().parse(data=data, format="xml"), graph)
    read = list(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.RDF_XML))
    assert {q.object.value for q in read if isinstance(q.object, pyoxigraph.Literal)} == {
        str(o) for o in graph.objects() if isinstance(o, Literal)
    }


def test_rdfxml_refuses_what_xml_cannot_hold():
    with pytest.raises(DataError, match=r"RDF/XML cannot hold the character U\+0001 .* export as Turtle"):
        serialize(hostile_graph("a\x01b"), "rdfxml")


@pytest.mark.parametrize("fmt", ["nt", "rdfxml"])
def test_an_iri_rdf_cannot_hold_is_an_error_not_a_broken_file(fmt):
    graph = Graph()
    graph.add((URIRef(EX + "a b>"), URIRef(EX + "p"), Literal("x")))
    with pytest.raises(DataError, match="IRI"):
        serialize(graph, fmt)


def test_a_lone_surrogate_is_an_error():
    with pytest.raises(DataError, match="not Unicode"):
        serialize(hostile_graph("a\ud800b"), "nt")


def test_values_in_messages_are_cut_and_escaped():
    assert shown("x" * 1_000_000, limit=20) == "'xxxxxxxxxxxxxxxxxxxx...' (1000000 characters)"
    error = UnknownNameError("no term has it", field="entity", value="\x1b[2J" + "y" * 100_000)
    assert "\x1b" not in str(error) and "\\x1b[2J" in str(error)
    assert len(str(error)) < 200 and "(100004 characters)" in str(error)
    long_line = DataError("the parser said: " + "z" * 50_000)
    assert len(str(long_line)) < 600 and "more characters" in str(long_line)


def test_escape_helpers_keep_newlines_and_json_values():
    assert escape_controls("a\x1b[31mb\nc\u202ed") == "a\\x1b[31mb\nc\\u202ed"
    text = json.dumps({"v": "a\x9b\u2028b\x1b"}, ensure_ascii=False)
    assert json.loads(json_safe(text)) == {"v": "a\x9b\u2028b\x1b"}
    assert "\x9b" not in json_safe(text) and "\u2028" not in json_safe(text)


QUERY = 'SELECT ?x WHERE { BIND ("red\\u001B[31m alert\\u009B2J\\u2028done" AS ?x) }'
VALUE = "red\x1b[31m alert\x9b2J\u2028done"


@pytest.fixture
def query_file(tmp_path):
    path = tmp_path / "hostile.rq"
    path.write_text(QUERY, encoding="utf-8")
    return str(path)


def test_a_table_shows_control_characters_as_escapes(capsys, query_file):
    assert main(["sparql", query_file]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out and "\u2028" not in out
    assert "red\\x1b[31m alert\\x9b2J done" in out  # a table cell shows any line break as a space


def test_json_output_is_the_same_value_and_safe_to_print(capsys, query_file):
    assert main(["sparql", query_file, "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out and "\u2028" not in out
    assert json.loads(out)["rows"] == [{"x": VALUE}]


def test_csv_to_a_file_keeps_the_data_exact(capsys, query_file):
    """Standard output is captured here, not a terminal: the CSV holds the value as it is."""
    assert main(["sparql", query_file, "--format", "csv"]) == 0
    assert capsys.readouterr().out == f"x\n{VALUE}\n"


def test_an_error_naming_hostile_input_is_escaped(capsys):
    assert main(["entity", "\x1b]0;pwned\x07" + "q" * 5000]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err
    assert "(5010 characters)" in err and "q" * 100 not in err
