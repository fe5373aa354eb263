"""Rendering answer rows as an aligned table, JSON, CSV or TSV."""

from __future__ import annotations

import csv
import io
import sys

from lmsgraph.display import shown
from lmsgraph.errors import UsageError

FORMATS = ("table", "json", "csv", "tsv")


def _typed(value) -> str | None:
    """``"decimal"`` or ``"date"`` for a value of those types, else None. Answers hold them only
    when a literal of that datatype was read (:func:`lmsgraph.terms.literal_value` imports the
    module then), so a module not yet imported has no values here: a cold query without
    decimals does not import decimal and datetime (2.4 ms) for these checks."""
    decimal, datetime = sys.modules.get("decimal"), sys.modules.get("datetime")
    if decimal is not None and isinstance(value, decimal.Decimal):
        return "decimal"
    if datetime is not None and isinstance(value, datetime.date):
        return "date"
    return None


def jsonable(value):
    """A cell as JSON gives it: CURIEs and text as strings, numbers as numbers, dates in ISO form,
    and a cell computed from a claim (its qualifiers, its evidence) as a structure."""
    as_json = getattr(value, "as_json", None)
    if as_json is not None:
        return as_json()
    if value is None or isinstance(value, (bool, int, float)):
        return value
    typed = _typed(value)
    if typed == "decimal":
        return int(value) if value == value.to_integral_value() else float(value)
    if typed == "date":
        return value.isoformat()
    return str(value)


def cell(value, *, readable: bool = False) -> str:
    """A cell as text: empty for unbound, ``true``/``false`` for booleans, numbers in plain form.
    ``readable`` shows a citation by its label (``Bonatti et al. 2005, Transplant Proc``) rather
    than its CURIE, as tables do; CSV and TSV keep the CURIE."""
    if readable and getattr(value, "display", None):
        return value.display
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    typed = _typed(value)
    if typed == "decimal":
        return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    if typed == "date":
        return value.isoformat()
    return str(value)


def render(table, fmt: str = "table") -> str:
    """``table`` (a :class:`lmsgraph.api.Table`) in one of :data:`FORMATS`."""
    names = table.variables or (list(table[0]) if table else [])
    if fmt == "json":
        import json

        rows = [{n: jsonable(row.get(n)) for n in names} for row in table]
        return json.dumps({"query": table.name, "variables": names, "rows": rows}, indent=2, ensure_ascii=False) + "\n"
    if fmt in ("csv", "tsv"):
        out = io.StringIO()
        if fmt == "csv":
            writer = csv.writer(out, lineterminator="\n")
        else:
            writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, escapechar="\\")
        writer.writerow(names)
        for row in table:
            writer.writerow([cell(row.get(n)).replace("\n", " ") if fmt == "tsv" else cell(row.get(n)) for n in names])
        return out.getvalue()
    if fmt != "table":
        raise UsageError(f"format must be one of {', '.join(FORMATS)}, not {shown(fmt)}")
    grid = [names] + [[" ".join(cell(row.get(n), readable=True).split()) for n in names] for row in table]
    widths = [max(len(r[i]) for r in grid) for i in range(len(names))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in grid]
    lines.insert(1, "  ".join("-" * w for w in widths))
    count = len(table)
    return "\n".join(lines) + f"\n({count} row{'s' if count != 1 else ''})\n"
