"""YAML metadata headers carried in comment lines, as SSSOM tables and canned queries have them."""

from __future__ import annotations

import yaml

from lmsgraph.errors import DataError

# libyaml's safe loader when PyYAML was built with it: the same mappings, parsed faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml_header(lines: list[str], marker: str, path: object) -> tuple[dict, int]:
    """Parse the leading lines that start with ``marker`` as one YAML mapping.

    Returns the mapping and how many lines the header takes. A YAML error names the file and
    the line it is on.

    >>> read_yaml_header(["#+ summary: x", "SELECT"], "#+", "q.rq")
    ({'summary': 'x'}, 1)
    """
    header = []
    for line in lines:
        if not line.startswith(marker):
            break
        header.append(line[len(marker) :])
    try:
        meta = yaml.load("\n".join(header), Loader=_LOADER) or {}
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
