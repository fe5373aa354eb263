"""Exports of the graph in Turtle, N-Triples, RDF/XML and JSON-LD, each deterministic.

Turtle and N-Triples come from rdflib over a canonicalised copy. RDF/XML and JSON-LD are
written here in flat form (one node object per subject, sorted), because rdflib's writers
for those formats follow its hash-ordered indexes and so change bytes between runs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from rdflib import RDF, BNode, Graph, Literal, URIRef

from lmsgraph.canonical import canonical_copy, canonical_ntriples, canonical_turtle, write_atomic
from lmsgraph.display import shown
from lmsgraph.errors import DataError, UsageError
from lmsgraph.namespaces import PREFIXES

FORMATS = {"ttl": ".ttl", "nt": ".nt", "rdfxml": ".owl", "jsonld": ".jsonld"}
_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
RDF_NS = str(RDF)


#: Plain keys for the properties of other vocabularies that lmsgraph uses most.
JSONLD_NAMES = {
    "http://www.w3.org/2000/01/rdf-schema#label": "label",
    "http://www.w3.org/2000/01/rdf-schema#comment": "comment",
    "http://www.w3.org/2000/01/rdf-schema#subClassOf": "subClassOf",
    "http://www.w3.org/2000/01/rdf-schema#subPropertyOf": "subPropertyOf",
    "http://www.w3.org/2000/01/rdf-schema#domain": "domain",
    "http://www.w3.org/2000/01/rdf-schema#range": "range",
    "http://purl.obolibrary.org/obo/IAO_0000115": "definition",
    "http://www.geneontology.org/formats/oboInOwl#hasExactSynonym": "exactSynonym",
    "http://www.geneontology.org/formats/oboInOwl#hasRelatedSynonym": "relatedSynonym",
    "http://www.geneontology.org/formats/oboInOwl#hasDbXref": "xref",
}


def jsonld_context(graph: Graph | None = None) -> dict[str, Any]:
    """The JSON-LD context lmsgraph writes with: its prefixes, and for every property ``graph``
    uses a plain key (``label``, ``definition``, ``exactMatch``, ``hasMarker``...) with the
    coercion its values allow, so that a program reads plain strings and IRIs: ``"@type":
    "@id"`` where every value is an IRI, ``"@language": "en"`` where every value is English
    text, the datatype where every value has the same one. A property whose values are mixed
    keeps its key and writes each value in full.

    >>> jsonld_context()["lmsg"]
    'https://w3id.org/lmsgraph/'
    """
    context: dict[str, Any] = dict(sorted(PREFIXES.items()))
    if graph is None:
        return context
    for predicate, key in sorted(_plain_keys(graph).items(), key=lambda kv: kv[1]):
        definition: dict[str, Any] = {"@id": str(predicate)}
        coercion = _coercion(graph, predicate)
        if coercion is not None:
            definition[coercion[0]] = coercion[1]
        context[key] = definition
    return context


def _plain_keys(graph: Graph) -> dict[Any, str]:
    """A plain key for every property of ``graph`` but rdf:type: a name of :data:`JSONLD_NAMES`,
    else the IRI's local name, else (when two properties share it) prefix_name."""
    from lmsgraph.prefixes import compact_iri

    local: dict[Any, str] = {}
    for predicate in set(graph.predicates()):
        if predicate == RDF.type:
            continue
        iri = str(predicate)
        local[predicate] = JSONLD_NAMES.get(iri) or re.split(r"[#/]", iri)[-1]
    counts: dict[str, int] = {}
    for name in local.values():
        counts[name] = counts.get(name, 0) + 1
    keys = {}
    for predicate, name in local.items():
        usable = _NCNAME.match(name) and counts[name] == 1 and name not in PREFIXES
        keys[predicate] = name if usable else compact_iri(str(predicate)).replace(":", "_")
    return keys


def _coercion(graph: Graph, predicate: Any) -> tuple[str, str] | None:
    kinds = set()
    for value in graph.objects(None, predicate):
        if isinstance(value, Literal):
            if value.language:
                kinds.add(("@language", value.language))
            elif value.datatype is not None and str(value.datatype) != "http://www.w3.org/2001/XMLSchema#string":
                kinds.add(("@type", str(value.datatype)))
            else:
                kinds.add(("string", ""))
        else:
            kinds.add(("@type", "@id"))
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    return None if kind[0] == "string" else kind


def serialize_jsonld(graph: Graph) -> bytes:
    """Compact JSON-LD with the context :func:`jsonld_context` makes for the graph: plain keys,
    plain values where the key's definition says what they are; one node object per subject, sorted."""
    canonical = canonical_copy(graph)
    context = jsonld_context(canonical)
    keys = {URIRef(d["@id"]): key for key, d in context.items() if isinstance(d, dict)}

    from lmsgraph.prefixes import Converter

    # Compacted with the context's own prefixes only: a CURIE under any other would not read back.
    in_context = Converter({k: v for k, v in context.items() if isinstance(v, str)})

    def node_id(term) -> str:
        return f"_:{term}" if isinstance(term, BNode) else (in_context.compress(str(term)) or str(term))

    def value(term, definition: dict[str, Any]):
        if isinstance(term, Literal):
            if term.language:
                if definition.get("@language") == term.language:
                    return str(term)
                return {"@value": str(term), "@language": term.language}
            if term.datatype is not None and str(term.datatype) != "http://www.w3.org/2001/XMLSchema#string":
                if definition.get("@type") == str(term.datatype):
                    return str(term)
                return {"@value": str(term), "@type": node_id(term.datatype)}
            return str(term)
        if definition.get("@type") == "@id":
            return node_id(term)
        return {"@id": node_id(term)}

    nodes = []
    for subject in _sorted(set(canonical.subjects())):
        node: dict = {"@id": node_id(subject)}
        types = sorted(node_id(t) for t in canonical.objects(subject, RDF.type))
        if types:
            node["@type"] = types[0] if len(types) == 1 else types
        for predicate in _sorted(set(canonical.predicates(subject))):
            if predicate == RDF.type:
                continue
            key = keys[predicate]
            values = [value(o, context[key]) for o in _sorted(canonical.objects(subject, predicate))]
            node[key] = values[0] if len(values) == 1 else values
        nodes.append(node)
    document = {"@context": context, "@graph": nodes}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _sorted(terms: Iterable[Any]) -> list[Any]:
    """rdflib terms (or tuples of them) in rdflib's own order, the same in every run."""
    return sorted(terms)


def _qname(iri: str, namespaces: dict[str, str]) -> str:
    for cut in (iri.rfind("#"), iri.rfind("/")):
        if cut > 0 and _NCNAME.match(iri[cut + 1 :]):
            ns, local = iri[: cut + 1], iri[cut + 1 :]
            break
    else:
        raise DataError(f"cannot write predicate {iri} in RDF/XML: no XML name at its end")
    if ns not in namespaces:
        known = {v: k for k, v in PREFIXES.items()}
        namespaces[ns] = known.get(ns, f"ns{len(namespaces)}")
    return f"{namespaces[ns]}:{local}"


# Characters XML 1.0 cannot hold, not even as character references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_text(text: str, subject: Any, predicate: Any) -> str:
    """A literal as XML character data; a carriage return as a reference (a parser would turn a raw
    one into a newline); :class:`DataError` for a character XML cannot carry."""
    bad = _NOT_XML.search(text)
    if bad is not None:
        raise DataError(
            f"RDF/XML cannot hold the character U+{ord(bad.group()):04X} of a literal of {subject} {predicate} "
            "(XML 1.0 allows no such character); export as Turtle, N-Triples or JSON-LD instead",
            value=text,
        )
    return escape(text).replace("\r", "&#13;")


def _xml_iri(term: Any) -> str:
    """An IRI for an XML attribute; :class:`DataError` if it is not one RDF can hold."""
    from lmsgraph.ntriples import is_iri

    if not is_iri(str(term)):
        raise DataError("cannot write this IRI in RDF/XML: it is not an absolute IRI", value=str(term))
    return str(term)


#: The OWL kinds a subject is written as (a typed node element), the first that applies: OBO
#: tools such as pronto read an ontology's header, classes and properties from these elements.
_TYPED_ELEMENTS = tuple(
    URIRef("http://www.w3.org/2002/07/owl#" + kind)
    for kind in (
        "Ontology",
        "Class",
        "ObjectProperty",
        "DatatypeProperty",
        "AnnotationProperty",
        "NamedIndividual",
        "Axiom",
        "Restriction",
    )
)


def serialize_rdfxml(graph: Graph) -> bytes:
    """Flat RDF/XML: one element per subject, sorted, the ontology header first; a subject of an
    OWL kind is an element of that kind (``owl:Class``...), any other an ``rdf:Description``;
    blank nodes by ``rdf:nodeID``."""
    canonical = canonical_copy(graph)
    namespaces: dict[str, str] = {RDF_NS: "rdf"}
    body = []
    headers = set(canonical.subjects(RDF.type, _TYPED_ELEMENTS[0]))
    for subject in _sorted(headers) + _sorted(set(canonical.subjects()) - headers):
        about = (
            f"rdf:nodeID={quoteattr(str(subject))}"
            if isinstance(subject, BNode)
            else f"rdf:about={quoteattr(_xml_iri(subject))}"
        )
        types = set(canonical.objects(subject, RDF.type))
        kind = next((k for k in _TYPED_ELEMENTS if k in types), None)
        element = _qname(str(kind), namespaces) if kind is not None else "rdf:Description"
        body.append(f"  <{element} {about}>")
        for predicate, obj in _sorted(canonical.predicate_objects(subject)):
            if predicate == RDF.type and obj == kind:
                continue  # said by the element's name
            name = _qname(str(predicate), namespaces)
            if isinstance(obj, URIRef):
                body.append(f"    <{name} rdf:resource={quoteattr(_xml_iri(obj))}/>")
            elif isinstance(obj, BNode):
                body.append(f"    <{name} rdf:nodeID={quoteattr(str(obj))}/>")
            else:
                assert isinstance(obj, Literal)
                attrs = ""
                if obj.language:
                    attrs = f" xml:lang={quoteattr(obj.language)}"
                elif obj.datatype is not None:
                    attrs = f" rdf:datatype={quoteattr(_xml_iri(obj.datatype))}"
                body.append(f"    <{name}{attrs}>{_xml_text(str(obj), subject, predicate)}</{name}>")
        body.append(f"  </{element}>")
    decls = "".join(
        f"\n    xmlns:{prefix}={quoteattr(ns)}" for ns, prefix in sorted(namespaces.items(), key=lambda kv: kv[1])
    )
    head = f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{decls}>'
    return ("\n".join([head, *body, "</rdf:RDF>"]) + "\n").encode("utf-8")


def serialize(graph: Graph, fmt: str) -> bytes:
    """Serialise ``graph`` in one of :data:`FORMATS` (``ttl``, ``nt``, ``rdfxml``, ``jsonld``)."""
    if fmt == "ttl":
        return canonical_turtle(graph)
    if fmt == "nt":
        return canonical_ntriples(graph)
    if fmt == "rdfxml":
        return serialize_rdfxml(graph)
    if fmt == "jsonld":
        return serialize_jsonld(graph)
    raise UsageError(f"unknown export format {shown(fmt)}; expected one of {', '.join(FORMATS)}")


def write_exports(graph: Graph, folder: Path, mappings: Path | None = None) -> list[Path]:
    """Write ``lmsgraph`` in every format, and the SSSOM table, into ``folder``. Returns the paths."""
    folder = Path(folder)
    written = []
    for fmt, suffix in FORMATS.items():
        path = folder / f"lmsgraph{suffix}"
        write_atomic(path, serialize(graph, fmt))
        written.append(path)
    if mappings is not None:
        path = folder / "mappings.sssom.tsv"
        write_atomic(path, Path(mappings).read_bytes())
        written.append(path)
    return written
