"""``lmsgraph validate``: check the graph, or case records, against the SHACL shapes and quality checks."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from lmsgraph.cli import (
    CheckFailed,
    choose_format,
    cli,
    output_option,
    progress_reporter,
    write_output,
)

FORMATS = ("text", "json", "ttl")
#: What standard input may hold (--input-format), and the file name it is read under.
STDIN_SUFFIXES = {"ttl": ".ttl", "nt": ".nt", "jsonld": ".jsonld", "csv": ".csv", "sssom": ".sssom.tsv"}
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
    help="Validate N-Triples or Turtle case records (--shapes cases) in batches of about N records, in bounded memory.",
)
@click.option(
    "--input-format",
    type=click.Choice(sorted(STDIN_SUFFIXES)),
    default=None,
    help="What standard input holds when a FILE is - [default: told from its first characters].",
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
    input_format: str | None,
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
    import tempfile

    from lmsgraph.command import quiet_rdflib_literals
    from lmsgraph.errors import LmsgraphError, UsageError
    from lmsgraph.validation import validate as run

    quiet_rdflib_literals()
    fmt = choose_format(fmt, output, REPORT_SUFFIXES, "text")
    if sum(str(f) == "-" for f in files) > 1:
        raise UsageError("standard input (-) can be read once", field="files")
    if input_format is not None and "-" not in map(str, files):
        raise UsageError("--input-format says what standard input holds; give - among the FILES", field="input-format")
    with tempfile.TemporaryDirectory(prefix="lmsgraph-stdin-") as work:
        named = [_from_stdin(Path(work), input_format) if str(f) == "-" else f for f in files]
        try:
            report = run(
                named or None,
                shapes=shapes,
                engine=engine,
                fail_on=fail_on,
                progress=progress_reporter(progress),
                store=store_dir,
                batch_records=batch_records,
            )
        except LmsgraphError as exc:
            if exc.path is not None and str(exc.path).startswith(work):
                exc.path = "- (standard input)"
                exc.args = (str(exc),)
            raise
        text = {"text": report.to_text, "json": report.to_json, "ttl": report.to_turtle}[fmt]()
        for read in named:
            if str(read).startswith(work):
                # Standard input has no file: its records are named under urn:lmsgraph:stdin, its
                # places in the report as -, the same whatever temporary file held it.
                text = text.replace(Path(read).resolve().as_uri(), "urn:lmsgraph:stdin").replace(str(read), "-")
    write_output(text, output, fmt)
    if not report.passed:
        raise CheckFailed(
            f"{len(report.failures)} result(s) at or above --fail-on {fail_on} for the {report.shapes} shapes"
        )


def _from_stdin(folder: Path, input_format: str | None) -> Path:
    """Standard input, kept in a file of ``folder`` named for what it holds: ``input_format``,
    else told from its first characters (JSON-LD opens with { or [, an SSSOM table with its #
    header, case records in CSV with a header row of names; anything else is read as Turtle,
    of which N-Triples is a part)."""
    data = sys.stdin.buffer.read()
    if input_format is None:
        head = data.lstrip()[:4096].decode("utf-8", errors="replace")
        first = head.split("\n", 1)[0]
        if head.startswith(("{", "[")):
            input_format = "jsonld"
        elif head.startswith("#") and "curie_map" in head:
            input_format = "sssom"
        elif "," in first and "<" not in first and ":" not in first.split(",")[0]:
            input_format = "csv"
        else:
            input_format = "ttl"
    path = folder / f"stdin{STDIN_SUFFIXES[input_format]}"
    path.write_bytes(data)
    return path
