"""Validating large N-Triples or Turtle files of case records in batches, in memory that grows
with the batch rather than with the records.

The case shapes are local: what they check of a node is read from that node, the nodes its
triples lead to, and the bundled vocabularies. So the data is cut into *records*, the connected
parts of its graph: two nodes are in one record when a triple of the data links them, unless
one of them is a term of the bundled vocabularies (which every batch holds anyway). Triples
about vocabulary terms go into every batch too. Each batch, whole records of about
``records`` records in all, is validated on its own as any file is, and the results are put
together: a record's results come from its batch, and results about vocabulary terms once, from
the first batch. The report is the report of the whole data (a test compares them).

The data is read twice, as a stream: to join its nodes into records (a union-find over the
nodes, by hash: two nodes that share a hash would only be joined, which keeps records whole),
then to write each batch to a temporary file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lmsgraph.errors import UsageError
from lmsgraph.validation.report import ValidationReport

#: The shape sets whose constraints are local, so that batches give the whole data's report.
LOCAL_SHAPE_SETS = ("cases",)


#: The syntaxes batches are read from, by suffix.
BATCH_SUFFIXES = (".nt", ".ttl")


def _quads(paths: list[Path]) -> Iterator[tuple[int, Any]]:
    """(the file's number, a triple) for every triple of the N-Triples files ``paths``, in order."""
    import pyoxigraph

    from lmsgraph.errors import DataError

    for number, path in enumerate(paths):
        try:
            for quad in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES):
                yield number, quad
        except SyntaxError as exc:
            raise DataError(f"syntax error: {exc.msg}", path=path, line=exc.lineno) from exc


def _as_ntriples(path: Path, work: Path, number: int) -> Path:
    """A Turtle file as N-Triples in ``work``, streamed. The data is read twice, and Oxigraph's
    parser names a Turtle file's anonymous blank nodes anew on every reading, so they are named
    once, here; relative IRIs resolve against the file, as when it is validated whole."""
    import pyoxigraph

    from lmsgraph.errors import DataError

    copy = work / f"turtle-{number}.nt"
    triples = pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
    try:
        pyoxigraph.serialize(triples, output=str(copy), format=pyoxigraph.RdfFormat.N_TRIPLES)
    except SyntaxError as exc:
        raise DataError(f"syntax error: {exc.msg}", path=path, line=exc.lineno) from exc
    return copy


def _key(term: Any, number: int, blank: Any) -> int:
    """A node's key: a blank node's label names it within its own file only."""
    return hash((number, term.value)) if type(term) is blank else hash(term)


def _written(term: Any, number: int, blank: Any) -> str:
    return f"_:f{number}x{term.value}" if type(term) is blank else str(term)


def _vocabulary_terms() -> set[Any]:
    """The subjects of the bundled vocabularies (pyoxigraph terms), which every batch holds."""
    import pyoxigraph

    from lmsgraph.graph import vocabulary_ntriples

    return {q.subject for q in pyoxigraph.parse(vocabulary_ntriples(), format=pyoxigraph.RdfFormat.N_TRIPLES)}


def partition(paths: list[Path], records: int, work: Path, progress: Callable[[str], None]) -> tuple[Path, list[Path]]:
    """Cut the N-Triples files ``paths`` into batch files in ``work`` of whole records, about
    ``records`` records each: (the file of triples every batch needs, the batch files)."""
    import shutil

    import pyoxigraph

    blank = pyoxigraph.BlankNode
    node_types = (pyoxigraph.NamedNode, blank)
    shared_terms = _vocabulary_terms()
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        top = node
        while parent[top] != top:
            top = parent[top]
        while parent[node] != top:  # every node on the way now points at the top
            parent[node], node = top, parent[node]
        return top

    progress("joining the data's nodes into records")
    for number, quad in _quads(paths):
        subject, obj = quad.subject, quad.object
        if subject in shared_terms:
            continue
        key = _key(subject, number, blank)
        parent.setdefault(key, key)
        if type(obj) not in node_types or obj in shared_terms:
            continue
        other = _key(obj, number, blank)
        parent.setdefault(other, other)
        a, b = root(key), root(other)
        if a != b:
            parent[b] = a
    batch_of: dict[int, int] = {}
    for node in parent:
        top = root(node)
        if top not in batch_of:
            batch_of[top] = len(batch_of) // records
    count = max(batch_of.values(), default=-1) + 1
    progress(f"writing {len(batch_of):,} records in {count} batch(es)")
    shared = work / "shared.nt"
    parts = [work / f"part-{n + 1}.nt" for n in range(count)]
    handles = [path.open("w", encoding="utf-8") for path in [shared, *parts]]
    try:
        for number, quad in _quads(paths):
            subject, obj = quad.subject, quad.object
            target = 0 if subject in shared_terms else 1 + batch_of[root(_key(subject, number, blank))]
            handles[target].write(
                f"{_written(subject, number, blank)} {quad.predicate} {_written(obj, number, blank)} .\n"
            )
    finally:
        for handle in handles:
            handle.close()
    # Each batch is one file, the shared triples first: blank nodes keep their labels within it.
    files = []
    for n, part in enumerate(parts, 1):
        batch = work / f"batch-{n}.nt"
        with batch.open("wb") as out:
            for source in (shared, part):
                with source.open("rb") as chunk:
                    shutil.copyfileobj(chunk, out, 1 << 20)
        part.unlink()
        files.append(batch)
    return shared, files


def validate_in_batches(
    paths: list[Path],
    *,
    shapes: str,
    records: int,
    fail_on: str,
    validate: Callable[[Path], ValidationReport],
    progress: Callable[[str], None] | None,
) -> ValidationReport:
    """Validate N-Triples or Turtle files batch by batch (see the module) with ``validate``, which validates
    one file against ``shapes``; the report of the whole data."""
    import tempfile

    from lmsgraph.validation.report import make_report
    from lmsgraph.validation.shapes import shape_set

    if shapes not in LOCAL_SHAPE_SETS:
        raise UsageError(
            f"batches give the whole data's report only for shapes that read a record alone: {', '.join(LOCAL_SHAPE_SETS)}",
            field="shapes",
            value=str(shapes),
        )
    if records < 1:
        raise UsageError("a batch holds at least one record", field="batch-records", value=str(records))
    from lmsgraph.inputs import regular_file

    for path in paths:
        if Path(path).suffix.lower() not in BATCH_SUFFIXES:
            raise UsageError(
                "batches are read from N-Triples (.nt) or Turtle (.ttl) files", field="files", value=str(path)
            )
    paths = [regular_file(Path(path)) for path in paths]  # a missing file, a folder: named before any work
    from lmsgraph.errors import RewrittenError
    from lmsgraph.validation.loading import scan_language_tags

    for path in paths:
        try:
            scan_language_tags(path)
        except RewrittenError as exc:
            # Whole, such data is validated by pyshacl to keep the tag as written; batches are
            # for data too large for it, and would report the tag in lower case.
            raise UsageError(
                f"batches cannot give the exact report: {exc}; validate the file without --batch-records",
                field="files",
                value=str(path),
            ) from exc
    from lmsgraph.ntriples import rdflib_term

    say = progress or (lambda message: None)
    shared_terms = {str(term) for term in _vocabulary_terms()}
    results, engines = [], set()
    with tempfile.TemporaryDirectory(prefix="lmsgraph-batches-") as work:
        if any(path.suffix.lower() == ".ttl" for path in paths):
            say("reading the Turtle files as N-Triples")
        readable = [
            _as_ntriples(path, Path(work), n) if path.suffix.lower() == ".ttl" else path for n, path in enumerate(paths)
        ]
        shared, files = partition(readable, records, Path(work), say)
        for n, batch in enumerate(files, 1):
            say(f"validating batch {n} of {len(files)}")
            report = validate(batch)
            engines.add(report.engine)
            results += [r for r in report.results if n == 1 or rdflib_term(r.focus_node) not in shared_terms]
            say(f"batch {n} of {len(files)}: {len(report.results)} result(s)")
        if not files:  # no records: the triples every batch would hold, alone
            report = validate(shared)
            engines.add(report.engine)
            results += report.results
    return make_report(
        results,
        shapes=shapes,
        engine="+".join(sorted(engines)),
        sources=[str(p) for p in paths],
        shapes_graph=shape_set(shapes).graph(),
        fail_on=fail_on,
    )
