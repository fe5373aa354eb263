"""``lmsgraph build``, ``export``, ``reason`` and ``format``: the graph as files, and its OWL checks."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from lmsgraph.cli import CheckFailed, choose_format, cli, note, output_option, progress_reporter, write_output
from lmsgraph.errors import UsageError

EXAMPLES: tuple[tuple[str, dict[str, str], str], ...] = (
    ("markers-of-entity", {"entity": "inflammatory leiomyosarcoma"}, "Markers of inflammatory leiomyosarcoma"),
    (
        "markers-of-entity",
        {"entity": "EBV-associated smooth muscle tumour"},
        "Markers of EBV-associated smooth muscle tumour",
    ),
    ("sites-of-entity", {"entity": "inflammatory leiomyosarcoma"}, "Sites of inflammatory leiomyosarcoma"),
    ("entities-by-site", {"site": "liver"}, "Entities at the liver"),
    (
        "behaviour-and-prognosis-of-entity",
        {"entity": "inflammatory leiomyosarcoma"},
        "Behaviour and prognosis of inflammatory leiomyosarcoma",
    ),
    ("entity-hierarchy", {}, "The entity hierarchy"),
)


def step(message: str) -> None:
    note(f"-- {message}")


def owl_checks(graph) -> list[str]:
    """Run the OWL 2 DL profile check and HermiT; return the problems found (empty if none)."""
    from lmsgraph.owl import check_dl_profile, reason

    problems = []
    step("checking the OWL 2 DL profile (OWL API)")
    profile = check_dl_profile(graph)
    click.echo(f"OWL 2 DL profile: {'yes' if profile.in_profile else 'NO'} ({profile.axioms} axioms)")
    problems += [f"not OWL 2 DL: {v}" for v in profile.violations]
    step("reasoning with HermiT (owlready2)")
    report = reason(graph)
    click.echo(
        f"HermiT: {'consistent' if report.consistent else 'INCONSISTENT'}; "
        f"{len(report.unsatisfiable)} unsatisfiable classes; "
        f"{len(report.inferred_subclasses)} subclass links inferred beyond those asserted"
    )
    if not report.consistent:
        problems.append("the ontology is inconsistent under HermiT")
    problems += [f"unsatisfiable class: {c}" for c in report.unsatisfiable]
    return problems


def shape_checks(graph) -> list[str]:
    """Validate the graph against the graph shapes and the case record shapes; return the violations."""
    from lmsgraph.validation import validate

    problems = []
    for shapes in ("graph", "cases"):
        step(f"validating against the {shapes} shapes")
        report = validate(graph, shapes=shapes)
        counts = report.counts()
        click.echo(
            f"SHACL ({shapes} shapes, {report.engine} engine): "
            f"{'passes' if report.passed else 'FAILS'} (no violation allowed); "
            f"{counts['Violation']} violations, {counts['Warning']} warnings, {counts['Info']} infos; "
            f"sh:conforms {'true' if report.conforms else 'false'}"
        )
        for r in report.results:
            shown = r.as_dict()
            line = f"{r.severity.lower()}: {shown['focus_node']} {shown['path'] or ''}: {r.message}"
            if r.severity == "Violation":
                problems.append(line)
            else:
                click.echo(f"  {line}")
    return problems


def fail_on(problems: list[str], consequence: str = "") -> None:
    """Print each problem and exit with code 1, if there are any."""
    if problems:
        for problem in problems:
            click.echo(f"  {problem}", err=True)
        raise CheckFailed(f"{len(problems)} problem(s) found{consequence}")


def print_examples(graph) -> None:
    """Example answers, each claim in the one rendering every view uses: what it relates, every
    qualifier and the source's words, then its evidence."""
    from lmsgraph.api import KnowledgeGraph
    from lmsgraph.backends import OxigraphBackend
    from lmsgraph.store import graph_store

    kg = KnowledgeGraph(OxigraphBackend(graph_store(graph)))
    citations = kg.claims.citations()
    for name, params, title in EXAMPLES:
        rows = kg.query(name, **params)
        click.echo(f"\n{title} ({name}):")
        for row in rows:
            if row.get("claim") is None:
                click.echo(
                    "  "
                    + " | ".join(
                        str(v.label if hasattr(v, "label") and v.label else v)
                        for k, v in row.items()
                        if not k.endswith("Label") and v is not None
                    )
                )
                continue
            view = kg.claims.claim(row["claim"].iri)
            subject = f"{view.entity.text()}: " if "entity" not in params and view.entity is not None else ""
            click.echo(f"  {subject}{view.statement()}")
            click.echo(f"      {view.qualifier_text()}")
            click.echo(f"      evidence: {view.evidence_text(citations)}")


@cli.command()
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Folder for the exports.",
)
@click.option("--skip-owl-checks", is_flag=True, help="Skip the OWL 2 DL profile check and HermiT (they need Java).")
def build(out: Path, skip_owl_checks: bool) -> None:
    """Load the graph, check it, print a summary and example answers, and write every export."""
    import lmsgraph
    from lmsgraph.export import write_exports
    from lmsgraph.resources import mappings_file

    step("loading the graph")
    graph = lmsgraph.load()
    counts = lmsgraph.counts(graph)
    click.echo(
        f"lmsgraph {lmsgraph.__version__}: "
        + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.as_dict().items())
    )
    from lmsgraph.canonical import canonical_copy

    canonical = canonical_copy(graph)  # once, for the OWL checks and every export
    if skip_owl_checks:
        step("OWL checks skipped (--skip-owl-checks): no OWL 2 DL profile check, no HermiT")
    fail_on(shape_checks(graph) + ([] if skip_owl_checks else owl_checks(canonical)), "; no exports written")
    print_examples(graph)
    step(f"writing exports to {out}")
    for path in write_exports(canonical, out, mappings_file()):
        click.echo(f"wrote {path} ({path.stat().st_size} bytes)")


#: The export format each file extension names.
EXPORT_SUFFIXES = {
    ".ttl": "ttl",
    ".owl": "rdfxml",
    ".rdf": "rdfxml",
    ".xml": "rdfxml",
    ".nt": "nt",
    ".jsonld": "jsonld",
    ".json": "jsonld",
}


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["ttl", "jsonld", "nt", "rdfxml"]),
    default=None,
    help="Serialisation [default: from the output file's extension, else ttl].",
)
@output_option("the graph")
@click.option(
    "--store",
    "store_dir",
    type=click.Path(path_type=Path),
    help="Export what the on-disk store made by 'lmsgraph load' holds, streamed by Oxigraph.",
)
def export(fmt: str | None, output: Path | None, store_dir: Path | None) -> None:
    """Export the whole graph (deterministic bytes for the same graph), or a store's.

    From a store (--store), Oxigraph writes the triples as it reads them, in memory that does not
    grow with the store: the same triples, in Oxigraph's order and with its blank node labels
    rather than the canonical form.

    \b
    Examples:
      lmsgraph export -o lmsgraph.owl        # RDF/XML, from the extension
      lmsgraph export --format nt | gzip > lmsgraph.nt.gz
      lmsgraph export --store registry-store -o registry.nt
    """
    chosen = choose_format(fmt, output, EXPORT_SUFFIXES, "ttl")
    if store_dir is not None:
        _export_store(store_dir, chosen, output)
        return
    import lmsgraph
    from lmsgraph.export import serialize

    write_output(serialize(lmsgraph.load(), chosen), output, chosen)


def _export_store(store_dir: Path, fmt: str, output: Path | None) -> None:
    import pyoxigraph

    from lmsgraph.files import atomic_file
    from lmsgraph.namespaces import PREFIXES
    from lmsgraph.persistent import open_store

    store = open_store(store_dir)
    syntax = {"ttl": "TURTLE", "nt": "N_TRIPLES", "jsonld": "JSON_LD", "rdfxml": "RDF_XML"}[fmt]
    options: dict = {"format": getattr(pyoxigraph.RdfFormat, syntax), "from_graph": pyoxigraph.DefaultGraph()}
    if fmt in ("ttl", "rdfxml", "jsonld"):
        options["prefixes"] = dict(PREFIXES)
    say = progress_reporter()
    refuse = _NOT_XML if fmt == "rdfxml" else None
    if output is None or str(output) == "-":
        store.dump(_Counted(sys.stdout.buffer, say, refuse), **options)
        sys.stdout.buffer.flush()
        return
    with atomic_file(output) as handle:
        store.dump(_Counted(handle, say, refuse), **options)
    note(f"wrote {output} ({output.stat().st_size:,} bytes) from the store {store_dir}")


# What Oxigraph's RDF/XML writer copies from a literal into the document and XML 1.0 cannot hold
# (control characters, U+FFFE, U+FFFF), or would read back as another character (a carriage
# return, which XML parsers turn into a line feed): the writer itself uses only tabs and newlines.
# Its Turtle, N-Triples and JSON-LD escape them, so on a terminal too they arrive as escapes.
_NOT_XML = re.compile(rb"[\x00-\x08\x0b-\x1f]|\xef\xbf[\xbe\xbf]")


class _Counted:
    """A binary file that says how much has been written to it, every 64 MB (a million case
    records are about 4 GB of N-Triples), and, with ``refuse``, raises :class:`DataError` for
    bytes the format cannot carry before they are written."""

    STEP = 64 << 20

    def __init__(self, handle, say, refuse: re.Pattern[bytes] | None = None) -> None:
        self.handle, self.say, self.refuse = handle, say, refuse
        self.written, self.said, self.tail = 0, 0, b""

    def write(self, data: bytes) -> int:
        if self.refuse is not None:
            bad = self.refuse.search(self.tail + data)  # a three-byte character may span two writes
            if bad is not None:
                from lmsgraph.errors import DataError

                char = bad.group().decode("utf-8")
                raise DataError(
                    f"RDF/XML cannot hold the character U+{ord(char):04X} of a literal in the store (XML 1.0 allows "
                    "no such character, and reads a carriage return back as a line feed); export as Turtle, "
                    "N-Triples or JSON-LD instead"
                )
            self.tail = data[-2:]
        self.written += len(data)
        if self.say is not None and self.written - self.said >= self.STEP:
            self.said = self.written
            self.say(f"{self.written / (1 << 20):,.0f} MB written")
        return self.handle.write(data)

    def flush(self) -> None:
        self.handle.flush()


@cli.command()
def reason() -> None:
    """Check the graph against the OWL 2 DL profile and run HermiT. Exit 1 if either finds a problem."""
    import lmsgraph

    fail_on(owl_checks(lmsgraph.load()))


@cli.command("format")
@click.option("--check", is_flag=True, help="Only report files that are not in canonical form (exit 1 if any).")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def format_(check: bool, files: tuple[Path, ...]) -> None:
    """Rewrite curated Turtle files in canonical form (default: ./ontology/*.ttl)."""
    from lmsgraph.canonical import canonical_turtle, write_atomic
    from lmsgraph.graph import curated_graph

    paths = list(files) or sorted(Path("ontology").glob("*.ttl"))
    if not paths:
        raise UsageError("no Turtle files given and none in ./ontology", path=Path("ontology"))
    changed = []
    for path in paths:
        canonical = canonical_turtle(curated_graph([path], annotations=False))
        if path.read_bytes() != canonical:
            changed.append(path)
            if not check:
                write_atomic(path, canonical)
    verb = "not in canonical form" if check else "reformatted"
    for path in changed:
        click.echo(f"{verb}: {path}")
    if check and changed:
        raise CheckFailed(
            f"{len(changed)} file(s) not in canonical form; run: lmsgraph format " + " ".join(str(p) for p in changed)
        )
    if not changed:
        click.echo(f"{len(paths)} file(s) already in canonical form")


@cli.command()
@click.option(
    "--version",
    "version",
    default=None,
    metavar="YYYY-MM-DD",
    help="The release's version, a date [default: today].",
)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The release folder [default: release/VERSION]; an existing one is replaced whole.",
)
@click.option(
    "--previous",
    type=click.Path(path_type=Path),
    default=None,
    help="An earlier release folder: write what changed since it (changes.md, changes.json).",
)
@click.option(
    "--changelog",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="With --previous: add the changes to this Markdown file as the release's section.",
)
def release(version: str | None, output: Path | None, previous: Path | None, changelog: Path | None) -> None:
    """Write a versioned release: OWL, OBO, OBO Graphs JSON, Turtle, N-Triples, JSON-LD, SSSOM, base and full.

    \b
    Examples:
      lmsgraph release --version 2026-12-02        # into release/2026-12-02/
      lmsgraph release -o /tmp/lmsgraph-release
      lmsgraph release --previous release/2026-11-21 --changelog CHANGELOG.md
    """
    from datetime import date

    from lmsgraph.errors import UsageError
    from lmsgraph.release import add_to_changelog, check_version, write_release

    version = check_version(version or date.today().isoformat())
    if changelog is not None and previous is None:
        raise UsageError(
            "--changelog needs --previous: the changes are counted from an earlier release", field="changelog"
        )
    folder = output or Path("release") / version
    manifest = write_release(folder, version, previous=previous, progress=progress_reporter())
    if changelog is not None:
        add_to_changelog(changelog, (folder / "changes.md").read_text(encoding="utf-8"), version)
        note(f"added the changes of {version} to {changelog}")
    note(f"wrote release {version} to {folder}: {len(manifest['files'])} files (manifest.json lists their SHA-256)")


@cli.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path), required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json")),
    default=None,
    help="text (Markdown) or json [default: from the output file's extension, else text].",
)
@output_option("the diff")
def diff(old: Path, new: Path | None, fmt: str | None, output: Path | None) -> None:
    """Compare two releases (or a release and the working graph): terms, claims, citations, mappings.

    OLD and NEW are release folders (their lmsgraph.nt) or N-Triples or Turtle files; without
    NEW, OLD is compared with the working graph.

    \b
    Examples:
      lmsgraph diff release/2026-11-21 release/2026-12-02
      lmsgraph diff release/2026-11-21 --format json -o changes.json
    """
    import json

    from lmsgraph.diff import diff_graphs, read_graph

    fmt = choose_format(fmt, output, {".md": "text", ".txt": "text", ".json": "json"}, "text")
    before, old_name = read_graph(old)
    after, new_name = read_graph(new)
    result = diff_graphs(before, after, old_name, new_name)
    text = json.dumps(result.as_json(), indent=2, ensure_ascii=False) + "\n" if fmt == "json" else result.to_text()
    write_output(text, output, fmt)
