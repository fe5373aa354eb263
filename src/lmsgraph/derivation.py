"""The one rule that turns claims into plain ``entity relation feature`` edges.

A plain edge says less than its claim: it has no qualifiers. So a claim yields an edge only
when the edge does not say more than the claim does:

- a claim restricted by a condition, a comparator, a lesion role or a site qualifier yields
  no edge (``conventional leiomyosarcoma has site liver`` would drop "as a metastasis");
- a claim the source hedges (any certainty but stated) yields no edge;
- a claim resting on a single case report yields no edge;
- a claim whose polarity is absent yields ``entity lmsg:lacksFeature feature`` instead of its
  relation, so an edge never says the opposite of its claim.

The rule is one SPARQL query, run on Oxigraph whether the graph is a store
(:mod:`lmsgraph.store`) or an rdflib graph (:func:`lmsgraph.graph.derive_edges`, which copies
the claims' triples into a small store: rdflib's own engine takes about 40 times longer).
"""

from __future__ import annotations

from lmsgraph.prefixes import sparql_prefixes

#: The claim properties the rule reads.
RULE_PROPERTIES = (
    "aboutEntity",
    "relation",
    "feature",
    "polarity",
    "condition",
    "comparator",
    "lesionRole",
    "siteQualifier",
    "certainty",
    "evidenceBasis",
)

DERIVED_EDGES = (
    sparql_prefixes("lmsg")
    + """
CONSTRUCT { ?entity ?edge ?feature }
WHERE {
  ?claim lmsg:aboutEntity ?entity ; lmsg:relation ?relation ; lmsg:feature ?feature .
  FILTER NOT EXISTS { ?claim lmsg:condition|lmsg:comparator|lmsg:lesionRole|lmsg:siteQualifier ?restriction }
  FILTER NOT EXISTS { ?claim lmsg:certainty ?certainty . FILTER (?certainty != lmsg:Stated) }
  FILTER NOT EXISTS { ?claim lmsg:evidenceBasis lmsg:SingleCaseReport }
  OPTIONAL { ?claim lmsg:polarity ?polarity }
  BIND (IF(BOUND(?polarity) && ?polarity = lmsg:Absent, lmsg:lacksFeature, ?relation) AS ?edge)
}
"""
)

#: Labels for the graph's reified statements, which are named individuals and, as every named
#: individual of an ontology, carry a label (ROBOT's report counts one missing as an error): a
#: claim is called by its IRI's name (``claim ilms-behaviour-malignant``), an observation of a
#: case record likewise (``observation case-...-ct-well-circumscribed``). Made from the IRI, a
#: label is unique and says nothing the claim does not; a node that has a label keeps it.
LABEL_PROPERTIES = ("aboutEntity", "hasObservation")
DERIVED_LABELS = (
    sparql_prefixes("lmsg", "rdfs")
    + """
CONSTRUCT { ?node rdfs:label ?label }
WHERE {
  { ?node lmsg:aboutEntity ?entity . BIND ("claim" AS ?kind) }
  UNION { ?case lmsg:hasObservation ?node . BIND ("observation" AS ?kind) }
  FILTER (isIRI(?node) && STRSTARTS(STR(?node), STR(lmsg:)))
  FILTER NOT EXISTS { ?node rdfs:label ?given }
  BIND (REPLACE(STRAFTER(STR(?node), STR(lmsg:)), "^claim-", "") AS ?name)
  BIND (STRLANG(CONCAT(?kind, " ", ?name), "en") AS ?label)
}
"""
)

#: The definitions and what each rests on, for their cross-references in the OBO way: an
#: ``owl:Axiom`` on the definition with one ``oboInOwl:hasDbXref`` per source, a PubMed
#: identifier where the source record has one, else the source's CURIE (``lmsg:source-...``,
#: ``HGNC:130``). :func:`definition_xrefs` makes the triples.
DEFINITION_SOURCES = (
    sparql_prefixes("lmsg", "obo")
    + """
SELECT ?term ?definition ?source ?pmid WHERE {
  ?term obo:IAO_0000115 ?definition ; lmsg:definitionSource ?source .
  OPTIONAL { ?source lmsg:pmid ?pmid }
}
"""
)


def definition_xrefs(rows) -> list[tuple]:
    """The axiom triples of :data:`DEFINITION_SOURCES`'s rows ((term, definition, source, pmid) as
    :class:`lmsgraph.terms.Term`): one axiom per definition, in a fixed order. Terms are returned
    as ("iri", value) / ("literal", value, lang, datatype) / ("bnode", name) tuples."""
    from lmsgraph.prefixes import compact_iri

    owl = "http://www.w3.org/2002/07/owl#"
    xrefs: dict[tuple, set[str]] = {}
    triples: list[tuple[tuple, tuple, tuple]] = []
    for term, definition, source, pmid in rows:
        key = (term.value, definition.value, definition.lang, definition.datatype)
        xrefs.setdefault(key, set()).add(f"PMID:{pmid.value}" if pmid is not None else compact_iri(source.value))
    for number, (key, refs) in enumerate(sorted(xrefs.items(), key=lambda kv: kv[0][0]), start=1):
        term, text, lang, datatype = key
        axiom = ("bnode", f"definition{number}")
        triples.append((axiom, ("iri", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ("iri", owl + "Axiom")))
        triples.append((axiom, ("iri", owl + "annotatedSource"), ("iri", term)))
        triples.append(
            (axiom, ("iri", owl + "annotatedProperty"), ("iri", "http://purl.obolibrary.org/obo/IAO_0000115"))
        )
        triples.append((axiom, ("iri", owl + "annotatedTarget"), ("literal", text, lang, datatype)))
        for ref in sorted(refs):
            xref = ("iri", "http://www.geneontology.org/formats/oboInOwl#hasDbXref")
            triples.append((axiom, xref, ("literal", ref, None, None)))
    return triples
