"""Entity resolution: a label, a synonym, a CURIE (lmsgraph's own, or NCIt, Mondo, DOID, UMLS,
ICD-O and the other mapped schemes) or an IRI, to the terms of the graph it names.

An external code may name several terms (ICD-O-3 8890/3 is leiomyosarcoma NOS, and the
broader code of inflammatory leiomyosarcoma); every match says how it was found and,
for a code, through which mapping predicate. An unknown name raises :class:`UnknownNameError`
with the closest known names.
"""

from __future__ import annotations

import re
from collections import namedtuple

from lmsgraph.caching import BoundedMemo
from lmsgraph.display import shown
from lmsgraph.errors import DataError, UnknownNameError, WrongKindError
from lmsgraph.prefixes import LMSG_NS, compact_iri, sparql_prefixes

# Records as namedtuples rather than dataclasses, whose import (inspect with it) a cold query
# would pay for (see lmsgraph.command); mypy reads the same fields from the NamedTuple twins.
TYPE_CHECKING = False  # typing's own constant, without importing typing
if TYPE_CHECKING:
    from typing import NamedTuple

    class _KindFields(NamedTuple):
        name: str
        description: str
        roots: tuple[str, ...] = ()
        noun: str = "term"
        mode: str = "term"

    class _MatchFields(NamedTuple):
        iri: str
        curie: str
        label: str
        how: str
        is_entity: bool
        predicate: str | None = None  # for a mapping: skos:exactMatch, skos:broadMatch...
        code: str | None = None  # for a mapping: the external IRI

else:
    _KindFields = namedtuple(
        "_KindFields", ("name", "description", "roots", "noun", "mode"), defaults=((), "term", "term")
    )
    _MatchFields = namedtuple(
        "_MatchFields", ("iri", "curie", "label", "how", "is_entity", "predicate", "code"), defaults=(None, None)
    )

# The order in which mapped terms are listed: exact first.
PREDICATE_ORDER = ("exactMatch", "closeMatch", "narrowMatch", "broadMatch", "relatedMatch")
SKOS = "http://www.w3.org/2004/02/skos/core#"

# Spellings users write for the schemes of the SSSOM table (compared upper-case, without - _ . and spaces).
PREFIX_ALIASES = {
    "NCI": "NCIT",
    "NCIT": "NCIT",
    "NCITHESAURUS": "NCIT",
    "MONDO": "MONDO",
    "DOID": "DOID",
    "UMLS": "UMLS",
    "UMLSCUI": "UMLS",
    "CUI": "UMLS",
    "ICDO": "ICDO",
    "ICDO3": "ICDO",
    "ICDOM": "ICDO",
    "ICDO3M": "ICDO",
    "ICDOT": "ICDOT",
    "ICDO3T": "ICDOT",
    "ORPHANET": "ORPHA",
    "ORPHA": "ORPHA",
    "ORDO": "ORPHA",
    "ONCOTREE": "ONCOTREE",
    "UBERON": "UBERON",
    "CL": "CL",
    "HGNC": "HGNC",
    "NCBITAXON": "NCBITaxon",
}

INDEX_QUERY = (
    sparql_prefixes("rdfs", "oboInOwl", "lmsg", "owl")
    + """
# Terms are what the ontology declares; starting from the declarations keeps case records (a
# registry's million of them, labelled or not) out of the scan, so the first lookup costs the
# same whatever data is loaded beside the graph.
SELECT DISTINCT ?term ?name ?how WHERE {
  VALUES ?kind { owl:Class owl:NamedIndividual owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }
  ?term a ?kind .
  { ?term rdfs:label ?name . BIND ("label" AS ?how) }
  UNION { ?term oboInOwl:hasExactSynonym ?name . BIND ("synonym" AS ?how) }
  UNION { ?term oboInOwl:hasRelatedSynonym ?name . BIND ("related synonym" AS ?how) }
  FILTER (STRSTARTS(STR(?term), STR(lmsg:)))
}
"""
)

# The class hierarchy and the typed qualifier values, read once: a term's kinds are its
# ancestors (and, for a qualifier value, its class), worked out in Python.
HIERARCHY_QUERY = (
    sparql_prefixes("rdfs", "lmsg")
    + """
SELECT ?term ?parent WHERE {
  { ?term rdfs:subClassOf ?parent . FILTER (isIRI(?parent)) }
  UNION { ?parent rdfs:subClassOf lmsg:QualifierValue . ?term a ?parent }
}
"""
)

TERM_QUERY = (
    sparql_prefixes("rdfs")
    + """
SELECT ?term ?name ?ancestor WHERE {
  ?term rdfs:label ?name .
  OPTIONAL { { ?term rdfs:subClassOf+ ?ancestor } UNION { ?term a ?ancestor } FILTER (isIRI(?ancestor)) }
}
"""
)

MAPPINGS_QUERY = (
    sparql_prefixes("skos")
    + """
SELECT ?term ?predicate ?code WHERE {
  VALUES ?predicate { skos:exactMatch skos:closeMatch skos:narrowMatch skos:broadMatch skos:relatedMatch }
  ?term ?predicate ?code .
}
"""
)


class Kind(_KindFields):
    """What a parameter takes: a ``description`` and ``noun`` for messages, the ``roots`` a term
    must be below (a subclass of one, or an instance of one; none: any term), and how a value
    becomes an RDF term (``mode``: a ``term`` of the graph, an external ``code``, or ``text``)."""

    __slots__ = ()


ENTITY = Kind("entity", "a disease entity", (LMSG_NS + "DiseaseEntity",), "disease entity")


class Match(_MatchFields):
    """One term a name resolved to, and how: ``iri``, ``curie``, ``label``, ``synonym``,
    ``related synonym`` or ``mapping``."""

    __slots__ = ()


def _key(prefix: str) -> str:
    return re.sub(r"[-_.\s]", "", prefix).upper()


def expand_external(text: str) -> str | None:
    """The IRI of an external CURIE such as ``NCIT:C3158``, ``ICD-O:8890/3`` or ``Mondo:0005058``; else None.

    >>> expand_external("ICD-O:8890/3")
    'http://purl.obolibrary.org/obo/mondo/mappings/unknown_prefix/ICDO/8890/3'
    """
    prefix, sep, local = text.strip().partition(":")
    if not sep or not local or local.startswith("//"):
        return None
    canonical = PREFIX_ALIASES.get(_key(prefix))
    if canonical is None:
        return None
    from lmsgraph.prefixes import external_prefixes

    namespace = external_prefixes().get(canonical)
    return namespace + local.strip() if namespace else None


def _normal(name: str) -> str:
    return " ".join(name.lower().split())


class Resolver:
    """Resolves names against one backend's graph; the index is read once, with one query."""

    def __init__(self, backend):
        self.backend = backend
        self._index: dict[str, list[tuple[str, str]]] | None = None
        self._labels: dict[str, str] = {}
        self._parents: dict[str, set[str]] | None = None
        self._ancestors: dict[str, frozenset[str]] = {}
        self._mapped: dict[str, list[tuple[str, str]]] | None = None
        self._resolved: BoundedMemo[tuple[str, str | None], Match] = BoundedMemo(4096)

    def _load(self) -> dict[str, list[tuple[str, str]]]:
        """The index of names (normalised name -> (term, how)), read with one query the first time."""
        if self._index is not None:
            return self._index
        index: dict[str, list[tuple[str, str]]] = {}
        for term, name, how in self.backend.run(INDEX_QUERY).rows:
            index.setdefault(_normal(name.value), []).append((term.value, how.value))
            if how.value == "label":
                self._labels.setdefault(term.value, name.value)
        self._index = index
        return index

    def ancestors(self, iri: str) -> frozenset[str]:
        """Every class above ``iri`` (its classes, for a qualifier value), read with one query for the graph."""
        found = self._ancestors.get(iri)
        if found is not None:
            return found
        if self._parents is None:
            parents: dict[str, set[str]] = {}
            for term, parent in self.backend.run(HIERARCHY_QUERY).rows:
                parents.setdefault(term.value, set()).add(parent.value)
            self._parents = parents
        seen: set[str] = set()
        todo = list(self._parents.get(iri, ()))
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(self._parents.get(node, ()))
        found = self._ancestors[iri] = frozenset(seen)
        return found

    def is_a(self, iri: str, kind: Kind | None) -> bool:
        """Whether ``iri`` is a term of ``kind`` (any term when the kind has no roots)."""
        if kind is None or not kind.roots:
            return True
        return not self.ancestors(iri).isdisjoint(kind.roots)

    def is_entity(self, iri: str) -> bool:
        return self.is_a(iri, ENTITY)

    def _lookup(self, iri: str, how: str) -> list[Match]:
        """The term ``iri`` as a match, found with one small query instead of the whole index."""
        from lmsgraph.terms import Term

        rows = self.backend.run(TERM_QUERY, {"term": Term("iri", iri)}).rows
        if not rows:
            return []
        label = min(row[1].value for row in rows)
        self._ancestors.setdefault(iri, frozenset(row[2].value for row in rows if row[2] is not None))
        return [Match(iri, compact_iri(iri), label, how, self.is_entity(iri))]

    def _mappings(self) -> dict[str, list[tuple[str, str]]]:
        if self._mapped is None:
            mapped: dict[str, list[tuple[str, str]]] = {}
            for term, predicate, code in self.backend.run(MAPPINGS_QUERY).rows:
                mapped.setdefault(code.value, []).append((term.value, predicate.value))
            self._mapped = mapped
        return self._mapped

    def label(self, iri: str) -> str | None:
        self._load()
        return self._labels.get(iri)

    def labels(self) -> dict[str, str]:
        """English labels of the graph's own terms and citations, by IRI."""
        self._load()
        return self._labels

    def _match(self, iri: str, how: str, predicate: str | None = None, code: str | None = None) -> Match:
        return Match(
            iri,
            compact_iri(iri),
            self._labels.get(iri, ""),
            how,
            self.is_entity(iri),
            compact_iri(predicate) if predicate else None,
            code,
        )

    def _by_code(self, code: str) -> list[Match]:
        rank = {SKOS + p: i for i, p in enumerate(PREDICATE_ORDER)}
        found = sorted(self._mappings().get(code, []), key=lambda tp: (rank.get(tp[1], 99), tp[0]))
        return [self._match(term, "mapping", predicate, code) for term, predicate in found]

    def resolve(
        self, name: str, *, kind: Kind | None = None, entities_only: bool = False, field: str | None = None
    ) -> list[Match]:
        """Every term ``name`` names, best first; :class:`UnknownNameError` if none.

        With a ``kind`` (``entities_only`` is the disease entity kind), only terms of that kind
        count: a name of another kind of term (a marker where an entity is asked for) is a
        :class:`WrongKindError` error that says what the name is and suggests names of the kind.
        A graph with no lmsgraph term at all (an empty or wrong graph on an endpoint) is said to
        be so, rather than every name being unknown.
        """
        try:
            return self._resolve(name, kind=kind, entities_only=entities_only, field=field)
        except UnknownNameError:
            if self._load():
                raise
            endpoint, graph = getattr(self.backend, "endpoint", None), getattr(self.backend, "graph", None)
            where = f"graph <{graph}>" if graph else "its default graph"
            if endpoint is not None:
                from lmsgraph.errors import EndpointError

                raise EndpointError(
                    f"the endpoint {endpoint} holds no lmsgraph data in {where} (no term of {LMSG_NS} has a "
                    "label there): was the graph loaded (lmsgraph push), and is --named-graph right?"
                ) from None
            raise DataError(f"the graph holds no lmsgraph data (no term of {LMSG_NS} has a label)") from None

    def _resolve(self, name: str, *, kind: Kind | None, entities_only: bool, field: str | None) -> list[Match]:
        from lmsgraph.ntriples import is_iri
        from lmsgraph.prefixes import expand_curie

        if entities_only:
            kind = ENTITY
        text = name.strip()
        if text.startswith("<") and text.endswith(">"):
            text = text[1:-1].strip()
        matches: list[Match] = []
        external = expand_external(text)
        expanded = expand_curie(text)
        if external:
            self._load()
            matches = self._by_code(external)
            prefix, _, local = text.partition(":")
            upper = expand_external(f"{prefix}:{local.strip().upper()}")
            if not matches and upper is not None and upper != external:
                matches = self._by_code(upper)
            if not matches:
                raise UnknownNameError(f"no term of the graph is mapped to {text}", field=field, value=name)
        elif expanded != text or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text):
            if not is_iri(expanded):
                raise UnknownNameError("not an IRI, a CURIE or a name of the graph", field=field, value=name)
            how = "curie" if expanded != text else "iri"
            if self._index is None:
                matches = self._lookup(expanded, how)
            if not matches:
                self._load()
                if expanded in self._labels:
                    matches = [self._match(expanded, how)]
                else:
                    matches = self._by_code(expanded)
            if not matches:
                raise UnknownNameError(
                    f"no term of the graph has the IRI {shown(expanded)}{self.hint(text, kind)}",
                    field=field,
                    value=name,
                )
        else:
            index = self._load()
            found = set(index.get(_normal(text), []))
            # A related synonym (a source's own looser term) names a term only where no label or
            # exact synonym has the same text.
            if any(how != "related synonym" for _, how in found):
                found = {(term, how) for term, how in found if how != "related synonym"}
            order = {"label": 0, "synonym": 1, "related synonym": 2}
            matches = [
                self._match(term, how) for term, how in sorted(found, key=lambda th: (order.get(th[1], 3), th[0]))
            ]
            if not matches:
                what = f"unknown name: no {kind.noun} has it" if kind and kind.roots else "unknown name"
                raise UnknownNameError(
                    f"{what}{self.hint(text, kind, always=bool(kind and kind.roots))}", field=field, value=name
                )
        if kind is not None and kind.roots:
            wanted = [m for m in matches if self.is_a(m.iri, kind)]
            if not wanted:
                self._load()
                what = "; ".join(f"{m.curie} ({self._describe(m)})" for m in matches)
                raise WrongKindError(
                    f"names {what}, not {kind.description}{self.hint(text, kind, always=True)}", field=field, value=name
                )
            matches = wanted
        return matches

    def resolve_one(
        self, name: str, *, kind: Kind | None = None, entities_only: bool = False, field: str | None = None
    ) -> Match:
        """The single term ``name`` names; an error listing them if it names several."""
        if entities_only:
            kind = ENTITY
        key = (name, kind.name if kind else None)
        known = self._resolved.get(key)
        if known is not None:
            return known
        matches = self.resolve(name, kind=kind, field=field)
        if len({m.iri for m in matches}) > 1:
            listed = "; ".join(f"{m.curie} ({m.label}{', ' + m.predicate if m.predicate else ''})" for m in matches)
            raise DataError(f"names several terms: {listed}; give one of them", field=field, value=name)
        self._resolved.put(key, matches[0])
        return matches[0]

    def _describe(self, match: Match) -> str:
        """A term's label and its vocabulary: ``desmin, a smooth muscle antigen``."""
        above = self.ancestors(match.iri)
        vocabularies = sorted(
            self._labels.get(a, compact_iri(a))
            for a in above
            if a in self._parents_of_feature() or a == ENTITY.roots[0]
        )
        kind_text = f", {vocabularies[0]}" if vocabularies else ""
        return f"{match.label or match.curie}{kind_text}"

    def _parents_of_feature(self) -> set[str]:
        """The vocabularies: the classes right below lmsg:Feature, and the classes of qualifier values."""
        self.ancestors(LMSG_NS + "Feature")
        feature, qualifier = LMSG_NS + "Feature", LMSG_NS + "QualifierValue"
        return {term for term, parents in (self._parents or {}).items() if feature in parents or qualifier in parents}

    def hint(self, text: str, kind: Kind | None = None, *, always: bool = False) -> str:
        """``; did you mean ...?`` with the closest names, of the kind asked for if any."""
        index = self._load()
        if kind is not None and kind.roots:
            names = [n for n, terms in index.items() if any(self.is_a(t, kind) for t, _ in terms)]
            names += [compact_iri(t) for t in self._labels if self.is_a(t, kind)]
            label = f"; did you mean one of these ({kind.noun} names closest to it):"
        else:
            names = list(index) + [compact_iri(t) for t in self._labels]
            label = "; did you mean"
        import difflib

        close = difflib.get_close_matches(_normal(text), names, n=3, cutoff=0.6)
        if not close and ":" in text:
            close = difflib.get_close_matches(text, names, n=3, cutoff=0.6)
        if not close and always:
            close = difflib.get_close_matches(_normal(text), names, n=3, cutoff=0.0)
        if not close:
            return ""
        return f"{label} {', '.join(repr(c) for c in close)}?"
