"""What the query commands share, and the canned query answered without click.

A canned query of the bundled graph written to standard output (``lmsgraph query NAME
[--PARAM VALUE]... [--format F]``, the command a person or a script runs most) is read by
:func:`plain_query` and answered by :func:`answer_plain_query` without importing click, whose
import alone took 15 ms of a 77 ms cold query (``bench/queries.py --cold-only``, which measures
it). The ``lmsgraph`` command (:mod:`lmsgraph.__main__`) sends every other command, and any
argument this reading does not take exactly as the click command would (an option other than
``--format``, a short option, ``--``, a format it does not know), to the click command line
(:mod:`lmsgraph.cli`), which gives its own answer or message. Both run the functions below, and a
test holds their output, messages and exit codes equal.

The modules such a query imports (this one, :mod:`lmsgraph.api` and what it runs) import neither
typing, dataclasses nor pathlib at run time, and leave other modules and regular expressions
until they are used: those imports were 21 ms of that command (dataclasses with inspect 8.8 ms,
typing 3.5 ms, pathlib with urllib.parse 3.5 ms, hashlib 2.1 ms, JSON 1 ms, decimal 1 ms,
datetime 0.9 ms, each ``python -c "import re, pyoxigraph, X"`` against ``python -c "import re,
pyoxigraph"``). A test keeps them out.
"""

from __future__ import annotations

import sys

from lmsgraph.errors import LmsgraphError, UsageError

EXIT_OK, EXIT_ERROR = 0, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C

#: The answer formats of ``query`` and ``sparql``.
TABLE_FORMATS = ("table", "json", "csv", "tsv")
#: The defaults of the options every querying command shares (the click options use them too).
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ROWS = 1_000_000
DEFAULT_MAX_ANSWER_MB = 256.0
DEFAULT_AUTH = "digest"

#: The options of ``lmsgraph query`` other than ``--format`` (a test keeps this list equal to the
#: click command's): any of them sends the command line to click.
OTHER_QUERY_OPTIONS = frozenset(
    {
        "--auth",
        "--backend",
        "--data",
        "--endpoint",
        "--help",
        "--max-answer-mb",
        "--max-rows",
        "--named-graph",
        "--out",
        "--output",
        "--password",
        "--store",
        "--timeout",
        "--user",
        "-h",
        "-o",
    }
)


def answer_plain_query(name: str, extras: list[str], fmt: str) -> int:
    """Answer what :func:`plain_query` read, as ``lmsgraph query`` would; return the exit code."""
    try:
        canned, params = canned_query(name, extras)
        kg = open_graph()
        answer = kg.query(canned.name, **params)
        text = answer.render(fmt)
        import lmsgraph.display as display

        sys.stdout.write(display.for_standard_output(text, fmt, sys.stdout.isatty()))
        sys.stdout.flush()
        if not answer:
            sys.stderr.write(no_answer_note(canned.name, params) + "\n")
    except KeyboardInterrupt:
        sys.stderr.write("lmsgraph: interrupted\n")
        return EXIT_INTERRUPTED
    except (LmsgraphError, OSError) as exc:
        sys.stderr.write(f"lmsgraph: error: {exc}\n")
        return EXIT_ERROR
    return EXIT_OK


def plain_query(args: list[str]) -> tuple[str, list[str], str] | None:
    """``(name, the --PARAM VALUE arguments, format)`` when ``args`` ask for a canned query of the
    bundled graph on standard output and nothing else; None for anything click should read.

    Click reads an option wherever it stands and passes every unknown ``--name`` (and a word
    after it) on in order; so does this, for ``--format`` alone.

    >>> plain_query(["query", "markers", "--entity", "desmin", "--format=tsv"])
    ('markers', ['--entity', 'desmin'], 'tsv')
    >>> plain_query(["query", "markers", "--store", "db"]) is None
    True
    """
    if len(args) < 2 or args[0] != "query" or args[1].startswith("-"):
        return None
    fmt: str | None = None
    extras: list[str] = []
    rest = iter(args[2:])
    for arg in rest:
        if arg == "--format":
            fmt = next(rest, None)
            if fmt is None:
                return None
        elif arg.startswith("--format="):
            fmt = arg.partition("=")[2]
        elif arg == "--" or (arg.startswith("-") and not arg.startswith("--")):
            return None
        elif arg.partition("=")[0] in OTHER_QUERY_OPTIONS:
            return None
        else:
            extras.append(arg)
    if fmt is not None and fmt not in TABLE_FORMATS:
        return None
    return args[1], extras, fmt or "table"


def utf8_output() -> bool:
    """Whether standard output and error take UTF-8 as they are (click writes to others its own
    way, so a query goes to click then)."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding != "utf8":
            return False
    return True


def canned_query(name: str, extras: list[str]):
    """The catalogue query NAME (or the one its leading words name) and its parameters from
    ``--PARAM VALUE`` pairs: ``(CannedQuery, {param: value})``."""
    import lmsgraph.queries as queries

    return queries.find_query(name), parse_extra(extras)


def no_answer_note(name: str, params: dict[str, str]) -> str:
    """What a command says on standard error when a canned query has no row."""
    from lmsgraph.display import shown

    asked = ", ".join(f"{k}={shown(v)}" for k, v in params.items())
    return f"lmsgraph: no answer: the graph has no statement for {name}" + (f" with {asked}" if asked else "")


def parse_extra(args: list[str]) -> dict[str, str]:
    """``--name value`` and ``--name=value`` pairs after the query name."""
    params: dict[str, str] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("--") or len(arg) == 2:
            raise UsageError("expected --PARAM VALUE", field="arguments", value=arg)
        name, eq, value = arg[2:].partition("=")
        if not eq:
            if i + 1 >= len(args):
                raise UsageError(f"--{name} needs a value", field=name)
            value = args[i + 1]
            i += 1
        params[name] = value
        i += 1
    return params


def open_graph(
    backend=None,
    endpoint=None,
    named_graph=None,
    user=None,
    password=None,
    auth=DEFAULT_AUTH,
    timeout=DEFAULT_TIMEOUT,
    max_rows=DEFAULT_MAX_ROWS,
    max_answer_mb=DEFAULT_MAX_ANSWER_MB,
    store_dir=None,
    data_files=(),
):
    """A :class:`lmsgraph.api.KnowledgeGraph` for the querying commands' options (their defaults:
    the bundled graph in Oxigraph)."""
    from lmsgraph.api import connect

    if endpoint and backend not in (None, "remote"):
        raise UsageError(f"--endpoint needs --backend remote, not {backend}", field="backend", value=backend)
    backend = backend or ("remote" if endpoint else "oxigraph")
    if store_dir is not None and backend != "oxigraph":
        raise UsageError(f"--store is queried with Oxigraph, not {backend}", field="backend", value=backend)
    if data_files or backend == "rdflib":
        quiet_rdflib_literals()
    if backend == "remote":
        if data_files:
            raise UsageError(
                "--data adds files to the bundled graph; push them to the remote store instead", field="data"
            )
        return connect(
            "remote",
            endpoint=endpoint,
            named_graph=named_graph,
            timeout=timeout,
            max_rows=max_rows,
            user=user,
            password=password,
            auth=auth,
            max_answer_bytes=int(max_answer_mb * 2**20),
        )
    if backend == "rdflib":
        import lmsgraph
        from lmsgraph.inputs import parse_data_file

        graph = lmsgraph.load()
        for path in data_files:
            parse_data_file(graph, _existing(path))
        return connect("rdflib", graph=graph, timeout=timeout, max_rows=max_rows)
    if store_dir is not None:
        if data_files:
            raise UsageError(
                "a store is read-only here; add files to it with: lmsgraph load --store DIR FILES", field="data"
            )
        return connect("oxigraph", store=store_dir, timeout=timeout, max_rows=max_rows)
    from lmsgraph.store import bundled_store

    store = bundled_store()
    if data_files:
        from lmsgraph.inputs import add_files

        add_files(store, [_existing(p) for p in data_files])
    return connect("oxigraph", store=store, timeout=timeout, max_rows=max_rows)


def _existing(path):
    from lmsgraph.inputs import regular_file

    return regular_file(path)


def quiet_rdflib_literals() -> None:
    """rdflib logs a traceback for every ill-typed literal it reads (2021-02-30 as xsd:date);
    validation reports those literals as violations, so a command that reads the user's data
    with rdflib keeps that log quiet. (Not done for every command: logging's import would slow
    a plain query's start.)"""
    import logging

    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
