"""``lmsgraph validate``: check the graph, or case records, against the SHACL shapes and quality checks."""

from __future__ import annotations

from pathlib import Path

import click

from lmsgraph.cli import (
    CheckFailed,
    choose_format,
    cli,
    output_option,
    progress_reporter,
    quiet_rdflib_literals,
    write_output,
)

FORMATS = ("text", "json", "ttl")
#: The report format each file extension names.
REPORT_SUFFIXES = {".txt": "text", ".json": "json", ".ttl": "ttl"}


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--shapes",
    default="graph",
    show_default=True,
    metavar="graph|cases|PATH",
    help="The bundled graph shapes, the case record shapes, or a Turtle file of shapes.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="text for people, json for programs, ttl for a SHACL validation report graph "
    "[default: from the output file's extension, else text].",
)
@click.option(
    "--engine",
    type=click.Choice(("auto", "compiled", "pyshacl")),
    default="auto",
    show_default=True,
    help="compiled runs the shapes as SPARQL on Oxigraph; pyshacl is the reference engine.",
)
@click.option(
    "--fail-on",
    "fail_on",
    type=click.Choice(("violation", "warning", "info")),
    default="violation",
    show_default=True,
    help="The least severe result that makes validation fail (exit 1).",
)
@output_option("the report")
@click.option(
    "--store",
    "store_dir",
    type=click.Path(path_type=Path),
    help="Validate the on-disk store made by `lmsgraph load --store DIR` where it lies, instead of FILES.",
)
@click.option(
    "--batch-records",
    type=click.IntRange(min=1),
    help="Validate N-Triples case records (--shapes cases) in batches of about N records, in bounded memory.",
)
@click.option(
    "--progress/--no-progress", default=None, help="Show progress on stderr (default: when stderr is a terminal)."
)
def validate(
    files: tuple[Path, ...],
    shapes: str,
    fmt: str | None,
    engine: str,
    fail_on: str,
    output: Path | None,
    store_dir: Path | None,
    batch_records: int | None,
    progress: bool | None,
) -> None:
    """Validate FILES (Turtle, N-Triples, JSON-LD, CSV case records, SSSOM), or the bundled graph.

    The report says whether the data conform as SHACL defines it (no result at all); the
    exit code follows --fail-on.

    \b
    Exit codes: 0 no result as severe as --fail-on (by default: no violation; warnings
    and infos are reported), 1 at least one, 2 an error (unreadable file, syntax error,
    unknown shapes, an engine that cannot run the shapes).

    \b
    Examples:
      lmsgraph validate                               # the bundled graph
      lmsgraph validate --shapes cases registry.csv   # your case records
      lmsgraph validate --shapes cases cases.ttl --format json
      lmsgraph validate --shapes cases --store registry-store
      lmsgraph validate --shapes cases --batch-records 100000 registry.nt
    """
    from lmsgraph.validation import validate as run

    quiet_rdflib_literals()
    fmt = choose_format(fmt, output, REPORT_SUFFIXES, "text")
    report = run(
        list(files) or None,
        shapes=shapes,
        engine=engine,
        fail_on=fail_on,
        progress=progress_reporter(progress),
        store=store_dir,
        batch_records=batch_records,
    )
    text = {"text": report.to_text, "json": report.to_json, "ttl": report.to_turtle}[fmt]()
    write_output(text, output, fmt)
    if not report.passed:
        raise CheckFailed(
            f"{len(report.failures)} result(s) at or above --fail-on {fail_on} for the {report.shapes} shapes"
        )
