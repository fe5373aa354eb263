"""The ``lmsgraph`` command line. Exit codes: 0 success, 1 a check failed, 2 an error."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from lmsgraph import __version__
from lmsgraph.command import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK
from lmsgraph.errors import LmsgraphError

EXIT_FAILED = 1


class CheckFailed(click.ClickException):
    """A check ran and found problems (exit code 1)."""

    exit_code = EXIT_FAILED


# Where each command is defined, and what it does (the first sentence of its help, which a test
# keeps equal): a module is imported only when its command runs or shows its own help, so a
# query does not pay for the other commands' imports, nor `lmsgraph --help` for any.
COMMANDS = {
    "build": ("build", "Load the graph, check it, print a summary and example answers, and write every export."),
    "export": ("build", "Export the whole graph (deterministic bytes for the same graph), or a store's."),
    "reason": ("build", "Check the graph against the OWL 2 DL profile and run HermiT."),
    "diff": (
        "build",
        "Compare two releases (or a release and the working graph): terms, claims, citations, mappings.",
    ),
    "release": (
        "build",
        "Write a versioned release: OWL, OBO, OBO Graphs JSON, Turtle, N-Triples, JSON-LD, SSSOM, base and full.",
    ),
    "format": ("build", "Rewrite curated Turtle files in canonical form (default: ./ontology/*.ttl)."),
    "info": ("info", "Print the version and the counts of entities, claims, citations, mappings and case records."),
    "validate": (
        "validate",
        "Validate FILES (Turtle, N-Triples, JSON-LD, CSV case records, SSSOM), or the bundled graph.",
    ),
    "queries": ("query", "List the canned queries: name, parameters (with an example) and what each answers."),
    "query": ("query", "Run the canned query NAME with its parameters (--PARAM VALUE)."),
    "sparql": ("query", "Run the SPARQL query in FILE (or - for standard input): SELECT, ASK or CONSTRUCT."),
    "entity": (
        "query",
        "Print the profile of the entity NAME (label, synonym, CURIE, external code or IRI) with its citations.",
    ),
    "push": ("query", "Send the bundled graph to a named graph of a SPARQL 1.1 store, atomically."),
    "load": ("query", "Load the graph and FILES (case records, more RDF) into an on-disk store, once."),
    "serve": ("serve", "Serve the graph on the web: a page per term, the canned queries, a read-only SPARQL endpoint."),
}
COMMAND_MODULES = {name: module for name, (module, _) in COMMANDS.items()}


class LazyGroup(click.Group):
    """A group whose commands are registered by importing their module on first use."""

    def get_command(self, ctx, name):
        if name not in self.commands and name in COMMAND_MODULES:
            import importlib

            importlib.import_module(f"lmsgraph.cli.{COMMAND_MODULES[name]}")
        return self.commands.get(name)

    def list_commands(self, ctx):
        return sorted(set(self.commands) | set(COMMAND_MODULES))

    def format_commands(self, ctx, formatter):
        """The command list of ``--help``, from :data:`COMMANDS` without importing the commands."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names))
        rows = []
        for name in names:
            summary = COMMANDS[name][1] if name in COMMANDS else self.commands[name].get_short_help_str(limit)
            if len(summary) > limit:
                summary = summary[: max(limit - 3, 1)].rsplit(" ", 1)[0].rstrip(",;:") + "..."
            rows.append((name, summary))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


class _State:
    """What the options of the group set for every command: ``verbosity`` is -1 with ``-q``,
    0 by default, and one more for each ``-v``."""

    verbosity = 0


STATE = _State()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lmsgraph")
@click.option("-v", "--verbose", count=True, help="Say more: with an error, its traceback.")
@click.option("-q", "--quiet", is_flag=True, help="Say nothing on standard error but errors: no progress, no notes.")
def cli(verbose: int, quiet: bool) -> None:
    """lmsgraph: a cited knowledge graph of leiomyosarcoma and its variants.

    Exit codes: 0 success, 1 a check failed, 2 an error (bad input, missing tool, a limit
    reached), 130 interrupted (Ctrl-C).
    """
    if verbose and quiet:
        raise click.UsageError("-v and -q ask for opposite things; give one")
    STATE.verbosity = -1 if quiet else verbose


def note(message: str) -> None:
    """A note on standard error about the work (what was written, what was loaded); ``-q`` silences it."""
    if STATE.verbosity >= 0:
        click.echo(message, err=True)


def progress_reporter(wanted: bool | None = None):
    """The progress callback a command passes on: on a terminal by default (``wanted`` None),
    never with ``-q``."""
    if STATE.verbosity < 0 or not (sys.stderr.isatty() if wanted is None else wanted):
        return None
    return lambda message: click.echo(f"lmsgraph: {message}", err=True)


def output_option(what: str = "the answer"):
    """``-o/--output FILE`` (``--out`` too): where a command writes its answer; ``-`` or no
    option for standard output. The answer's format follows the file's extension when no
    ``--format`` is given."""
    return click.option(
        "-o",
        "--output",
        "--out",
        "output",
        type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
        default=None,
        help=f"Write {what} to this file (atomically; its extension chooses the format), or - for standard output.",
    )


def choose_format(fmt: str | None, output: Path | None, by_suffix: dict[str, str], default: str) -> str:
    """The format to write: ``--format`` when given, else the one the output file's extension
    names, else ``default``. A ``--format`` another than the extension names is an error
    (Turtle in a file named .owl would mislead every tool that reads it)."""
    from lmsgraph.errors import UsageError

    named = by_suffix.get(output.suffix.lower()) if output is not None and str(output) != "-" else None
    if fmt is not None and named is not None and fmt != named:
        raise UsageError(
            f"--format {fmt} does not match the file name {output} (which says {named}); change one",
            field="format",
            value=fmt,
        )
    return fmt or named or default


def write_output(data: str | bytes, output: Path | None, fmt: str) -> None:
    """A command's answer to ``output`` (atomically) or standard output (``None`` or ``-``)."""
    if output is None or str(output) == "-":
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            emit(data, fmt)
        return
    from lmsgraph.files import write_atomic

    raw = data.encode("utf-8") if isinstance(data, str) else data
    write_atomic(output, raw)
    note(f"wrote {output} ({len(raw):,} bytes)")


def emit(text: str, fmt: str) -> None:
    """Write a command's answer to standard output, as :func:`lmsgraph.display.for_standard_output`
    makes it safe to print (click's stripping of colour codes is turned off: CSV, TSV and Turtle
    keep the data exact)."""
    from lmsgraph.display import for_standard_output

    click.echo(for_standard_output(text, fmt, sys.stdout.isatty()), nl=False, color=True)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; map lmsgraph's errors to exit code 2 with a one-line message."""
    try:
        cli.main(args=argv, prog_name="lmsgraph", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except (click.Abort, KeyboardInterrupt):
        # click turns Ctrl-C into Abort; a query still running on its worker thread is left to die
        # with the process.
        click.echo("lmsgraph: interrupted", err=True)
        return EXIT_INTERRUPTED
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except LmsgraphError as exc:
        if STATE.verbosity > 0:
            import traceback

            traceback.print_exc()
        click.echo(f"lmsgraph: error: {exc}", err=True)
        return EXIT_ERROR
    except OSError as exc:
        click.echo(f"lmsgraph: error: {exc}", err=True)
        return EXIT_ERROR
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
