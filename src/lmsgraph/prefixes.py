"""lmsgraph's prefixes and its one CURIE converter (no rdflib, so the command line starts fast)."""

from __future__ import annotations

from lmsgraph.caching import bounded, read_once

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

#: Namespaces lmsgraph shows as CURIEs without binding them on its graphs: SHACL's and the shapes'.
DISPLAY_PREFIXES: dict[str, str] = {
    "lmsgsh": "https://w3id.org/lmsgraph/shapes/",
    "sh": "http://www.w3.org/ns/shacl#",
}
LMSG_NS = PREFIXES["lmsg"]
SHAPES_NS = DISPLAY_PREFIXES["lmsgsh"]


def sparql_prefixes(*names: str) -> str:
    r"""``PREFIX`` lines for some of lmsgraph's prefixes, to open a SPARQL query with.

    >>> sparql_prefixes("lmsg")
    'PREFIX lmsg: <https://w3id.org/lmsgraph/>\n'
    """
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in names)


@read_once
def external_prefixes() -> dict[str, str]:
    """The schemes of the bundled SSSOM table (NCIT, MONDO, ICDO...): prefix -> namespace IRI,
    from its metadata header alone."""
    from lmsgraph.headers import sssom_metadata
    from lmsgraph.resources import mappings_path

    path = mappings_path()
    lines = []
    with open(path, encoding="utf-8") as table:
        for line in table:
            lines.append(line.rstrip("\r\n"))
            if not line.startswith("#"):
                break
    return dict(sssom_metadata(lines, path)[0]["curie_map"])


class Converter:
    """CURIEs over one prefix map: compaction by the longest matching namespace, expansion by
    prefix. It gives what :class:`curies.Converter` gives for the same map (a test checks it on
    every IRI of the graph) without its import: ``curies`` brings in pydantic, which made a cold
    ``lmsgraph query`` take 0.19 s instead of 0.11 s, against 0.02 s for bare pyoxigraph
    (``bench/queries.py``, whose target is at most 5x)."""

    def __init__(self, prefix_map: dict[str, str]) -> None:
        self.prefix_map = dict(prefix_map)
        self._longest_first = sorted(self.prefix_map.items(), key=lambda kv: (-len(kv[1]), kv[0]))

    def compress(self, iri: str, passthrough: bool = False) -> str | None:
        for prefix, namespace in self._longest_first:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri if passthrough else None

    def expand(self, curie: str, passthrough: bool = False) -> str | None:
        prefix, sep, local = curie.partition(":")
        if sep and prefix in self.prefix_map:
            return self.prefix_map[prefix] + local
        return curie if passthrough else None


@read_once
def converter() -> Converter:
    """The one CURIE converter for every CURIE lmsgraph shows or reads: its own prefixes, SHACL's
    and the shapes', and the schemes of the bundled mapping table. The longest matching
    namespace wins (``MONDO:0005058``, not ``obo:MONDO_0005058``)."""
    return Converter({**external_prefixes(), **DISPLAY_PREFIXES, **PREFIXES})


@bounded()
def compact_iri(iri: str) -> str:
    """The CURIE of an IRI, or the IRI itself when no prefix covers it.

    >>> compact_iri("https://w3id.org/lmsgraph/Desmin"), compact_iri("http://purl.obolibrary.org/obo/MONDO_0005058")
    ('lmsg:Desmin', 'MONDO:0005058')
    """
    return converter().compress(iri) or iri


def expand_curie(value: str) -> str:
    """The IRI of a CURIE under any prefix of :func:`converter` (as written, case and all);
    anything else is returned as it is.

    >>> expand_curie("lmsg:Desmin"), expand_curie("NCIT:C3158"), expand_curie("no such:thing")
    ('https://w3id.org/lmsgraph/Desmin', 'http://purl.obolibrary.org/obo/NCIT_C3158', 'no such:thing')
    """
    prefix, sep, local = value.partition(":")
    if not sep or local.startswith("//"):
        return value
    return converter().expand(value) or value
