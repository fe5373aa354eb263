"""A persistent store: the bundled graph and a registry's case records loaded once into an
on-disk Oxigraph store, which every command and :func:`lmsgraph.connect` can then query
(``--store DIR``, ``connect(store=DIR)``) without loading anything again.

A store's folder holds a marker (:data:`STORE_MARKER`, JSON: what was loaded, when, and which
of its subfolders holds the data) and the Oxigraph database in a subfolder ``data-N``. A change
(files added or removed) is made on a copy of the database (a RocksDB checkpoint: hard links,
no copying), and takes effect when the marker, written to a temporary name and renamed, names
the copy: a load that stops half-way leaves the store as it was.

The store also keeps counts of its case records for the cohort queries, brought up to date by
every change (:mod:`lmsgraph.cohort`). The cohort queries read them
(``queries/counts/cohort-*.rq``) and answer in milliseconds at a million cases with the rows
the canned queries give.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: The file that marks a folder as an lmsgraph store, with what was loaded into it.
STORE_MARKER = "lmsgraph-store.json"
_LOCK = ".lmsgraph-load.lock"


def store_record(folder: Path | str) -> dict:
    """What the marker of the store in ``folder`` records; :class:`DataError` if there is none."""
    import json

    from lmsgraph.errors import DataError

    folder = Path(folder)
    marker = folder / STORE_MARKER
    try:
        record = json.loads(marker.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(
            "not an lmsgraph store; make one with: lmsgraph load --store DIR [FILES...]", path=folder
        ) from None
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read the store's marker: {exc}", path=marker) from exc
    if not isinstance(record, dict) or not isinstance(record.get("data"), str):
        raise DataError(
            "the marker names no data folder (a store made by an earlier lmsgraph?); load the files into a new store",
            path=marker,
        )
    return record


def open_store(folder: Path | str):
    """The on-disk store made by :func:`load_store` in ``folder``, opened read-only (any number of
    commands may read it at once); :class:`DataError` if ``folder`` holds no such store."""
    return _open_read_only(Path(folder))[0]


def _open_read_only(folder: Path) -> tuple[Any, dict]:
    import pyoxigraph

    from lmsgraph.errors import DataError

    for attempt in (1, 2):  # a load may have switched the data folder between reading and opening
        record = store_record(folder)
        try:
            return pyoxigraph.Store.read_only(str(folder / record["data"])), record
        except OSError as exc:
            if attempt == 2:
                raise DataError(f"cannot open the store: {exc}", path=folder) from exc
    raise AssertionError("unreachable")


def counted_queries(folder: str | os.PathLike[str]) -> tuple[Any, dict[str, str]]:
    """The store in ``folder`` opened read-only, and the texts answering cohort queries from its
    counts, by canned query name (none if its counts were made another way: the canned queries
    then read the case records themselves)."""
    from lmsgraph.cohort import answering_queries, digest

    store, record = _open_read_only(Path(folder))
    if record.get("counts") != digest():
        return store, {}
    return store, answering_queries()


def load_store(
    folder: Path | str,
    files: list[Path],
    progress: Callable[[str], None] | None = None,
    *,
    remove: list[Path] | None = None,
) -> dict:
    """Load the bundled graph (when the store is new) and ``files`` into the on-disk store in
    ``folder``, once, for every later command to query (``--store DIR``, ``connect(store=DIR)``);
    ``remove`` takes the triples of other files out of it again. Returns what the store's marker
    records: the files loaded, the triples, the seconds taken."""
    import json
    import os
    import shutil
    import time
    import traceback
    from collections import Counter

    import pyoxigraph

    from lmsgraph.cohort import digest, of_cases, recount, update
    from lmsgraph.errors import DataError
    from lmsgraph.files import write_atomic
    from lmsgraph.inputs import regular_file
    from lmsgraph.store import bundled_store, fill_bundled, load_into_store

    folder = Path(folder)
    marker = folder / STORE_MARKER
    say = progress or (lambda message: None)
    files = [regular_file(path) for path in files]  # every file checked before the store is touched
    removed_files = [regular_file(path) for path in remove or []]
    existed = folder.exists()
    if existed and any(folder.iterdir()) and not marker.is_file():
        raise DataError("the folder is not empty and holds no lmsgraph store; give a new or empty folder", path=folder)
    new = not marker.is_file()
    if new and removed_files:
        raise DataError("there is no store to remove files from", path=folder)
    record = {"files": []} if new else store_record(folder)
    started = time.monotonic()
    # Every file is read in full before the store is touched: a file that does not parse stops
    # the load with nothing written.
    prepared = [(path, _checked(path)) for path in files]
    removals = [(path, _removal(path)) for path in removed_files]
    folder.mkdir(parents=True, exist_ok=True)
    lock = _locked(folder)
    target: Path | None = None
    store = None
    try:
        _clear_leftovers(folder, keep=None if new else record["data"])
        generation = 1 + max([_generation(p.name) for p in folder.glob("data-*")] + [0])
        target = folder / f"data-{generation}"
        try:
            if new:
                store = pyoxigraph.Store(str(target))
            else:
                pyoxigraph.Store.read_only(str(folder / record["data"])).backup(str(target))
                store = pyoxigraph.Store(str(target))
        except OSError as exc:
            raise DataError(f"cannot open the store for writing: {exc}", path=folder) from exc
        # The bundled graph's triples are never removed, whatever a file repeats of them.
        bundled = bundled_store() if removals else pyoxigraph.Store()
        touched, growth = None, 0
        if not new and record.get("counts") == digest():
            say("finding the case records the change touches")
            touched, growth = _change(store, prepared, removals, bundled)
        before = of_cases(store, touched) if touched else None
        if new:
            say("loading the bundled graph")
            fill_bundled(store)
        for n, (path, data) in enumerate(prepared, start=1):
            say(f"loading {path} ({n} of {len(prepared)})")
            if data is None:
                load_into_store(store, path)
            else:
                store.bulk_load(data, format=pyoxigraph.RdfFormat.N_TRIPLES)
            record["files"].append(str(path.resolve()))
        for path, quads in removals:
            say(f"removing the triples of {path}")
            for quad in quads:
                if quad not in bundled:
                    store.remove(quad)
            if str(path.resolve()) in record["files"]:
                record["files"].remove(str(path.resolve()))
        if touched is None:
            say("counting case records for the cohort queries")
            recount(store)
        else:
            say(f"counting the {len(touched):,} case records the change touches")
            update(store, before or Counter(), touched)
        store.flush()
        made_by = digest()
        record.update(
            {
                "lmsgraph": _version(),
                "data": target.name,
                "triples": _default_graph_size(store) if touched is None else record["triples"] + growth,
                "counts": made_by,
            }
        )
        del store  # closed before it is named in the marker
        record["seconds"] = round(time.monotonic() - started, 3)
        write_atomic(marker, (json.dumps(record, indent=2) + "\n").encode("utf-8"))
        target = None  # the store's data now
        _clear_leftovers(folder, keep=record["data"])
    except BaseException as exc:
        # The store is closed (its files and background work done) before its folder goes: the
        # frames of the error let go of it, then this one.
        traceback.clear_frames(exc.__traceback__)
        store = None  # noqa: F841
        if target is not None:
            shutil.rmtree(target, ignore_errors=True)
        if new:
            (folder / _LOCK).unlink(missing_ok=True)
            if not existed:
                shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        os.close(lock)
    return record


def _locked(folder: Path) -> int:
    """An exclusive lock on the store for one load (released when the process ends, however)."""
    import fcntl
    import os

    from lmsgraph.errors import DataError

    fd = os.open(folder / _LOCK, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise DataError(
            "another lmsgraph load is changing this store; try again when it has finished", path=folder
        ) from None
    return fd


def _generation(name: str) -> int:
    number = name.removeprefix("data-")
    return int(number) if number.isdigit() else 0


def _clear_leftovers(folder: Path, keep: str | None) -> None:
    """Remove the data folders the marker does not name: the one a change replaced, and any left
    by a load that stopped half-way."""
    import shutil

    for path in folder.glob("data-*"):
        if path.name != keep and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def _default_graph_size(store: Any) -> int:
    """The triples of the store's default graph: all its quads but the counts."""
    import pyoxigraph

    from lmsgraph.cohort import COUNTS_GRAPH

    counted = sum(1 for _ in store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(COUNTS_GRAPH)))
    return len(store) - counted


def _change(store: Any, prepared: list, removals: list, bundled: Any) -> tuple[set | None, int]:
    """Before a change to a store: the case records whose counts the files to add and the quads
    to remove can change, and by how many triples the default graph grows (None and 0: count
    the whole store again, and its triples)."""
    import pyoxigraph

    from lmsgraph.cohort import RECOUNT_ABOVE, touched_cases
    from lmsgraph.store import DIRECT_SUFFIXES

    added: set = set()
    for path, data in prepared:
        if data is None:
            fmt = getattr(pyoxigraph.RdfFormat, DIRECT_SUFFIXES[path.suffix.lower()])
            quads = pyoxigraph.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri())
        else:
            quads = pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES)
        for triple in quads:
            quad = pyoxigraph.Quad(triple.subject, triple.predicate, triple.object, pyoxigraph.DefaultGraph())
            if quad not in store:
                added.add(quad)
            if len(added) > 40 * RECOUNT_ABOVE:
                return None, 0
    removed = {q for _, quads in removals for q in quads if q not in bundled and (q in store or q in added)}
    touched = touched_cases(store, [*added, *removed])
    return touched, len(added) - len(removed)


def _removal(path: Path) -> list[Any]:
    """The default-graph quads of ``path`` to remove from a store, read in full; a file with blank
    nodes is refused, since its blank nodes cannot be matched with the store's."""
    import pyoxigraph

    from lmsgraph.errors import DataError
    from lmsgraph.inputs import add_files
    from lmsgraph.store import DIRECT_SUFFIXES, load_into_store

    scratch = pyoxigraph.Store()
    if path.suffix.lower() in DIRECT_SUFFIXES:
        load_into_store(scratch, path)
    else:
        add_files(scratch, [path])
    quads = list(scratch)
    for quad in quads:
        if isinstance(quad.subject, pyoxigraph.BlankNode) or isinstance(quad.object, pyoxigraph.BlankNode):
            raise DataError(
                "holds blank nodes, which cannot be matched with the store's: remove only files whose "
                "triples name every node by IRI",
                path=path,
            )
    return quads


def _checked(path: Path) -> bytes | None:
    """``path`` read in full by its reader, every error naming the file and line: None for Turtle
    and N-Triples (parsed as a stream here, loaded from the file later), the triples as
    N-Triples for the formats lmsgraph converts (CSV case records, JSON-LD, SSSOM)."""
    import pyoxigraph

    from lmsgraph.inputs import add_files
    from lmsgraph.store import DIRECT_SUFFIXES, check_direct

    if path.suffix.lower() in DIRECT_SUFFIXES:
        check_direct(path)
        return None
    store = pyoxigraph.Store()
    add_files(store, [path])
    return store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph()) or b""


def _version() -> str:
    """lmsgraph's version as installed (read from the package's metadata, so that this module,
    which the API imports, does not import the package itself)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("lmsgraph")
    except PackageNotFoundError:
        return "unknown"
