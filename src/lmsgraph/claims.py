"""One rendering of a claim, used by every view: entity profiles (text and JSON), canned-query
rows, the command line's tables.

A claim is read whole: every property it has is shown, sorted into the slot the schema gives
the property (``lmsg:claimSlot``: core, qualifier, wording, evidence). A property without a
slot is still shown, under its own label, so a new qualifier can never be dropped silently.
A frequency is shown only where the source gives one; a claim without one says so.

>>> import lmsgraph
>>> from lmsgraph.claims import ClaimIndex
>>> index = ClaimIndex(lmsgraph.connect())
>>> view = index.claim("https://w3id.org/lmsgraph/claim-conventional-lms-site-liver-metastatic")
>>> view.statement()
'has site liver'
>>> "lesion role: metastatic lesion" in view.qualifier_text()
True
"""

from __future__ import annotations

from collections import namedtuple

from lmsgraph.prefixes import LMSG_NS, sparql_prefixes
from lmsgraph.records import ByFields

# Plain classes and a namedtuple rather than dataclasses, whose import (inspect with it) a cold
# query would pay for (see lmsgraph.command); mypy reads the NamedTuple twin's fields.
TYPE_CHECKING = False  # typing's own constant, without importing typing
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any, NamedTuple

    class _ValueFields(NamedTuple):
        iri: str | None = None
        label: str | None = None
        literal: object = None
        detail: str = ""

else:
    _ValueFields = namedtuple("_ValueFields", ("iri", "label", "literal", "detail"), defaults=(None, None, None, ""))

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL_NAMED_INDIVIDUAL = "http://www.w3.org/2002/07/owl#NamedIndividual"
DCTERMS_TITLE = "http://purl.org/dc/terms/title"

# Labels of the few properties the graph borrows from RDF and RDFS and cannot label itself.
BUILTIN_LABELS = {RDFS + "subClassOf": "is a", RDFS + "comment": "note", RDFS + "label": "label"}

# The order qualifiers are shown in; any other qualifier follows, by its label.
QUALIFIER_ORDER = tuple(
    LMSG_NS + name
    for name in (
        "polarity",
        "frequency",
        "certainty",
        "degree",
        "distribution",
        "grade",
        "variability",
        "minValue",
        "maxValue",
        "unit",
        "year",
        "condition",
        "comparator",
        "lesionRole",
        "siteQualifier",
        "exampleSite",
        "imagingModality",
        "imagingSequence",
        "outcome",
        "doesNotNecessarilyIndicate",
        "evidenceBasis",
        "observedInCase",
        "inGroup",
        "inCriteriaSet",
    )
)
CORE = {LMSG_NS + "aboutEntity": "entity", LMSG_NS + "relation": "relation", LMSG_NS + "feature": "feature"}
WORDING = LMSG_NS + "qualifierWording"
SOURCE, LOCATION, MARKERS = LMSG_NS + "source", LMSG_NS + "sourceLocation", LMSG_NS + "sourceReferenceMarkers"
PUBLICATION, ATTRIBUTION = LMSG_NS + "citedPublication", LMSG_NS + "attributionNote"
EVIDENCE_LISTS = {
    SOURCE: "sources",
    LOCATION: "locations",
    MARKERS: "markers",
    PUBLICATION: "publications",
    ATTRIBUTION: "attribution",
}
NO_FREQUENCY = "not stated by the source"

CLAIMS_QUERY = (
    sparql_prefixes("lmsg", "rdfs")
    + """
SELECT ?claim ?property ?value ?valueLabel WHERE {
  ?kind rdfs:subClassOf lmsg:Claim .
  ?claim a ?kind ; ?property ?value .
  OPTIONAL { ?value rdfs:label ?valueLabel }
}
"""
)
# Claim groups and criteria sets, which a claim's qualifiers point to.
PARTS_QUERY = (
    sparql_prefixes("lmsg", "rdfs")
    + """
SELECT ?node ?property ?value ?valueLabel WHERE {
  VALUES ?type { lmsg:ClaimGroup lmsg:DiagnosticCriteriaSet }
  ?node a ?type ; ?property ?value .
  OPTIONAL { ?value rdfs:label ?valueLabel }
}
"""
)
SLOTS_QUERY = (
    sparql_prefixes("lmsg", "rdfs")
    + """
SELECT ?property ?slot ?label WHERE {
  ?property lmsg:claimSlot ?slot .
  OPTIONAL { ?property rdfs:label ?label }
}
"""
)
CITATIONS_QUERY = (
    sparql_prefixes("lmsg", "rdfs")
    + """
SELECT ?citation ?type ?property ?value WHERE {
  # Citation kinds sit one level below lmsg:Citation; a path here loses rows on Virtuoso 7.
  { ?type rdfs:subClassOf lmsg:Citation } UNION { BIND (lmsg:Citation AS ?type) }
  ?citation a ?type ; ?property ?value .
}
"""
)


def plain(value) -> str:
    """A value as a reader sees it: numbers without trailing zeros, dates in ISO form."""
    from lmsgraph.tables import cell

    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return cell(value)


def json_value(value):
    """A literal as JSON gives it: numbers as numbers, the rest as strings."""
    from lmsgraph.tables import jsonable

    return jsonable(value)


class Value(_ValueFields):
    """One value of a claim's property: a term (``iri`` with its ``label``) or a literal."""

    __slots__ = ()

    def text(self) -> str:
        if self.iri is None:
            return plain(self.literal)
        from lmsgraph.prefixes import compact_iri

        shown = self.label or compact_iri(self.iri)
        return f"{shown} ({self.detail})" if self.detail else shown

    def as_json(self):
        if self.iri is None:
            return json_value(self.literal)
        from lmsgraph.prefixes import compact_iri

        out = {"id": compact_iri(self.iri), "label": self.label}
        if self.detail:
            out["detail"] = self.detail
        return out


class Citation(ByFields):
    """A bibliographic record, readable in a short and a full form.

    Its fields hold the RDF terms read (``terms``); a field's Python values are made when it is
    read, so that a view showing a record's label does not convert its dates and numbers (nor
    import the modules for them)."""

    def __init__(self, iri: str) -> None:
        self.iri = iri
        self.types: set[str] = set()
        self.terms: dict[str, list] = {}  # field name -> the terms read, each once

    def __repr__(self) -> str:
        return f"Citation({self.iri!r})"

    def values(self, name: str) -> list:
        """The field's values as Python values, each once, in the order of their text."""
        values: list = []
        for term in self.terms.get(name, ()):
            python = _python(term)
            if python not in values:
                values.append(python)
        return sorted(values, key=str)

    @property
    def fields(self) -> dict[str, list]:
        """Every field's values (:meth:`values`), by name."""
        return {name: self.values(name) for name in self.terms}

    def first(self, name: str):
        values = self.values(name)
        return values[0] if values else None

    @property
    def label(self) -> str:
        from lmsgraph.prefixes import compact_iri

        return plain(self.first("label") or compact_iri(self.iri))

    def short(self) -> str:
        """The record's label, such as ``Bonatti et al. 2005, Transplant Proc``."""
        return self.label

    def full(self) -> str:
        """A reference in the usual order: authors, title, journal or publisher, year, volume, pages, identifiers."""
        get = lambda name: plain(self.first(name)) if self.first(name) is not None else ""  # noqa: E731
        parts = []
        authors = get("authors").replace("; ", ", ")
        if authors:
            parts.append(authors.rstrip(".") + ".")
        title = get("title") or self.label
        parts.append(title if title.endswith((".", "?", "!")) else title + ".")
        if LMSG_NS + "JournalArticle" in self.types:
            where = get("journal")
            if get("year"):
                where += f". {get('year')}"
            if get("volume"):
                where += f";{get('volume')}"
                if get("issue"):
                    where += f"({get('issue')})"
            if get("pages"):
                where += f":{get('pages')}"
            parts.append(where + ".")
        else:
            if get("edition"):
                parts.append(f"{ordinal(get('edition'))} edition.")
            publisher = get("publisher")
            if get("revisedBy"):
                publisher += f", last revised by {get('revisedBy')}"
            if get("revisionDate"):
                publisher += f" on {get('revisionDate')}"
            if publisher and get("year"):
                parts.append(f"{publisher}; {get('year')}.")
            elif publisher or get("year"):
                parts.append(f"{publisher or get('year')}.")
        for name, prefix in (("pmid", "PMID "), ("pmcid", "PMCID "), ("doi", "doi:"), ("isbn", "ISBN ")):
            if get(name):
                parts.append(f"{prefix}{get(name)}.")
        return " ".join(p for p in parts if p.strip(". "))

    def status(self) -> str | None:
        value = self.first("identifierStatus")
        return plain(value) if value is not None else None

    def as_json(self) -> dict:
        from lmsgraph.prefixes import compact_iri

        out: dict[str, Any] = {
            "id": compact_iri(self.iri),
            "iri": self.iri,
            "label": self.label,
            "reference": self.full(),
        }
        for name in (
            "title",
            "authors",
            "journal",
            "year",
            "volume",
            "issue",
            "pages",
            "edition",
            "publisher",
            "pmid",
            "pmcid",
            "doi",
            "isbn",
            "identifierStatus",
            "identifierEvidence",
            "fieldEvidence",
        ):
            values = self.values(name)
            if values:
                out[name] = [json_value(v) for v in values] if name == "fieldEvidence" else json_value(values[0])
        return out


def ordinal(number) -> str:
    n = int(number)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class ClaimView(ByFields):
    """Everything one claim says, in the one rendering every view uses."""

    def __init__(self, iri: str) -> None:
        self.iri = iri
        self.kind: Value | None = None
        self.entity: Value | None = None
        self.relation: Value | None = None
        self.feature: Value | None = None
        self.qualifiers: dict[str, list[Value]] = {}
        self.qualifier_names: dict[str, str] = {}
        self.wording: list[str] = []
        self.notes: list[str] = []
        self.sources: list[str] = []
        self.locations: list[str] = []
        self.markers: list[str] = []
        self.publications: list[str] = []
        self.attribution: list[str] = []

    def __repr__(self) -> str:
        return f"ClaimView({self.iri!r})"

    @property
    def curie(self) -> str:
        from lmsgraph.prefixes import compact_iri

        return compact_iri(self.iri)

    def citations(self) -> list[str]:
        """The source documents, then the publications they cite, each once."""
        return list(dict.fromkeys(self.sources + self.publications))

    def statement(self) -> str:
        """What the claim relates: ``has site liver``."""
        relation = self.relation.text() if self.relation else "?"
        feature = self.feature.text() if self.feature else "?"
        return f"{relation} {feature}"

    def qualifier_items(self) -> list[tuple[str, str]]:
        """(name, value) pairs for every qualifier, in a fixed order. A range reads ``3 to 12
        centimetre``; a claim without a frequency says the source gives none."""
        q = dict(self.qualifiers)
        low, high = q.get(LMSG_NS + "minValue"), q.get(LMSG_NS + "maxValue")
        if low and high:
            unit = q.pop(LMSG_NS + "unit", None)
            del q[LMSG_NS + "minValue"], q[LMSG_NS + "maxValue"]
            q["range"] = [
                Value(literal=f"{low[0].text()} to {high[0].text()}" + (f" {unit[0].text()}" if unit else ""))
            ]
        if LMSG_NS + "frequency" not in q:
            q[LMSG_NS + "frequency"] = [Value(literal=NO_FREQUENCY)]
        order = {p: i for i, p in enumerate(QUALIFIER_ORDER)}
        order["range"] = order[LMSG_NS + "minValue"]
        names = {**self.qualifier_names, "range": "range", LMSG_NS + "frequency": "frequency"}
        ranked = sorted(q, key=lambda p: (order.get(p, len(order)), names.get(p, p)))
        return [(names.get(p, p), ", ".join(v.text() for v in q[p])) for p in ranked]

    def qualifier_text(self) -> str:
        """Every qualifier, the source's words and any note, on one line."""
        parts = [f"{name}: {value}" for name, value in self.qualifier_items()]
        parts += [f'wording: "{w}"' for w in self.wording]
        parts += [f"note: {n}" for n in self.notes]
        return "; ".join(parts)

    def evidence_text(self, citations: dict[str, Citation], numbers: dict[str, int] | None = None) -> str:
        """Where the claim comes from: numbered citations in a profile, short references elsewhere."""

        def ref(iri: str) -> str:
            if numbers is not None and iri in numbers:
                return f"[{numbers[iri]}]"
            record = citations.get(iri)
            return record.short() if record else iri

        parts = []
        if self.sources:
            parts.append("source " + ", ".join(ref(s) for s in self.sources))
        if self.locations:
            parts.append("at " + "; ".join(f'"{loc}"' for loc in self.locations))
        if self.markers:
            parts.append("reference markers " + ", ".join(self.markers))
        if self.publications:
            parts.append("cites " + ", ".join(ref(p) for p in self.publications))
        parts += [f"attribution: {a}" for a in self.attribution]
        return "; ".join(parts)

    def as_json(self, citations: dict[str, Citation], numbers: dict[str, int] | None = None) -> dict:
        """The claim as JSON: every qualifier by property, the wording, notes and the evidence."""
        from lmsgraph.prefixes import compact_iri

        def one(v):
            return v.as_json() if v else None

        qualifiers: dict[str, Any] = {
            compact_iri(p): [v.as_json() for v in vals] for p, vals in self.qualifiers.items()
        }
        if LMSG_NS + "frequency" not in self.qualifiers:
            qualifiers["lmsg:frequency"] = None
        evidence = {
            "sources": [citations[s].as_json() if s in citations else {"id": compact_iri(s)} for s in self.sources],
            "locations": self.locations,
            "reference_markers": self.markers,
            "cited_publications": [
                citations[p].as_json() if p in citations else {"id": compact_iri(p)} for p in self.publications
            ],
            "attribution": self.attribution,
        }
        if numbers is not None:
            evidence["citation_numbers"] = [numbers[c] for c in self.citations() if c in numbers]
        return {
            "claim": self.curie,
            "kind": one(self.kind),
            "entity": one(self.entity),
            "relation": one(self.relation),
            "feature": one(self.feature),
            "statement": self.statement(),
            "qualifiers": qualifiers,
            "qualifier_text": self.qualifier_text(),
            "wording": self.wording,
            "notes": self.notes,
            "evidence": evidence,
        }


class Cell:
    """A table cell computed from a claim: its text in tables and CSV, a structure in JSON. Both
    are made when first asked for, so an answer nobody prints costs a dictionary look-up."""

    __slots__ = ("_text", "_data", "_make_text", "_make_data")

    def __init__(self, make_text, make_data):
        self._text = self._data = None
        self._make_text, self._make_data = make_text, make_data

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self._make_text()
        return self._text

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Cell({self.text!r})"

    def __eq__(self, other) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(self.text)

    def as_json(self):
        if self._data is None:
            self._data = self._make_data()
        return self._data


class ClaimIndex:
    """Every claim of a graph, read once with a handful of queries, rendered on demand."""

    def __init__(self, kg):
        self.kg = kg
        self._views: dict[str, ClaimView] | None = None
        self._some: dict[str, ClaimView] = {}  # claims read on their own, before the whole index
        self._context: tuple[dict, dict, dict] | None = None  # claim slots, their names, group details
        self._citations: dict[str, Citation] | None = None

    def _rows(self, text: str):
        return self.kg.backend.run(text).rows

    def citations(self) -> dict[str, Citation]:
        """Every citation record, by IRI."""
        if self._citations is None:
            records: dict[str, Citation] = {}
            for citation, kind, prop, value in self._rows(CITATIONS_QUERY):
                record = records.setdefault(citation.value, Citation(citation.value))
                record.types.add(kind.value)
                name = "title" if prop.value == DCTERMS_TITLE else prop.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
                terms = record.terms.setdefault(name, [])
                if value not in terms:
                    terms.append(value)
            self._citations = records
        return self._citations

    def views(self, only: Iterable[str] | None = None) -> dict[str, ClaimView]:
        """Every claim, by IRI; with ``only``, just those claims (read on their own while the
        whole index has not been read: a first query answering three claims need not read every
        claim of the graph)."""
        if self._views is not None:
            return self._views if only is None else {iri: self._views[iri] for iri in only if iri in self._views}
        if only is None:
            self._views = self._read(None)
            return self._views
        wanted = sorted(set(only) - self._some.keys())
        if wanted:
            self._some.update(self._read(wanted))
        return {iri: self._some[iri] for iri in only if iri in self._some}

    def _read(self, claims: list[str] | None) -> dict[str, ClaimView]:
        """The views of ``claims`` (all claims if None), sorted by IRI."""
        from lmsgraph.ntriples import iri as written

        if self._context is None:
            slots, names = {}, {}
            for prop, slot, label in self._rows(SLOTS_QUERY):
                slots[prop.value] = slot.value.rsplit("/", 1)[-1]
                if label is not None:
                    names[prop.value] = _name(label.value)
            self._context = slots, names, self._parts()
        slots, names, details = self._context
        text = CLAIMS_QUERY
        if claims is not None:
            text = text.replace("WHERE {", "WHERE {\n  VALUES ?claim { " + " ".join(map(written, claims)) + " }", 1)
        views: dict[str, ClaimView] = {}
        for claim, prop, value, label in self._rows(text):
            view = views.setdefault(claim.value, ClaimView(claim.value))
            self._place(view, prop.value, value, label, slots, names, details)
        for view in views.values():
            for values in view.qualifiers.values():
                values.sort(key=lambda v: v.text())
            for listed in (view.wording, view.notes, view.locations, view.markers, view.attribution):
                listed.sort()
            view.sources.sort()
            view.publications.sort(key=lambda iri: self.citations().get(iri, Citation(iri)).label)
        return dict(sorted(views.items()))

    def claim(self, iri: str) -> ClaimView:
        return self.views()[iri]

    def of_entity(self, iri: str) -> list[ClaimView]:
        """The claims about one entity, grouped by kind, then by feature."""
        found = [v for v in self.views().values() if v.entity and v.entity.iri == iri]
        return sorted(found, key=lambda v: (v.kind.text() if v.kind else "", v.statement(), v.iri))

    def _parts(self) -> dict[str, str]:
        """A short description of each claim group and criteria set: its logic, edition and book."""
        props: dict[str, dict[str, list[str]]] = {}
        for node, prop, value, label in self._rows(PARTS_QUERY):
            key = prop.value.rsplit("/", 1)[-1]
            text = label.value if label is not None else plain(_python(value))
            if prop.value == LMSG_NS + "publishedIn":
                record = self.citations().get(value.value)
                text = record.short() if record else text
            props.setdefault(node.value, {}).setdefault(key, []).append(text)
        details = {}
        for node, p in props.items():
            bits = []
            if p.get("groupKind"):
                bits.append(", ".join(sorted(p["groupKind"])))
            if p.get("edition"):
                bits.append("edition " + ", ".join(sorted(p["edition"])))
            if p.get("criteriaCombination"):
                bits.append("criteria combine: " + ", ".join(sorted(p["criteriaCombination"])))
            if p.get("publishedIn"):
                bits.append("published in " + ", ".join(sorted(p["publishedIn"])))
            details[node] = "; ".join(bits)
        return details

    @staticmethod
    def _place(view: ClaimView, prop: str, value, label, slots, names, details) -> None:
        if prop == RDF_TYPE:
            if value.value != OWL_NAMED_INDIVIDUAL and label is not None:
                view.kind = Value(value.value, label.value)
            return
        if prop == RDFS + "comment":
            _add(view.notes, value.value)
            return
        if prop == RDFS + "label":  # the claim's name, made from its IRI (lmsgraph.derivation): no qualifier
            return
        slot = slots.get(prop, "QualifierSlot")
        if prop in CORE:
            setattr(view, CORE[prop], _value(value, label, details))
        elif slot == "WordingSlot":
            _add(view.wording, value.value)
        elif slot == "EvidenceSlot" and prop in EVIDENCE_LISTS:
            _add(getattr(view, EVIDENCE_LISTS[prop]), value.value)
        else:
            _add(view.qualifiers.setdefault(prop, []), _value(value, label, details))
            view.qualifier_names[prop] = names.get(prop, BUILTIN_LABELS.get(prop, prop))


def _add(values: list, value) -> None:
    """Append ``value`` unless it is there already (a term with two labels comes back twice)."""
    if isinstance(value, Value):
        if any(v.iri == value.iri and v.literal == value.literal for v in values):
            return
    elif value in values:
        return
    values.append(value)


def _name(label: str) -> str:
    """A property's label as a qualifier name: ``has lesion role`` reads ``lesion role``."""
    return label[4:] if label.startswith("has ") else label


def _python(term):
    from lmsgraph.terms import literal_value

    if term[0] == "literal":
        return literal_value(term[1], term[2])
    return term[1]


def _value(term, label, details) -> Value:
    if term[0] == "iri":
        text = label.value if label is not None else BUILTIN_LABELS.get(term[1])
        return Value(iri=term[1], label=text, detail=details.get(term[1], ""))
    if term[0] == "literal":
        return Value(literal=_python(term))
    return Value(literal=f"_:{term[1]}")
