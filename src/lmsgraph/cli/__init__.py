"""The ``lmsgraph`` command line. Exit codes: 0 success, 1 a check failed, 2 an error."""

from __future__ import annotations

import sys

import click

from lmsgraph import __version__
from lmsgraph.errors import LmsgraphError

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C


class CheckFailed(click.ClickException):
    """A check ran and found problems (exit code 1)."""

    exit_code = EXIT_FAILED


# Where each command is defined; a module is imported only when its command runs (or for --help),
# so a query does not pay for the build and validation commands' imports.
COMMAND_MODULES = {
    "build": "build",
    "export": "build",
    "reason": "build",
    "format": "build",
    "info": "info",
    "validate": "validate",
    "queries": "query",
    "query": "query",
    "sparql": "query",
    "entity": "query",
    "push": "query",
}


class LazyGroup(click.Group):
    """A group whose commands are registered by importing their module on first use."""

    def get_command(self, ctx, name):
        if name not in self.commands and name in COMMAND_MODULES:
            import importlib

            importlib.import_module(f"lmsgraph.cli.{COMMAND_MODULES[name]}")
        return self.commands.get(name)

    def list_commands(self, ctx):
        return sorted(set(self.commands) | set(COMMAND_MODULES))


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lmsgraph")
def cli() -> None:
    """lmsgraph: a cited knowledge graph of leiomyosarcoma and its variants.

    Exit codes: 0 success, 1 a check failed, 2 an error (bad input, missing tool, a limit
    reached), 130 interrupted (Ctrl-C).
    """


#: Output formats read by people: control characters in them are always shown as escapes.
HUMAN_FORMATS = ("table", "text")


def emit(text: str, fmt: str) -> None:
    """Write a command's answer to standard output. Data cannot act on a terminal: in tables and
    text, control characters are shown as escapes; JSON escapes the ones it may leave raw (the
    same JSON value); CSV, TSV and Turtle keep the data exact (click's stripping of colour codes
    is turned off), and are escaped only when standard output is a terminal."""
    from lmsgraph.display import escape_controls, json_safe

    if fmt == "json":
        text = json_safe(text)
    elif fmt in HUMAN_FORMATS or sys.stdout.isatty():
        text = escape_controls(text)
    click.echo(text, nl=False, color=True)  # click would otherwise strip escape sequences from the data


def main(argv: list[str] | None = None) -> int:
    """Run the command line; map lmsgraph's errors to exit code 2 with a one-line message."""
    import logging

    # rdflib logs a traceback for every ill-typed literal it reads (2021-02-30 as xsd:date);
    # validation reports those literals as violations, so the command line keeps the log quiet.
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
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
        click.echo(f"lmsgraph: error: {exc}", err=True)
        return EXIT_ERROR
    except OSError as exc:
        click.echo(f"lmsgraph: error: {exc}", err=True)
        return EXIT_ERROR
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
