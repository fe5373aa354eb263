"""YAML metadata headers carried in comment lines, as SSSOM tables and canned queries have them."""

from __future__ import annotations

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
    """:func:`read_yaml_header`'s mapping, kept as JSON in the user's cache under a digest of the
    header's text, so that a command reading a query's header does not import PyYAML (12 ms of
    a cold ``lmsgraph query``, ``bench/queries.py --cold-only``) once the header was read."""
    import hashlib
    import json

    from lmsgraph.resources import user_cache

    header = _header_lines(lines, marker)
    text = "\n".join(header)
    cached = user_cache() / "headers" / f"{hashlib.sha256(text.encode()).hexdigest()[:24]}.json"
    try:
        found = json.loads(cached.read_text(encoding="utf-8"), object_hook=_from_json)
        if isinstance(found, dict):
            return found, len(header)
    except (OSError, ValueError):
        pass
    meta, _ = read_yaml_header(lines, marker, path)
    try:
        data = json.dumps(meta, sort_keys=True, default=_to_json)
        if json.loads(data, object_hook=_from_json) == meta:  # only what comes back exactly
            from lmsgraph.files import write_atomic

            write_atomic(cached, data.encode("utf-8"))
    except (TypeError, ValueError, OSError):
        pass  # a cache that cannot be written is no cache
    return meta, len(header)


def _to_json(value: object) -> object:
    """YAML's dates (an SSSOM table's ``mapping_date``) as tagged JSON."""
    import datetime

    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return {"$date": value.isoformat()}
    return {"$unkept": type(value).__name__}  # comes back unequal, so the header is not cached


def _from_json(node: dict) -> object:
    if set(node) == {"$date"}:
        import datetime

        return datetime.date.fromisoformat(node["$date"])
    return node
