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
