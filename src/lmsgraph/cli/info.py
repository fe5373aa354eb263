"""``lmsgraph info``: version and counts."""

from __future__ import annotations

import json
from pathlib import Path

import click

from lmsgraph import __version__
from lmsgraph.cli import cli


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option(
    "--store",
    "store_dir",
    type=click.Path(path_type=Path),
    help="Count what the on-disk store made by 'lmsgraph load' holds, where it lies.",
)
def info(as_json: bool, store_dir: Path | None) -> None:
    """Print the version and the counts of entities, claims, citations, mappings and case records."""
    if store_dir is not None:
        from lmsgraph.persistent import open_store
        from lmsgraph.stats import count_store

        counted = count_store(open_store(store_dir))
    else:
        import lmsgraph

        counted = lmsgraph.counts()
    figures = {"version": __version__, **counted.as_dict()}
    if as_json:
        click.echo(json.dumps(figures, indent=2))
        return
    click.echo(f"lmsgraph {__version__}")
    for key, value in figures.items():
        if key != "version":
            click.echo(f"  {key.replace('_', ' '):<17} {value}")
