"""A persistent store: the bundled graph and a registry's case records loaded once into an
on-disk Oxigraph store, which every command and :func:`lmsgraph.connect` can then query
(``--store DIR``, ``connect(store=DIR)``) without loading anything again."""

from __future__ import annotations

from pathlib import Path

#: The file that marks a folder as an lmsgraph store, with what was loaded into it.
STORE_MARKER = "lmsgraph-store.json"


def open_store(folder: Path | str):
    """The on-disk store made by :func:`load_store` in ``folder``, opened read-only (any number of
    commands may read it at once); :class:`DataError` if ``folder`` holds no such store."""
    import pyoxigraph

    from lmsgraph.errors import DataError

    folder = Path(folder)
    if not (folder / STORE_MARKER).is_file():
        raise DataError("not an lmsgraph store; make one with: lmsgraph load --store DIR [FILES...]", path=folder)
    try:
        return pyoxigraph.Store.read_only(str(folder))
    except OSError as exc:
        raise DataError(f"cannot open the store: {exc}", path=folder) from exc


def load_store(folder: Path | str, files: list[Path], progress=None) -> dict:
    """Load the bundled graph (when the store is new) and ``files`` into the on-disk store in
    ``folder``, once, for every later command to query (``--store DIR``, ``connect(store=DIR)``).
    Returns what the store's marker records: the files loaded, the triples, the seconds taken."""
    import json
    import shutil
    import time

    import pyoxigraph

    from lmsgraph.errors import DataError
    from lmsgraph.files import write_atomic
    from lmsgraph.inputs import regular_file
    from lmsgraph.store import fill_bundled, load_into_store

    folder = Path(folder)
    marker = folder / STORE_MARKER
    say = progress or (lambda message: None)
    files = [regular_file(path) for path in files]  # every file checked before the store is touched
    if folder.exists() and any(folder.iterdir()) and not marker.is_file():
        raise DataError("the folder is not empty and holds no lmsgraph store; give a new or empty folder", path=folder)
    record = json.loads(marker.read_text(encoding="utf-8")) if marker.is_file() else {"files": []}
    started = time.monotonic()
    # Every file is read in full before the store is touched: a file that does not parse stops
    # the load with nothing written. A new store is built beside its folder and renamed at the end.
    prepared = [(path, _checked(path)) for path in files]
    new = not marker.is_file()
    target = folder.parent / f".{folder.name}.loading" if new else folder
    if new:
        shutil.rmtree(target, ignore_errors=True)
    try:
        store = pyoxigraph.Store(str(target))
    except OSError as exc:
        raise DataError(
            f"cannot open the store for writing (is another command loading it?): {exc}", path=folder
        ) from exc
    try:
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
        store.flush()
        record.update({"lmsgraph": _version(), "triples": len(store)})
        del store  # closed before it is marked ready
        if new:
            if folder.exists():
                folder.rmdir()  # empty, as checked above
            target.rename(folder)
    except BaseException:
        if new:
            shutil.rmtree(target, ignore_errors=True)
        raise
    record["seconds"] = round(time.monotonic() - started, 3)
    write_atomic(marker, (json.dumps(record, indent=2) + "\n").encode("utf-8"))
    return record


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
