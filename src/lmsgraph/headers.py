"""YAML metadata headers carried in comment lines, as SSSOM tables and canned queries have them."""

from __future__ import annotations

import sys

from lmsgraph.errors import DataError


def read_yaml_header(lines: list[str], marker: str, path: object) -> tuple[dict, int]:
    """Parse the leading lines that start with ``marker`` as one YAML mapping.

    Returns the mapping and how many lines the header takes. A YAML error names the file and
    the line it is on.

    >>> read_yaml_header(["#+ summary: x", "SELECT"], "#+", "q.rq")
    ({'summary': 'x'}, 1)
    """
    import yaml

    header = _header_lines(lines, marker)
    # libyaml's safe loader when PyYAML was built with it: the same mappings, parsed faster.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        meta = yaml.load("\n".join(header), Loader=loader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError(
            f"the header is not valid YAML: {getattr(exc, 'problem', exc)}",
            path=path,
            line=(mark.line + 1) if mark else None,
        ) from exc
    if not isinstance(meta, dict):
        raise DataError("the header must be a YAML mapping", path=path, line=1)
    return meta, len(header)


def _header_lines(lines: list[str], marker: str) -> list[str]:
    header = []
    for line in lines:
        if not line.startswith(marker):
            break
        header.append(line[len(marker) :])
    return header


def cached_yaml_header(lines: list[str], marker: str, path: object) -> tuple[dict, int]:
    """:func:`read_yaml_header`'s mapping, kept in the user's cache with the header's text, so
    that a command reading a query's header does not import PyYAML (12 ms of a cold ``lmsgraph
    query``, ``bench/queries.py --cold-only``) once the header was read. The kept header text is
    compared exactly; the file is named by its CRC-32. It is kept in marshal's format, as Python
    keeps its own bytecode cache, which needs no import: JSON's import took 1 ms of that command,
    hashlib's 2 ms."""
    import marshal
    import os
    import sys
    import zlib

    from lmsgraph.resources import cache_folder

    header = _header_lines(lines, marker)
    text = "\n".join(header)
    crc = zlib.crc32(text.encode("utf-8", "surrogatepass"))
    cached = os.path.join(cache_folder(), "headers", f"{crc:08x}-{len(text)}.{sys.implementation.cache_tag}")
    try:
        with open(cached, "rb") as file:
            found = marshal.load(file)
        if isinstance(found, tuple) and len(found) == 2 and found[0] == text and isinstance(found[1], dict):
            return _thawed(found[1]), len(header)
    except (OSError, ValueError, EOFError, TypeError):
        pass
    meta, _ = read_yaml_header(lines, marker, path)
    try:
        data = marshal.dumps((text, _frozen(meta)))
        if _thawed(marshal.loads(data)[1]) == meta:  # only what comes back exactly
            from pathlib import Path

            from lmsgraph.files import write_atomic

            write_atomic(Path(cached), data)
    except (ValueError, OSError):
        pass  # a cache that cannot be written is no cache (marshal refuses what it cannot hold)
    return meta, len(header)


def _frozen(value):
    """YAML's values with its dates (an SSSOM table's ``mapping_date``) as ``("$date", iso)``
    tuples, which YAML's safe loader never makes."""
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_frozen(v) for v in value]
    datetime = sys.modules.get("datetime")  # a YAML date was read only if it is imported
    if datetime is not None and isinstance(value, datetime.date):
        return ("$date", value.isoformat())  # a datetime comes back as a date: unequal, not kept
    return value


def _thawed(value):
    if isinstance(value, dict):
        return {k: _thawed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_thawed(v) for v in value]
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "$date":
        import datetime

        return datetime.date.fromisoformat(value[1])
    return value


#: What an SSSOM table's metadata header must hold.
SSSOM_REQUIRED_METADATA = ("curie_map", "mapping_set_id", "license")


def sssom_metadata(lines: list[str], path: object) -> tuple[dict, int]:
    """The metadata header of an SSSOM table's ``lines`` (those starting with ``#``), checked: it
    has :data:`SSSOM_REQUIRED_METADATA` and a ``curie_map`` of prefixes to IRI strings. Returns it
    and how many lines it takes. (Here rather than in :mod:`lmsgraph.sssom`, so that reading the
    prefixes does not import the table's reader.)"""
    metadata, length = cached_yaml_header(lines, "#", path)
    for key in SSSOM_REQUIRED_METADATA:
        if key not in metadata:
            raise DataError(f"the metadata header lacks {key!r}", path=path, line=1, field=key)
    curie_map = metadata["curie_map"]
    if not isinstance(curie_map, dict) or not all(isinstance(v, str) for v in curie_map.values()):
        raise DataError("curie_map must map prefixes to IRI strings", path=path, line=1, field="curie_map")
    return metadata, length
