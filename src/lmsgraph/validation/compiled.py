"""A SHACL engine that compiles shapes into SPARQL queries and runs them on Oxigraph.

Each constraint of each shape becomes one query that returns every focus node (and value
node) that breaks it, so a constraint is checked for all focus nodes at once instead of
node by node. The engine covers this part of SHACL Core and SHACL-SPARQL:

- targets: ``sh:targetClass`` (with subclasses), implicit class targets (a shape that is
  also an ``rdfs:Class``), ``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``;
- paths: predicates, inverse, sequence, alternative, zero-or-more, one-or-more, zero-or-one;
- value type and range: class, datatype (``xsd:string``, ``rdf:langString``, the XSD types
  whose lexical forms it checks, and datatypes outside XSD), nodeKind, in, hasValue, pattern
  with flags, languageIn, min/max inclusive/exclusive, min/max length;
- cardinality: minCount, maxCount; pairs: equals, disjoint, lessThan, lessThanOrEquals;
  uniqueLang;
- logic and shapes: node, property (at any depth), not, and, or, xone; closed with
  ignoredProperties; ``sh:deactivated``; any severity IRI;
- SPARQL-based constraints (``sh:sparql`` with ``sh:select``, ``$this``, ``$PATH``) with
  ``{?var}`` messages.

Anything else (qualified value shapes, SPARQL-based targets and components, recursive
shapes...) raises :class:`UnsupportedError`: :func:`lmsgraph.validation.validate` then runs
pyshacl, and ``engine="compiled"`` reports the refusal. A result gets the shape's
``sh:message``, or when it has none the component's own wording (:data:`DEFAULT_MESSAGES`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD

from lmsgraph.errors import UnsupportedError, ValidationFailureError
from lmsgraph.validation.report import ValidationResult, english_first, severity_name

if TYPE_CHECKING:
    from lmsgraph.validation.loading import Restore

RDF_LANGSTRING = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")
_TYPE_PATH = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"

# Lexical forms the engine checks for well-formedness, by datatype. Other XSD datatypes are
# declined (their lexical rules are not written out here); Oxigraph stores the types derived
# from xsd:integer as xsd:integer, which the loader refuses (lmsgraph.validation.loading).
LEXICAL: dict[Any, str | None] = {
    XSD.string: None,
    XSD.integer: r"^[+-]?[0-9]+$",
    XSD.decimal: r"^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$",
    XSD.boolean: r"^(true|false|1|0)$",
    XSD.date: r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD.anyURI: None,
}
# Beyond the lexical form, a date must exist (no 30 February, no 29 February outside a leap
# year: Oxigraph's cast to xsd:date fails on those) and lie in the years 1 to 9999, as rdflib,
# and so pyshacl, reads dates; XSD 1.1 would also allow year 0000 and years before it.
VALUE_CHECKS: dict[Any, str] = {
    XSD.date: '!STRSTARTS(STR({v}), "0000") && COALESCE(STRLEN(STR(<' + str(XSD.date) + ">(STR({v})))) > 0, false)",
}

NODE_KINDS: dict[Any, str] = {
    SH.IRI: "!isIRI({v})",
    SH.BlankNode: "!isBlank({v})",
    SH.Literal: "!isLiteral({v})",
    SH.BlankNodeOrIRI: "isLiteral({v})",
    SH.BlankNodeOrLiteral: "isIRI({v})",
    SH.IRIOrLiteral: "isBlank({v})",
}

COMPARISONS: dict[Any, tuple[str, URIRef]] = {
    SH.minInclusive: (">=", SH.MinInclusiveConstraintComponent),
    SH.maxInclusive: ("<=", SH.MaxInclusiveConstraintComponent),
    SH.minExclusive: (">", SH.MinExclusiveConstraintComponent),
    SH.maxExclusive: ("<", SH.MaxExclusiveConstraintComponent),
}

# The wording of a result whose shape has no sh:message.
DEFAULT_MESSAGES: dict[Any, str] = {
    SH.ClassConstraintComponent: "Value is not an instance of the required class.",
    SH.DatatypeConstraintComponent: "Value does not have the required datatype, or is not a valid literal of it.",
    SH.NodeKindConstraintComponent: "Value is not of the required node kind.",
    SH.MinCountConstraintComponent: "Fewer values than the minimum count.",
    SH.MaxCountConstraintComponent: "More values than the maximum count.",
    SH.MinInclusiveConstraintComponent: "Value is below the inclusive minimum.",
    SH.MaxInclusiveConstraintComponent: "Value is above the inclusive maximum.",
    SH.MinExclusiveConstraintComponent: "Value is not above the exclusive minimum.",
    SH.MaxExclusiveConstraintComponent: "Value is not below the exclusive maximum.",
    SH.MinLengthConstraintComponent: "Value is shorter than the minimum length.",
    SH.MaxLengthConstraintComponent: "Value is longer than the maximum length.",
    SH.PatternConstraintComponent: "Value does not match the pattern.",
    SH.LanguageInConstraintComponent: "Value is not in one of the allowed languages.",
    SH.UniqueLangConstraintComponent: "More than one value shares a language tag.",
    SH.EqualsConstraintComponent: "Value is not among the values of the other property, or the reverse.",
    SH.DisjointConstraintComponent: "Value is also a value of the other property.",
    SH.LessThanConstraintComponent: "Value is not less than the values of the other property.",
    SH.LessThanOrEqualsConstraintComponent: "Value is greater than a value of the other property.",
    SH.NotConstraintComponent: "Value conforms to a shape it must not conform to.",
    SH.AndConstraintComponent: "Value does not conform to every shape of the list.",
    SH.OrConstraintComponent: "Value conforms to none of the shapes of the list.",
    SH.XoneConstraintComponent: "Value does not conform to exactly one shape of the list.",
    SH.NodeConstraintComponent: "Value does not conform to the required shape.",
    SH.HasValueConstraintComponent: "The required value is missing.",
    SH.InConstraintComponent: "Value is not one of the allowed values.",
    SH.ClosedConstraintComponent: "The node has a property the closed shape does not allow.",
    SH.SPARQLConstraintComponent: "The SPARQL constraint found a problem.",
}

# Parameters that are handled, by component; anything else on a shape is unsupported.
HANDLED = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH["in"],
    SH.hasValue,
    SH.pattern,
    SH.flags,
    SH.languageIn,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH.minLength,
    SH.maxLength,
    SH.node,
    SH["or"],
    SH["and"],
    SH["not"],
    SH.xone,
    SH.minCount,
    SH.maxCount,
    SH.closed,
    SH.ignoredProperties,
    SH.equals,
    SH.disjoint,
    SH.lessThan,
    SH.lessThanOrEquals,
    SH.uniqueLang,
    SH.sparql,
    SH.property,
}
IGNORED = {
    RDF.type,
    SH.message,
    SH.severity,
    SH.path,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.deactivated,
    SH.defaultValue,
    RDFS.label,
    RDFS.comment,
    RDFS.subClassOf,
    RDFS.isDefinedBy,
    RDFS.seeAlso,
}
# SPARQL functions that read a literal's lexical form, which Oxigraph may have rewritten.
_STRING_FUNCTIONS = re.compile(
    r"\b(STR|STRLEN|SUBSTR|UCASE|LCASE|STRSTARTS|STRENDS|CONTAINS|STRBEFORE|STRAFTER|ENCODE_FOR_URI|CONCAT|"
    r"REPLACE|REGEX|MD5|SHA1|SHA256|SHA384|SHA512)\s*\(\s*[?$]",
    re.IGNORECASE,
)


def sparql_term(term) -> str:
    """A term in SPARQL syntax."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3()
    raise UnsupportedError(f"a blank node cannot be written into a query: {term!r}")


@dataclass
class Compiled:
    """One constraint of one shape, reached from one set of focus nodes, as a query over all of them."""

    shape: object
    component: URIRef
    severity: str
    message: str
    query: str
    path: object = None
    path_text: str | None = None
    value_mode: str = "value"  # "value": ?value is the value node; "focus": the focus node; "none"
    template: bool = False
    #: For a constraint that reads the lexical forms of its value nodes (sh:pattern, sh:minLength,
    #: sh:maxLength): an ASK query, with ``VALUES_`` standing for a VALUES clause, that tells
    #: whether one of them is a literal Oxigraph stored in another form.
    lexical_check: str | None = None
    #: For the constraints of a nested shape, :meth:`Focus.multiplicity`: each result of a focus
    #: node listed there is reported as many times as the node is a focus node.
    multiplicity: str | None = None
    #: For ``sh:maxCount 1`` along one predicate: (the focus nodes' pattern, the predicate).
    #: :func:`run_compiled` checks every such constraint of one pattern in a single query.
    max_one: tuple[str, str] | None = None


class Focus:
    """The focus nodes of a shape, as SPARQL.

    ``focus(var)`` is a group that binds ``var`` to each focus node once. SHACL validates a node
    once for every time it is a focus node: a value node that two parents share is validated
    twice, and each validation reports its own results. ``counted(var, n)`` is then a group that
    binds ``var`` to each focus node and ``n`` to how many times it is one; it is ``None`` where
    every focus node is one just once (the targets of a shape).
    """

    def __init__(self, nodes: Callable[[str], str], counted: Callable[[str, str], str] | None = None) -> None:
        self.nodes = nodes
        self.counted = counted

    def __call__(self, var: str) -> str:
        return self.nodes(var)

    def multiplicity(self) -> str | None:
        """A query for the focus nodes that are focus nodes more than once, and how many times."""
        if self.counted is None:
            return None
        return f"SELECT ?focus ?n WHERE {{ {self.counted('?focus', '?n')} FILTER (?n > 1) }}"


class Compiler:
    def __init__(self, shapes: Graph, prefixes: Callable[[str], str] | None = None) -> None:
        self.g = shapes
        self.fresh = itertools.count(1)
        self.compact = prefixes or (lambda iri: f"<{iri}>")
        #: True when a SPARQL constraint, or a shape nested below a path, reads lexical forms:
        #: data whose literals Oxigraph stored in another form cannot then be validated exactly.
        self.reads_lexical_forms = False
        self._lexical = False  # the constraint being compiled reads its value nodes' lexical forms
        self._depth = 0  # how many paths below the value node the expression being built is
        #: Literals the shapes compare by term (sh:in, sh:hasValue, sh:targetNode).
        self.term_literals: set[Literal] = set()
        #: The predicates along which a constraint compares values of two triples by term, or
        #: gathers values along a path where two triples can give one value (anything but a
        #: predicate or its inverse); ``None`` inside means any predicate (a variable one).
        self.joined_predicates: set = set()
        self._custom: set | None = None

    # -- helpers ---------------------------------------------------------------------

    def one(self, node, prop):
        values = list(self.g.objects(node, prop))
        if len(values) > 1:
            raise UnsupportedError(f"{node} has several {prop}")
        return values[0] if values else None

    def var(self) -> str:
        return f"?_v{next(self.fresh)}"

    def items(self, node) -> list:
        return list(Collection(self.g, node))

    def deactivated(self, shape) -> bool:
        return (shape, SH.deactivated, Literal(True)) in self.g

    def severity(self, shape) -> str:
        return severity_name(self.one(shape, SH.severity) or SH.Violation)

    def message(self, node, component) -> str:
        """The shape's message, in English where it has several; else the component's own wording."""
        messages = english_first(self.g.objects(node, SH.message))
        return str(messages[0]) if messages else DEFAULT_MESSAGES[component]

    def check_parameters(self, shape) -> None:
        """Refuse what the engine does not compile: any other property of SHACL's own, and the
        parameters of constraint components the shapes graph declares. Any other property (an
        annotation such as skos:definition) declares no constraint and is left alone, as SHACL
        says."""
        for p in set(self.g.predicates(shape, None)):
            if p in HANDLED or p in IGNORED:
                continue
            if str(p).startswith(str(SH)) or p in self.custom_parameters():
                raise UnsupportedError(f"shape {shape} uses {p}")

    def custom_parameters(self) -> set:
        if self._custom is None:
            self._custom = {
                path
                for component in self.g.subjects(RDF.type, SH.ConstraintComponent)
                for parameter in self.g.objects(component, SH.parameter)
                for path in self.g.objects(parameter, SH.path)
            }
        return self._custom

    def _reads_lexical(self) -> None:
        if self._depth:
            self.reads_lexical_forms = True
        else:
            self._lexical = True

    def literals(self, values) -> list:
        found = list(values)
        self.term_literals.update(v for v in found if isinstance(v, Literal))
        return found

    # -- paths -----------------------------------------------------------------------

    def path(self, node) -> str:
        """The SHACL path at ``node`` in SPARQL property path syntax."""
        if not isinstance(node, URIRef) and not isinstance(self.one(node, SH.inversePath), URIRef):
            self.joined_predicates.update(self._path_iris(node))
        return self._path(node, lambda iri: f"<{iri}>", sparql=True)

    def _path_iris(self, node) -> set:
        if isinstance(node, URIRef):
            return {node}
        found = set()
        for o in self.g.objects(node, None):
            found |= self._path_iris(o) if not isinstance(o, Literal) else set()
        return found - {RDF.nil}

    def path_text(self, node) -> str:
        """The same path with CURIEs, for people."""
        return self._path(node, lambda iri: self.compact(str(iri)), sparql=False)

    def _path(self, node, name, *, sparql: bool) -> str:
        if isinstance(node, URIRef):
            return name(node)
        if (node, RDF.first, None) in self.g:
            members = self.items(node)
            if len(members) < 2:
                raise UnsupportedError(f"a sequence path needs two or more members: {node}")
            inner = "/".join(self._path(p, name, sparql=sparql) for p in members)
            return f"({inner})" if sparql else inner
        for prop, op in (
            (SH.inversePath, "^"),
            (SH.zeroOrMorePath, "*"),
            (SH.oneOrMorePath, "+"),
            (SH.zeroOrOnePath, "?"),
        ):
            inner = self.one(node, prop)
            if inner is not None:
                text = self._path(inner, name, sparql=sparql)
                text = f"({text})" if sparql or not isinstance(inner, URIRef) else text
                return f"^{text}" if op == "^" else f"{text}{op}"
        alt = self.one(node, SH.alternativePath)
        if alt is not None:
            return "(" + "|".join(self._path(p, name, sparql=sparql) for p in self.items(alt)) + ")"
        raise UnsupportedError(f"path {node}")

    # -- targets ---------------------------------------------------------------------

    def target_shapes(self) -> list:
        """Every shape with a target: explicit, or implicit (a shape that is also a class)."""
        shapes: set[Any] = set()
        for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
            shapes.update(self.g.subjects(p, None))
        for kind in (SH.NodeShape, SH.PropertyShape):
            for shape in self.g.subjects(RDF.type, kind):
                if (shape, RDF.type, RDFS.Class) in self.g:
                    shapes.add(shape)
        return sorted(shapes, key=str)

    def targets(self, shape) -> Focus:
        classes = set(self.g.objects(shape, SH.targetClass))
        if (shape, RDF.type, RDFS.Class) in self.g and isinstance(shape, URIRef):
            classes.add(shape)
        nodes = self.literals(self.g.objects(shape, SH.targetNode))
        subjects_of = list(self.g.objects(shape, SH.targetSubjectsOf))
        objects_of = list(self.g.objects(shape, SH.targetObjectsOf))
        if (shape, SH.target, None) in self.g:
            raise UnsupportedError("SPARQL-based targets")

        def focus(var: str) -> str:
            parts = [f"{{ {var} {_TYPE_PATH} {sparql_term(c)} . }}" for c in sorted(classes, key=str)]
            if nodes:
                parts.append(f"{{ VALUES {var} {{ {' '.join(sparql_term(n) for n in sorted(nodes, key=str))} }} }}")
            parts += [f"{{ {var} {sparql_term(p)} [] . }}" for p in sorted(subjects_of, key=str)]
            parts += [f"{{ [] {sparql_term(p)} {var} . }}" for p in sorted(objects_of, key=str)]
            return "{ SELECT DISTINCT " + var + " WHERE { " + " UNION ".join(parts) + " } }"

        return Focus(focus)

    # -- value constraints -----------------------------------------------------------

    def value_violations(self, shape, v: str, stack: tuple = ()) -> Iterator[tuple[URIRef, str]]:
        """(component, expression) pairs: the expression is true when value ``v`` breaks the constraint."""
        g = self.g
        for c in g.objects(shape, SH["class"]):
            yield SH.ClassConstraintComponent, f"NOT EXISTS {{ {v} {_TYPE_PATH} {sparql_term(c)} . }}"
        for d in g.objects(shape, SH.datatype):
            if d == RDF_LANGSTRING:
                yield SH.DatatypeConstraintComponent, f'!(isLiteral({v}) && LANG({v}) != "")'
                continue
            if str(d).startswith(str(XSD)) and d not in LEXICAL:
                raise UnsupportedError(f"datatype {d}")
            ok = f"isLiteral({v}) && DATATYPE({v}) = {sparql_term(d)}"
            if d == XSD.string:
                ok += f' && LANG({v}) = ""'
            if LEXICAL.get(d):
                ok += f" && REGEX(STR({v}), {Literal(LEXICAL[d]).n3()})"
            if d in VALUE_CHECKS:
                ok += " && " + VALUE_CHECKS[d].format(v=v)
            yield SH.DatatypeConstraintComponent, f"!({ok})"
        for k in g.objects(shape, SH.nodeKind):
            if k not in NODE_KINDS:
                raise UnsupportedError(f"node kind {k}")
            yield SH.NodeKindConstraintComponent, NODE_KINDS[k].format(v=v)
        for lst in g.objects(shape, SH["in"]):
            members = self.literals(self.items(lst))
            same = " || ".join(f"sameTerm({v}, {sparql_term(m)})" for m in members) or "false"
            yield SH.InConstraintComponent, f"!({same})"
        for pattern in g.objects(shape, SH.pattern):
            self._reads_lexical()
            flags = self.one(shape, SH.flags)
            args = f"STR({v}), {Literal(str(pattern)).n3()}" + (f", {Literal(str(flags)).n3()}" if flags else "")
            yield SH.PatternConstraintComponent, f"(isBlank({v}) || !REGEX({args}))"
        for lst in g.objects(shape, SH.languageIn):
            langs = " || ".join(f"LANGMATCHES(LANG({v}), {Literal(str(t)).n3()})" for t in self.items(lst)) or "false"
            yield SH.LanguageInConstraintComponent, f"!(isLiteral({v}) && ({langs}))"
        for prop, (op, component) in COMPARISONS.items():
            for bound in g.objects(shape, prop):
                yield component, f"!COALESCE({v} {op} {sparql_term(bound)}, false)"
        for prop, op, component in (
            (SH.minLength, "<", SH.MinLengthConstraintComponent),
            (SH.maxLength, ">", SH.MaxLengthConstraintComponent),
        ):
            for n in g.objects(shape, prop):
                self._reads_lexical()
                yield component, f"(isBlank({v}) || STRLEN(STR({v})) {op} {int(str(n))})"
        for s in g.objects(shape, SH.node):
            yield SH.NodeConstraintComponent, f"!({self.conforms(s, v, stack)})"
        for lst in g.objects(shape, SH["or"]):
            yield (
                SH.OrConstraintComponent,
                "!(" + (" || ".join(f"({self.conforms(s, v, stack)})" for s in self.items(lst)) or "false") + ")",
            )
        for lst in g.objects(shape, SH["and"]):
            yield (
                SH.AndConstraintComponent,
                "!(" + (" && ".join(f"({self.conforms(s, v, stack)})" for s in self.items(lst)) or "true") + ")",
            )
        for lst in g.objects(shape, SH.xone):
            count = " + ".join(f"IF({self.conforms(s, v, stack)}, 1, 0)" for s in self.items(lst)) or "0"
            yield SH.XoneConstraintComponent, f"(({count}) != 1)"
        for s in g.objects(shape, SH["not"]):
            yield SH.NotConstraintComponent, f"({self.conforms(s, v, stack)})"

    def conforms(self, shape, v: str, stack: tuple = ()) -> str:
        """A SPARQL expression that is true when the node in ``v`` conforms to ``shape``."""
        if self.deactivated(shape):
            return "true"
        if shape in stack:
            raise UnsupportedError(f"recursive shapes ({shape})")
        stack = stack + (shape,)
        self.check_parameters(shape)
        for p in (SH.closed, SH.sparql, SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals, SH.uniqueLang):
            if (shape, p, None) in self.g:
                raise UnsupportedError(f"{p} in a nested shape")
        parts = []
        if self.one(shape, SH.path) is not None:
            parts.extend(self.nested_property(shape, v, stack))
        else:
            parts.extend(f"!({expr})" for _, expr in self.value_violations(shape, v, stack))
            for s in self.literals(self.g.objects(shape, SH.hasValue)):
                parts.append(f"sameTerm({v}, {sparql_term(s)})")
            for p in (SH.minCount, SH.maxCount):
                if (shape, p, None) in self.g:
                    raise UnsupportedError(f"{p} on a node shape")
        for prop in self.g.objects(shape, SH.property):
            if not self.deactivated(prop):
                self.check_parameters(prop)
                parts.extend(self.nested_property(prop, v, stack))
        return " && ".join(parts) if parts else "true"

    def nested_property(self, prop, focus: str, stack: tuple) -> list[str]:
        for p in (
            SH.closed,
            SH.sparql,
            SH.equals,
            SH.disjoint,
            SH.lessThan,
            SH.lessThanOrEquals,
            SH.uniqueLang,
            SH.property,
        ):
            if (prop, p, None) in self.g:
                raise UnsupportedError(f"{p} in a nested property shape")
        path = self.path(self.one(prop, SH.path))
        parts = []
        x = self.var()
        self._depth += 1
        try:
            for _, expr in self.value_violations(prop, x, stack):
                parts.append(f"NOT EXISTS {{ {focus} {path} {x} . FILTER ({expr}) }}")
        finally:
            self._depth -= 1
        for value in self.literals(self.g.objects(prop, SH.hasValue)):
            parts.append(f"EXISTS {{ {focus} {path} {sparql_term(value)} . }}")
        for n in self.g.objects(prop, SH.minCount):
            if int(str(n)) == 1:
                parts.append(f"EXISTS {{ {focus} {path} {self.var()} . }}")
            elif int(str(n)) > 1:
                raise UnsupportedError("minCount above 1 in a nested shape")
        for n in self.g.objects(prop, SH.maxCount):
            a, b = self.var(), self.var()
            if int(str(n)) == 0:
                parts.append(f"NOT EXISTS {{ {focus} {path} {a} . }}")
            elif int(str(n)) == 1:
                parts.append(f"NOT EXISTS {{ {focus} {path} {a} . {focus} {path} {b} . FILTER (!sameTerm({a}, {b})) }}")
            else:
                raise UnsupportedError("maxCount above 1 in a nested shape")
        return parts

    # -- shapes and the nodes they validate --------------------------------------------

    def compile(self) -> list[Compiled]:
        out: list[Compiled] = []
        for shape in self.target_shapes():
            if self.deactivated(shape):
                continue
            out.extend(self.shape(shape, self.targets(shape), ()))
        return out

    def shape(self, shape, focus: Focus, stack: tuple) -> Iterator[Compiled]:
        """Every constraint of ``shape`` for the focus nodes ``focus`` gives, then its property shapes
        for its value nodes."""
        if self.deactivated(shape):
            return
        if shape in stack:
            raise UnsupportedError(f"recursive shapes ({shape})")
        self.check_parameters(shape)
        path_node = self.one(shape, SH.path)
        multiplicity = focus.multiplicity()
        if path_node is None:
            own = self.node_shape(shape, focus, stack)
            values = focus
        else:
            own = self.property_shape(shape, focus, path_node, stack)
            values = self.value_nodes(focus, self.path(path_node))
        for compiled in own:
            compiled.multiplicity = multiplicity
            yield compiled
        for prop in sorted(self.g.objects(shape, SH.property), key=str):
            yield from self.shape(prop, values, stack + (shape,))

    def value_nodes(self, outer: Focus, path: str) -> Focus:
        """The value nodes of ``outer``'s focus nodes along ``path``: the focus nodes of a property
        shape's own property shapes. A value node counts once for each focus node it is a value
        node of (and for each time that focus node is one)."""

        def nodes(var: str) -> str:
            o = self.var()
            return f"{{ SELECT DISTINCT {var} WHERE {{ {outer(o)} {o} {path} {var} . }} }}"

        def counted(var: str, n: str) -> str:
            o = self.var()
            pairs = f"{{ SELECT DISTINCT {o} {var} WHERE {{ {outer(o)} {o} {path} {var} . }} }}"
            if outer.counted is None:
                return f"{{ SELECT {var} (COUNT(*) AS {n}) WHERE {{ {pairs} }} GROUP BY {var} }}"
            m = self.var()
            return f"{{ SELECT {var} (SUM({m}) AS {n}) WHERE {{ {pairs} {outer.counted(o, m)} }} GROUP BY {var} }}"

        return Focus(nodes, counted)

    def node_shape(self, shape, focus: Focus, stack: tuple) -> Iterator[Compiled]:
        severity = self.severity(shape)
        f = focus("?focus")

        def make(component, query: str, mode: str = "value", check: str | None = None) -> Compiled:
            return Compiled(
                shape, component, severity, self.message(shape, component), query, value_mode=mode, lexical_check=check
            )

        self._lexical = False
        for component, expr in self.value_violations(shape, "?focus", stack + (shape,)):
            check = f"ASK {{ {f} VALUES_ }}".replace("VALUES_", "VALUES ?focus { VALUES_ }") if self._lexical else None
            self._lexical = False
            yield make(component, f"SELECT ?focus WHERE {{ {f} FILTER ({expr}) }}", "focus", check)
        for value in self.literals(self.g.objects(shape, SH.hasValue)):
            yield make(
                SH.HasValueConstraintComponent,
                f"SELECT ?focus WHERE {{ {f} FILTER (!sameTerm(?focus, {sparql_term(value)})) }}",
                "none",
            )
        # On a node shape the focus node is its own single value node.
        self.joined_predicates.update(self.g.objects(shape, SH.equals), self.g.objects(shape, SH.disjoint))
        for other in self.g.objects(shape, SH.equals):
            o = sparql_term(other)
            yield make(
                SH.EqualsConstraintComponent,
                f"SELECT ?focus ?value WHERE {{ {{ {f} ?focus {o} ?value . FILTER (!sameTerm(?focus, ?value)) }} "
                f"UNION {{ {f} FILTER NOT EXISTS {{ ?focus {o} ?focus . }} BIND (?focus AS ?value) }} }}",
            )
        for other in self.g.objects(shape, SH.disjoint):
            yield make(
                SH.DisjointConstraintComponent,
                f"SELECT ?focus WHERE {{ {f} ?focus {sparql_term(other)} ?focus . }}",
                "focus",
            )
        for p in (SH.minCount, SH.maxCount, SH.lessThan, SH.lessThanOrEquals, SH.uniqueLang):
            if (shape, p, None) in self.g:
                raise UnsupportedError(f"{p} on a node shape")
        if (shape, SH.closed, Literal(True)) in self.g:
            allowed = {self.one(p, SH.path) for p in self.g.objects(shape, SH.property)}
            for lst in self.g.objects(shape, SH.ignoredProperties):
                allowed.update(self.items(lst))
            allowed = {a for a in allowed if isinstance(a, URIRef)}
            # A predicate is an IRI, which NOT IN compares as sameTerm would; on 100k synthetic
            # cases it took 1.66 s where a chain of !sameTerm took 2.06 s.
            listed = ", ".join(sparql_term(a) for a in sorted(allowed, key=str))
            keep = f"?path NOT IN ({listed})" if listed else "true"
            yield make(
                SH.ClosedConstraintComponent,
                f"SELECT ?focus ?path ?value WHERE {{ {f} ?focus ?path ?value . FILTER ({keep}) }}",
            )
        for constraint in self.g.objects(shape, SH.sparql):
            if not self.deactivated(constraint):
                yield self.sparql_constraint(shape, constraint, f, severity, None)

    def property_shape(self, prop, focus: Focus, path_node, stack: tuple) -> Iterator[Compiled]:
        path = self.path(path_node)
        text = self.path_text(path_node)
        severity = self.severity(prop)
        f = focus("?focus")

        def make(component, query, mode="value"):
            return Compiled(
                prop,
                component,
                severity,
                self.message(prop, component),
                query,
                path=path_node,
                path_text=text,
                value_mode=mode,
            )

        self._lexical = False
        for component, expr in self.value_violations(prop, "?value", stack + (prop,)):
            compiled = make(
                component, f"SELECT DISTINCT ?focus ?value WHERE {{ {f} ?focus {path} ?value . FILTER ({expr}) }}"
            )
            if self._lexical:
                compiled.lexical_check = f"ASK {{ {f} ?focus {path} ?value . VALUES ?value {{ VALUES_ }} }}"
            self._lexical = False
            yield compiled
        for n in self.g.objects(prop, SH.minCount):
            if int(str(n)) == 1:
                yield make(
                    SH.MinCountConstraintComponent,
                    f"SELECT ?focus WHERE {{ {f} FILTER NOT EXISTS {{ ?focus {path} ?value . }} }}",
                    "none",
                )
            elif int(str(n)) > 1:
                yield make(
                    SH.MinCountConstraintComponent,
                    f"SELECT ?focus WHERE {{ {{ SELECT ?focus (COUNT(DISTINCT ?value) AS ?n) WHERE {{ {f} "
                    f"OPTIONAL {{ ?focus {path} ?value . }} }} GROUP BY ?focus }} FILTER (?n < {int(str(n))}) }}",
                    "none",
                )
        for n in self.g.objects(prop, SH.maxCount):
            if int(str(n)) == 1:
                # More than one value is two values that are not the same term: on 100k synthetic
                # cases this form took 0.50 s where counting each focus node's values took 0.86 s.
                compiled = make(
                    SH.MaxCountConstraintComponent,
                    f"SELECT ?focus WHERE {{ {f} FILTER EXISTS {{ ?focus {path} ?value . ?focus {path} ?other . "
                    f"FILTER (!sameTerm(?value, ?other)) }} }}",
                    "none",
                )
                if isinstance(path_node, URIRef):
                    compiled.max_one = (f, path)
                yield compiled
                continue
            yield make(
                SH.MaxCountConstraintComponent,
                f"SELECT ?focus WHERE {{ {{ SELECT ?focus (COUNT(DISTINCT ?value) AS ?n) WHERE {{ {f} "
                f"?focus {path} ?value . }} GROUP BY ?focus }} FILTER (?n > {int(str(n))}) }}",
                "none",
            )
        for value in self.literals(self.g.objects(prop, SH.hasValue)):
            yield make(
                SH.HasValueConstraintComponent,
                f"SELECT ?focus WHERE {{ {f} FILTER NOT EXISTS {{ ?focus {path} {sparql_term(value)} . }} }}",
                "none",
            )
        if (prop, SH.equals, None) in self.g or (prop, SH.disjoint, None) in self.g:
            self.joined_predicates.update(
                self._path_iris(path_node), self.g.objects(prop, SH.equals), self.g.objects(prop, SH.disjoint)
            )
        for other in self.g.objects(prop, SH.equals):
            o = sparql_term(other)
            yield make(
                SH.EqualsConstraintComponent,
                f"SELECT DISTINCT ?focus ?value WHERE {{ {f} {{ ?focus {path} ?value . "
                f"FILTER NOT EXISTS {{ ?focus {o} ?value . }} }} UNION {{ ?focus {o} ?value . "
                f"FILTER NOT EXISTS {{ ?focus {path} ?value . }} }} }}",
            )
        for other in self.g.objects(prop, SH.disjoint):
            yield make(
                SH.DisjointConstraintComponent,
                f"SELECT DISTINCT ?focus ?value WHERE {{ {f} ?focus {path} ?value . ?focus {sparql_term(other)} ?value . }}",
            )
        for prop_name, op, component in (
            (SH.lessThan, "<", SH.LessThanConstraintComponent),
            (SH.lessThanOrEquals, "<=", SH.LessThanOrEqualsConstraintComponent),
        ):
            for other in self.g.objects(prop, prop_name):
                yield make(
                    component,
                    # One result per pair of values that fails, as SHACL counts them.
                    f"SELECT DISTINCT ?focus ?value ?_other WHERE {{ {f} ?focus {path} ?value . "
                    f"?focus {sparql_term(other)} ?_other . FILTER (!COALESCE(?value {op} ?_other, false)) }}",
                )
        for unique in self.g.objects(prop, SH.uniqueLang):
            if unique == Literal(True):
                yield make(
                    SH.UniqueLangConstraintComponent,
                    f"SELECT DISTINCT ?focus ?lang WHERE {{ {f} ?focus {path} ?_a, ?_b . "
                    f'BIND (LANG(?_a) AS ?lang) FILTER (?lang != "" && !sameTerm(?_a, ?_b) && LANG(?_b) = ?lang) }}',
                    "none",
                )
        if (prop, SH.closed, None) in self.g:
            raise UnsupportedError("closed on a property shape")
        for constraint in self.g.objects(prop, SH.sparql):
            if not self.deactivated(constraint):
                yield self.sparql_constraint(prop, constraint, f, severity, path_node)

    def sparql_constraint(self, shape, constraint, focus: str, severity: str, path_node) -> Compiled:
        select = self.one(constraint, SH.select)
        if select is None:
            raise UnsupportedError("SPARQL constraints without sh:select")
        text = str(select)
        if re.search(r"\$(currentShape|shapesGraph)\b", text):
            raise UnsupportedError("SPARQL constraints with $currentShape or $shapesGraph")
        # The focus nodes are joined into the query's outer WHERE rather than substituted for
        # $this query by query: the same answers, unless a part of the query is evaluated on
        # its own (a subquery; MINUS, VALUES and SERVICE, which SHACL forbids anyway) or
        # aggregates over more than one focus node at a time.
        plain = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|<[^<>\s]*>|#[^\n]*', " ", text)
        if len(re.findall(r"\bSELECT\b", plain, re.IGNORECASE)) > 1:
            raise UnsupportedError("a SPARQL constraint with a subquery")
        if re.search(r"\b(MINUS|VALUES|SERVICE)\b", plain, re.IGNORECASE):
            raise UnsupportedError("a SPARQL constraint with MINUS, VALUES or SERVICE")
        aggregates = re.search(r"\b(COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT|HAVING)\b", plain, re.IGNORECASE)
        if aggregates and not re.search(r"\bGROUP\s+BY\s+[$?]this\b", plain, re.IGNORECASE):
            raise UnsupportedError("a SPARQL constraint that aggregates without GROUP BY $this")
        if "$PATH" in text:
            if path_node is None:
                raise UnsupportedError("$PATH in a SPARQL constraint of a node shape")
            text = text.replace("$PATH", self.path(path_node))
        if _STRING_FUNCTIONS.search(text):
            self.reads_lexical_forms = True
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in self.declared_prefixes(constraint))
        body = re.sub(r"\$this\b", "?this", text)
        match = re.search(r"\bWHERE\s*\{", body, re.IGNORECASE)
        if match is None:
            raise UnsupportedError("SPARQL constraint without WHERE")
        body = body[: match.end()] + " " + focus.replace("?focus", "?this") + " " + body[match.end() :]
        self.joined_predicates.update(sparql_predicates(prologue + body))
        messages = list(self.g.objects(constraint, SH.message))
        message = self.message(constraint if messages else shape, SH.SPARQLConstraintComponent)
        return Compiled(
            shape,
            SH.SPARQLConstraintComponent,
            severity,
            message,
            prologue + body,
            path=path_node,
            path_text=self.path_text(path_node) if path_node is not None else None,
            value_mode="sparql",
            template=True,
        )

    def declared_prefixes(self, constraint) -> list[tuple[str, str]]:
        out = []
        for source in self.g.objects(constraint, SH.prefixes):
            for decl in self.g.objects(source, SH.declare):
                out.append((str(self.one(decl, SH.prefix)), str(self.one(decl, SH.namespace))))
        return sorted(set(out))


def sparql_predicates(query: str) -> set:
    """The predicates a SPARQL query's triple patterns and paths name; ``None`` among them when
    one is a variable or a negated property set, which can match any predicate."""
    from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.term import Variable

    found: set = set()

    def predicate(p) -> None:
        if isinstance(p, URIRef):
            found.add(p)
        elif isinstance(p, (SequencePath, AlternativePath)):
            for part in p.args:
                predicate(part)
        elif isinstance(p, InvPath):
            predicate(p.arg)
        elif isinstance(p, MulPath):
            predicate(p.path)
        elif isinstance(p, (Variable, NegatedPath)) or p is not None:
            found.add(None)

    def walk(node, seen: set) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "triples" and isinstance(value, list):
                    # Triples, or (inside EXISTS, left unparsed by rdflib) runs of them laid end to end.
                    for run in value:
                        if isinstance(run, (tuple, list)) and len(run) % 3 == 0:
                            for i in range(1, len(run), 3):
                                predicate(run[i])
                        else:
                            found.add(None)
                walk(value, seen)
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item, seen)

    try:
        walk(prepareQuery(query).algebra, set())
    except Exception:  # a query rdflib cannot read is taken to reach every predicate
        found.add(None)
    return found


def lexical_conflict(store: Any, compiled: list[Compiled], restore: Restore) -> Compiled | None:
    """The first constraint that would read the lexical form of a literal Oxigraph stored in
    another form (``restore`` holds those), or None."""
    if not restore:
        return None
    values = " ".join(sparql_term(term) for term in restore.stored())
    for c in compiled:
        if c.lexical_check and store.query(c.lexical_check.replace("VALUES_", values)):
            return c
    return None


def to_rdflib(term):
    """An Oxigraph term as an rdflib term, as stored."""
    from lmsgraph.terms import from_oxigraph
    from lmsgraph.terms import to_rdflib as term_to_rdflib

    return term_to_rdflib(from_oxigraph(term))


_TEMPLATE = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")


def fill_template(message: str, solution, restore: Callable = lambda t: t) -> str:
    """Replace ``{?var}`` and ``{$this}`` in a message with the solution's values."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        term = _get(solution, name)
        return str(restore(to_rdflib(term))) if term is not None else match.group(0)

    return _TEMPLATE.sub(value, message)


def run_compiled(
    store,
    compiled: list[Compiled],
    *,
    restore: Restore | None = None,
    progress: Callable[[str], None] | None = None,
    workers: int | None = None,
) -> list[ValidationResult]:
    """Run the compiled constraints on an Oxigraph store. ``restore`` maps terms Oxigraph stored
    in another form back to the data's own (see :mod:`lmsgraph.validation.loading`).

    The constraints run ``workers`` at a time (by default one per processor, at most four):
    Oxigraph answers queries without holding Python's global lock, and on 100k synthetic cases
    two workers took the constraint queries from 31 s to 12 s on a 2-core machine
    (``bench/validate_cases.py``). The results are the same, in the same order, whatever the
    number of workers.
    """
    import os
    from concurrent.futures import ThreadPoolExecutor, as_completed

    if restore:
        back, along = restore.term, restore.value
    else:

        def back(term):
            return term

        def along(subject, predicate, term):
            return term

    multiplicities: dict[str, dict] = {}
    for c in compiled:
        if c.multiplicity is not None and c.multiplicity not in multiplicities:
            multiplicities[c.multiplicity] = {s["focus"]: int(s["n"].value) for s in store.query(c.multiplicity)}

    # The sh:maxCount 1 constraints of one set of focus nodes, each along one predicate, are
    # checked together: one query pairs every focus node's values along all their predicates.
    # On 100k synthetic cases the 16 such constraints took 4.3 s on one core this way and 6.9 s
    # one by one; the rows are the same (the SHACL suites and the case fixtures).
    groups: dict[str, list[Compiled]] = {}
    for c in compiled:
        if c.max_one is not None:
            groups.setdefault(c.max_one[0], []).append(c)

    def together(members: list[Compiled]) -> list[tuple[Compiled, list[ValidationResult]]]:
        focus = members[0].max_one[0]  # type: ignore[index]
        by_predicate: dict[str, list] = {c.max_one[1]: [] for c in members}  # type: ignore[index]
        query = (
            f"SELECT DISTINCT ?focus ?p WHERE {{ {focus} VALUES ?p {{ {' '.join(by_predicate)} }} "
            f"?focus ?p ?value . ?focus ?p ?other . FILTER (!sameTerm(?value, ?other)) }}"
        )
        for solution in store.query(query):  # rows kept as terms: an answer stays on its thread
            by_predicate[str(solution["p"])].append({"focus": solution["focus"]})
        return [(c, evaluate(c, by_predicate[c.max_one[1]])) for c in members]  # type: ignore[index]

    def alone(c: Compiled) -> list[tuple[Compiled, list[ValidationResult]]]:
        return [(c, evaluate(c))]

    def evaluate(c: Compiled, solutions: list | None = None) -> list[ValidationResult]:
        times = multiplicities.get(c.multiplicity or "") or {}
        return _results(store, c, back, along, times, solutions)

    # Every query is handed to the workers at once, those that read the most first: a closed
    # shape reads every triple of its focus nodes, a group of sh:maxCount 1 constraints every
    # value of several predicates, a SPARQL constraint whatever it asks. Started in the shapes'
    # order, with the groups before the rest, two workers on 100k synthetic cases took 10.1 s,
    # one of them idle while the other ran the closed shape last; longest first, 8.7-8.9 s. The
    # results are put back in the shapes' order.
    def weight(c: Compiled) -> int:
        if c.component == SH.ClosedConstraintComponent:
            return 0
        return 2 if c.value_mode == "sparql" else 3

    grouped = [members for members in groups.values() if len(members) > 1]
    in_group = {id(c) for members in grouped for c in members}
    tasks: list[tuple[int, int, Callable, object]] = [(1, n, together, members) for n, members in enumerate(grouped)]
    tasks += [(weight(c), n, alone, c) for n, c in enumerate(c for c in compiled if id(c) not in in_group)]
    tasks.sort(key=lambda task: task[:2])
    workers = workers or max(1, min(4, os.cpu_count() or 1))
    done: dict[int, list[ValidationResult]] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(task, item) for _, _, task, item in tasks]
        try:
            for future in as_completed(futures):
                for c, found in future.result():
                    done[id(c)] = found
                    if progress:
                        progress(
                            f"constraint {len(done)}/{len(compiled)} done: {c.shape} "
                            f"{str(c.component).rsplit('#', 1)[-1]} ({len(found)} results)"
                        )
        except BaseException:
            # The error (or Ctrl-C) is the answer: the queries not yet started are not run, so it
            # comes as soon as those running end rather than after every constraint.
            for future in futures:
                future.cancel()
            raise
    return [result for c in compiled for result in done[id(c)]]


def _results(store, c: Compiled, back, along, times: dict, solutions=None) -> list[ValidationResult]:
    """The results of one compiled constraint, from its query's ``solutions`` (run here when not
    given). ``back`` gives the data's own term for a stored term, ``along`` for a stored term
    read as the object of a subject and predicate."""
    results: list[ValidationResult] = []
    for solution in store.query(c.query) if solutions is None else solutions:
        repeat = times.get(_get(solution, "this" if c.value_mode == "sparql" else "focus"), 1) if times else 1
        path, path_text = c.path, c.path_text
        bound_message = None
        if c.value_mode == "sparql":
            failure = _get(solution, "failure")
            if failure is not None and failure.value == "true":
                raise ValidationFailureError(f"the SPARQL constraint of {c.shape} reports a failure (?failure true)")
            focus = back(to_rdflib(_get(solution, "this")))
            bound_path = to_rdflib(_get(solution, "path"))
            if isinstance(bound_path, URIRef):
                path, path_text = bound_path, None
            value = back(to_rdflib(_get(solution, "value")))
            if value is None and c.path is None:
                value = focus  # the value node of a node shape is its focus node
            bound_message = _get(solution, "message")
        else:
            focus = back(to_rdflib(solution["focus"]))
            if c.value_mode == "value":
                value = to_rdflib(solution["value"])
                if c.component == SH.ClosedConstraintComponent:
                    path, path_text = to_rdflib(solution["path"]), None
                value = along(focus, path, value) if isinstance(path, URIRef) else back(value)
            elif c.value_mode == "focus":
                value = focus
            else:
                value = None
        if bound_message is not None:
            text = fill_template(bound_message.value, solution, back)
        else:
            text = fill_template(c.message, solution, back) if c.template else c.message
        result = ValidationResult(c.severity, focus, path, value, text, c.shape, str(c.component), path_text=path_text)
        results.extend([result] * repeat)
    return results


def _get(solution, name: str):
    try:
        return solution[name]
    except (KeyError, IndexError):
        return None
