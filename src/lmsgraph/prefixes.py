"""lmsgraph's prefixes and CURIE handling, as plain strings (no rdflib, so the command line starts fast)."""

from __future__ import annotations

PREFIXES: dict[str, str] = {
    "dcterms": "http://purl.org/dc/terms/",
    "lmsg": "https://w3id.org/lmsgraph/",
    "obo": "http://purl.obolibrary.org/obo/",
    "oboInOwl": "http://www.geneontology.org/formats/oboInOwl#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "semapv": "https://w3id.org/semapv/vocab/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "sssom": "https://w3id.org/sssom/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

# Longest namespace first, so that a more specific prefix wins.
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def compact_iri(iri: str) -> str:
    """The CURIE of an IRI under lmsgraph's prefixes, or the IRI itself.

    >>> compact_iri("https://w3id.org/lmsgraph/Desmin")
    'lmsg:Desmin'
    """
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def expand_curie(value: str) -> str:
    """Expand a CURIE with lmsgraph's prefixes; anything else is returned as it is."""
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return value
