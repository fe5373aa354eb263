"""``lmsgraph info``: version and counts."""

from __future__ import annotations

import json

import click

from lmsgraph import __version__
from lmsgraph.cli import cli


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def info(as_json: bool) -> None:
    """Print the version and the counts of entities, claims, citations, mappings and case records."""
    import lmsgraph

    figures = {"version": __version__, **lmsgraph.counts().as_dict()}
    if as_json:
        click.echo(json.dumps(figures, indent=2))
        return
    click.echo(f"lmsgraph {__version__}")
    for key, value in figures.items():
        if key != "version":
            click.echo(f"  {key.replace('_', ' '):<17} {value}")
