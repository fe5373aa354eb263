"""Where the bundled data lives: inside the installed package, or in a source checkout.

The functions give :class:`pathlib.Path` objects; the ``*_path`` and ``*_folder`` ones give the
same places as strings, for the code a cold ``lmsgraph query`` runs, which does not import
pathlib (3.5 ms with the urllib.parse it brings; see :mod:`lmsgraph.command`).
"""

from __future__ import annotations

import os

from lmsgraph.caching import read_once
from lmsgraph.display import shown
from lmsgraph.errors import UsageError

TYPE_CHECKING = False  # typing's own constant, without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

DATA_KINDS = ("ontology", "shapes", "queries")


@read_once
def data_folder(kind: str) -> str:
    """The folder of bundled ``ontology``, ``shapes`` or ``queries`` files, as a string.

    In an installed wheel they live in ``lmsgraph/data/``; running from a source
    checkout (``src`` on the path), they are the top-level folders of the repository.
    """
    if kind not in DATA_KINDS:
        raise UsageError(f"unknown data kind {shown(kind)}; expected one of {', '.join(DATA_KINDS)}")
    package = os.path.dirname(os.path.realpath(__file__))
    bundled = os.path.join(package, "data", kind)
    if os.path.isdir(bundled):
        return bundled
    checkout = os.path.join(os.path.dirname(os.path.dirname(package)), kind)
    if os.path.isdir(checkout):
        return checkout
    raise FileNotFoundError(f"lmsgraph data folder {shown(kind)} is missing from {bundled}")


def data_dir(kind: str) -> Path:
    """The folder of bundled ``ontology``, ``shapes`` or ``queries`` files (:func:`data_folder`).

    >>> data_dir("ontology").joinpath("schema.ttl").is_file()
    True
    """
    from pathlib import Path

    return Path(data_folder(kind))


def files_in(folder: str, suffix: str) -> list[str]:
    """The files of ``folder`` whose names end in ``suffix``, sorted, as strings."""
    return sorted(os.path.join(folder, name) for name in os.listdir(folder) if name.endswith(suffix))


def ontology_paths() -> list[str]:
    """The curated Turtle files of the graph, in a fixed order, as strings."""
    return files_in(data_folder("ontology"), ".ttl")


def ontology_files() -> list[Path]:
    """The curated Turtle files of the graph, in a fixed order."""
    from pathlib import Path

    return [Path(p) for p in ontology_paths()]


def mappings_path() -> str:
    """The SSSOM table of mappings, as a string."""
    return os.path.join(data_folder("ontology"), "mappings.sssom.tsv")


def mappings_file() -> Path:
    """The SSSOM table of mappings."""
    from pathlib import Path

    return Path(mappings_path())


def cache_folder() -> str:
    """Where lmsgraph keeps what it can make again (compiled checker, parsed headers):
    ``$XDG_CACHE_HOME/lmsgraph`` or ``~/.cache/lmsgraph``, as a string."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "lmsgraph")


def user_cache() -> Path:
    """Where lmsgraph keeps what it can make again (:func:`cache_folder`)."""
    from pathlib import Path

    return Path(cache_folder())


def package_module_paths() -> list[str]:
    """lmsgraph's own modules (the package's top level, where everything that reads the bundled
    files lives), as strings: what is kept on disk is keyed by them too, so that a change to the
    code that makes it makes it anew."""
    return files_in(os.path.dirname(os.path.realpath(__file__)), ".py")


def package_modules() -> list[Path]:
    """lmsgraph's own modules (:func:`package_module_paths`)."""
    from pathlib import Path

    return [Path(p) for p in package_module_paths()]


#: How many files :func:`kept_on_disk` keeps of one kind.
KEPT_PER_KIND = 4


def kept_on_disk(kind: str, sources: list[str] | list[Path], make: Callable[[], bytes]) -> bytes:
    """What ``make`` makes from the package's own files ``sources`` (data and the code that reads
    it), kept in the user's cache (:func:`user_cache`): a later process reads it back instead of
    making it again, and any change to a source makes it anew. A cache that cannot be read or
    written is no cache; a file is written whole or not at all. A kind keeps its
    :data:`KEPT_PER_KIND` newest files (two installs of different versions each find theirs), so
    the folder does not grow with every change.

    What is kept is keyed by each source's path, size, modification time and CRC-32 of its bytes,
    without a cryptographic digest: hashlib's import (2 ms) and SHA-256 over the sources (1.0 ms)
    were 3 ms of a cold query (``bench/queries.py --cold-only``), this takes 0.7 ms. (A changed file keeps its size
    and time only when rewritten within one tick of the file system's clock; then its CRC-32
    tells.) The whole key is the first line of the kept file and is compared exactly; its CRC-32
    names the file."""
    import zlib

    parts = [kind]
    for source in sources:
        with open(source, "rb") as file:
            crc = zlib.crc32(file.read())
            status = os.fstat(file.fileno())
        parts.append(f"{os.path.abspath(source)!r} {status.st_size} {status.st_mtime_ns} {crc:08x}")
    key = ("\t".join(parts) + "\n").encode("utf-8", "backslashreplace")
    kept = os.path.join(cache_folder(), kind, f"{zlib.crc32(key):08x}-{len(key)}")
    try:
        with open(kept, "rb") as file:
            if file.readline() == key:
                return file.read()
    except OSError:
        pass
    made = make()
    from pathlib import Path

    from lmsgraph.files import atomic_file

    try:
        with atomic_file(Path(kept)) as out:
            out.write(key)
            out.write(made)
        # A name starting with "." is another process's write under way (atomic_file's).
        earlier = [p for p in Path(kept).parent.iterdir() if p != Path(kept) and not p.name.startswith(".")]
        others = sorted(earlier, key=lambda p: p.stat().st_mtime)
        for old in others[: max(0, len(others) - KEPT_PER_KIND + 1)]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
    return made
