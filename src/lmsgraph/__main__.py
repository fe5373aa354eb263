"""The ``lmsgraph`` command, and ``python -m lmsgraph``: a plain canned query
(:func:`lmsgraph.command.plain_query`) is answered without click; everything else goes to the
click command line, :mod:`lmsgraph.cli`."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run the ``lmsgraph`` command line (``argv`` without the program name; default
    ``sys.argv[1:]``) and return its exit code."""
    from lmsgraph.command import answer_plain_query, plain_query, utf8_output

    args = sys.argv[1:] if argv is None else list(argv)
    plain = plain_query(args)
    if plain is None or not utf8_output():
        from lmsgraph.cli import main as click_main

        return click_main(args)
    return answer_plain_query(*plain)


if __name__ == "__main__":
    sys.exit(main())
