"""RDF terms written as N-Triples / SPARQL text, without rdflib.

A value that becomes query or data text goes through these functions: an IRI is refused
unless every character is allowed in an IRI reference, and a literal is escaped, so a
value can never end the term it is written in.
"""

from __future__ import annotations

import re

from lmsgraph.errors import DataError

# IRIREF of N-Triples and SPARQL: no space, control characters, <>"{}|^`\ inside.
_IRI = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>"{}|^`\\]*$')
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_ESCAPE_TABLE = str.maketrans(_ESCAPES)
_LANG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
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
        raise DataError(f"not an absolute IRI: {value!r}")
    return f"<{value}>"


def literal(lexical: str, datatype: str | None = None, lang: str | None = None) -> str:
    """A quoted, escaped literal with its datatype or language tag.

    >>> literal('say "hi"\\n}', lang="en")
    '"say \\\\"hi\\\\"\\\\n}"@en'
    """
    body = '"' + lexical.translate(_ESCAPE_TABLE) + '"'
    if lang:
        if not _LANG.match(lang):
            raise DataError(f"not a language tag: {lang!r}")
        return f"{body}@{lang}"
    if datatype and datatype != XSD_STRING:
        return f"{body}^^{iri(datatype)}"
    return body


def triple(subject: str, predicate: str, obj: str) -> str:
    """One N-Triples line from terms already written with :func:`iri`, :func:`literal` or ``_:label``."""
    return f"{subject} {predicate} {obj} .\n"
