# The counts an lmsgraph store keeps for its cohort queries, made again from the store's case
# records by `lmsgraph load` after every change: one row per diagnosis and site (the site left
# out for cases that give none), one per diagnosis and marker. Each row is the inner grouping of
# the canned query of the same name in this folder's parent; what the canned query does with it
# (summing up the hierarchy, labels, order) is done at query time by the files beside this one.
PREFIX lmsg: <https://w3id.org/lmsgraph/>
PREFIX count: <urn:lmsgraph:counts#>
DROP SILENT GRAPH <urn:lmsgraph:counts> ;
INSERT { GRAPH <urn:lmsgraph:counts> { [] count:diagnosis ?diagnosis ; count:site ?site ; count:cases ?n } }
WHERE {
  SELECT ?diagnosis ?site (COUNT(?case) AS ?n)
  WHERE { ?case lmsg:diagnosis ?diagnosis . OPTIONAL { ?case lmsg:caseSite ?site } }
  GROUP BY ?diagnosis ?site
} ;
INSERT {
  GRAPH <urn:lmsgraph:counts> {
    [] count:diagnosis ?entity ; count:marker ?marker ; count:positive ?positive ; count:tested ?tested
  }
}
WHERE {
  SELECT ?entity ?marker (SUM(IF(?result = lmsg:Positive, 1, 0)) AS ?positive) (COUNT(?result) AS ?tested)
  WHERE {
    ?case a lmsg:TumourCase ; lmsg:diagnosis ?entity ; lmsg:hasMarkerResult ?r .
    ?r lmsg:marker ?marker ; lmsg:result ?result .
  }
  GROUP BY ?entity ?marker
}
