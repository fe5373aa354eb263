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

from dataclasses import dataclass, field

from lmsgraph.backends import QueryError, Solutions, Term
from lmsgraph.errors import DataError
from lmsgraph.queries import literal_value
from lmsgraph.resolve import curie


class Resource(str):
    """An IRI as a CURIE string, with the full ``iri`` and the graph's English ``label``.

    The label is looked up when first read, so answers that nobody labels cost nothing extra.
    """

    __slots__ = ("iri", "_label", "_labels")

    def __new__(cls, iri: str, label: str | None = None, labels=None):
        self = super().__new__(cls, curie(iri))
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

    def __init__(self, resolver):
        self.resolver = resolver

    def get(self, iri: str) -> str | None:
        return self.resolver.label(iri)


class Table(list):
    """Rows (dicts) of an answer, in order, with the answer's ``variables`` in order."""

    def __init__(self, rows=(), variables: list[str] | None = None, name: str | None = None):
        super().__init__(rows)
        self.variables = list(variables or [])
        self.name = name

    def render(self, fmt: str = "table") -> str:
        """The rows as an aligned ``table``, ``json``, ``csv`` or ``tsv``."""
        from lmsgraph.tables import render

        return render(self, fmt)


def python_value(term: Term | None, labels: dict[str, str] | None = None):
    """A term as the API gives it: :class:`Resource` for IRIs, Python values for literals."""
    if term is None:
        return None
    kind = term[0]
    if kind == "iri":
        return Resource(term[1], None, labels)
    if kind == "literal":
        return _literal(term[1], term[2])
    return f"_:{term[1]}"


def _literal(lexical: str, datatype: str | None):
    """A literal's Python value: its lexical form when it has no datatype beyond a string."""
    return literal_value(lexical, datatype) if datatype else lexical


# The main questions, each a canned query and the kind of its parameter.
CONVENIENCE = {
    "markers": "markers-of-entity",
    "sites": "sites-of-entity",
    "genetics": "genetics-and-etiology-of-entity",
    "epidemiology": "epidemiology-of-entity",
    "criteria": "diagnostic-criteria-of-entity",
    "behaviour": "behaviour-and-prognosis-of-entity",
    "treatment": "treatment-of-entity",
    "citations": "citations-of-entity",
    "codes": "external-codes-of-entity",
    "subtypes": "subtypes-of-entity",
    "ancestors": "ancestors-of-entity",
    "differential": "entities-sharing-features",
    "settings": "clinical-settings-of-entity",
}
FINDING_QUERIES = {
    "gross": "gross-findings-of-entity",
    "microscopic": "microscopic-findings-of-entity",
    "imaging": "imaging-findings-of-entity",
}


@dataclass
class EntityProfile:
    """Everything the graph says about one entity, with the citations behind it."""

    entity: Resource
    definition: str | None
    definition_source: Resource | None
    synonyms: list[str]
    parents: list[Resource]
    subtypes: list[Resource]
    codes: Table
    claims: Table
    citations: Table
    matched_by: str = ""
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        from lmsgraph.tables import jsonable

        def rows(table):
            return [{k: jsonable(v) for k, v in row.items()} for row in table]

        return {
            "entity": str(self.entity), "iri": self.entity.iri, "label": self.entity.label,
            "matched_by": self.matched_by, "definition": self.definition,
            "definition_source": jsonable(self.definition_source), "synonyms": self.synonyms,
            "parents": [jsonable(p) for p in self.parents], "subtypes": [jsonable(s) for s in self.subtypes],
            "codes": rows(self.codes), "claims": rows(self.claims), "citations": rows(self.citations),
        }

    def to_text(self) -> str:
        """A readable profile: what the entity is, its codes, its claims with numbered citations."""
        numbers: dict[str, int] = {}
        for row in self.citations:
            numbers.setdefault(row["citation"], len(numbers) + 1)

        lines = [f"{self.entity.label} ({self.entity})", f"  IRI: {self.entity.iri}"]
        if self.matched_by:
            lines.append(f"  matched by: {self.matched_by}")
        if self.definition:
            src = f" [{numbers[self.definition_source]}]" if self.definition_source in numbers else ""
            lines.append(f"  definition: {self.definition}{src}")
        if self.synonyms:
            lines.append(f"  synonyms: {'; '.join(self.synonyms)}")
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
        claims: dict[str, tuple[dict, set[int]]] = {}
        for row in self.claims:
            entry = claims.setdefault(row["claim"], (row, set()))
            entry[1].update(numbers[k] for k in (row.get("source"), row.get("publication")) if k in numbers)
        kind = None
        for row, found in claims.values():
            if row["kindLabel"] != kind:
                kind = row["kindLabel"]
                lines.append(f"  {kind}:")
            qualifiers = ", ".join(str(q) for q in (row["polarity"], row["frequency"]) if q)
            refs = "[" + ", ".join(map(str, sorted(found))) + "]" if found else ""
            lines.append(f"    {row['relationLabel']} {row['featureLabel']} ({qualifiers}) {refs}".rstrip())
        if self.citations:
            lines.append("  citations:")
            for row in self.citations:
                ids = ", ".join(f"{k.upper()} {row[k]}" for k in ("pmid", "doi", "isbn") if row.get(k))
                status = f" [{row['status']}]" if row.get("status") else ""
                lines.append(f"    [{numbers[row['citation']]}] {row['label']}{' (' + ids + ')' if ids else ''}{status}")
        return "\n".join(lines) + "\n"


class KnowledgeGraph:
    """The query layer over one backend (see :func:`connect`)."""

    def __init__(self, backend):
        from lmsgraph.resolve import Resolver

        self.backend = backend
        self.resolver = Resolver(backend)
        self._catalogue = None
        self._canned: dict = {}
        self._calls: dict = {}
        self._label_source = _Labels(self.resolver)
        labels = self._label_source
        self._make_iri = lambda iri: Resource(iri, None, labels)

    # --- the catalogue -----------------------------------------------------------------

    def catalogue(self):
        """Every canned query, by name."""
        if self._catalogue is None:
            from lmsgraph.queries import catalogue

            self._catalogue = catalogue()
        return self._catalogue

    def canned(self, name: str):
        """The canned query called ``name`` (or the only one whose name starts with ``name-``)."""
        from lmsgraph.queries import find_query

        found = self._canned.get(name)
        if found is None:
            found = self._canned[name] = find_query(name, self._catalogue)
        return found

    def bindings(self, query, params: dict[str, object]) -> dict[str, Term]:
        """Check ``params`` against the query's header and turn them into RDF terms.

        An ``iri`` parameter takes an IRI, a CURIE, an external code (``NCIT:C3158``) or a
        label or synonym of the graph; a name that resolves to several terms is an error.
        """
        from lmsgraph.queries import check_param_names

        bindings = {}
        for param in check_param_names(query, params):
            value = str(params[param.name])
            if param.kind == "literal":
                bindings[param.name] = Term("literal", value)
            elif param.name == "code":
                bindings[param.name] = Term("iri", self._code_iri(value, param.name))
            else:
                bindings[param.name] = Term("iri", self.resolver.resolve_one(value, field=param.name).iri)
        return bindings

    @staticmethod
    def _code_iri(value: str, field: str) -> str:
        from lmsgraph.ntriples import is_iri
        from lmsgraph.prefixes import expand_curie
        from lmsgraph.resolve import expand_external

        text = value.strip().removeprefix("<").removesuffix(">")
        iri = expand_external(text) or expand_curie(text)
        if not is_iri(iri):
            raise DataError("not an external code (NCIT:C3158, ICDO:8890/3...) or an absolute IRI", field=field, value=value)
        return iri

    def _prepared(self, name: str, params: dict[str, object]):
        """The canned query and its bindings for ``name`` and ``params``, remembered between calls
        (names resolve the same way for as long as the graph is the same)."""
        key = (name, tuple(params.items()))
        try:
            prepared = self._calls.get(key)
        except TypeError:  # an unhashable value: nothing to remember the call by
            key = prepared = None
        if prepared is None:
            query = self.canned(name)
            prepared = query, self.bindings(query, params)
            if key is not None:
                if len(self._calls) >= 1024:
                    self._calls.clear()
                self._calls[key] = prepared
        return prepared

    def query(self, name: str, **params) -> Table:
        """Run the canned query ``name`` with its parameters; typed rows."""
        query, bindings = self._prepared(name, params)
        fast = getattr(self.backend, "select_values", None)
        if fast is not None:
            answer = fast(query.text, bindings, self._make_iri, _literal)
            if answer is not None:
                return Table(answer[1], answer[0], query.name)
        return self._table(self.backend.run(query.text, bindings), query.name)

    def sparql(self, text: str) -> Table | bool:
        """Run any SPARQL query: a :class:`Table` for SELECT (and CONSTRUCT, as subject/predicate/object rows), a bool for ASK."""
        solutions = self.backend.run(text)
        if solutions.form == "ask":
            return bool(solutions.boolean)
        return self._table(solutions, None)

    def _table(self, solutions: Solutions, name: str | None) -> Table:
        labels = self._label_source
        names = solutions.variables
        rows = [{n: python_value(t, labels) for n, t in zip(names, row)} for row in solutions.rows]
        return Table(rows, names, name)

    def labels(self) -> dict[str, str]:
        """English labels of the graph's own terms and citations, by IRI."""
        return self.resolver.labels()

    # --- resolution and profiles -----------------------------------------------------------

    def resolve(self, name: str, *, entities_only: bool = False):
        """Every term a label, synonym, CURIE, external code or IRI names (see :mod:`lmsgraph.resolve`)."""
        return self.resolver.resolve(name, entities_only=entities_only)

    def entity(self, name: str) -> list[EntityProfile]:
        """The profile of every disease entity ``name`` names (an external code may name several)."""
        return [self._profile(m) for m in self.resolver.resolve(name, entities_only=True, field="entity")]

    def _profile(self, match) -> EntityProfile:
        iri = match.iri
        summary = self.query("entity-summary", entity=iri)
        first = summary[0] if summary else {}
        how = match.how if not match.predicate else f"{curie(match.code)} ({match.predicate})"
        return EntityProfile(
            entity=Resource(iri, match.label),
            definition=first.get("definition"),
            definition_source=first.get("definitionSource"),
            synonyms=sorted({r["synonym"] for r in summary if r.get("synonym")}),
            parents=sorted({r["parent"] for r in summary if r.get("parent")}),
            subtypes=[r["subtype"] for r in self.query("subtypes-of-entity", entity=iri)],
            codes=self.query("external-codes-of-entity", entity=iri),
            claims=self.query("entity-profile", entity=iri),
            citations=self.query("citations-of-entity", entity=iri),
            matched_by=how,
        )

    # --- the main questions ------------------------------------------------------------

    def findings(self, entity: str, kind: str | None = None) -> Table:
        """Gross, microscopic and imaging findings (or one ``kind``), with evidence."""
        kinds = [kind] if kind else list(FINDING_QUERIES)
        unknown = [k for k in kinds if k not in FINDING_QUERIES]
        if unknown:
            raise DataError(f"finding kind must be one of {', '.join(FINDING_QUERIES)}", field="kind", value=unknown[0])
        rows, variables = [], []
        for k in kinds:
            table = self.query(FINDING_QUERIES[k], entity=entity)
            rows += [{"kind": k, **row} for row in table]
            variables += [v for v in ["kind", *table.variables] if v not in variables]
        return Table(rows, variables, "findings")

    def entities_with_marker(self, marker: str, polarity: str = "present") -> Table:
        """Entities with a claim on ``marker`` of the given polarity (present or absent)."""
        return self.query("entities-by-marker", marker=marker, polarity=polarity)

    def entities_at_site(self, site: str) -> Table:
        return self.query("entities-by-site", site=site)

    def entities_with_feature(self, feature: str) -> Table:
        return self.query("entities-by-feature", feature=feature)

    def entities_for_code(self, code: str) -> Table:
        """Terms mapped to an external code (``NCIT:C3158``, ``ICD-O:8890/3``...), with predicate and status."""
        return self.query("entities-by-external-code", code=code)


def _convenience(method: str, query_name: str):
    def run(self: KnowledgeGraph, entity: str) -> Table:
        return self.query(query_name, entity=entity)

    run.__name__ = method
    run.__doc__ = f"The rows of the canned query ``{query_name}`` for ``entity`` (a name, CURIE, code or IRI)."
    return run


for _method, _query in CONVENIENCE.items():
    setattr(KnowledgeGraph, _method, _convenience(_method, _query))


def connect(backend: str = "oxigraph", *, endpoint: str | None = None, graph=None, store=None,
            named_graph: str | None = None, timeout: float = 30.0, user: str | None = None,
            password: str | None = None, auth: str = "digest") -> KnowledgeGraph:
    """A :class:`KnowledgeGraph` over the bundled graph or a remote endpoint.

    - ``"oxigraph"`` (default): the bundled graph in a pyoxigraph store, or ``store``;
    - ``"rdflib"``: the bundled graph (or ``graph``) queried by rdflib;
    - ``"remote"``: the SPARQL 1.1 ``endpoint``, with the data in ``named_graph``, a
      ``timeout`` in seconds, and ``user``/``password`` with ``basic`` or ``digest`` ``auth``.
    """
    from lmsgraph.backends import OxigraphBackend, RdflibBackend, RemoteBackend

    if backend == "oxigraph":
        return KnowledgeGraph(OxigraphBackend(store))
    if backend == "rdflib":
        return KnowledgeGraph(RdflibBackend(graph))
    if backend == "remote":
        if not endpoint:
            raise DataError("a remote backend needs an endpoint URL", field="endpoint")
        return KnowledgeGraph(RemoteBackend(endpoint, graph=named_graph, timeout=timeout,
                                            user=user, password=password, auth=auth))
    raise DataError("backend must be oxigraph, rdflib or remote", field="backend", value=backend)


__all__ = ["EntityProfile", "KnowledgeGraph", "QueryError", "Resource", "Table", "connect", "python_value"]
