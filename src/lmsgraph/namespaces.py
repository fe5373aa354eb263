"""Namespaces used throughout lmsgraph, and the prefixes bound on every graph it builds."""

from __future__ import annotations

from rdflib import Namespace

from lmsgraph.prefixes import PREFIXES, compact_iri, expand_curie

LMSG = Namespace(PREFIXES["lmsg"])
OBO = Namespace(PREFIXES["obo"])
OBOINOWL = Namespace(PREFIXES["oboInOwl"])
SSSOM = Namespace(PREFIXES["sssom"])
SEMAPV = Namespace(PREFIXES["semapv"])

ONTOLOGY_IRI = LMSG["lmsgraph.owl"]
DEFINITION = OBO.IAO_0000115

__all__ = [
    "DEFINITION",
    "LMSG",
    "OBO",
    "OBOINOWL",
    "ONTOLOGY_IRI",
    "PREFIXES",
    "SEMAPV",
    "SSSOM",
    "bind_prefixes",
    "compact_iri",
    "expand_curie",
]


def bind_prefixes(graph) -> None:
    """Bind lmsgraph's prefixes on ``graph``, replacing rdflib's defaults."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
