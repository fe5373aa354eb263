"""The bundled graph loaded straight into an Oxigraph store, without going through rdflib.

This is what the query layer and ``lmsgraph query`` use: Oxigraph parses the curated Turtle,
the SSSOM table arrives as N-Triples, and the plain entity-to-feature edges are derived by the
rule of :mod:`lmsgraph.derivation`, the same query :func:`lmsgraph.graph.derive_edges` runs. A
test keeps the two loaders giving isomorphic graphs.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing's own constant, without importing typing (see lmsgraph.command)
if TYPE_CHECKING:
    from pathlib import Path

#: Files Oxigraph reads itself, by suffix.
DIRECT_SUFFIXES = {".nt": "N_TRIPLES", ".ttl": "TURTLE"}


def load_into_store(store, path: Path) -> None:
    """Load an N-Triples or Turtle file straight into an Oxigraph store; a syntax error names the file and line."""
    _read_direct(path, lambda source: store.bulk_load(**source))


def check_direct(path: Path) -> None:
    """Read an N-Triples or Turtle file through once, as a stream, without keeping it; a syntax
    error names the file and line, as :func:`load_into_store` would."""
    import pyoxigraph

    def parse(source) -> None:
        for _ in pyoxigraph.parse(**source):
            pass

    _read_direct(path, parse)


def _read_direct(path: Path, read) -> None:
    from pathlib import Path

    import pyoxigraph

    from lmsgraph.errors import DataError

    path = Path(path)
    fmt = getattr(pyoxigraph.RdfFormat, DIRECT_SUFFIXES[path.suffix.lower()])
    try:
        read({"path": str(path), "format": fmt, "base_iri": path.resolve().as_uri()})
    except SyntaxError as exc:
        raise DataError(f"syntax error: {exc.msg}", path=path, line=exc.lineno) from exc
    except OSError as exc:
        raise DataError(f"cannot read the file: {exc}", path=path) from exc


def bundled_store(*, derived: bool = True, mappings: bool = True, files: list[Path] | None = None):
    """A new pyoxigraph store holding the bundled graph (the same triples :func:`lmsgraph.load` gives)."""
    import pyoxigraph

    return fill_bundled(pyoxigraph.Store(), derived=derived, mappings=mappings, files=files)


def fill_bundled(store, *, derived: bool = True, mappings: bool = True, files: list[Path] | None = None):
    """Add the bundled graph to ``store`` (in memory or on disk); returns the store.

    The whole graph (every file, the mappings, the derived edges) is kept on disk between
    processes as N-Quads (:func:`lmsgraph.resources.kept_on_disk`, under a key of the files
    and of lmsgraph's modules): a cold ``lmsgraph query`` spent 29 ms making it and spends
    4 ms reading it back (``bench/queries.py --cold-only``)."""
    import pyoxigraph

    if files is None and derived and mappings:
        from lmsgraph.resources import kept_on_disk

        data = kept_on_disk("bundled", _bundled_sources(), _bundled_nquads)
        # Oxigraph's own serialization of what it read with every check: read back without
        # checking IRIs and language tags again (4.3 ms against 5.9 ms).
        store.load(data, format=pyoxigraph.RdfFormat.N_QUADS, lenient=True)
        return store
    return _fill(store, derived=derived, mappings=mappings, files=files)


def _bundled_sources() -> list[str]:
    """The files the bundled graph is made from: data, and lmsgraph's modules that read it."""
    from lmsgraph.resources import mappings_path, ontology_paths, package_module_paths

    return [*ontology_paths(), mappings_path(), *package_module_paths()]


def _bundled_nquads() -> bytes:
    import pyoxigraph

    made = _fill(pyoxigraph.Store(), derived=True, mappings=True, files=None)
    return made.dump(format=pyoxigraph.RdfFormat.N_QUADS)


def _fill(store, *, derived: bool, mappings: bool, files: list[Path] | None):
    import pyoxigraph

    from lmsgraph.resources import mappings_file, ontology_files
    from lmsgraph.sssom import mapping_ntriples, read_sssom

    for path in files if files is not None else ontology_files():
        load_into_store(store, path)
    from lmsgraph.derivation import DERIVED_LABELS

    labels = store.query(DERIVED_LABELS)
    assert isinstance(labels, pyoxigraph.QueryTriples)  # a CONSTRUCT query
    store.extend([pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in labels])
    if mappings:
        path = mappings_file()
        text = mapping_ntriples(read_sssom(path), path=path)
        store.load(text.encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    if derived:
        from lmsgraph.derivation import DERIVED_EDGES

        edges = store.query(DERIVED_EDGES)
        assert isinstance(edges, pyoxigraph.QueryTriples)  # a CONSTRUCT query
        store.extend([pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in edges])
    return store


def graph_store(graph):
    """A new pyoxigraph store holding an rdflib ``graph``."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store
