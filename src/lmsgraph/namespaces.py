"""Namespaces used throughout lmsgraph, and the prefixes bound on every graph it builds."""

from __future__ import annotations

from rdflib import DCTERMS, OWL, RDF, RDFS, SKOS, XSD, Namespace

LMSG = Namespace("https://w3id.org/lmsgraph/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
OBOINOWL = Namespace("http://www.geneontology.org/formats/oboInOwl#")
SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")

ONTOLOGY_IRI = LMSG["lmsgraph.owl"]
DEFINITION = OBO.IAO_0000115

PREFIXES: dict[str, str] = {
    "dcterms": str(DCTERMS),
    "lmsg": str(LMSG),
    "obo": str(OBO),
    "oboInOwl": str(OBOINOWL),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "semapv": str(SEMAPV),
    "skos": str(SKOS),
    "sssom": str(SSSOM),
    "xsd": str(XSD),
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


def bind_prefixes(graph) -> None:
    """Bind lmsgraph's prefixes on ``graph``, replacing rdflib's defaults."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
