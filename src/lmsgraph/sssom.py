"""Read lmsgraph's SSSOM mapping table (TSV with a YAML metadata header).

Every problem is reported with the file, line, column and value it was found in.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from lmsgraph.display import shown
from lmsgraph.errors import DataError
from lmsgraph.headers import sssom_metadata

REQUIRED_COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "mapping_justification",
    "author_label",
    "mapping_date",
)
PREDICATES = frozenset(
    {"skos:exactMatch", "skos:closeMatch", "skos:broadMatch", "skos:narrowMatch", "skos:relatedMatch"}
)
CURIE = re.compile(r"^(?P<prefix>[A-Za-z][A-Za-z0-9_.-]*):(?P<local>\S+)$")


@dataclass(frozen=True)
class Mapping:
    """One row of the table; ``line`` is its line number in the file."""

    subject_id: str
    subject_label: str
    predicate_id: str
    object_id: str
    object_label: str
    mapping_justification: str
    author_label: str
    mapping_date: str
    comment: str
    extensions: dict[str, str]
    line: int


@dataclass(frozen=True)
class MappingSet:
    """The metadata header and the rows of an SSSOM table."""

    metadata: dict
    curie_map: dict[str, str]
    mappings: list[Mapping] = field(default_factory=list)
    extension_properties: dict[str, str] = field(default_factory=dict)

    def expand(self, curie: str, *, path: object = None, line: int | None = None, column: str | None = None) -> str:
        """Expand a CURIE with the table's ``curie_map``."""
        match = CURIE.match(curie)
        if not match:
            raise DataError("not a CURIE (prefix:local)", path=path, line=line, field=column, value=curie)
        prefix = match["prefix"]
        if prefix not in self.curie_map:
            raise DataError(
                f"prefix {shown(prefix)} is not in the curie_map of the metadata header",
                path=path,
                line=line,
                field=column,
                value=curie,
            )
        return self.curie_map[prefix] + match["local"]

    def as_json(self) -> dict:
        """The table as SSSOM JSON, as sssom-py reads and writes it: the prefixes as a JSON-LD
        ``@context``, the set's metadata as the header gives it, then each mapping with its
        cells, defined extension slots included; empty cells left out."""
        out: dict = {key: _plain(value, key) for key, value in self.metadata.items() if key != "curie_map"}
        out = {"@context": dict(sorted(self.curie_map.items())), "@type": "MappingSet", **out}
        rows = []
        for m in self.mappings:
            cells = {
                "subject_id": m.subject_id,
                "subject_label": m.subject_label,
                "predicate_id": m.predicate_id,
                "object_id": m.object_id,
                "object_label": m.object_label,
                "mapping_justification": m.mapping_justification,
                "author_label": [m.author_label],
                "mapping_date": m.mapping_date,
                "comment": m.comment,
                **m.extensions,
            }
            rows.append({key: value for key, value in cells.items() if value not in ("", [""])})
        out["mappings"] = rows
        return out


#: SSSOM's multivalued slots that a TSV header may give as one value.
MULTIVALUED = frozenset({"creator_id", "creator_label", "author_id", "author_label", "see_also"})


def _plain(value, key: str = ""):
    """A metadata value as JSON gives it: dates as ISO text, a multivalued slot as a list."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if key in MULTIVALUED and isinstance(value, str):
        return [value]
    return value


def read_sssom(path: Path) -> MappingSet:
    """Parse and check an SSSOM TSV file.

    >>> from lmsgraph.resources import mappings_file
    >>> mset = read_sssom(mappings_file())
    >>> mset.curie_map["NCIT"]
    'http://purl.obolibrary.org/obo/NCIT_'
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"cannot read the file: {exc.strerror}", path=path) from exc
    lines = text.splitlines()
    metadata, header_length = sssom_metadata(lines, path)
    curie_map = metadata["curie_map"]
    extension_properties: dict[str, str] = {}
    for ext in metadata.get("extension_definitions") or []:
        extension_properties[ext["slot_name"]] = ext["property"]
    mset = MappingSet(metadata=metadata, curie_map=dict(curie_map), extension_properties=extension_properties)

    first = header_length
    body = lines[first:]
    if not body:
        raise DataError("the table has no column header row", path=path, line=first + 1)
    reader = csv.reader(body, delimiter="\t", quoting=csv.QUOTE_NONE)
    columns = next(reader)
    for required in REQUIRED_COLUMNS:
        if required not in columns:
            raise DataError(f"missing column {required!r}", path=path, line=first + 1, field=required)
    for ext in extension_properties:
        if ext not in columns:
            raise DataError(f"extension slot {ext!r} has no column", path=path, line=first + 1, field=ext)
    for offset, cells in enumerate(reader, start=2):
        line_no = first + offset
        if not cells or all(not c for c in cells):
            continue
        if len(cells) != len(columns):
            raise DataError(
                f"row has {len(cells)} cells but the header has {len(columns)} columns",
                path=path,
                line=line_no,
            )
        row = dict(zip(columns, cells, strict=True))
        for required in REQUIRED_COLUMNS:
            if not row[required].strip():
                raise DataError("required cell is empty", path=path, line=line_no, field=required)
        if row["predicate_id"] not in PREDICATES:
            raise DataError(
                f"predicate must be one of {', '.join(sorted(PREDICATES))}",
                path=path,
                line=line_no,
                field="predicate_id",
                value=row["predicate_id"],
            )
        for column in ("subject_id", "object_id", "mapping_justification"):
            mset.expand(row[column], path=path, line=line_no, column=column)
        try:
            date.fromisoformat(row["mapping_date"])
        except ValueError:
            raise DataError(
                "not an ISO date (YYYY-MM-DD)", path=path, line=line_no, field="mapping_date", value=row["mapping_date"]
            ) from None
        mset.mappings.append(
            Mapping(
                subject_id=row["subject_id"],
                subject_label=row["subject_label"],
                predicate_id=row["predicate_id"],
                object_id=row["object_id"],
                object_label=row.get("object_label", ""),
                mapping_justification=row["mapping_justification"],
                author_label=row["author_label"],
                mapping_date=row["mapping_date"],
                comment=row.get("comment", ""),
                extensions={k: row[k] for k in extension_properties},
                line=line_no,
            )
        )
    return mset


_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_OWL = "http://www.w3.org/2002/07/owl#"
_SSSOM = "https://w3id.org/sssom/"
_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
_DATE = "http://www.w3.org/2001/XMLSchema#date"


def mapping_ntriples(mset: MappingSet, *, path: object = None) -> str:
    """Each row as a triple plus an ``owl:Axiom`` annotation carrying its metadata, as N-Triples.

    The same text feeds rdflib and Oxigraph, so both hold the same mapping triples.
    """
    from lmsgraph.ntriples import iri, literal, triple

    extension_props = {slot: iri(mset.expand(prop)) for slot, prop in mset.extension_properties.items()}
    out = []
    for number, m in enumerate(mset.mappings, start=1):
        subject = iri(mset.expand(m.subject_id, path=path, line=m.line, column="subject_id"))
        predicate = iri(mset.expand(m.predicate_id, path=path, line=m.line, column="predicate_id"))
        obj = iri(mset.expand(m.object_id, path=path, line=m.line, column="object_id"))
        axiom = f"_:mapping{number}"
        out.append(triple(subject, predicate, obj))
        out.append(triple(axiom, iri(_RDF + "type"), iri(_OWL + "Axiom")))
        out.append(triple(axiom, iri(_OWL + "annotatedSource"), subject))
        out.append(triple(axiom, iri(_OWL + "annotatedProperty"), predicate))
        out.append(triple(axiom, iri(_OWL + "annotatedTarget"), obj))
        out.append(triple(axiom, iri(_SSSOM + "mapping_justification"), iri(mset.expand(m.mapping_justification))))
        out.append(triple(axiom, iri(_SSSOM + "author_label"), literal(m.author_label)))
        out.append(triple(axiom, iri(_SSSOM + "mapping_date"), literal(m.mapping_date, _DATE)))
        if m.object_label:
            out.append(triple(axiom, iri(_SSSOM + "object_label"), literal(m.object_label)))
        if m.comment:
            out.append(triple(axiom, iri(_COMMENT), literal(m.comment, lang="en")))
        for slot, value in m.extensions.items():
            if value:
                out.append(triple(axiom, extension_props[slot], literal(value)))
    return "".join(out)
