"""What changed between two releases, or a release and the working graph: a semantic diff.

It compares the full products (``lmsgraph.nt`` of a release folder, or any N-Triples or
Turtle file) and lists, by kind:

- **terms** (the graph's own classes, properties and named individuals that are neither claims
  nor citations): added, removed, relabelled, definitions changed;
- **claims** (nodes with ``lmsg:aboutEntity``): added, removed, and changed qualifier by
  qualifier (every property of the claim, each value added or removed);
- **citations** (instances of a ``lmsg:Citation`` class): added, removed, changed field by field;
- **mappings** (``owl:Axiom`` annotations of external matches): added, removed, and changed in
  their metadata (status, evidence, justification, date...).

Values are compared as RDF terms; the anonymous nodes of a claim or citation are not looked
into (none has any in the curated graph). The same two graphs give the same diff, in a fixed order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmsgraph.errors import DataError
from lmsgraph.prefixes import LMSG_NS, compact_iri

if TYPE_CHECKING:
    from rdflib import Graph

DEFINITION = "http://purl.obolibrary.org/obo/IAO_0000115"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
OWL = "http://www.w3.org/2002/07/owl#"
TERM_TYPES = {OWL + t for t in ("Class", "ObjectProperty", "AnnotationProperty", "DatatypeProperty", "NamedIndividual")}
MAPPING_PREDICATES = {
    "http://www.w3.org/2004/02/skos/core#" + p
    for p in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
}


@dataclass
class Change:
    """What changed on one node: each property's values removed and added."""

    node: str
    label: str = ""
    removed: dict[str, list[str]] = field(default_factory=dict)
    added: dict[str, list[str]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"id": compact_iri(self.node), "label": self.label, "removed": self.removed, "added": self.added}


@dataclass
class Diff:
    """The changes between ``old`` and ``new``, by kind (see the module's description)."""

    old: str
    new: str
    sections: dict[str, dict[str, list[Any]]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not any(items for section in self.sections.values() for items in section.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            **{
                name: {
                    what: [i.as_json() if isinstance(i, Change) else i for i in items]
                    for what, items in section.items()
                }
                for name, section in self.sections.items()
            },
        }

    def to_text(self, heading: str = "") -> str:
        """The diff as Markdown: a heading per kind, a bullet per change."""
        lines = [heading] if heading else [f"Changes from {self.old} to {self.new}"]
        lines.append("")
        if self.empty:
            return "\n".join([*lines, "No changes.", ""])
        for name, section in self.sections.items():
            if not any(section.values()):
                continue
            lines.append(f"### {name.capitalize()}")
            lines.append("")
            for what, items in section.items():
                for item in items:
                    if isinstance(item, Change):
                        lines.append(f"- {what}: {compact_iri(item.node)}" + (f" ({item.label})" if item.label else ""))
                        for prop in sorted(set(item.removed) | set(item.added)):
                            for value in item.removed.get(prop, []):
                                lines.append(f"  - {prop}: removed {value}")
                            for value in item.added.get(prop, []):
                                lines.append(f"  - {prop}: added {value}")
                    else:
                        lines.append(f"- {what}: {item}")
            lines.append("")
        return "\n".join(lines)


def read_graph(where: Path | None) -> tuple[Graph, str]:
    """The graph a diff compares: a release folder's full product, an N-Triples or Turtle file,
    or (None) the working graph; and how to name it."""
    import rdflib

    if where is None:
        import lmsgraph

        return lmsgraph.load(), "the working graph"
    path = Path(where)
    if path.is_dir():
        path = path / "lmsgraph.nt"
    syntax = {".nt": "nt", ".ttl": "turtle"}.get(path.suffix.lower())
    if syntax is None:
        raise DataError("give a release folder, or its lmsgraph.nt or lmsgraph.ttl", path=where)
    if not path.is_file():
        raise DataError("no such file (a release folder holds lmsgraph.nt)", path=path)
    graph = rdflib.Graph()
    try:
        graph.parse(path, format=syntax)
    except Exception as exc:  # rdflib's parsers raise many kinds
        raise DataError(f"does not parse as {syntax}: {exc}", path=path) from exc
    return graph, str(where)


def diff_graphs(old: Graph, new: Graph, old_name: str = "old", new_name: str = "new") -> Diff:
    """The semantic diff of two graphs."""
    before, after = _Index(old), _Index(new)
    result = Diff(old_name, new_name)
    result.sections["terms"] = _terms(before, after)
    result.sections["claims"] = _records(before, after, before.claims, after.claims)
    result.sections["citations"] = _records(before, after, before.citations, after.citations)
    result.sections["mappings"] = _mappings(before, after)
    return result


class _Index:
    """One graph's nodes by kind and each node's properties, as text."""

    def __init__(self, graph: Graph) -> None:
        from rdflib import RDF, RDFS, URIRef

        self.graph = graph
        self.claims = {str(s) for s in graph.subjects(URIRef(LMSG_NS + "aboutEntity"), None) if _own(s)}
        citation_classes = {str(c) for c in graph.transitive_subjects(RDFS.subClassOf, URIRef(LMSG_NS + "Citation"))}
        self.citations = {str(s) for s, c in graph.subject_objects(RDF.type) if _own(s) and str(c) in citation_classes}
        self.terms = (
            {str(s) for s, c in graph.subject_objects(RDF.type) if _own(s) and str(c) in TERM_TYPES}
            - self.claims
            - self.citations
        )
        self.labels = {str(s): str(o) for s, o in graph.subject_objects(RDFS.label)}

    def values(self, node: str, prop: str | None = None) -> dict[str, set[str]]:
        """The node's values by property, each as :meth:`key` writes it (labels aside, so that a
        relabelled term does not change every claim naming it)."""
        from rdflib import URIRef

        found: dict[str, set[str]] = {}
        for p, o in self.graph.predicate_objects(URIRef(node)):
            if prop is None or str(p) == prop:
                found.setdefault(compact_iri(str(p)), set()).add(self.key(o))
        return found

    @staticmethod
    def key(term: Any) -> str:
        from rdflib import BNode, Literal

        if isinstance(term, Literal):
            text = str(term).replace("\\", "\\\\").replace('"', '\\"')
            return f'"{text}"' + (f"@{term.language}" if term.language else "")
        if isinstance(term, BNode):
            return "(an anonymous node)"
        return compact_iri(str(term))

    def shown(self, key: str) -> str:
        """A value's key with the label of the term it names, if it has one."""
        from lmsgraph.prefixes import expand_curie

        label = None if key.startswith('"') else self.labels.get(expand_curie(key))
        return f"{key} ({label})" if label else key


def _own(node: Any) -> bool:
    return str(node).startswith(LMSG_NS)


def _label(before: _Index, after: _Index, node: str) -> str:
    return after.labels.get(node) or before.labels.get(node) or ""


def _terms(before: _Index, after: _Index) -> dict[str, list[Any]]:
    kept = sorted(before.terms & after.terms)
    return {
        "added": [f"{compact_iri(t)} ({after.labels.get(t, '')})" for t in sorted(after.terms - before.terms)],
        "removed": [f"{compact_iri(t)} ({before.labels.get(t, '')})" for t in sorted(before.terms - after.terms)],
        "relabelled": [
            _change(before, after, t, LABEL) for t in kept if before.values(t, LABEL) != after.values(t, LABEL)
        ],
        "definition changed": [
            _change(before, after, t, DEFINITION)
            for t in kept
            if before.values(t, DEFINITION) != after.values(t, DEFINITION)
        ],
    }


def _change(before: _Index, after: _Index, node: str, prop: str | None = None) -> Change:
    return _changed(
        before, after, Change(node, _label(before, after, node)), before.values(node, prop), after.values(node, prop)
    )


def _changed(
    before: _Index, after: _Index, change: Change, old: dict[str, set[str]], new: dict[str, set[str]]
) -> Change:
    """``change`` with each property's values removed (shown as the old graph labels them) and
    added (as the new one does)."""
    for p in sorted(set(old) | set(new)):
        removed = sorted(old.get(p, set()) - new.get(p, set()))
        added = sorted(new.get(p, set()) - old.get(p, set()))
        if removed:
            change.removed[p] = [before.shown(v) for v in removed]
        if added:
            change.added[p] = [after.shown(v) for v in added]
    return change


def _records(before: _Index, after: _Index, old: set[str], new: set[str]) -> dict[str, list[Any]]:
    def summary(index: _Index, node: str) -> str:
        label = index.labels.get(node)
        if label is None:
            values = index.values(node)
            named = values.get("lmsg:aboutEntity", set()) | values.get("lmsg:feature", set())
            label = ", ".join(index.shown(v) for v in sorted(named))
        return f"{compact_iri(node)} ({label})" if label else compact_iri(node)

    changed = [_change(before, after, n) for n in sorted(old & new) if before.values(n) != after.values(n)]
    return {
        "added": [summary(after, n) for n in sorted(new - old)],
        "removed": [summary(before, n) for n in sorted(old - new)],
        "changed": changed,
    }


def _mappings(before: _Index, after: _Index) -> dict[str, list[Any]]:
    old, new = _mapping_axioms(before), _mapping_axioms(after)
    changed = []
    for key in sorted(set(old) & set(new)):
        if old[key] != new[key]:
            changed.append(_changed(before, after, Change(" ".join(key)), old[key], new[key]))
    return {
        "added": [" ".join(k) for k in sorted(set(new) - set(old))],
        "removed": [" ".join(k) for k in sorted(set(old) - set(new))],
        "changed": changed,
    }


def _mapping_axioms(index: _Index) -> dict[tuple[str, str, str], dict[str, set[str]]]:
    from rdflib import RDF, URIRef

    found: dict[tuple[str, str, str], dict[str, set[str]]] = {}
    graph = index.graph
    for axiom in graph.subjects(RDF.type, URIRef(OWL + "Axiom")):
        prop = graph.value(axiom, URIRef(OWL + "annotatedProperty"))
        if str(prop) not in MAPPING_PREDICATES:
            continue
        source, target = (
            graph.value(axiom, URIRef(OWL + "annotatedSource")),
            graph.value(axiom, URIRef(OWL + "annotatedTarget")),
        )
        key = (compact_iri(str(source)), compact_iri(str(prop)), compact_iri(str(target)))
        values: dict[str, set[str]] = {}
        for p, o in graph.predicate_objects(axiom):
            if str(p).startswith(OWL + "annotated") or p == RDF.type:
                continue
            values.setdefault(compact_iri(str(p)), set()).add(index.key(o))
        found[key] = values
    return found
