"""Validate the bundled graph, or case records, against SHACL shapes and SPARQL quality checks.

>>> from lmsgraph.validation import validate
>>> validate(shapes="graph").conforms
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmsgraph.errors import UsageError
from lmsgraph.validation.report import (
    CHECK_COMPONENT,
    FAIL_ON,
    ValidationReport,
    ValidationResult,
    english_first,
    make_report,
    severity_name,
)
from lmsgraph.validation.shapes import SHAPE_SETS, Check, ShapeSet, compiled_bundled, shape_set

if TYPE_CHECKING:
    from rdflib import Graph

    from lmsgraph.validation.compiled import Compiled, Compiler
    from lmsgraph.validation.loading import Restore

__all__ = ["ENGINES", "SHAPE_SETS", "ValidationReport", "ValidationResult", "validate"]

ENGINES = ("auto", "compiled", "pyshacl")
Progress = Callable[[str], None]


class _Data:
    """The data to validate, as an rdflib graph and/or as files Oxigraph can load directly."""

    def __init__(self) -> None:
        from rdflib import Graph

        from lmsgraph.namespaces import bind_prefixes

        self.graph = Graph()
        bind_prefixes(self.graph)
        self.direct: list[Path] = []  # N-Triples / Turtle files for Oxigraph to parse itself
        self.borrowed: list[Graph] = []  # the caller's graphs: read, never changed
        self.sources: list[str] = []
        self.locations: dict[Any, str] = {}
        self.columns: dict[tuple[Any, Any], str] = {}
        self.with_context = False
        self.with_bundled = False

    def rdflib_graph(self) -> Graph:
        from lmsgraph.graph import shared_bundled_graph, shared_vocabulary_graph
        from lmsgraph.inputs import parse_data_file
        from lmsgraph.validation.loading import exact_literals

        for path in self.direct:
            with exact_literals():
                parse_data_file(self.graph, path)
        self.direct = []
        for borrowed in self.borrowed:
            self.graph += borrowed
        self.borrowed = []
        if self.with_context:
            self.graph += shared_vocabulary_graph()
            self.with_context = False
        if self.with_bundled:
            self.graph += shared_bundled_graph()
            self.with_bundled = False
        return self.graph

    def store(self, progress: Progress | None) -> tuple[Any, Restore]:
        """An Oxigraph store of the data, and the map back to the data's own terms
        (:func:`lmsgraph.validation.loading.load_exact`)."""
        from lmsgraph.graph import bundled_ntriples, vocabulary_ntriples
        from lmsgraph.validation.loading import load_exact

        graphs = [self.graph, *self.borrowed]
        data = [g.serialize(format="nt", encoding="utf-8") for g in graphs if len(g)]
        if self.with_context:
            data.append(vocabulary_ntriples())
        if self.with_bundled:
            data.append(bundled_ntriples())
        return load_exact(paths=self.direct, ntriples=data, progress=progress)


def _gather(data: Any, sset: ShapeSet, *, direct_ok: bool, context: bool | None) -> _Data:
    from rdflib import Graph

    from lmsgraph.graph import derive_edges
    from lmsgraph.inputs import parse_data_file, regular_file
    from lmsgraph.store import DIRECT_SUFFIXES
    from lmsgraph.validation.loading import exact_literals

    out = _Data()
    bundled_graph_set = sset.name == "graph"
    if data is None:
        if bundled_graph_set or sset.name not in SHAPE_SETS:
            from lmsgraph.graph import shared_bundled_graph

            out.borrowed.append(shared_bundled_graph())  # derived edges included
            out.sources.append("the bundled graph")
        else:
            from lmsgraph.resources import data_dir

            parse_data_file(out.graph, data_dir("ontology") / "cases.ttl")
            out.sources.append("the bundled case records")
            out.with_context = context is not False
        return out
    if isinstance(data, Graph):
        out.borrowed.append(data)
        out.sources.append("the given graph")
    else:
        paths = [data] if isinstance(data, (str, Path)) else list(data)
        if not paths:
            raise UsageError("no data files given")
        for path in map(Path, paths):
            out.sources.append(str(path))
            if direct_ok and not bundled_graph_set and path.suffix.lower() in DIRECT_SUFFIXES:
                out.direct.append(regular_file(path))
                continue
            with exact_literals():
                located = parse_data_file(out.graph, path)
            out.locations.update(located.rows)
            out.columns.update(located.columns)
    if bundled_graph_set:
        for borrowed in out.borrowed:
            derive_edges(borrowed, into=out.graph)
        derive_edges(out.graph)
        out.with_bundled = context is True
    else:
        out.with_context = context is not False
    return out


def run_pyshacl(data_graph: Graph, shapes_graph: Graph) -> list[ValidationResult]:
    """Validate with pyshacl and read its results graph into typed results."""
    import pyshacl
    from pyshacl.errors import ReportableRuntimeError
    from rdflib import BNode, Graph
    from rdflib.namespace import SH

    from lmsgraph.errors import UnsupportedError, ValidationFailureError
    from lmsgraph.namespaces import compact_iri
    from lmsgraph.validation.compiled import DEFAULT_MESSAGES, Compiler

    try:
        _, results_graph, _ = pyshacl.validate(
            data_graph,
            shacl_graph=shapes_graph,
            inference="none",
            allow_warnings=True,
            allow_infos=True,
            advanced=False,
        )
    except ReportableRuntimeError as exc:
        raise ValidationFailureError(f"pyshacl could not validate: {exc}") from exc
    if not isinstance(results_graph, Graph):  # pyshacl returns some failures instead of raising them
        raise ValidationFailureError(f"pyshacl could not validate: {results_graph}")
    paths = Compiler(shapes_graph, compact_iri)
    out = []
    # Only the report's own results: those of nested shapes hang below them as sh:detail.
    for node in results_graph.objects(None, SH.result):
        shape = results_graph.value(node, SH.sourceShape)
        path = results_graph.value(node, SH.resultPath)
        path_text = None
        if isinstance(path, BNode):
            path = shapes_graph.value(shape, SH.path)
        if path is not None and (shape, SH.path, path) in shapes_graph:
            try:
                path_text = paths.path_text(path)
            except UnsupportedError:
                path_text = None
        severity = severity_name(results_graph.value(node, SH.resultSeverity))
        # One result per result node; of several messages, the English (or untagged) one.
        messages = english_first(results_graph.objects(node, SH.resultMessage))
        component = results_graph.value(node, SH.sourceConstraintComponent)
        out.append(
            ValidationResult(
                severity,
                results_graph.value(node, SH.focusNode),
                path,
                results_graph.value(node, SH.value),
                str(messages[0]) if messages else DEFAULT_MESSAGES.get(component, ""),
                shape,
                str(component),
                path_text=path_text,
            )
        )
    return out


def run_checks(checks: Iterable[Check], query: Callable[[str], Iterable[tuple[Any, ...]]]) -> list[ValidationResult]:
    """Run SPARQL quality checks; every row (?entity ?property ?value) is one result."""
    from rdflib import URIRef

    out = []
    for check in checks:
        for entity, prop, value in query(check.text):
            out.append(
                ValidationResult(check.severity, entity, prop, value, check.message, URIRef(check.iri), CHECK_COMPONENT)
            )
    return out


def _oxigraph_rows(store: Any, restore: Restore | None = None) -> Callable[[str], Iterator[tuple[Any, ...]]]:
    from lmsgraph.validation.compiled import _get, to_rdflib

    back = restore.term if restore else (lambda term: term)

    def query(text: str) -> Iterator[tuple[Any, ...]]:
        for s in store.query(text):
            yield tuple(back(term) for term in (to_rdflib(_get(s, v)) for v in ("entity", "property", "value")))

    return query


def _check_rows(graph: Graph) -> Callable[[str], Iterator[tuple[Any, ...]]]:
    """The quality checks' rows over an rdflib graph: on Oxigraph with the data's own terms, or,
    where Oxigraph cannot keep them, on rdflib's engine."""
    from lmsgraph.errors import RewrittenError
    from lmsgraph.validation.loading import load_exact

    try:
        store, restore = load_exact(ntriples=[graph.serialize(format="nt", encoding="utf-8")])
        if restore.ambiguous:
            raise RewrittenError("literals stored as one")
    except RewrittenError:
        return lambda text: (tuple(row) for row in graph.query(text))  # type: ignore[arg-type]
    return _oxigraph_rows(store, restore)


def validate(
    data: Graph | str | Path | Iterable[str | Path] | None = None,
    *,
    shapes: str | Path | Graph = "graph",
    engine: str = "auto",
    checks: bool = True,
    context: bool | None = None,
    fail_on: str = "violation",
    progress: Progress | None = None,
    store: str | Path | None = None,
    batch_records: int | None = None,
) -> ValidationReport:
    """Validate data against a shape set and return a typed report.

    ``data`` is ``None`` (the bundled graph, or for ``shapes="cases"`` the bundled case
    records), an rdflib graph, or data files: Turtle, N-Triples, JSON-LD, case records as
    CSV, and SSSOM tables. ``shapes`` is ``"graph"``, ``"cases"``, the path of a Turtle
    file of shapes or an rdflib graph of shapes. Data other than the bundled graph is checked
    together with the bundled vocabularies (so that a case's diagnosis is known to be a
    disease, say), unless ``context`` is false: then the data is checked on its own. Against
    the graph shapes, data is checked on its own unless ``context`` is true: then together with
    the whole bundled graph, as an addition to it.

    ``engine`` is ``"compiled"`` (shapes compiled to SPARQL and run on Oxigraph),
    ``"pyshacl"``, or ``"auto"``: compiled when it can give the exact report, else pyshacl.
    The compiled engine declines what it cannot do exactly (some SHACL features; data whose
    literals Oxigraph would store in another form where that matters): ``auto`` then runs
    pyshacl, ``compiled`` raises a :class:`DataError` that says why. ``checks`` runs the
    SPARQL quality checks of the shape set.

    The report's ``conforms`` is SHACL's (no result at all); ``passed`` says whether any
    result is as severe as ``fail_on`` (``"violation"``, ``"warning"`` or ``"info"``).

    ``store`` is the folder of a store made by ``lmsgraph load`` (instead of ``data``): its
    whole default graph, the bundled graph and every case record loaded, is validated where it
    lies, on disk, by the compiled engine, so that memory does not grow with the records; a
    shape set the compiled engine declines is a :class:`UsageError` (pyshacl would have to read
    the whole store into memory).

    ``batch_records`` validates N-Triples or Turtle files of case records (``shapes="cases"``) in batches
    of about that many records each (:mod:`lmsgraph.validation.batches`), so that memory grows
    with the batch rather than with the data; the report is the whole data's.
    """
    if engine not in ENGINES:
        raise UsageError(f"unknown engine; expected one of {', '.join(ENGINES)}", field="engine", value=engine)
    if fail_on not in FAIL_ON:
        raise UsageError(f"fail_on must be one of {', '.join(FAIL_ON)}", field="fail_on", value=fail_on)
    if store is not None:
        return _validate_store(Path(store), shapes, engine, checks, fail_on, progress, data)
    if batch_records is not None:
        from lmsgraph.validation.batches import validate_in_batches

        if data is None or not isinstance(data, (str, Path, list, tuple)):
            raise UsageError("batches are read from data files", field="batch-records", value=str(batch_records))
        paths = [Path(data)] if isinstance(data, (str, Path)) else [Path(p) for p in data]
        return validate_in_batches(
            paths,
            shapes=str(shapes),
            records=batch_records,
            fail_on=fail_on,
            validate=lambda path: validate(path, shapes=shapes, engine=engine, checks=checks, fail_on=fail_on),
            progress=progress,
        )
    from lmsgraph.errors import RewrittenError, UnsupportedError
    from lmsgraph.validation.compiled import run_compiled
    from lmsgraph.validation.loading import stored_forms

    sset = shape_set(shapes)
    shapes_graph = sset.graph()
    compiled = None
    declined = None
    if engine != "pyshacl":
        try:
            compiler, compiled = _compiled(sset)
            if stored_forms({(str(v), str(v.datatype)) for v in compiler.term_literals if v.datatype}):
                raise RewrittenError("the shapes compare by term a literal that Oxigraph stores in another form")
        except UnsupportedError as exc:
            compiled, declined = None, exc
    inputs = _gather(data, sset, direct_ok=compiled is not None, context=context)
    if compiled is not None:
        try:
            store, restore = inputs.store(progress)
            _check_restorable(compiler, compiled, store, restore)
            results = run_compiled(store, compiled, restore=restore, progress=progress)
            if checks:
                results += run_checks(sset.checks, _oxigraph_rows(store, restore))
            used = "compiled"
        except RewrittenError as exc:
            compiled, declined = None, exc
    if compiled is None and engine == "compiled":
        raise UsageError(
            f"the compiled engine cannot give the exact report: {declined}", field="engine", value=engine
        ) from declined
    if compiled is None:
        graph = inputs.rdflib_graph()
        if progress:
            progress(f"running pyshacl over {len(graph)} triples")
        results = run_pyshacl(graph, shapes_graph)
        if checks and sset.checks:
            # The checks are queries, so Oxigraph runs them whichever engine runs the shapes.
            results += run_checks(sset.checks, _check_rows(graph))
        used = "pyshacl"
    if inputs.locations:
        results = [_locate(r, inputs) for r in results]
    return make_report(
        results, shapes=sset.name, engine=used, sources=inputs.sources, shapes_graph=shapes_graph, fail_on=fail_on
    )


def _compiled(sset: ShapeSet) -> tuple[Compiler, list[Compiled]]:
    """The compiler of a shape set and what it compiled (a bundled set compiled once per
    process); :class:`UnsupportedError` where the compiled engine declines the shapes."""
    from lmsgraph.errors import UnsupportedError
    from lmsgraph.namespaces import compact_iri
    from lmsgraph.validation.compiled import Compiler

    if sset.name in SHAPE_SETS and sset.given is None:
        compiler, done = compiled_bundled(sset.name)
        if isinstance(done, UnsupportedError):
            raise done
        return compiler, done
    compiler = Compiler(sset.graph(), compact_iri)
    return compiler, compiler.compile()


def _validate_store(
    folder: Path, shapes: Any, engine: str, checks: bool, fail_on: str, progress: Progress | None, data: Any
) -> ValidationReport:
    """Validate the default graph of the store in ``folder`` where it lies (see :func:`validate`):
    the terms in the report are the store's, since the store is the data."""
    from lmsgraph.errors import UnsupportedError
    from lmsgraph.persistent import open_store
    from lmsgraph.validation.compiled import run_compiled

    if data is not None:
        raise UsageError("give data files or a store, not both", field="store", value=str(folder))
    if engine == "pyshacl":
        raise UsageError(
            "a store is validated by the compiled engine; pyshacl reads data into memory", field="engine", value=engine
        )
    sset = shape_set(shapes)
    try:
        _, compiled = _compiled(sset)
    except UnsupportedError as exc:
        raise UsageError(
            f"the compiled engine cannot give the exact report for these shapes ({exc}), and a store is "
            "validated by the compiled engine only; validate the files with pyshacl instead",
            field="shapes",
            value=str(shapes),
        ) from exc
    opened = open_store(folder)
    if progress:
        progress(f"validating the store {folder} against the {sset.name} shapes")
    results = run_compiled(opened, compiled, progress=progress)
    if checks:
        results += run_checks(sset.checks, _oxigraph_rows(opened))
    return make_report(
        results,
        shapes=sset.name,
        engine="compiled",
        sources=[f"the store {folder}"],
        shapes_graph=sset.graph(),
        fail_on=fail_on,
    )


def _check_restorable(compiler: Compiler, compiled: list[Compiled], store: Any, restore: Restore) -> None:
    """:class:`RewrittenError` when the data has literals that Oxigraph stored in another form and the
    compiled shapes would see the difference: they read lexical forms, compare values by term
    with a literal of the shapes, or join and merge values that the data holds as distinct
    terms stored as one."""
    from lmsgraph.errors import RewrittenError
    from lmsgraph.validation.compiled import lexical_conflict

    if not restore:
        return
    if compiler.reads_lexical_forms:
        raise RewrittenError(
            f"the data has literals that Oxigraph stores in another form (such as "
            f"{restore.example().n3()}), and a SPARQL constraint or a nested shape reads lexical forms"
        )
    clash = next((v for v in compiler.term_literals if v in restore.single or v in restore.ambiguous), None)
    if clash is not None:
        raise RewrittenError(
            f"the shapes compare values with {clash.n3()} by term, and the data has another literal "
            "that Oxigraph stores as that one"
        )
    if restore.ambiguous and compiler.joined_predicates:
        carrying = {predicate for (_, predicate, _) in restore.by_triple}
        if None in compiler.joined_predicates or carrying & compiler.joined_predicates or not restore.by_triple:
            term, given = next(iter(restore.ambiguous.items()))
            raise RewrittenError(
                f"the data has distinct literals that Oxigraph stores as one "
                f"({', '.join(g.n3() for g in given)}), and the shapes compare or gather values "
                "along paths that would merge them"
            )
    conflict = lexical_conflict(store, compiled, restore)
    if conflict is not None:
        raise RewrittenError(
            f"{conflict.shape} reads the lexical form of a literal that Oxigraph stores in another form"
        )


def _locate(result: ValidationResult, inputs: _Data) -> ValidationResult:
    from dataclasses import replace

    where = inputs.locations.get(result.focus_node)
    if where is None:
        return result
    column = inputs.columns.get((result.focus_node, result.path))
    return replace(result, location=f"{where}, column {column}" if column else where)
