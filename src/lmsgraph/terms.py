"""RDF terms as the query layer passes them around, and their Python values.

Every backend reports terms as :class:`Term` (``iri``, ``literal`` or ``bnode``) inside
:class:`Solutions`; :func:`from_oxigraph` and :func:`from_rdflib` are the one way to get a
:class:`Term` from either library's terms, :func:`to_rdflib` the way back to rdflib, and
:func:`literal_value` the one way from a literal to the Python value an answer shows.
"""

from __future__ import annotations

from collections import namedtuple

from lmsgraph.caching import read_once
from lmsgraph.errors import UsageError
from lmsgraph.records import ByFields

TYPE_CHECKING = False  # typing's own constant, without importing typing (see lmsgraph.command)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, NamedTuple

    class _TermFields(NamedTuple):
        kind: str
        value: str
        datatype: str | None = None
        lang: str | None = None

else:
    _TermFields = namedtuple("_TermFields", ("kind", "value", "datatype", "lang"), defaults=(None, None))

XSD_NS = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD_NS + "string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_INTEGER_TYPES = {
    f"{XSD_NS}{t}"
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
}


class Term(_TermFields):
    """An RDF term as every backend reports it: ``kind`` is ``iri``, ``literal`` or ``bnode``;
    ``datatype`` is None for plain and language-tagged strings."""

    __slots__ = ()

    def sparql(self) -> str:
        """The term written as SPARQL text (IRIs checked, literals escaped)."""
        from lmsgraph.ntriples import iri, literal

        if self.kind == "iri":
            return iri(self.value)
        if self.kind == "literal":
            return literal(self.value, self.datatype, self.lang)
        raise UsageError("a blank node cannot be bound as a parameter")


class Solutions(ByFields):
    """What a query gave: a table (``variables``, ``rows``), a boolean (ASK) or triples (CONSTRUCT)."""

    def __init__(
        self, form: str, variables: list[str], rows: list[tuple[Term | None, ...]], boolean: bool | None = None
    ) -> None:
        self.form = form  # "select", "ask" or "graph"
        self.variables = variables
        self.rows = rows
        self.boolean = boolean

    def __repr__(self) -> str:
        return f"Solutions({self.form!r}, {self.variables!r}, {len(self.rows)} rows, boolean={self.boolean!r})"


def plain_datatype(datatype: str | None) -> str | None:
    """None for the datatypes of plain strings (``xsd:string``, ``rdf:langString``), else ``datatype``."""
    return None if datatype in (None, XSD_STRING, RDF_LANGSTRING) else datatype


def literal_value(lexical: str, datatype: str | None) -> Any:
    """A literal as a Python value: ``int``, ``Decimal``, ``float``, ``bool``, ``date``, else ``str``
    (its lexical form, also when it does not read as its datatype).

    Backends differ in lexical forms (``3.0`` versus ``3``); the values they denote do not.

    >>> literal_value("3.0", XSD_NS + "decimal") == literal_value("3", XSD_NS + "decimal")
    True
    """
    if datatype is None:
        return lexical
    try:
        if datatype in _INTEGER_TYPES:
            return int(lexical)
        if datatype == XSD_NS + "decimal":
            from decimal import Decimal, InvalidOperation  # imported when an answer has a decimal

            try:
                return Decimal(lexical)
            except InvalidOperation:
                return lexical
        if datatype in (XSD_NS + "double", XSD_NS + "float"):
            return float(lexical)
        if datatype == XSD_NS + "boolean":
            return lexical.strip() in ("true", "1")
        if datatype == XSD_NS + "date":
            from datetime import date

            return date.fromisoformat(lexical)
    except ValueError:
        return lexical
    return lexical


@read_once
def oxigraph_converter() -> Callable[[Any], Term | None]:
    """The function :func:`from_oxigraph` applies, for converting many terms in a row."""
    import pyoxigraph

    by_type = {
        pyoxigraph.NamedNode: lambda t: Term("iri", t.value),
        pyoxigraph.Literal: lambda t: Term("literal", t.value, plain_datatype(t.datatype.value), t.language),
        pyoxigraph.BlankNode: lambda t: Term("bnode", t.value),
        type(None): lambda t: None,
    }
    return lambda t: by_type[type(t)](t)


def from_oxigraph(term: Any) -> Term | None:
    """A pyoxigraph term (or None) as a :class:`Term`."""
    return oxigraph_converter()(term)


def from_rdflib(term: Any) -> Term | None:
    """An rdflib term (or None) as a :class:`Term`."""
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return Term("iri", str(term))
    if isinstance(term, Literal):
        return Term("literal", str(term), plain_datatype(str(term.datatype) if term.datatype else None), term.language)
    if isinstance(term, BNode):
        return Term("bnode", str(term))
    return Term("literal", str(term))


def to_rdflib(term: Term | None) -> Any:
    """A :class:`Term` as an rdflib term, its lexical form kept as it is (rdflib would otherwise
    rewrite some, ``"04"^^xsd:integer`` as ``"4"``)."""
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if term.kind == "iri":
        return URIRef(term.value)
    if term.kind == "bnode":
        return BNode(term.value)
    if term.lang:
        return Literal(term.value, lang=term.lang)
    return Literal(term.value, datatype=URIRef(term.datatype) if term.datatype else None, normalize=False)
