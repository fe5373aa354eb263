"""Text that reaches a person: values in messages cut to a readable length, and control
characters shown as escapes, so that data cannot move the cursor, recolour or rewrite a
terminal, nor hide part of a line (bidirectional overrides)."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, the Unicode line and paragraph
# separators, and the bidirectional embedding, override and isolate characters. (Patterns, not
# compiled at import: re compiles them on first use, which an answer written to a pipe never
# makes; compiling both took 0.65 ms of a cold query.)
_CONTROLS = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
# What JSON leaves as it is and a terminal may still act on (JSON escapes C0 itself).
_JSON_UNSAFE = "[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"

#: How many characters of a value a message shows.
SHOWN = 80


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str, *, keep_tabs: bool = True) -> str:
    r"""``text`` with control characters written as ``\xNN`` or ``\uNNNN``; newlines stay.

    >>> escape_controls("red \x1b[31m alert\r\n")
    'red \\x1b[31m alert\\x0d\n'
    """
    escaped = re.sub(_CONTROLS, _escape, text)
    return escaped if keep_tabs else escaped.replace("\t", "\\x09")


def json_safe(text: str) -> str:
    r"""JSON text with the characters JSON allows raw but a terminal may act on escaped as
    ``\uNNNN``: the same JSON value, safe to print.

    >>> json_safe('"a\u2028b"')
    '"a\\u2028b"'
    """
    return re.sub(_JSON_UNSAFE, lambda m: f"\\u{ord(m.group()):04x}", text)


def shown(value: object, limit: int = SHOWN) -> str:
    """A value as a message shows it: quoted like ``repr``, control characters escaped, and cut
    after ``limit`` characters with the length it had.

    >>> shown("desmin")
    "'desmin'"
    >>> shown("x" * 1000, limit=10)
    "'xxxxxxxxxx...' (1000 characters)"
    """
    if not isinstance(value, str):
        value = str(value)
    if len(value) <= limit:
        return escape_controls(repr(value), keep_tabs=False)
    cut = escape_controls(repr(value[:limit]), keep_tabs=False)
    return f"{cut[:-1]}...{cut[-1]} ({len(value)} characters)"


#: Output formats read by people: control characters in them are always shown as escapes.
HUMAN_FORMATS = ("table", "text")


def for_standard_output(text: str, fmt: str, terminal: bool) -> str:
    r"""A command's answer as it goes to standard output. Data cannot act on a terminal: in tables
    and text, control characters are shown as escapes; JSON escapes the ones it may leave raw (the
    same JSON value); CSV, TSV and Turtle keep the data exact, and are escaped only when standard
    output is a ``terminal``.

    >>> for_standard_output("a\x1b[31m", "csv", terminal=False), for_standard_output("a\x1b[31m", "table", terminal=False)
    ('a\x1b[31m', 'a\\x1b[31m')
    """
    if fmt == "json":
        return json_safe(text)
    if fmt in HUMAN_FORMATS or terminal:
        return escape_controls(text)
    return text
