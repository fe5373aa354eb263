"""The ``lmsgraph`` command line. Exit codes: 0 success, 1 a check failed, 2 an error."""

from __future__ import annotations

import sys

import click

from lmsgraph import __version__
from lmsgraph.errors import LmsgraphError

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


class CheckFailed(click.ClickException):
    """A check ran and found problems (exit code 1)."""

    exit_code = EXIT_FAILED


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lmsgraph")
def cli() -> None:
    """lmsgraph: a cited knowledge graph of leiomyosarcoma and its variants.

    Exit codes: 0 success, 1 a check failed, 2 an error (bad input, missing tool).
    """


def main(argv: list[str] | None = None) -> int:
    """Run the command line; map lmsgraph's errors to exit code 2 with a one-line message."""
    from lmsgraph.cli import build, info, query, validate  # noqa: F401  (registers the commands)

    try:
        cli.main(args=argv, prog_name="lmsgraph", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        click.echo("lmsgraph: aborted", err=True)
        return EXIT_ERROR
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
