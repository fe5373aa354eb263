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


def bind_prefixes(graph) -> None:
    """Bind lmsgraph's prefixes on ``graph``, replacing rdflib's defaults."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
