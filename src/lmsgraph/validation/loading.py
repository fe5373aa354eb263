"""Loading data into Oxigraph for the compiled engine, without changing a single term.

Oxigraph stores some literals in a canonical form of their value: ``"4.0"^^xsd:decimal``
comes back as ``"4"``, ``"07"^^xsd:long`` as ``"7"^^xsd:integer``, ``"x"@EN`` as
``"x"@en``. A report would then name terms that are not in the data, and two values that
are distinct RDF terms (``"4"`` and ``"04"``) would count as one. So every literal is looked
at on its way in. Where the storing can be undone (each stored term stands for one term of
the data), the engine reports the data's own terms; where it cannot (a changed datatype, two
literals stored as one), or where a constraint reads lexical forms that Oxigraph changed, the
data is refused with :class:`RewrittenError` and :func:`lmsgraph.validation.validate` hands it to
pyshacl instead.

The data is parsed by Oxigraph twice at once: into the store, and for the watch (see
:func:`_load_watched`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lmsgraph.caching import BoundedMemo
from lmsgraph.errors import RewrittenError

XSD = "http://www.w3.org/2001/XMLSchema#"
_UNCHANGED = {XSD + "string"}
_NORMALIZE_LOCK = threading.RLock()


@contextmanager
def exact_literals() -> Iterator[None]:
    """Within the block, rdflib keeps literals as written: by default it rewrites some lexical
    forms on parsing (``"04"^^xsd:integer`` becomes ``"4"``), so that a report would name terms
    that are not in the data. rdflib reads this as a module-wide setting, so the block holds a
    lock: two threads parsing at once both get exact literals."""
    import rdflib

    with _NORMALIZE_LOCK:
        before = rdflib.NORMALIZE_LITERALS
        rdflib.NORMALIZE_LITERALS = False
        try:
            yield
        finally:
            rdflib.NORMALIZE_LITERALS = before


class LiteralWatch:
    """Collects the typed literals passing through, and refuses language tags Oxigraph would lower-case."""

    def __init__(self) -> None:
        self.typed: set[tuple[str, str]] = set()

    def watch(self, quads: Iterable) -> Iterator:
        import pyoxigraph

        literal_type = pyoxigraph.Literal
        typed = self.typed
        for quad in quads:
            obj = quad.object
            if type(obj) is literal_type:
                language = obj.language
                if language:
                    if language != language.lower():
                        raise RewrittenError(f"the data has a language tag Oxigraph would store in lower case: {obj}")
                else:
                    datatype = obj.datatype.value
                    if datatype.startswith(XSD) and datatype not in _UNCHANGED:
                        typed.add((obj.value, datatype))
            yield quad

    def check(self) -> Restore:
        """How to give back the data's own terms (see :func:`stored_forms`)."""
        return stored_forms(self.typed)


class Restore:
    """The way back from the literals Oxigraph stored to the data's own.

    Most stored literals stand for one literal of the data (``"4"`` for ``"4.0"``): those are
    mapped back whatever triple they are read from. Where two literals of the data are stored
    as one (``"4"`` and ``"4.0"``, in different triples), the stored literal is *ambiguous*: it
    is given back by the triple it is read from (subject, predicate), which only a value read
    along a plain predicate has; anywhere else :class:`RewrittenError` says the report cannot be
    exact.
    """

    def __init__(self, single: dict | None = None, ambiguous: dict | None = None) -> None:
        self.single = single or {}  # stored term -> the data's term
        self.ambiguous = ambiguous or {}  # stored term -> the data's terms (two or more)
        self.by_triple: dict = {}  # (subject, predicate, stored term) -> the data's term

    def __bool__(self) -> bool:
        return bool(self.single or self.ambiguous)

    def stored(self) -> list:
        """Every stored literal that differs from a literal of the data."""
        return [*self.single, *self.ambiguous]

    def example(self):
        return next(iter(self.single.values())) if self.single else next(iter(self.ambiguous.values()))[0]

    def term(self, term):
        """The data's own term for a stored term read without its triple."""
        if term in self.ambiguous:
            raise RewrittenError(_ambiguous(term, self.ambiguous[term]))
        return self.single.get(term, term)

    def value(self, subject, predicate, term):
        """The data's own term for a stored term read as the object of (subject, predicate)."""
        if term in self.ambiguous:
            given = self.by_triple.get((subject, predicate, term))
            if given is None:
                raise RewrittenError(_ambiguous(term, self.ambiguous[term]))
            return given
        return self.single.get(term, term)


def _ambiguous(term, given) -> str:
    return (
        f"the data has distinct literals that Oxigraph stores as one ({', '.join(g.n3() for g in given)} "
        f"would all read as {term.n3()}), and the report would need to tell them apart"
    )


def stored_forms(typed) -> Restore:
    """For (lexical form, datatype) pairs, the way back from the terms Oxigraph stores to the terms
    given; :class:`RewrittenError` where there is none (a datatype Oxigraph changes)."""
    import pyoxigraph
    from rdflib import Literal, URIRef

    if not typed:
        return Restore()
    literals = sorted(typed)
    scratch = pyoxigraph.Store()
    predicate = pyoxigraph.NamedNode("urn:lmsgraph:value")
    scratch.bulk_extend(
        pyoxigraph.Quad(
            pyoxigraph.NamedNode(f"urn:lmsgraph:{n}"),
            predicate,
            pyoxigraph.Literal(value, datatype=pyoxigraph.NamedNode(datatype)),
        )
        for n, (value, datatype) in enumerate(literals)
    )
    given: dict = {}
    for quad in scratch.quads_for_pattern(None, predicate, None):
        subject, stored = quad.subject, quad.object
        assert isinstance(subject, pyoxigraph.NamedNode) and isinstance(stored, pyoxigraph.Literal)
        value, datatype = literals[int(subject.value.rsplit(":", 1)[1])]
        if stored.datatype.value != datatype:
            raise RewrittenError(
                f'the data has a literal whose datatype Oxigraph changes: "{value}"^^<{datatype}> '
                f"would read as {stored}"
            )
        given.setdefault(stored.value, {}).setdefault(datatype, set()).add(value)
    single, ambiguous = {}, {}
    for stored_value, by_type in given.items():
        for datatype, values in by_type.items():
            term = Literal(stored_value, datatype=URIRef(datatype), normalize=False)
            if len(values) > 1:
                ambiguous[term] = [Literal(v, datatype=URIRef(datatype), normalize=False) for v in sorted(values)]
            elif stored_value not in values:
                single[term] = Literal(next(iter(values)), datatype=URIRef(datatype), normalize=False)
    return Restore(single, ambiguous)


def _triples_of_ambiguous(restore: Restore, quads) -> None:
    """Record, for the triples whose object is stored ambiguously, which literal of the data it was;
    :class:`RewrittenError` when one subject and predicate had two of them (Oxigraph keeps one triple)."""
    import pyoxigraph
    from rdflib import Literal, URIRef

    from lmsgraph.terms import from_oxigraph, to_rdflib

    originals = {(str(g), str(g.datatype)): stored for stored, given in restore.ambiguous.items() for g in given}
    literal_type = pyoxigraph.Literal
    for quad in quads:
        obj = quad.object
        if type(obj) is not literal_type or obj.language:
            continue
        stored = originals.get((obj.value, obj.datatype.value))
        if stored is None:
            continue
        key = (to_rdflib(from_oxigraph(quad.subject)), URIRef(quad.predicate.value), stored)
        term = Literal(obj.value, datatype=URIRef(obj.datatype.value), normalize=False)
        earlier = restore.by_triple.setdefault(key, term)
        if earlier != term:
            raise RewrittenError(
                f"the data gives {key[0].n3()} {key[1].n3()} both {earlier.n3()} and {term.n3()}, "
                "which Oxigraph stores as one value"
            )


# A language tag with an upper-case letter, right after the closing quote of a literal. Oxigraph's
# parsers lower-case tags as they read them, so the text is looked at before it is parsed. Text
# inside a literal can match too; the data is then only handed to the other engine.
_UPPER_TAG = re.compile(rb"[\"']@[A-Za-z0-9-]*[A-Z]")


def _refuse_upper_case_tags(text, where: str) -> None:
    match = _UPPER_TAG.search(text)
    if match:
        raise RewrittenError(
            f"{where} has a language tag Oxigraph would store in lower case "
            f"({match.group().decode('utf-8', 'replace')[1:]}…)"
        )


def scan_language_tags(path: Path) -> None:
    """Refuse (:class:`RewrittenError`) a file with a language tag in upper case, which Oxigraph
    and its parser store in lower case: read as bytes, without parsing."""
    import mmap

    with open(path, "rb") as handle:
        if path.stat().st_size == 0:
            return
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
            _refuse_upper_case_tags(view, str(path))


def load_exact(
    *, paths: Iterable[Path] = (), ntriples: Iterable[bytes] = (), progress: Callable[[str], None] | None = None
) -> tuple[Any, Restore]:
    """A new Oxigraph store holding N-Triples or Turtle files and N-Triples bytes, and the map
    that restores the data's own terms (see :meth:`LiteralWatch.check`).

    A syntax error is a :class:`lmsgraph.errors.DataError` naming the file and the line.
    """
    import pyoxigraph

    from lmsgraph.errors import DataError
    from lmsgraph.store import DIRECT_SUFFIXES

    paths = [Path(p) for p in paths]
    store = pyoxigraph.Store()
    watch = LiteralWatch()
    for path in paths:
        if progress:
            progress(f"loading {path}")
        fmt = getattr(pyoxigraph.RdfFormat, DIRECT_SUFFIXES[path.suffix.lower()])
        try:
            _load_watched(
                store, watch, format=fmt, path=str(path), base_iri=path.resolve().as_uri(), scan=scan_language_tags
            )
        except SyntaxError as exc:
            raise DataError(f"syntax error: {exc.msg}", path=path, line=exc.lineno) from exc
        except OSError as exc:
            raise DataError(f"cannot read the file: {exc}", path=path) from exc
    sources = [
        dict(
            format=getattr(pyoxigraph.RdfFormat, DIRECT_SUFFIXES[p.suffix.lower()]),
            path=str(p),
            base_iri=p.resolve().as_uri(),
        )
        for p in paths
    ]
    for data in ntriples:
        if data:
            _refuse_upper_case_tags(data, "the data")
            _load_watched(store, watch, format=pyoxigraph.RdfFormat.N_TRIPLES, input=data)
            sources.append(dict(format=pyoxigraph.RdfFormat.N_TRIPLES, input=data))
    restore = watch.check()
    if restore.ambiguous:
        # Blank nodes get new labels in each reading: their triples cannot be matched up, and a
        # value of theirs that is ambiguous makes the report decline (Restore.value).
        if progress:
            progress("reading the data once more to tell apart literals Oxigraph stores as one")
        for source in sources:
            _triples_of_ambiguous(restore, pyoxigraph.parse(**source))
    return store, restore


# What LiteralWatch found in RDF bytes loaded before, by the bytes' digest.
_WATCHED: BoundedMemo[bytes, frozenset[tuple[str, str]]] = BoundedMemo(8)
_REMEMBERED_INPUT = 16 << 20


def _load_watched(store, watch: LiteralWatch, scan: Callable[[Path], None] | None = None, **source) -> None:
    """Load RDF into ``store`` on a worker thread while this thread reads the same text once more
    for ``watch``. Oxigraph loads and parses without holding Python's global lock, so the two
    overlap: on 100k synthetic cases (2.9M triples) this took 7 s where streaming the watched
    quads into ``bulk_extend`` took 13 s (``Store.load`` alone: 6 s).

    The store loads leniently (Oxigraph then skips checking IRIs and language tags: 4.5 s
    instead of 5.7 s on those cases, 5.6 s in all instead of 6.8 s), since this thread's strict
    reading of the same text checks them: a text the strict parser refuses is refused with its
    error, whatever the lenient load made of it. ``scan`` reads a file's bytes first, on this
    thread too, while the store loads (before the load it added 1 s on those cases)."""
    import hashlib
    from concurrent.futures import ThreadPoolExecutor

    import pyoxigraph

    data = source.get("input")
    key = None
    if isinstance(data, bytes) and len(data) <= _REMEMBERED_INPUT:
        key = hashlib.blake2b(data, digest_size=32).digest()
    if key is not None and (known := _WATCHED.get(key)) is not None:
        # The same bytes again (the bundled vocabularies, say): their literals are known.
        store.load(**source)
        watch.typed |= known
        return
    own = LiteralWatch()
    with ThreadPoolExecutor(max_workers=1) as pool:
        loading = pool.submit(store.load, **source, lenient=True)  # checked by the strict reading here
        failed: BaseException | None = None
        try:
            if scan is not None:
                scan(Path(source["path"]))
            for _ in own.watch(pyoxigraph.parse(**source)):
                pass
        except BaseException as exc:  # re-raised below, once the loading thread is done
            failed = exc
        try:
            loading.result()
        except SyntaxError:
            if failed is None:
                raise
        if failed is not None:
            raise failed
    watch.typed |= own.typed
    if key is not None:
        _WATCHED.put(key, frozenset(own.typed))
