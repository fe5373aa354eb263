"""The Python API of the query layer: canned queries by name, any SPARQL, entity resolution,
entity profiles and convenience methods for the main questions, on any backend.

>>> import lmsgraph
>>> kg = lmsgraph.connect()                       # the bundled graph in pyoxigraph
>>> rows = kg.markers("inflammatory leiomyosarcoma")
>>> desmin = next(r for r in rows if r["marker"] == "lmsg:Desmin")
>>> desmin["polarity"], desmin["marker"].label
('present', 'desmin')

Rows are dicts. An IRI comes back as a :class:`Resource`, a ``str`` holding its CURIE with
``.iri`` and ``.label``; a literal as a Python value (``int``, ``Decimal``, ``float``,
``bool``, ``date`` or ``str``). Claim rows carry their evidence: the ``source`` document
and the ``publication`` it cites, whose ``.label`` names them.
"""

from __future__ import annotations

from lmsgraph.backends import Backend
from lmsgraph.caching import BoundedMemo
from lmsgraph.errors import DataError, UsageError
from lmsgraph.prefixes import compact_iri, sparql_prefixes
from lmsgraph.records import ByFields
from lmsgraph.terms import Solutions, Term, literal_value

TYPE_CHECKING = False  # typing's own constant, without importing typing (see lmsgraph.command)
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any, Protocol, Self

    from lmsgraph.claims import Cell, ClaimIndex, ClaimView
    from lmsgraph.claims import Citation as ClaimsCitation
    from lmsgraph.limits import Limits
    from lmsgraph.queries import CannedQuery
    from lmsgraph.resolve import Match, Resolver

    _Rows = list[dict[str, Any]]
else:
    Protocol = object  # at run time a protocol is its documentation; mypy checks it structurally
    _Rows = list


class Labels(Protocol):
    """Where a :class:`Resource` looks up its label: anything with ``get(iri)``."""

    def get(self, iri: str, /) -> str | None: ...


class Resource(str):
    """An IRI as a CURIE string, with the full ``iri`` and the graph's English ``label``.

    The label is looked up when first read, so answers that nobody labels cost nothing extra.
    """

    __slots__ = ("iri", "_label", "_labels")
    iri: str
    _label: str | None
    _labels: Labels | None

    def __new__(cls, iri: str, label: str | None = None, labels: Labels | None = None) -> Self:
        self = super().__new__(cls, compact_iri(iri))
        self.iri = iri
        self._label = label
        self._labels = labels
        return self

    @property
    def label(self) -> str | None:
        if self._label is None and self._labels is not None:
            self._label = self._labels.get(self.iri)
        return self._label

    def __repr__(self) -> str:
        return f"Resource({str(self)!r}, label={self.label!r})"


class _Labels:
    """The graph's labels, read from the backend the first time one is asked for."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver

    def get(self, iri: str) -> str | None:
        label: str | None = self.resolver.label(iri)
        return label


class Table(_Rows):
    """Rows (dicts) of an answer, in order, with the answer's ``variables`` in order."""

    def __init__(
        self, rows: Iterable[dict[str, Any]] = (), variables: list[str] | None = None, name: str | None = None
    ) -> None:
        super().__init__(rows)
        self.variables = list(variables or [])
        self.name = name

    def render(self, fmt: str = "table") -> str:
        """The rows as an aligned ``table``, ``json``, ``csv`` or ``tsv``."""
        from lmsgraph.tables import render

        return render(self, fmt)


def python_value(term: Term | None, labels: Labels | None = None) -> Any:
    """A term as the API gives it: :class:`Resource` for IRIs, Python values for literals."""
    if term is None:
        return None
    kind = term[0]
    if kind == "iri":
        return Resource(term[1], None, labels)
    if kind == "literal":
        return literal_value(term[1], term[2])
    return f"_:{term[1]}"


RELATED_SYNONYMS = (
    sparql_prefixes("oboInOwl")
    + """
SELECT ?entity ?synonym WHERE { ?entity oboInOwl:hasRelatedSynonym ?synonym }
"""
)
FINDING_QUERIES = {
    "gross": "gross-findings-of-entity",
    "microscopic": "microscopic-findings-of-entity",
    "imaging": "imaging-findings-of-entity",
}


class Citation(Resource):
    """A citation IRI in an answer: a :class:`Resource` that tables show as its readable label."""

    __slots__ = ("record",)
    record: Any  # lmsgraph.claims.Citation

    def __new__(cls, iri: str, record: Any) -> Self:
        self = super().__new__(cls, iri, record.label)
        self.record = record
        return self

    @property
    def display(self) -> str:
        short: str = self.record.short()
        return short

    @property
    def reference(self) -> str:
        """The full reference: authors, title, journal or publisher, year, volume, pages, identifiers."""
        full: str = self.record.full()
        return full


class EntityProfile(ByFields):
    """Everything the graph says about one entity: what it is, its codes, and every claim in the
    one rendering of :mod:`lmsgraph.claims`, with numbered citations."""

    def __init__(
        self,
        entity: Resource,
        definition: str | None,
        definition_sources: list[str],
        synonyms: list[str],
        related_synonyms: list[str],
        parents: list[Resource],
        subtypes: list[Resource],
        codes: Table,
        claims: list[ClaimView],
        citations: dict[str, ClaimsCitation],
        matched_by: str = "",
    ) -> None:
        self.entity = entity
        self.definition = definition
        self.definition_sources = definition_sources
        self.synonyms = synonyms
        self.related_synonyms = related_synonyms
        self.parents = parents
        self.subtypes = subtypes
        self.codes = codes
        self.claims = claims
        self.citations = citations
        self.matched_by = matched_by

    def __repr__(self) -> str:
        return f"EntityProfile({self.entity.iri!r})"

    def numbers(self) -> dict[str, int]:
        """Citation numbers in order of first use: the definition's sources, then each claim's."""
        numbers: dict[str, int] = {}
        for iri in self.definition_sources:
            numbers.setdefault(iri, len(numbers) + 1)
        for claim in self.claims:
            for iri in claim.citations():
                numbers.setdefault(iri, len(numbers) + 1)
        return numbers

    def as_dict(self) -> dict[str, Any]:
        from lmsgraph.tables import jsonable

        numbers = self.numbers()
        rows = [{k: jsonable(v) for k, v in row.items()} for row in self.codes]
        return {
            "entity": str(self.entity),
            "iri": self.entity.iri,
            "label": self.entity.label,
            "matched_by": self.matched_by,
            "definition": self.definition,
            "definition_sources": [{"number": numbers[s], **self._citation(s)} for s in self.definition_sources],
            "synonyms": self.synonyms,
            "related_synonyms": self.related_synonyms,
            "parents": [jsonable(p) for p in self.parents],
            "subtypes": [jsonable(s) for s in self.subtypes],
            "codes": rows,
            "claims": [c.as_json(self.citations, numbers) for c in self.claims],
            "citations": [{"number": n, **self._citation(iri)} for iri, n in numbers.items()],
        }

    def _citation(self, iri: str) -> dict[str, Any]:
        record = self.citations.get(iri)
        return record.as_json() if record is not None else {"id": compact_iri(iri), "iri": iri}

    def to_text(self) -> str:
        """A readable profile: what the entity is, its codes, then every claim by kind with all its
        qualifiers, the source's words and numbered citations, and the references in full."""
        numbers = self.numbers()
        lines = [f"{self.entity.label} ({self.entity})", f"  IRI: {self.entity.iri}"]
        if self.matched_by:
            lines.append(f"  matched by: {self.matched_by}")
        if self.definition:
            refs = ", ".join(str(numbers[s]) for s in self.definition_sources)
            lines.append(f"  definition: {self.definition}" + (f" [{refs}]" if refs else ""))
        if self.synonyms:
            lines.append(f"  synonyms: {'; '.join(self.synonyms)}")
        if self.related_synonyms:
            lines.append(f"  related synonyms: {'; '.join(self.related_synonyms)}")
        if self.parents:
            lines.append(f"  is a: {'; '.join(f'{p.label} ({p})' for p in self.parents)}")
        if self.subtypes:
            lines.append(f"  subtypes: {'; '.join(f'{s.label} ({s})' for s in self.subtypes)}")
        if self.codes:
            lines.append("  codes:")
            for row in self.codes:
                status = f" [{row['status']}]" if row.get("status") else ""
                label = f" {row['codeLabel']}" if row.get("codeLabel") else ""
                lines.append(f"    {row['predicate'].split(':')[-1]:<13} {row['code']}{label}{status}")
        kind = None
        for claim in self.claims:
            heading = claim.kind.text() if claim.kind else "claim"
            if heading != kind:
                kind = heading
                lines.append(f"  {kind}s:")
            refs = ", ".join(str(numbers[c]) for c in claim.citations() if c in numbers)
            lines.append(f"    {claim.statement()}" + (f" [{refs}]" if refs else ""))
            lines.append(f"        {claim.qualifier_text()}")
            lines.append(f"        evidence: {claim.evidence_text(self.citations, numbers)}; claim {claim.curie}")
        if numbers:
            lines.append("  citations:")
            for iri, n in numbers.items():
                record = self.citations.get(iri)
                text = record.full() if record is not None else compact_iri(iri)
                identifiers = record.status() if record is not None else None
                lines.append(f"    [{n}] {text}" + (f" [identifiers: {identifiers}]" if identifiers else ""))
        return "\n".join(lines) + "\n"


class KnowledgeGraph:
    """The query layer over one backend (see :func:`connect`)."""

    def __init__(self, backend: Backend, limits: Limits | None = None, counted: dict[str, str] | None = None) -> None:
        from lmsgraph.resolve import Resolver

        self.backend = backend
        #: Texts answering canned queries from a store's counts instead of its case records, by
        #: query name (:mod:`lmsgraph.persistent`): the same rows, in milliseconds.
        self.counted = counted or {}
        #: The time and row limits on every canned query and :meth:`sparql` call.
        self.limits = limits
        self.resolver = Resolver(backend)
        self._catalogue: dict[str, CannedQuery] | None = None
        self._canned: dict[str, CannedQuery] = {}
        self._calls: BoundedMemo[tuple[str, tuple[tuple[str, object], ...]], tuple[CannedQuery, dict[str, Term]]] = (
            BoundedMemo(1024)
        )
        self._claims: ClaimIndex | None = None
        self._label_source = _Labels(self.resolver)
        labels = self._label_source
        self._make_iri = lambda iri: Resource(iri, None, labels)

    # --- the catalogue -----------------------------------------------------------------

    def catalogue(self) -> dict[str, CannedQuery]:
        """Every canned query, by name."""
        if self._catalogue is None:
            from lmsgraph.queries import catalogue

            self._catalogue = catalogue()
        return self._catalogue

    def canned(self, name: str) -> CannedQuery:
        """The canned query called ``name`` (or the only one whose name starts with ``name-``)."""
        from lmsgraph.queries import find_query

        found = self._canned.get(name)
        if found is None:
            found = self._canned[name] = find_query(name, self._catalogue)
        return found

    def bindings(self, query: CannedQuery, params: dict[str, object]) -> dict[str, Term]:
        """Check ``params`` against the query's header and turn them into RDF terms.

        A parameter naming a term takes an IRI, a CURIE, an external code (``NCIT:C3158``) or a
        label or synonym of the graph, and the term must be of the parameter's kind (a marker
        for ``--marker``): a name of another kind is a :class:`DataError` that says what it
        names and suggests names of the right kind. A name of several terms is an error too.
        """
        from lmsgraph.queries import PARAM_KINDS, check_param_names

        bindings = {}
        for param in check_param_names(query, params):
            value = str(params[param.name])
            kind = PARAM_KINDS[param.kind]
            if kind.mode == "text":
                bindings[param.name] = Term("literal", value)
            elif kind.mode == "code":
                bindings[param.name] = Term("iri", self._code_iri(value, param.name))
            else:
                match = self.resolver.resolve_one(value, kind=kind, field=param.name)
                bindings[param.name] = Term("iri", match.iri)
        return bindings

    @staticmethod
    def _code_iri(value: str, field: str) -> str:
        from lmsgraph.ntriples import is_iri
        from lmsgraph.prefixes import expand_curie
        from lmsgraph.resolve import expand_external

        text = value.strip().removeprefix("<").removesuffix(">")
        iri = expand_external(text) or expand_curie(text)
        if not is_iri(iri):
            raise DataError(
                "not an external code (NCIT:C3158, ICDO:8890/3...) or an absolute IRI", field=field, value=value
            )
        return iri

    def _prepared(self, name: str, params: dict[str, object]) -> tuple[CannedQuery, dict[str, Term]]:
        """The canned query and its bindings for ``name`` and ``params``, remembered between calls
        (names resolve the same way for as long as the graph is the same)."""
        key: tuple[str, tuple[tuple[str, object], ...]] | None = (name, tuple(params.items()))
        prepared = None
        try:
            prepared = self._calls.get(key) if key is not None else None
        except TypeError:  # an unhashable value: nothing to remember the call by
            key = None
        if prepared is None:
            query = self.canned(name)
            prepared = query, self.bindings(query, params)
            if key is not None:
                self._calls.put(key, prepared)
        return prepared

    def query(self, name: str, **params: object) -> Table:
        """Run the canned query ``name`` with its parameters; typed rows.

        A row that names a claim (a ``claim`` column) also gets ``qualifiers`` (every qualifier
        of the claim, the source's words and notes) and ``evidence`` (the source document,
        where in it, the reference numbers it prints and the publications it cites). A
        ``citation`` column gets its full ``reference``.
        """
        query, bindings = self._prepared(name, params)
        text = self.counted.get(query.name, query.text)
        answer = self.backend.select_values(text, bindings, self._make_iri, literal_value, self.limits)
        if answer is not None:
            table = Table(answer[1], answer[0], query.name)
        else:
            table = self._table(self.backend.run(text, bindings, self.limits), query.name)
        return self._explained(table)

    def _explained(self, table: Table) -> Table:
        """The rows with their claims' qualifiers and evidence, and citations made readable."""
        if not table:
            return table
        firsts = {v: next((row[v] for row in table if row.get(v) is not None), None) for v in table.variables}
        citation_columns = [
            v for v, value in firsts.items() if isinstance(value, Resource) and value.iri in self.claims.citations()
        ]
        if "claim" not in table.variables and not citation_columns:
            return table
        records = self.claims.citations()
        views = {}
        if "claim" in table.variables:
            views = self.claims.views({row["claim"].iri for row in table if isinstance(row.get("claim"), Resource)})
        for row in table:
            for column in citation_columns:
                value = row.get(column)
                if isinstance(value, Resource) and value.iri in records:
                    row[column] = Citation(value.iri, records[value.iri])
            if "citation" in citation_columns and row.get("citation") is not None:
                row["reference"] = row["citation"].reference
            claim = row.get("claim")
            view = views.get(claim.iri) if isinstance(claim, Resource) else None
            if view is not None:
                row["qualifiers"], row["evidence"] = _claim_cells(view, records)
        extra = [c for c in ("qualifiers", "evidence") if views] + (
            ["reference"] if "citation" in citation_columns else []
        )
        table.variables += [c for c in extra if c not in table.variables]
        return table

    @property
    def claims(self) -> ClaimIndex:
        """Every claim of the graph, read once (:class:`lmsgraph.claims.ClaimIndex`)."""
        if self._claims is None:
            from lmsgraph.claims import ClaimIndex

            self._claims = ClaimIndex(self)
        return self._claims

    def sparql(self, text: str, *, timeout: float | None = None, max_rows: int | None = None) -> Table | bool:
        """Run any SPARQL query: a :class:`Table` for SELECT (and CONSTRUCT, as subject/predicate/object
        rows), a bool for ASK. ``timeout`` (seconds) and ``max_rows`` replace the graph's
        :attr:`limits` for this call; reaching either is a :class:`QueryLimitError`, never a
        shorter answer."""
        limits = self.limits
        if timeout is not None or max_rows is not None:
            from lmsgraph.limits import Limits

            base = limits or Limits()
            limits = Limits(
                timeout if timeout is not None else base.timeout, max_rows if max_rows is not None else base.max_rows
            )
        solutions = self.backend.run(text, None, limits)
        if solutions.form == "ask":
            return bool(solutions.boolean)
        return self._table(solutions, None)

    def _table(self, solutions: Solutions, name: str | None) -> Table:
        labels = self._label_source
        names = solutions.variables
        rows = [{n: python_value(t, labels) for n, t in zip(names, row, strict=True)} for row in solutions.rows]
        return Table(rows, names, name)

    def labels(self) -> dict[str, str]:
        """English labels of the graph's own terms and citations, by IRI."""
        return self.resolver.labels()

    # --- resolution and profiles -----------------------------------------------------------

    def resolve(self, name: str, *, entities_only: bool = False, kind: str | None = None) -> list[Match]:
        """Every term a label, synonym, CURIE, external code or IRI names (see :mod:`lmsgraph.resolve`);
        ``kind`` (a parameter kind such as ``marker``) keeps terms of that kind only."""
        from lmsgraph.queries import PARAM_KINDS

        return self.resolver.resolve(name, entities_only=entities_only, kind=PARAM_KINDS[kind] if kind else None)

    def entity(self, name: str) -> list[EntityProfile]:
        """The profile of every disease entity ``name`` names (an external code may name several)."""
        return [self._profile(m) for m in self.resolver.resolve(name, entities_only=True, field="entity")]

    def _profile(self, match: Match) -> EntityProfile:
        iri = match.iri
        summary = self.query("entity-summary", entity=iri)
        first = summary[0] if summary else {}
        how = f"{compact_iri(match.code)} ({match.predicate})" if match.predicate and match.code else match.how
        related = self._table(self.backend.run(RELATED_SYNONYMS, {"entity": Term("iri", iri)}), None)
        return EntityProfile(
            entity=Resource(iri, match.label),
            definition=first.get("definition"),
            definition_sources=sorted({r["definitionSource"].iri for r in summary if r.get("definitionSource")}),
            synonyms=sorted({r["synonym"] for r in summary if r.get("synonym")}),
            related_synonyms=sorted({r["synonym"] for r in related}),
            parents=sorted({r["parent"] for r in summary if r.get("parent")}),
            subtypes=[r["subtype"] for r in self.query("subtypes-of-entity", entity=iri)],
            codes=self.query("external-codes-of-entity", entity=iri),
            claims=self.claims.of_entity(iri),
            citations=self.claims.citations(),
            matched_by=how,
        )

    # --- the main questions: each a canned query with the entity's claims -----------------

    def _about(self, name: str, entity: str) -> Table:
        return self.query(name, entity=entity)

    def markers(self, entity: str) -> Table:
        """Immunohistochemical markers of ``entity`` (a name, CURIE, code or IRI), with every qualifier and the evidence."""
        return self._about("markers-of-entity", entity)

    def sites(self, entity: str) -> Table:
        """Anatomic sites, with lesion role and every other qualifier."""
        return self._about("sites-of-entity", entity)

    def genetics(self, entity: str) -> Table:
        """Genetic features, pathogenesis and etiology."""
        return self._about("genetics-and-etiology-of-entity", entity)

    def epidemiology(self, entity: str) -> Table:
        """Occurrence, age with its numbers, sex and populations."""
        return self._about("epidemiology-of-entity", entity)

    def criteria(self, entity: str) -> Table:
        """Diagnostic criteria with their criteria set, edition and how they combine."""
        return self._about("diagnostic-criteria-of-entity", entity)

    def behaviour(self, entity: str) -> Table:
        """Behaviour and prognosis, with conditions, comparators and certainty."""
        return self._about("behaviour-and-prognosis-of-entity", entity)

    def treatment(self, entity: str) -> Table:
        """Treatments; their outcomes are in the qualifiers."""
        return self._about("treatment-of-entity", entity)

    def settings(self, entity: str) -> Table:
        """Clinical settings and the origin of the tumour cells."""
        return self._about("clinical-settings-of-entity", entity)

    def history(self, entity: str) -> Table:
        """Events in the history of the entity's recognition, with their years."""
        return self._about("history-of-entity", entity)

    def presentation(self, entity: str) -> Table:
        """How patients present."""
        return self._about("clinical-presentation-of-entity", entity)

    def report_items(self, entity: str) -> Table:
        """What a radiology report on the entity should describe."""
        return self._about("radiology-report-items-of-entity", entity)

    def evidence_gaps(self, entity: str) -> Table:
        """Aspects on which the source says knowledge is limited."""
        return self._about("evidence-gaps-of-entity", entity)

    def diagnosis(self, entity: str) -> Table:
        """What the diagnosis rests on, and the work-up a lesion needs."""
        return self._about("diagnosis-and-work-up-of-entity", entity)

    def differential(self, entity: str) -> Table:
        """Conditions that can mimic the entity."""
        return self._about("differential-diagnosis-of-entity", entity)

    def classification(self, entity: str) -> Table:
        """The entities a source places this one under, or describes it as a form of."""
        return self._about("classification-of-entity", entity)

    def similar(self, entity: str) -> Table:
        """Other entities sharing present features with this one, most shared first."""
        return self._about("entities-sharing-features", entity)

    def claims_of(self, entity: str) -> Table:
        """Every claim about the entity, of every kind."""
        return self._about("entity-profile", entity)

    def citations(self, entity: str) -> Table:
        """Every document and publication behind the entity's claims, with full references."""
        return self._about("citations-of-entity", entity)

    def codes(self, entity: str) -> Table:
        """External codes of the entity, with mapping predicate and verification status."""
        return self._about("external-codes-of-entity", entity)

    def subtypes(self, entity: str) -> Table:
        """The entity's subtypes, each with its label."""
        return self._about("subtypes-of-entity", entity)

    def ancestors(self, entity: str) -> Table:
        """Every class above the entity in the hierarchy, up to disease entity, in label order."""
        return self._about("ancestors-of-entity", entity)

    def findings(self, entity: str, kind: str | None = None) -> Table:
        """Gross, microscopic and imaging findings (or one ``kind``), with evidence."""
        kinds = [kind] if kind else list(FINDING_QUERIES)
        unknown = [k for k in kinds if k not in FINDING_QUERIES]
        if unknown:
            raise UsageError(
                f"finding kind must be one of {', '.join(FINDING_QUERIES)}", field="kind", value=unknown[0]
            )
        rows, variables = [], []
        for k in kinds:
            table = self.query(FINDING_QUERIES[k], entity=entity)
            rows += [{"kind": k, **row} for row in table]
            variables += [v for v in ["kind", *table.variables] if v not in variables]
        return Table(rows, variables, "findings")

    def entities_with_marker(self, marker: str, polarity: str = "present") -> Table:
        """Entities with a claim on ``marker`` of the given polarity (present or positive, absent or negative)."""
        return self.query("entities-by-marker", marker=marker, polarity=polarity)

    def entities_at_site(self, site: str) -> Table:
        """Entities with a claim on ``site`` or a site below it, with the lesion role of each."""
        return self.query("entities-by-site", site=site)

    def entities_with_feature(self, feature: str) -> Table:
        """Entities with a claim about ``feature`` (a vocabulary term), with polarity, frequency and every other qualifier."""
        return self.query("entities-by-feature", feature=feature)

    def entities_with_virus(self, virus: str) -> Table:
        """Entities a source associates with ``virus``, with every qualifier of the claim and its source."""
        return self.query("entities-by-virus", virus=virus)

    def entities_for_code(self, code: str) -> Table:
        """Terms mapped to an external code (``NCIT:C3158``, ``ICD-O:8890/3``...), with predicate and status."""
        return self.query("entities-by-external-code", code=code)


def _claim_cells(view: ClaimView, records: dict[str, ClaimsCitation]) -> tuple[Cell, Cell]:
    """The ``qualifiers`` and ``evidence`` cells of a row naming a claim."""
    from lmsgraph.claims import Cell

    def qualifiers() -> dict[str, Any]:
        data = view.as_json(records)
        return {"qualifiers": data["qualifiers"], "wording": data["wording"], "notes": data["notes"]}

    return (
        Cell(view.qualifier_text, qualifiers),
        Cell(lambda: view.evidence_text(records), lambda: view.as_json(records)["evidence"]),
    )


def connect(
    backend: str = "oxigraph",
    *,
    endpoint: str | None = None,
    graph: Any = None,
    store: Any = None,
    named_graph: str | None = None,
    timeout: float | None = None,
    max_rows: int | None = None,
    user: str | None = None,
    password: str | None = None,
    auth: str = "digest",
    max_answer_bytes: int | None = None,
) -> KnowledgeGraph:
    """A :class:`KnowledgeGraph` over the bundled graph or a remote endpoint.

    - ``"oxigraph"`` (default): the bundled graph in a pyoxigraph store, or ``store``: a
      pyoxigraph store, or the folder of one made by ``lmsgraph load --store DIR`` (opened
      read-only);
    - ``"rdflib"``: the bundled graph (or ``graph``) queried by rdflib;
    - ``"remote"``: the SPARQL 1.1 ``endpoint``, with the data in ``named_graph``, a
      ``timeout`` in seconds for each whole answer (default 30), answers of at most
      ``max_answer_bytes`` (default 256 MB), and ``user``/``password`` with ``basic`` or
      ``digest`` ``auth``.

    ``timeout`` and ``max_rows`` bound every canned query and :meth:`KnowledgeGraph.sparql`
    call on any backend (on the local ones only when given): reaching either is a
    :class:`~lmsgraph.errors.QueryLimitError`.
    """
    from lmsgraph.backends import OxigraphBackend, RdflibBackend, RemoteBackend
    from lmsgraph.limits import Limits

    limits = Limits(timeout, max_rows)
    if backend == "oxigraph":
        import os

        if isinstance(store, (str, os.PathLike)):
            from lmsgraph.persistent import counted_queries

            store, counted = counted_queries(store)
            return KnowledgeGraph(OxigraphBackend(store), limits, counted)
        return KnowledgeGraph(OxigraphBackend(store), limits)
    if backend == "rdflib":
        return KnowledgeGraph(RdflibBackend(graph), limits)
    if backend == "remote":
        if not endpoint:
            raise UsageError("a remote backend needs an endpoint URL", field="endpoint")
        return KnowledgeGraph(
            RemoteBackend(
                endpoint,
                graph=named_graph,
                timeout=30.0 if timeout is None else timeout,
                user=user,
                password=password,
                auth=auth,
                max_bytes=max_answer_bytes,
            ),
            Limits(None, max_rows),
        )
    raise UsageError("backend must be oxigraph, rdflib or remote", field="backend", value=backend)


__all__ = ["Citation", "EntityProfile", "KnowledgeGraph", "Resource", "Table", "connect", "python_value"]
