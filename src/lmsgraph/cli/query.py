"""``lmsgraph queries``, ``query``, ``sparql``, ``entity`` and ``push``: the query layer on the command line."""

from __future__ import annotations

from pathlib import Path

import click

from lmsgraph.cli import (
    choose_format,
    cli,
    note,
    output_option,
    progress_reporter,
    write_output,
)
from lmsgraph.command import (
    DEFAULT_AUTH,
    DEFAULT_MAX_ANSWER_MB,
    DEFAULT_MAX_ROWS,
    DEFAULT_TIMEOUT,
    TABLE_FORMATS,
    canned_query,
    no_answer_note,
    open_graph,
)
from lmsgraph.prefixes import LMSG_NS

#: The answer format each file extension names.
TABLE_SUFFIXES = {".txt": "table", ".json": "json", ".csv": "csv", ".tsv": "tsv"}
FORMAT_HELP = "table, json, csv or tsv [default: from the output file's extension, else table]."
DEFAULT_NAMED_GRAPH = LMSG_NS


def data_option():
    """``--data FILE``, repeatable: the user's case records added to the bundled graph."""
    return click.option(
        "--data",
        "data_files",
        multiple=True,
        type=click.Path(path_type=Path),
        help="Add your case records (Turtle, N-Triples, JSON-LD, CSV) to the bundled graph; repeatable.",
    )


def positive(name: str, default: float, help: str):
    """An option taking a number above zero."""
    return click.option(
        name, type=click.FloatRange(min=0, min_open=True), default=default, show_default=True, help=help
    )


def backend_options(fn):
    """The options every querying command shares: which backend, and extra data files."""
    options = [
        click.option(
            "--backend",
            type=click.Choice(("oxigraph", "rdflib", "remote")),
            default=None,
            help="Where to run: the bundled graph in Oxigraph (default) or rdflib, or a remote endpoint.",
        ),
        click.option("--endpoint", metavar="URL", help="A SPARQL 1.1 endpoint (implies --backend remote)."),
        click.option(
            "--named-graph",
            metavar="IRI",
            default=DEFAULT_NAMED_GRAPH,
            show_default=True,
            help="On a remote endpoint, the graph holding lmsgraph (sent as the default graph).",
        ),
        click.option("--user", help="User name for the endpoint."),
        click.option("--password", envvar="LMSGRAPH_PASSWORD", help="Password (or set LMSGRAPH_PASSWORD)."),
        click.option("--auth", type=click.Choice(("digest", "basic")), default=DEFAULT_AUTH, show_default=True),
        positive("--timeout", DEFAULT_TIMEOUT, "Seconds the query has for its whole answer, on any backend."),
        click.option(
            "--max-rows",
            type=click.IntRange(min=0),
            default=DEFAULT_MAX_ROWS,
            show_default=True,
            help="The most rows an answer may have; a larger one is an error, never cut short.",
        ),
        positive("--max-answer-mb", DEFAULT_MAX_ANSWER_MB, "The largest answer read from the endpoint, in MB."),
        click.option(
            "--store",
            "store_dir",
            type=click.Path(path_type=Path),
            help="Query the on-disk store made by `lmsgraph load --store DIR` instead of loading the graph.",
        ),
        data_option(),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


@cli.command()
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True)
@click.option("--tag", help="Only queries with this tag.")
def queries(fmt: str, tag: str | None) -> None:
    """List the canned queries: name, parameters (with an example) and what each answers."""
    import json

    from lmsgraph.queries import catalogue

    found = [q for q in catalogue().values() if tag is None or tag in q.tags]
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "name": q.name,
                        "summary": q.summary,
                        "tags": list(q.tags),
                        "params": [
                            {"name": p.name, "kind": p.kind, "example": p.example, "description": p.description}
                            for p in q.params
                        ],
                    }
                    for q in found
                ],
                indent=2,
            )
        )
        return
    from lmsgraph.queries import PARAM_KINDS

    for q in found:
        params = " ".join(
            f"--{p.name} {p.example!r}" if " " in p.example else f"--{p.name} {p.example}" for p in q.params
        )
        click.echo(f"{q.name}  {params}".rstrip())
        click.echo(f"    {q.summary}")
        if q.params:
            kinds = "; ".join(f"--{p.name} takes {PARAM_KINDS[p.kind].description}" for p in q.params)
            click.echo(f"    {kinds}")
    click.echo(f"({len(found)} queries; run one with: lmsgraph query NAME --PARAM VALUE)")


@cli.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(TABLE_FORMATS), default=None, help=FORMAT_HELP)
@output_option()
@backend_options
@click.pass_context
def query(ctx: click.Context, name: str, fmt: str | None, output: Path | None, **backend) -> None:
    """Run the canned query NAME with its parameters (--PARAM VALUE).

    A parameter naming a term takes a label or synonym ("inflammatory leiomyosarcoma"), a
    CURIE (lmsg:Desmin), an external code (NCIT:C3158, ICD-O:8890/3) or an IRI. NAME may be
    shortened to its leading words when only one query starts with them ("markers" for
    markers-of-entity).

    \b
    Examples:
      lmsgraph query markers --entity "inflammatory leiomyosarcoma"
      lmsgraph query entities-by-external-code --code ICD-O:8890/3 --format json
      lmsgraph query cohort-cases-by-entity-and-site --data registry.csv --format csv
    """
    canned, params = canned_query(name, ctx.args)
    fmt = choose_format(fmt, output, TABLE_SUFFIXES, "table")
    kg = open_graph(**backend)
    answer = kg.query(canned.name, **params)
    write_output(answer.render(fmt), output, fmt)
    if not answer:
        note(no_answer_note(canned.name, params))


@cli.command()
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--format", "fmt", type=click.Choice(TABLE_FORMATS), default=None, help=FORMAT_HELP)
@output_option()
@backend_options
def sparql(file, fmt: str | None, output: Path | None, **backend) -> None:
    """Run the SPARQL query in FILE (or - for standard input): SELECT, ASK or CONSTRUCT."""
    from lmsgraph.errors import DataError

    text = file.read()
    if not text.strip():
        raise DataError("the query is empty", path=getattr(file, "name", "-"))
    from lmsgraph.errors import EndpointError, QueryError

    fmt = choose_format(fmt, output, TABLE_SUFFIXES, "table")
    kg = open_graph(**backend)
    try:
        answer = kg.sparql(text)
    except EndpointError:
        raise  # the endpoint's fault, not the query file's
    except QueryError as exc:
        raise DataError(str(exc), path=getattr(file, "name", "-")) from exc
    if isinstance(answer, bool):
        write_output("true\n" if answer else "false\n", output, fmt)
        return
    write_output(answer.render(fmt), output, fmt)
    if not answer:
        note("lmsgraph: no answer: the query matched nothing in the graph")


@cli.command()
@click.argument("name")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json")),
    default=None,
    help="text or json [default: from the output file's extension, else text].",
)
@output_option("the profiles")
@backend_options
def entity(name: str, fmt: str | None, output: Path | None, **backend) -> None:
    """Print the profile of the entity NAME (label, synonym, CURIE, external code or IRI) with its citations.

    An external code can name several entities (ICD-O:8890/3); each is printed.
    """
    import json

    fmt = choose_format(fmt, output, {".txt": "text", ".json": "json"}, "text")
    kg = open_graph(**backend)
    profiles = kg.entity(name)
    if fmt == "json":
        write_output(json.dumps([p.as_dict() for p in profiles], indent=2, ensure_ascii=False) + "\n", output, fmt)
        return
    head = f"{name} names {len(profiles)} entities\n\n" if len(profiles) > 1 else ""
    write_output(head + "\n".join(p.to_text() for p in profiles), output, fmt)


@cli.command()
@click.argument("store_url", metavar="STORE")
@click.option(
    "--graph",
    "graph_iri",
    default=DEFAULT_NAMED_GRAPH,
    show_default=True,
    metavar="IRI",
    help="The named graph to write.",
)
@click.option("--append", is_flag=True, help="Add to the graph instead of replacing it.")
@click.option(
    "--endpoint",
    metavar="URL",
    help="The store's SPARQL endpoint (default: found from STORE for Virtuoso's /sparql-graph-crud-auth).",
)
@click.option("--user", help="User name for the store.")
@click.option("--password", envvar="LMSGRAPH_PASSWORD", help="Password (or set LMSGRAPH_PASSWORD).")
@click.option("--auth", type=click.Choice(("digest", "basic")), default="digest", show_default=True)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    help="Seconds for each request.",
)
@click.option(
    "--file",
    "data_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Send this Turtle or N-Triples file instead of the bundled graph.",
)
@click.option(
    "--from-store",
    "store_dir",
    type=click.Path(path_type=Path),
    help="Send what the on-disk store made by 'lmsgraph load' holds instead of the bundled graph "
    "(written as N-Triples to the temporary folder, then sent a chunk at a time).",
)
def push(
    store_url: str,
    graph_iri: str,
    append: bool,
    endpoint: str | None,
    user,
    password,
    auth: str,
    timeout: float,
    data_file: Path | None,
    store_dir: Path | None,
) -> None:
    """Send the bundled graph to a named graph of a SPARQL 1.1 store, atomically.

    The graph goes to a staging graph through the Graph Store Protocol at STORE (e.g.
    Virtuoso's /sparql-graph-crud-auth), in chunks; its size is read back; then one SPARQL
    Update replaces (or adds to) the target, whose size is read back too. The target is the
    old graph or the new one at every moment.

    \b
    Example:
      lmsgraph push http://localhost:8890/sparql-graph-crud-auth --user dba --password dba
      lmsgraph push http://localhost:8890/sparql-graph-crud-auth --from-store registry-store
    """

    from lmsgraph.errors import UsageError
    from lmsgraph.push import push as send

    if data_file is not None and store_dir is not None:
        raise UsageError("send a file or a store, not both", field="from-store", value=str(store_dir))
    import tempfile

    data = data_file.read_bytes() if data_file else None
    content_type = "application/n-triples" if data_file and data_file.suffix.lower() == ".nt" else "text/turtle"
    with tempfile.TemporaryDirectory(prefix="lmsgraph-push-") as folder:
        dumped = None
        if store_dir is not None:
            import pyoxigraph

            from lmsgraph.persistent import open_store

            # Oxigraph writes the store's triples to a file, which is sent a chunk at a time: a
            # store of any size goes in the memory of one chunk (and its blank-node triples).
            dumped = Path(folder) / "store.nt"
            open_store(store_dir).dump(
                output=str(dumped), format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph()
            )
        result = send(
            store_url,
            data,
            graph=graph_iri,
            replace=not append,
            user=user,
            password=password,
            auth=auth,
            timeout=timeout,
            endpoint=endpoint,
            content_type=content_type,
            progress=progress_reporter(),
            ntriples_file=dumped,
        )
    verb = "added to" if append else "replaced"
    note(
        f"{result.bytes_sent} bytes of N-Triples in {result.chunks} part(s) {verb} graph <{result.graph}> "
        f"at {store_url}; it holds {result.triples:,} triples"
    )


@cli.command()
@click.option("--store", "store_dir", required=True, type=click.Path(path_type=Path), help="The store's folder.")
@click.option(
    "--remove",
    "removed",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Take the triples of this file out of the store (repeatable; a file with blank nodes is refused).",
)
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def load(store_dir: Path, removed: tuple[Path, ...], files: tuple[Path, ...]) -> None:
    """Load the graph and FILES (case records, more RDF) into an on-disk store, once.

    Every querying command then reads it with --store DIR, and Python with
    lmsgraph.connect(store=DIR). A new store gets the bundled graph first; loading into an
    existing store adds FILES to it, and --remove takes a file's triples out again. A change
    takes effect whole or not at all, and the store's counts for the cohort queries are made
    again after it.

    \b
    Example:
      lmsgraph load --store registry-store registry.csv
      lmsgraph query cohort-cases-by-entity-and-site --store registry-store
      lmsgraph load --store registry-store --remove withdrawn.csv
    """

    from lmsgraph.persistent import load_store

    record = load_store(
        store_dir,
        list(files),
        progress=progress_reporter(),
        remove=list(removed),
    )
    holds = f"{store_dir}: {record['triples']:,} triples from the bundled graph and {len(record['files'])} file(s)"
    if removed:
        note(f"{holds}, after {len(removed)} file(s) taken out in {record['seconds']:.1f} s")
        return
    rate = record["triples"] / record["seconds"] if record["seconds"] else 0.0
    note(f"{holds}, loaded in {record['seconds']:.1f} s ({rate:,.0f} triples/s)")
