"""Reading data files to validate or query: Turtle, N-Triples, JSON-LD, SSSOM, and case records as CSV.

Case records in CSV have one row per case and the columns of :data:`CSV_COLUMNS`
(``docs/cases.md`` describes them). Terms may be given as a CURIE (``lmsg:Liver``), or as
a label or synonym of the vocabulary (``liver``, ``head and neck``), in any case. Every
cell that cannot be read is reported with its row and column, all at once.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmsgraph.caching import read_once
from lmsgraph.display import shown
from lmsgraph.errors import DataError, UnknownNameError
from lmsgraph.prefixes import LMSG_NS

if TYPE_CHECKING:
    from rdflib import Graph


#: column -> what it holds. Only ``case_id`` is required.
CSV_COLUMNS = {
    "case_id": "an identifier for the case, unique in the file (letters, digits, '.', '_', '-')",
    "age_years": "age at diagnosis in whole years",
    "sex": "female, male or unknown",
    "site": "the anatomic site: a term of the vocabulary",
    "largest_dimension": "the largest dimension of the tumour, a decimal number",
    "size_unit": "cm or mm",
    "diagnosis": "the disease entity: a term of the graph",
    "diagnosis_date": "the date of diagnosis, YYYY-MM-DD",
    "ebv_status": "positive, negative or equivocal",
    "clinical_setting": "clinical settings, separated by ';'",
    "findings_present": "findings present, separated by ';'",
    "findings_absent": "findings absent, separated by ';'",
    "markers_positive": "markers with a positive result, separated by ';'",
    "markers_negative": "markers with a negative result, separated by ';'",
    "markers_equivocal": "markers with an equivocal result, separated by ';'",
    "synthetic": "true for made-up records, else false or empty",
    "comment": "free text",
}
_CHOICES: dict[str, dict[str, Any]] = {
    "sex": {"female": "Female", "male": "Male", "unknown": "UnknownSex"},
    "size_unit": {
        "cm": "Centimetre",
        "centimetre": "Centimetre",
        "centimeter": "Centimetre",
        "mm": "Millimetre",
        "millimetre": "Millimetre",
        "millimeter": "Millimetre",
    },
    "ebv_status": {"positive": "Positive", "negative": "Negative", "equivocal": "Equivocal"},
    "synthetic": {"true": True, "false": False, "yes": True, "no": False},
}
# column -> (property, lexical pattern, datatype, what a bad value is not)
_LITERAL_COLUMNS = {
    "age_years": ("ageYears", re.compile(r"^[0-9]+$"), "integer", "a whole number of years"),
    "largest_dimension": ("largestDimension", re.compile(r"^[0-9]+([.][0-9]+)?$"), "decimal", "a decimal number"),
    "diagnosis_date": (
        "diagnosisDate",
        re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
        "date",
        "a date in the form YYYY-MM-DD",
    ),
}
_CHOICE_COLUMNS = {"sex": "sex", "size_unit": "unit", "ebv_status": "ebvStatus"}
# Term columns; those listed in CSV_COLUMNS as ';'-separated may hold several terms.
_TERM_COLUMNS = {"site": "caseSite", "diagnosis": "diagnosis", "clinical_setting": "caseSetting"}
_COLUMN_PROPERTY = {
    **{column: spec[0] for column, spec in _LITERAL_COLUMNS.items()},
    **_CHOICE_COLUMNS,
    **_TERM_COLUMNS,
}
_CASE_ID = re.compile(r"^[A-Za-z0-9._-]+$")


@dataclass
class Located:
    """Where the nodes read from a file came from: ``rows[node]`` and ``columns[(node, property)]``."""

    rows: dict = field(default_factory=dict)
    columns: dict = field(default_factory=dict)


def regular_file(path: Path | str) -> Path:
    """``path``, if it names a regular file (or a link to one); otherwise :class:`DataError` saying
    what it is instead: missing, a folder, a named pipe, a device or a socket."""
    import stat

    path = Path(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise DataError("no such file", path=path) from None
    except OSError as exc:
        raise DataError(f"cannot read the file: {exc.strerror}", path=path) from exc
    if stat.S_ISREG(mode):
        return path
    if stat.S_ISDIR(mode):
        raise DataError("is a folder, not a file; name the files in it (e.g. folder/*.csv)", path=path)
    kind = "a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
    raise DataError(
        f"is {kind}, not a file; lmsgraph reads regular files, whose name tells their format "
        "(save the data to a file first)",
        path=path,
    )


def parse_data_file(graph: Graph, path: Path) -> Located:
    """Parse one data file into ``graph``, choosing the reader by the file name."""
    path = regular_file(path)
    name = path.name.lower()
    if name.endswith(".sssom.tsv"):
        from lmsgraph.graph import add_mappings
        from lmsgraph.sssom import read_sssom

        add_mappings(graph, read_sssom(path), path=path)
        return Located()
    if name.endswith((".ttl", ".turtle")):
        from lmsgraph.graph import parse_turtle

        parse_turtle(graph, path)
        return Located()
    if name.endswith(".csv"):
        return read_cases_csv(graph, path)
    formats = {".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld"}
    fmt = formats.get(path.suffix.lower())
    if fmt is None:
        raise DataError("unknown file type; expected .ttl, .nt, .jsonld, .csv or .sssom.tsv", path=path)
    source: dict[str, Any] = {"source": path}
    if fmt == "json-ld":
        source = {"data": read_jsonld_offline(path)}
    try:
        graph.parse(**source, format=fmt, publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib's parsers raise many types
        line = getattr(exc, "lines", None) or getattr(exc, "lineno", None)
        raise DataError(f"cannot parse the file as {fmt}: {exc}", path=path, line=line) from exc
    return Located()


def read_jsonld_offline(path: Path) -> str:
    """The text of a JSON-LD file whose contexts are all in the file: a context given by
    reference (a URL, or a relative name the parser would read as a file) or an ``@import``
    would make the parser fetch it, and lmsgraph reads nothing the user did not name.
    :class:`DataError` with the JSON path of the first such context."""
    import json

    try:
        text = path.read_text(encoding="utf-8")
        document = json.loads(text)
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 text: {exc.reason} at byte {exc.start}", path=path) from exc
    except json.JSONDecodeError as exc:
        raise DataError(f"not JSON (column {exc.colno}): {exc.msg}", path=path, line=exc.lineno) from exc

    def walk(node: Any, where: str) -> None:
        if isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{where}[{i}]")
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    contexts(value, f"{where}.@context")
                walk(value, f"{where}.{key}")

    def contexts(value: Any, where: str) -> None:
        for i, context in enumerate(value if isinstance(value, list) else [value]):
            at = f"{where}[{i}]" if isinstance(value, list) else where
            if isinstance(context, str):
                raise DataError(
                    f"the JSON-LD context {shown(context)} is a reference the parser would fetch; "
                    "lmsgraph reads no URL or file you did not name: put the context in the file",
                    path=path,
                    field=at,
                )
            if isinstance(context, dict) and "@import" in context:
                raise DataError(
                    f"the JSON-LD context imports {shown(context['@import'])}; lmsgraph reads no URL or file "
                    "you did not name: put the imported context in the file",
                    path=path,
                    field=f"{at}.@import",
                )

    walk(document, "$")
    return text


# --- case records as CSV -----------------------------------------------------------


@read_once
def _vocabulary_resolver():
    """The query layer's resolver (:class:`lmsgraph.resolve.Resolver`) over the bundled
    vocabularies, so that a cell names a term exactly as a query parameter would."""
    import pyoxigraph

    from lmsgraph.backends import OxigraphBackend
    from lmsgraph.graph import vocabulary_ntriples
    from lmsgraph.resolve import Resolver

    store = pyoxigraph.Store()
    store.load(vocabulary_ntriples(), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return Resolver(OxigraphBackend(store))


def resolve_term(text: str) -> str:
    """The IRI of a term given as an IRI, a CURIE, a label, a synonym or an external code;
    :class:`UnknownNameError` with suggestions if it names none, or several.

    An IRI or a CURIE under lmsgraph's prefixes is taken as it is: the case shapes then say
    whether it is a term of the right vocabulary, by row and column.
    """
    from lmsgraph.namespaces import PREFIXES
    from lmsgraph.ntriples import is_iri

    text = text.strip()
    if (text.startswith("<") and text.endswith(">")) or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text):
        iri = text[1:-1] if text.startswith("<") else text
        if not is_iri(iri):
            raise UnknownNameError(f"{shown(text)} is not an IRI (no spaces, quotes, <, >, {{, }}, |, ^, ` or \\)")
        return iri
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and re.match(r"^[A-Za-z0-9_.-]+$", local):
        return PREFIXES[prefix] + local
    resolver = _vocabulary_resolver()
    try:
        matches = resolver.resolve(text)
    except UnknownNameError:
        raise UnknownNameError(
            f"{shown(text)} is not a label, synonym or CURIE of lmsgraph's vocabulary{resolver.hint(text)}"
        ) from None
    found = sorted({m.iri for m in matches})
    if len(found) > 1:
        raise UnknownNameError(f"{shown(text)} names several terms ({', '.join(found)}); use a CURIE")
    return found[0]


#: The largest CSV file of case records read at once, and the longest cell.
MAX_CSV_BYTES = 64 << 20
MAX_CELL = 10_000
# Columns whose cells may hold a line break (inside quotes); anywhere else a line break means a
# quote that was never closed and swallowed the rows after it.
_MULTILINE_COLUMNS = {"comment"}


def _csv_text(path: Path) -> str:
    """The file's text: UTF-8, with or without a byte order mark; anything else is an error that
    says where the first bad byte is."""
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise DataError(
            f"the file holds {size / 2**20:.0f} MB; lmsgraph reads CSV case records of up to "
            f"{MAX_CSV_BYTES >> 20} MB at once: split the registry into several files, each validated on its own",
            path=path,
        )
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError("the file is UTF-16 text; save it as UTF-8", path=path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DataError(
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start}; save the file as UTF-8",
            path=path,
            line=line,
        ) from exc


def _csv_records(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]], list[str]]:
    """(the header, the records as (row number, column -> stripped cell), the problems found).

    Strict: the header must name known columns once each; a row must have as many cells as the
    header; a cell may not exceed :data:`MAX_CELL` characters, nor hold a line break outside the
    comment column; a quote left open is an error with the line it opened on. Blank lines are
    skipped. Rows are numbered as a spreadsheet shows them (the header is row 1)."""
    text = _csv_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    errors: list[str] = []
    records: list[tuple[int, dict[str, str]]] = []
    header: list[str] | None = None
    row_number = 0
    started = 1
    try:
        for cells in reader:
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                started = reader.line_num + 1
                continue
            row_number += 1
            where = f"row {row_number}" + (f" (line {started})" if started != row_number else "")
            if header is None:
                header = _csv_header(cells, path)
                started = reader.line_num + 1
                continue
            if len(cells) != len(header):
                errors.append(f"{where}: {len(cells)} cells, but the header names {len(header)} columns")
            else:
                row: dict[str, str] = {}
                for column, cell in zip(header, cells, strict=True):
                    if len(cell) > MAX_CELL:
                        errors.append(
                            f"{where}, column {column}: the cell holds {len(cell):,} characters, more than {MAX_CELL:,}"
                        )
                    elif column not in _MULTILINE_COLUMNS and ("\n" in cell or "\r" in cell):
                        errors.append(
                            f"{where}, column {column}: the cell runs over several lines "
                            "(is a quote left open, so that it swallowed the rows after it?)"
                        )
                    else:
                        row[column] = cell.strip()
                if len(row) == len(header):
                    records.append((row_number, row))
            started = reader.line_num + 1
    except csv.Error as exc:
        problem = str(exc)
        if "unexpected end of data" in problem:
            problem = "a quote opened here is never closed"
        elif "field larger than field limit" in problem:
            problem = f"a cell holds more than {csv.field_size_limit():,} characters"
        raise DataError(f"row {row_number + 1}: {problem}", path=path, line=started) from exc
    if header is None:
        raise DataError("the file is empty; its first line must name the columns (see docs/cases.md)", path=path)
    return header, records, errors


def _csv_header(cells: list[str], path: Path) -> list[str]:
    header = [h.strip() for h in cells]
    if "case_id" not in header:
        raise DataError("the CSV needs a 'case_id' column (see docs/cases.md)", path=path, line=1, field="case_id")
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        raise DataError(
            f"unknown column(s) {', '.join(map(shown, unknown))}; the columns are " + ", ".join(CSV_COLUMNS),
            path=path,
            line=1,
        )
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        where = "; ".join(
            f"{h} (columns {', '.join(str(i + 1) for i, x in enumerate(header) if x == h)})" for h in twice
        )
        raise DataError(f"a column is named twice: {where}", path=path, line=1)
    return header


def read_cases_csv(graph: Graph, path: Path) -> Located:
    """Convert case records in CSV into RDF in ``graph``; every bad cell is reported at once."""
    from rdflib import RDF, RDFS, Literal, Namespace, URIRef
    from rdflib.namespace import XSD

    lmsg = Namespace(LMSG_NS)
    path = regular_file(path)
    header, records, errors = _csv_records(path)
    base = path.resolve().as_uri() + "#"
    located = Located()
    seen: dict[str, int] = {}
    triples = []
    for row_number, row in records:
        where = f"{path}, row {row_number}"

        def bad(column: str, message: str) -> None:
            errors.append(f"row {row_number}, column {column}: {message}")

        case_id = row.get("case_id", "")
        if not _CASE_ID.match(case_id):
            bad("case_id", f"{shown(case_id)} is not a case identifier (letters, digits, '.', '_', '-')")
            continue
        if case_id in seen:
            bad("case_id", f"{shown(case_id)} already used on row {seen[case_id]}")
            continue
        seen[case_id] = row_number
        case = URIRef(base + case_id)
        located.rows[case] = where
        triples.append((case, RDF.type, lmsg.TumourCase))

        def put(column: str, prop, value) -> None:
            triples.append((case, prop, value))
            located.columns[(case, prop)] = column

        def term(column: str, value: str):
            try:
                return URIRef(resolve_term(value))
            except ValueError as exc:
                bad(column, str(exc))
                return None

        def choice(column: str):
            value = row.get(column, "")
            if not value:
                return None
            options = _CHOICES[column]
            found = options.get(value.lower())
            if found is None:
                bad(column, f"{shown(value)} is not one of {', '.join(sorted(options))}")
            return found

        for column, local in _COLUMN_PROPERTY.items():
            located.columns[(case, lmsg[local])] = column
        for column, (local, pattern, datatype, expected) in _LITERAL_COLUMNS.items():
            if value := row.get(column):
                if pattern.match(value):
                    put(column, lmsg[local], Literal(value, datatype=XSD[datatype]))
                else:
                    bad(column, f"{shown(value)} is not {expected}")
        for column, local in _CHOICE_COLUMNS.items():
            if (found := choice(column)) is not None:
                put(column, lmsg[local], lmsg[found])
        for column, local in _TERM_COLUMNS.items():
            for value in _split(row.get(column, "")):
                if (iri := term(column, value)) is not None:
                    put(column, lmsg[local], iri)

        def link(kind: str, link_prop, columns, value_prop, result_prop, node_type) -> None:
            """One node per listed term (an observation or a marker result), with its polarity or result."""
            n = 0
            for column, result in columns:
                for value in _split(row.get(column, "")):
                    iri = term(column, value)
                    if iri is None:
                        continue
                    n += 1
                    node = URIRef(f"{case}-{kind}-{n}")
                    put(column, link_prop, node)
                    triples.extend([(node, RDF.type, node_type), (node, value_prop, iri), (node, result_prop, result)])
                    located.rows[node] = where
                    located.columns[(node, value_prop)] = column
                    located.columns[(node, result_prop)] = column

        link(
            "finding",
            lmsg.hasObservation,
            (("findings_present", lmsg.Present), ("findings_absent", lmsg.Absent)),
            lmsg.feature,
            lmsg.polarity,
            lmsg.CaseObservation,
        )
        link(
            "marker",
            lmsg.hasMarkerResult,
            (
                ("markers_positive", lmsg.Positive),
                ("markers_negative", lmsg.Negative),
                ("markers_equivocal", lmsg.Equivocal),
            ),
            lmsg.marker,
            lmsg.result,
            lmsg.MarkerResult,
        )
        if (synthetic := choice("synthetic")) is not None:
            put("synthetic", lmsg.synthetic, Literal(synthetic))
        if value := row.get("comment"):
            put("comment", RDFS.comment, Literal(value))
    if errors:
        first = errors[:50]
        more = f"\n  ... and {len(errors) - len(first)} more" if len(errors) > len(first) else ""
        raise DataError(f"{len(errors)} problem(s) reading case records:\n  " + "\n  ".join(first) + more, path=path)
    for triple in triples:
        graph.add(triple)
    return located


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def add_files(store, paths: list[Path]) -> None:
    """Add data files to ``store``: Turtle and N-Triples straight into Oxigraph; JSON-LD, CSV case
    records and SSSOM tables through their readers (every error names the file, line or row)."""
    import pyoxigraph

    from lmsgraph.store import DIRECT_SUFFIXES, load_into_store

    for path in map(Path, paths):
        if path.suffix.lower() in DIRECT_SUFFIXES:
            load_into_store(store, path)
            continue
        from rdflib import Graph

        graph = Graph()
        parse_data_file(graph, path)
        store.load(graph.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
