"""Counts of case records that a persistent store keeps for its cohort queries.

The counts are the inner groupings of the cohort queries (``queries/counts/count-*.rq``): case
records by diagnosis and site, marker results by diagnosis and marker. They are sums over case
records, and what one case record adds depends only on its own triples (its type, diagnosis,
sites and marker results, and those results' marker and result). So a change to the store is
counted by taking away what the cases it touches added before the change and adding what they
add after it; the rest of the store is not read. A change touching more than
:data:`RECOUNT_ABOVE` cases counts the whole store again instead.

The counts live in the named graph :data:`COUNTS_GRAPH` of the store, one node per row
(``count:diagnosis``, ``count:site``, ``count:cases``; ``count:diagnosis``, ``count:marker``,
``count:positive``, ``count:tested``), which ``queries/counts/cohort-*.rq`` read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lmsgraph.prefixes import LMSG_NS

#: The named graph holding the counts the cohort queries are answered from.
COUNTS_GRAPH = "urn:lmsgraph:counts"
_COUNT = "urn:lmsgraph:counts#"
_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: Above this many touched case records, a change is counted by counting the whole store again
#: (one pass over it) rather than case by case (two queries per thousand cases, before and after).
RECOUNT_ABOVE = 20_000

# What a case record's count depends on: the predicates of its own triples, and those of its
# marker results.
_CASE_PREDICATES = {LMSG_NS + "diagnosis", LMSG_NS + "caseSite", LMSG_NS + "hasMarkerResult"}
_RESULT_PREDICATES = {LMSG_NS + "marker", LMSG_NS + "result"}
_TUMOUR_CASE = LMSG_NS + "TumourCase"

# The counts are held in a Counter keyed by ("cases", diagnosis, site or None),
# ("positive", diagnosis, marker) and ("tested", diagnosis, marker).


def _folder() -> Path:
    from lmsgraph.resources import data_dir

    return data_dir("queries") / "counts"


def _makers() -> tuple[str, str]:
    folder = _folder()
    return (
        (folder / "count-cases-by-diagnosis-and-site.rq").read_text(encoding="utf-8"),
        (folder / "count-marker-results-by-diagnosis.rq").read_text(encoding="utf-8"),
    )


def digest() -> str:
    """A name for the way counts are made: a store whose counts were made another way does not
    answer from them."""
    import hashlib

    return hashlib.sha256("\n".join(_makers()).encode("utf-8")).hexdigest()[:16]


def answering_queries() -> dict[str, str]:
    """The texts answering cohort queries from the counts, by canned query name."""
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(_folder().glob("cohort-*.rq"))}


def _rows(store: Any, cases: list[Any] | None = None) -> Counter:
    """The counts of the whole store, or of the case records ``cases`` (IRIs)."""
    texts: tuple[str, ...] = _makers()
    if cases is not None:
        # The cases are given to the query in a VALUES block at the start of its WHERE clause.
        values = "VALUES ?case { " + " ".join(str(case) for case in cases) + " } "
        texts = tuple(text.replace("WHERE {", "WHERE { " + values, 1) for text in texts)
    out: Counter = Counter()
    for s in store.query(texts[0]):
        out["cases", s["diagnosis"], s["site"]] += int(s["n"].value)
    for s in store.query(texts[1]):
        out["positive", s["entity"], s["marker"]] += int(s["positive"].value)
        out["tested", s["entity"], s["marker"]] += int(s["tested"].value)
    return out


def _stored(store: Any) -> Counter:
    import pyoxigraph

    graph = pyoxigraph.NamedNode(COUNTS_GRAPH)
    fields: dict[Any, dict[str, Any]] = {}
    for quad in store.quads_for_pattern(None, None, None, graph):
        fields.setdefault(quad.subject, {})[quad.predicate.value.removeprefix(_COUNT)] = quad.object
    out: Counter = Counter()
    for row in fields.values():
        if "cases" in row:
            out["cases", row["diagnosis"], row.get("site")] += int(row["cases"].value)
        else:
            out["positive", row["diagnosis"], row["marker"]] += int(row["positive"].value)
            out["tested", row["diagnosis"], row["marker"]] += int(row["tested"].value)
    return out


def _write(store: Any, counts: Counter) -> None:
    """Replace the counts graph by ``counts`` (rows whose numbers are all zero left out)."""
    import pyoxigraph

    graph = pyoxigraph.NamedNode(COUNTS_GRAPH)
    if store.contains_named_graph(graph):
        store.remove_graph(graph)

    def node(name: str) -> Any:
        return pyoxigraph.NamedNode(_COUNT + name)

    def number(n: int) -> Any:
        return pyoxigraph.Literal(str(n), datatype=pyoxigraph.NamedNode(_XSD_INTEGER))

    quads = []
    for (kind, diagnosis, other), n in sorted(counts.items(), key=lambda item: str(item[0])):
        if kind == "positive":
            continue
        row = pyoxigraph.BlankNode()
        if kind == "cases":
            if n == 0:
                continue
            quads += [
                pyoxigraph.Quad(row, node("diagnosis"), diagnosis, graph),
                pyoxigraph.Quad(row, node("cases"), number(n), graph),
            ]
            if other is not None:
                quads.append(pyoxigraph.Quad(row, node("site"), other, graph))
        else:  # tested
            if n == 0:
                continue
            positive = counts["positive", diagnosis, other]
            quads += [
                pyoxigraph.Quad(row, node("diagnosis"), diagnosis, graph),
                pyoxigraph.Quad(row, node("marker"), other, graph),
                pyoxigraph.Quad(row, node("positive"), number(positive), graph),
                pyoxigraph.Quad(row, node("tested"), number(n), graph),
            ]
    store.extend(quads)


def recount(store: Any) -> None:
    """Count the whole store again."""
    _write(store, _rows(store))


def touched_cases(store: Any, quads: Iterable[Any]) -> set[Any] | None:
    """The case records whose counts ``quads`` (to be added or removed) can change, looked up in
    the store before the change; None when they are more than :data:`RECOUNT_ABOVE`, or when
    one is a blank node (a file's blank nodes are not the store's)."""
    import pyoxigraph

    has_result = pyoxigraph.NamedNode(LMSG_NS + "hasMarkerResult")
    cases: set[Any] = set()
    results: set[Any] = set()
    for quad in quads:
        predicate = quad.predicate.value
        if predicate in _CASE_PREDICATES or (predicate == _RDF_TYPE and quad.object.value == _TUMOUR_CASE):
            cases.add(quad.subject)
        elif predicate in _RESULT_PREDICATES:
            results.add(quad.subject)
        else:
            continue
        if isinstance(quad.subject, pyoxigraph.BlankNode) or len(cases) + len(results) > RECOUNT_ABOVE:
            return None
    for result in results:
        for quad in store.quads_for_pattern(None, has_result, result, pyoxigraph.DefaultGraph()):
            cases.add(quad.subject)
        if len(cases) > RECOUNT_ABOVE:
            return None
    return cases


def of_cases(store: Any, cases: Iterable[Any]) -> Counter:
    """What ``cases`` add to the counts, as the store holds them now."""
    cases = sorted(cases, key=str)
    total: Counter = Counter()
    for start in range(0, len(cases), 1000):
        total.update(_rows(store, cases[start : start + 1000]))
    return total


def update(store: Any, before: Counter, cases: Iterable[Any]) -> None:
    """After a change: the stored counts, less what ``cases`` added before it (``before``), plus
    what they add now."""
    counts = _stored(store)
    counts.subtract(before)
    counts.update(of_cases(store, cases))
    if any(n < 0 for n in counts.values()):  # counts not made from this store's records: start again
        counts = _rows(store)
    _write(store, counts)
