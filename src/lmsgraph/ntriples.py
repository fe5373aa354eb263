"""RDF terms written as N-Triples / SPARQL text, without rdflib.

A value that becomes query or data text goes through these functions: an IRI is refused
unless every character is allowed in an IRI reference, and a literal is escaped, so a
value can never end the term it is written in.
"""

from __future__ import annotations

import re

from lmsgraph.display import shown
from lmsgraph.errors import DataError

# IRIREF of N-Triples and SPARQL: no space, control characters, <>"{}|^`\ inside.
_IRI = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>"{}|^`\\]*$')
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
# Every other control character, and the characters some readers take for a line end (vertical
# tab, the C1 next-line, the Unicode line and paragraph separators), as \uXXXX: N-Triples allows
# them raw, but a line-by-line reader would then split a literal in two.
_UNICODE_ESCAPED = [*range(0x00, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029]
_ESCAPE_TABLE = str.maketrans(
    {**{chr(c): f"\\u{c:04X}" for c in _UNICODE_ESCAPED if chr(c) not in _ESCAPES}, **_ESCAPES}
)
_LANG = r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$"  # compiled by re when first used
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def is_iri(value: str) -> bool:
    """Whether ``value`` is an absolute IRI that can be written between ``<`` and ``>``.

    >>> is_iri("https://w3id.org/lmsgraph/Desmin"), is_iri("http://example.org/a b")
    (True, False)
    """
    return bool(_IRI.match(value))


def iri(value: str) -> str:
    """``<value>``; :class:`DataError` if ``value`` is not an absolute IRI."""
    if not is_iri(value):
        raise DataError(f"not an absolute IRI: {shown(value)}")
    return f"<{value}>"


def literal(lexical: str, datatype: str | None = None, lang: str | None = None, *, string_type: bool = False) -> str:
    """A quoted, escaped literal with its datatype or language tag (``xsd:string`` left implicit
    unless ``string_type``, for a graph that tells the two forms apart, as rdflib does).

    >>> literal('say "hi"\\n}', lang="en")
    '"say \\\\"hi\\\\"\\\\n}"@en'
    """
    body = '"' + lexical.translate(_ESCAPE_TABLE) + '"'
    if lang:
        if not re.match(_LANG, lang):
            raise DataError(f"not a language tag: {shown(lang)}")
        return f"{body}@{lang}"
    if datatype and (datatype != XSD_STRING or string_type):
        return f"{body}^^{iri(datatype)}"
    return body


def triple(subject: str, predicate: str, obj: str) -> str:
    """One N-Triples line from terms already written with :func:`iri`, :func:`literal` or ``_:label``."""
    return f"{subject} {predicate} {obj} .\n"


def rdflib_term(node) -> str:
    """An rdflib term written by :func:`iri` or :func:`literal` (a blank node as ``_:label``)."""
    from rdflib import BNode, Literal

    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, Literal):
        datatype = str(node.datatype) if node.datatype is not None else None
        return literal(str(node), datatype, node.language, string_type=True)
    return iri(str(node))


def rdflib_ntriples(triples) -> list[str]:
    """N-Triples lines of rdflib triples, written by :func:`iri` and :func:`literal`: any literal
    is escaped, and an IRI N-Triples cannot hold is a :class:`DataError` naming it."""
    return [triple(rdflib_term(s), rdflib_term(p), rdflib_term(o)) for s, p, o in triples]
