"""Where the bundled data lives: inside the installed package, or in a source checkout."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lmsgraph.caching import read_once
from lmsgraph.display import shown
from lmsgraph.errors import UsageError

DATA_KINDS = ("ontology", "shapes", "queries")


@read_once
def data_dir(kind: str) -> Path:
    """The folder of bundled ``ontology``, ``shapes`` or ``queries`` files.

    In an installed wheel they live in ``lmsgraph/data/``; running from a source
    checkout (``src`` on the path), they are the top-level folders of the repository.

    >>> data_dir("ontology").joinpath("schema.ttl").is_file()
    True
    """
    if kind not in DATA_KINDS:
        raise UsageError(f"unknown data kind {shown(kind)}; expected one of {', '.join(DATA_KINDS)}")
    bundled = Path(__file__).resolve().parent / "data" / kind
    if bundled.is_dir():
        return bundled
    checkout = Path(__file__).resolve().parents[2] / kind
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"lmsgraph data folder {shown(kind)} is missing from {bundled}")


def ontology_files() -> list[Path]:
    """The curated Turtle files of the graph, in a fixed order."""
    return sorted(data_dir("ontology").glob("*.ttl"))


def mappings_file() -> Path:
    """The SSSOM table of mappings."""
    return data_dir("ontology") / "mappings.sssom.tsv"


def user_cache() -> Path:
    """Where lmsgraph keeps what it can make again (compiled checker, parsed headers):
    ``$XDG_CACHE_HOME/lmsgraph`` or ``~/.cache/lmsgraph``."""
    import os

    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lmsgraph"


def package_modules() -> list[Path]:
    """lmsgraph's own modules (the package's top level, where everything that reads the bundled
    files lives): what is kept on disk is keyed by them too, so that a change to the code that
    makes it makes it anew (reading and digesting them takes under a millisecond)."""
    return sorted(Path(__file__).parent.glob("*.py"))


#: How many files :func:`kept_on_disk` keeps of one kind.
KEPT_PER_KIND = 4


def kept_on_disk(kind: str, sources: list[Path], make: Callable[[], bytes]) -> bytes:
    """What ``make`` makes from the package's own files ``sources`` (data and the code that reads
    it), kept in the user's cache (:func:`user_cache`) under a digest of those
    files' bytes: a later process reads it back instead of making it again, and any change to a
    source makes it anew. A cache that cannot be read or written is no cache; a file is written
    whole or not at all. A kind keeps its :data:`KEPT_PER_KIND` newest files (two installs of
    different versions each find theirs), so the folder does not grow with every change."""
    import hashlib

    digest = hashlib.sha256(kind.encode())
    for source in sources:
        digest.update(str(source.resolve()).encode() + b"\0" + source.read_bytes() + b"\0")
    kept = user_cache() / kind / digest.hexdigest()[:32]
    try:
        return kept.read_bytes()
    except OSError:
        pass
    made = make()
    from lmsgraph.files import write_atomic

    try:
        write_atomic(kept, made)
        # A name starting with "." is another process's write under way (write_atomic's).
        earlier = [p for p in kept.parent.iterdir() if p != kept and not p.name.startswith(".")]
        others = sorted(earlier, key=lambda p: p.stat().st_mtime)
        for old in others[: max(0, len(others) - KEPT_PER_KIND + 1)]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
    return made
