"""A SHACL engine that compiles shapes into SPARQL queries and runs them on Oxigraph.

Each constraint of each targeted shape becomes one query that returns the focus nodes
(and value nodes) that break it, so a constraint is checked for every focus node at
once instead of node by node. The engine covers the part of SHACL Core and SHACL-SPARQL
that lmsgraph's shapes use:

- targets: ``sh:targetClass``, ``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``;
- paths: predicates, inverse, sequence, alternative, zero-or-more, one-or-more, zero-or-one;
- value constraints: class, datatype (``xsd:string``, ``rdf:langString`` and the numeric,
  boolean and date types), nodeKind, in, hasValue, pattern, languageIn, min/max
  inclusive/exclusive, min/max length, node, or, and, not;
- cardinality (minCount, maxCount), closed, lessThanOrEquals;
- SPARQL-based constraints (``sh:sparql`` with ``sh:select``) with ``{?var}`` messages.

Anything else raises :class:`Unsupported`, and :func:`lmsgraph.validation.validate`
falls back to pyshacl. The compiled engine is tested to give the same report as pyshacl
on every fixture and on synthetic cases.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD

from lmsgraph.errors import LmsgraphError
from lmsgraph.validation.report import ValidationResult

RDF_LANGSTRING = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")
_TYPE_PATH = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"

# Lexical forms the engine accepts as well formed, by datatype. Oxigraph stores the
# types derived from xsd:integer (xsd:positiveInteger, ...) as xsd:integer, so shapes that
# ask for them cannot be compiled and go to pyshacl.
LEXICAL = {
    XSD.string: None,
    XSD.integer: r"^[+-]?[0-9]+$",
    XSD.decimal: r"^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$",
    XSD.boolean: r"^(true|false|1|0)$",
    XSD.date: r"^-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD.anyURI: None,
}

NODE_KINDS = {
    SH.IRI: "!isIRI({v})",
    SH.BlankNode: "!isBlank({v})",
    SH.Literal: "!isLiteral({v})",
    SH.BlankNodeOrIRI: "isLiteral({v})",
    SH.BlankNodeOrLiteral: "isIRI({v})",
    SH.IRIOrLiteral: "isBlank({v})",
}

COMPARISONS = {
    SH.minInclusive: (">=", SH.MinInclusiveConstraintComponent),
    SH.maxInclusive: ("<=", SH.MaxInclusiveConstraintComponent),
    SH.minExclusive: (">", SH.MinExclusiveConstraintComponent),
    SH.maxExclusive: ("<", SH.MaxExclusiveConstraintComponent),
}

# Parameters that are handled, by component; anything else on a shape is unsupported.
HANDLED = {
    SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.hasValue, SH.pattern, SH.flags,
    SH.languageIn, SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive,
    SH.minLength, SH.maxLength, SH.node, SH["or"], SH["and"], SH["not"], SH.minCount,
    SH.maxCount, SH.closed, SH.ignoredProperties, SH.lessThanOrEquals, SH.sparql, SH.property,
}
IGNORED = {
    RDF.type, SH.message, SH.severity, SH.path, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
    SH.targetObjectsOf, SH.name, SH.description, SH.order, SH.group, SH.deactivated,
    URIRef("http://www.w3.org/2000/01/rdf-schema#label"), URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
}


class Unsupported(LmsgraphError):
    """The shapes use a SHACL feature the compiled engine does not implement."""


def sparql_term(term) -> str:
    """A term in SPARQL syntax."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3()
    raise Unsupported(f"a blank node cannot be written into a query: {term!r}")


@dataclass
class Compiled:
    """One constraint of one shape, as a query over all focus nodes at once."""

    shape: object
    component: URIRef
    severity: str
    messages: tuple[Literal, ...]
    query: str
    path: object = None
    path_text: str | None = None
    value_mode: str = "value"  # "value": ?value is the value node; "focus": the focus node; "none"
    template: bool = False


class Compiler:
    def __init__(self, shapes: Graph, prefixes: Callable[[str], str] | None = None) -> None:
        self.g = shapes
        self.fresh = itertools.count(1)
        self.compact = prefixes or (lambda iri: f"<{iri}>")

    # -- helpers ---------------------------------------------------------------------

    def one(self, node, prop):
        values = list(self.g.objects(node, prop))
        if len(values) > 1:
            raise Unsupported(f"{node} has several {prop}")
        return values[0] if values else None

    def var(self) -> str:
        return f"?_v{next(self.fresh)}"

    def items(self, node) -> list:
        return list(Collection(self.g, node))

    def severity(self, shape) -> str:
        sev = self.one(shape, SH.severity) or SH.Violation
        name = str(sev)[len(str(SH)):]
        if name not in ("Violation", "Warning", "Info"):
            raise Unsupported(f"severity {sev}")
        return name

    def messages(self, node) -> tuple[Literal, ...]:
        return tuple(sorted(self.g.objects(node, SH.message), key=lambda m: (m.language or "", str(m))))

    def check_parameters(self, shape) -> None:
        for p in set(self.g.predicates(shape, None)):
            if p not in HANDLED and p not in IGNORED:
                raise Unsupported(f"shape {shape} uses {p}")
        if (shape, SH.deactivated, Literal(True)) in self.g:
            raise Unsupported("deactivated shapes")

    # -- paths -----------------------------------------------------------------------

    def path(self, node) -> str:
        """The SHACL path at ``node`` in SPARQL property path syntax."""
        return self._path(node, lambda iri: f"<{iri}>", sparql=True)

    def path_text(self, node) -> str:
        """The same path with CURIEs, for people."""
        return self._path(node, lambda iri: self.compact(str(iri)), sparql=False)

    def _path(self, node, name, *, sparql: bool) -> str:
        if isinstance(node, URIRef):
            return name(node)
        if (node, RDF.first, None) in self.g:
            inner = "/".join(self._path(p, name, sparql=sparql) for p in self.items(node))
            return f"({inner})" if sparql else inner
        for prop, op in ((SH.inversePath, "^"), (SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
            inner = self.one(node, prop)
            if inner is not None:
                text = self._path(inner, name, sparql=sparql)
                text = f"({text})" if sparql else text
                return f"^{text}" if op == "^" else f"{text}{op}"
        alt = self.one(node, SH.alternativePath)
        if alt is not None:
            return "(" + "|".join(self._path(p, name, sparql=sparql) for p in self.items(alt)) + ")"
        raise Unsupported(f"path {node}")

    # -- targets ---------------------------------------------------------------------

    def targets(self, shape, var: str = "?focus") -> str | None:
        parts = []
        for c in self.g.objects(shape, SH.targetClass):
            parts.append(f"{{ {var} {_TYPE_PATH} {sparql_term(c)} . }}")
        nodes = list(self.g.objects(shape, SH.targetNode))
        if nodes:
            parts.append(f"{{ VALUES {var} {{ {' '.join(sparql_term(n) for n in nodes)} }} }}")
        for p in self.g.objects(shape, SH.targetSubjectsOf):
            parts.append(f"{{ {var} {sparql_term(p)} [] . }}")
        for p in self.g.objects(shape, SH.targetObjectsOf):
            parts.append(f"{{ [] {sparql_term(p)} {var} . }}")
        if (shape, SH.target, None) in self.g:
            raise Unsupported("SPARQL-based targets")
        if (shape, RDF.type, URIRef("http://www.w3.org/2000/01/rdf-schema#Class")) in self.g:
            raise Unsupported("implicit class targets")
        if not parts:
            return None
        return "{ SELECT DISTINCT " + var + " WHERE { " + " UNION ".join(parts) + " } }"

    # -- value constraints -----------------------------------------------------------

    def value_violations(self, shape, v: str) -> Iterator[tuple[URIRef, str]]:
        """(component, expression) pairs: the expression is true when value ``v`` breaks the constraint."""
        g = self.g
        for c in g.objects(shape, SH["class"]):
            yield SH.ClassConstraintComponent, f"NOT EXISTS {{ {v} {_TYPE_PATH} {sparql_term(c)} . }}"
        for d in g.objects(shape, SH.datatype):
            if d == RDF_LANGSTRING:
                yield SH.DatatypeConstraintComponent, f"!(isLiteral({v}) && LANG({v}) != \"\")"
                continue
            if d not in LEXICAL:
                raise Unsupported(f"datatype {d}")
            ok = f"isLiteral({v}) && DATATYPE({v}) = {sparql_term(d)}"
            if LEXICAL[d]:
                ok += f" && REGEX(STR({v}), {Literal(LEXICAL[d]).n3()})"
            yield SH.DatatypeConstraintComponent, f"!({ok})"
        for k in g.objects(shape, SH.nodeKind):
            yield SH.NodeKindConstraintComponent, NODE_KINDS[k].format(v=v)
        for lst in g.objects(shape, SH["in"]):
            members = self.items(lst)
            same = " || ".join(f"sameTerm({v}, {sparql_term(m)})" for m in members) or "false"
            yield SH.InConstraintComponent, f"!({same})"
        for pattern in g.objects(shape, SH.pattern):
            flags = self.one(shape, SH.flags)
            args = f"STR({v}), {Literal(str(pattern)).n3()}" + (f", {Literal(str(flags)).n3()}" if flags else "")
            yield SH.PatternConstraintComponent, f"(isBlank({v}) || !REGEX({args}))"
        for lst in g.objects(shape, SH.languageIn):
            langs = " || ".join(f"LANGMATCHES(LANG({v}), {Literal(str(t)).n3()})" for t in self.items(lst)) or "false"
            yield SH.LanguageInConstraintComponent, f"!(isLiteral({v}) && ({langs}))"
        for prop, (op, component) in COMPARISONS.items():
            for bound in g.objects(shape, prop):
                yield component, f"!COALESCE({v} {op} {sparql_term(bound)}, false)"
        for prop, op, component in ((SH.minLength, "<", SH.MinLengthConstraintComponent),
                                    (SH.maxLength, ">", SH.MaxLengthConstraintComponent)):
            for n in g.objects(shape, prop):
                yield component, f"(isBlank({v}) || STRLEN(STR({v})) {op} {int(n)})"
        for s in g.objects(shape, SH.node):
            yield SH.NodeConstraintComponent, f"!({self.conforms(s, v)})"
        for lst in g.objects(shape, SH["or"]):
            yield SH.OrConstraintComponent, "!(" + (" || ".join(f"({self.conforms(s, v)})" for s in self.items(lst)) or "false") + ")"
        for lst in g.objects(shape, SH["and"]):
            yield SH.AndConstraintComponent, "!(" + (" && ".join(f"({self.conforms(s, v)})" for s in self.items(lst)) or "true") + ")"
        for s in g.objects(shape, SH["not"]):
            yield SH.NotConstraintComponent, f"({self.conforms(s, v)})"

    def conforms(self, shape, v: str) -> str:
        """A SPARQL expression that is true when the node in ``v`` conforms to ``shape``."""
        self.check_parameters(shape)
        for p in (SH.closed, SH.sparql, SH.lessThanOrEquals):
            if (shape, p, None) in self.g:
                raise Unsupported(f"{p} in a nested shape")
        parts = []
        path = self.one(shape, SH.path)
        if path is not None:
            parts.extend(self.nested_property(shape, v))
        else:
            parts.extend(f"!({expr})" for _, expr in self.value_violations(shape, v))
            for s in self.g.objects(shape, SH.hasValue):
                parts.append(f"sameTerm({v}, {sparql_term(s)})")
            for p in (SH.minCount, SH.maxCount):
                if (shape, p, None) in self.g:
                    raise Unsupported(f"{p} on a node shape")
        for prop in self.g.objects(shape, SH.property):
            self.check_parameters(prop)
            parts.extend(self.nested_property(prop, v))
        return " && ".join(parts) if parts else "true"

    def nested_property(self, prop, focus: str) -> list[str]:
        for p in (SH.closed, SH.sparql, SH.lessThanOrEquals, SH.property):
            if (prop, p, None) in self.g:
                raise Unsupported(f"{p} in a nested property shape")
        path = self.path(self.one(prop, SH.path))
        parts = []
        x = self.var()
        for _, expr in self.value_violations(prop, x):
            parts.append(f"NOT EXISTS {{ {focus} {path} {x} . FILTER ({expr}) }}")
        for value in self.g.objects(prop, SH.hasValue):
            parts.append(f"EXISTS {{ {focus} {path} {sparql_term(value)} . }}")
        for n in self.g.objects(prop, SH.minCount):
            if int(n) == 1:
                parts.append(f"EXISTS {{ {focus} {path} {self.var()} . }}")
            elif int(n) > 1:
                raise Unsupported("minCount above 1 in a nested shape")
        for n in self.g.objects(prop, SH.maxCount):
            a, b = self.var(), self.var()
            if int(n) == 0:
                parts.append(f"NOT EXISTS {{ {focus} {path} {a} . }}")
            elif int(n) == 1:
                parts.append(f"NOT EXISTS {{ {focus} {path} {a} . {focus} {path} {b} . FILTER (!sameTerm({a}, {b})) }}")
            else:
                raise Unsupported("maxCount above 1 in a nested shape")
        return parts

    # -- top-level shapes ------------------------------------------------------------

    def compile(self) -> list[Compiled]:
        out: list[Compiled] = []
        shapes = set()
        for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
            shapes.update(self.g.subjects(p, None))
        for shape in sorted(shapes, key=str):
            if (shape, SH.deactivated, Literal(True)) in self.g:
                continue
            self.check_parameters(shape)
            focus = self.targets(shape)
            if self.one(shape, SH.path) is not None:
                out.extend(self.property_shape(shape, focus))
                continue
            out.extend(self.node_shape(shape, focus))
            for prop in sorted(self.g.objects(shape, SH.property), key=str):
                if (prop, SH.deactivated, Literal(True)) in self.g:
                    continue
                self.check_parameters(prop)
                out.extend(self.property_shape(prop, focus))
        return out

    def _messages_required(self, shape) -> tuple[Literal, ...]:
        messages = self.messages(shape)
        if not messages:
            raise Unsupported(f"shape {shape} has no sh:message")
        return messages

    def node_shape(self, shape, focus: str) -> Iterator[Compiled]:
        severity = self.severity(shape)
        for component, expr in self.value_violations(shape, "?focus"):
            yield Compiled(shape, component, severity, self._messages_required(shape),
                           f"SELECT DISTINCT ?focus WHERE {{ {focus} FILTER ({expr}) }}", value_mode="focus")
        for value in self.g.objects(shape, SH.hasValue):
            yield Compiled(shape, SH.HasValueConstraintComponent, severity, self._messages_required(shape),
                           f"SELECT DISTINCT ?focus WHERE {{ {focus} FILTER (!sameTerm(?focus, {sparql_term(value)})) }}",
                           value_mode="focus")
        if (shape, SH.closed, Literal(True)) in self.g:
            allowed = {self.one(p, SH.path) for p in self.g.objects(shape, SH.property)}
            for lst in self.g.objects(shape, SH.ignoredProperties):
                allowed.update(self.items(lst))
            if any(not isinstance(a, URIRef) for a in allowed):
                raise Unsupported("closed shapes with complex property paths")
            keep = " && ".join(f"!sameTerm(?path, {sparql_term(a)})" for a in sorted(allowed, key=str)) or "true"
            yield Compiled(shape, SH.ClosedConstraintComponent, severity, self._messages_required(shape),
                           f"SELECT DISTINCT ?focus ?path ?value WHERE {{ {focus} ?focus ?path ?value . FILTER ({keep}) }}")
        for constraint in self.g.objects(shape, SH.sparql):
            yield self.sparql_constraint(shape, constraint, focus, severity)

    def property_shape(self, prop, focus: str) -> Iterator[Compiled]:
        path_node = self.one(prop, SH.path)
        path = self.path(path_node)
        text = self.path_text(path_node)
        severity = self.severity(prop)
        messages = self._messages_required(prop)

        def make(component, query, mode="value"):
            return Compiled(prop, component, severity, messages, query, path=path_node, path_text=text, value_mode=mode)

        for component, expr in self.value_violations(prop, "?value"):
            yield make(component, f"SELECT DISTINCT ?focus ?value WHERE {{ {focus} ?focus {path} ?value . FILTER ({expr}) }}")
        for n in self.g.objects(prop, SH.minCount):
            yield make(SH.MinCountConstraintComponent,
                       f"SELECT ?focus WHERE {{ {{ SELECT ?focus (COUNT(DISTINCT ?value) AS ?n) WHERE {{ {focus} "
                       f"OPTIONAL {{ ?focus {path} ?value . }} }} GROUP BY ?focus }} FILTER (?n < {int(n)}) }}", "none")
        for n in self.g.objects(prop, SH.maxCount):
            yield make(SH.MaxCountConstraintComponent,
                       f"SELECT ?focus WHERE {{ {{ SELECT ?focus (COUNT(DISTINCT ?value) AS ?n) WHERE {{ {focus} "
                       f"?focus {path} ?value . }} GROUP BY ?focus }} FILTER (?n > {int(n)}) }}", "none")
        for value in self.g.objects(prop, SH.hasValue):
            yield make(SH.HasValueConstraintComponent,
                       f"SELECT DISTINCT ?focus WHERE {{ {focus} FILTER NOT EXISTS {{ ?focus {path} {sparql_term(value)} . }} }}",
                       "none")
        for other in self.g.objects(prop, SH.lessThanOrEquals):
            yield make(SH.LessThanOrEqualsConstraintComponent,
                       f"SELECT DISTINCT ?focus ?value WHERE {{ {focus} ?focus {path} ?value . ?focus {sparql_term(other)} ?other . "
                       f"FILTER (!COALESCE(?value <= ?other, false)) }}")
        if (prop, SH.sparql, None) in self.g or (prop, SH.closed, None) in self.g:
            raise Unsupported("SPARQL constraints or closed on property shapes")

    def sparql_constraint(self, shape, constraint, focus: str, severity: str) -> Compiled:
        select = self.one(constraint, SH.select)
        if select is None:
            raise Unsupported("SPARQL constraints without sh:select")
        text = str(select)
        if re.search(r"\$(PATH|currentShape|shapesGraph)\b", text):
            raise Unsupported("SPARQL constraints with $PATH, $currentShape or $shapesGraph")
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in self.declared_prefixes(constraint))
        body = text.replace("$this", "?this")
        match = re.search(r"\bWHERE\s*\{", body, re.IGNORECASE)
        if match is None:
            raise Unsupported("SPARQL constraint without WHERE")
        body = body[: match.end()] + " " + focus.replace("?focus", "?this") + " " + body[match.end():]
        messages = self.messages(constraint) or self._messages_required(shape)
        return Compiled(shape, SH.SPARQLConstraintComponent, severity, messages, prologue + body,
                        value_mode="sparql", template=True)

    def declared_prefixes(self, constraint) -> list[tuple[str, str]]:
        out = []
        for source in self.g.objects(constraint, SH.prefixes):
            for decl in self.g.objects(source, SH.declare):
                out.append((str(self.one(decl, SH.prefix)), str(self.one(decl, SH.namespace))))
        return sorted(set(out))


def to_rdflib(term):
    """An Oxigraph term as an rdflib term."""
    import pyoxigraph

    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


_TEMPLATE = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")


def fill_template(message: str, solution) -> str:
    """Replace ``{?var}`` and ``{$this}`` in a message with the solution's values."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        term = _get(solution, name)
        return str(to_rdflib(term)) if term is not None else match.group(0)

    return _TEMPLATE.sub(value, message)


def run_compiled(store, compiled: list[Compiled], *, progress: Callable[[str], None] | None = None) -> list[ValidationResult]:
    """Run the compiled constraints on an Oxigraph store."""
    results: list[ValidationResult] = []
    for n, c in enumerate(compiled, 1):
        if progress:
            progress(f"constraint {n}/{len(compiled)}: {c.shape} {str(c.component).rsplit('#', 1)[-1]}")
        for solution in store.query(c.query):
            if c.value_mode == "sparql":
                focus = to_rdflib(_get(solution, "this"))
                path = to_rdflib(_get(solution, "path"))
                value = to_rdflib(_get(solution, "value")) or focus
                path_text = None
            else:
                focus = to_rdflib(solution["focus"])
                path, path_text = c.path, c.path_text
                if c.value_mode == "value":
                    value = to_rdflib(solution["value"])
                    if c.component == SH.ClosedConstraintComponent:
                        path = to_rdflib(solution["path"])
                elif c.value_mode == "focus":
                    value = focus
                else:
                    value = None
            for message in c.messages:
                text = fill_template(str(message), solution) if c.template else str(message)
                results.append(ValidationResult(c.severity, focus, path, value, text, c.shape, str(c.component),
                                                path_text=path_text))
    return results


def _get(solution, name: str):
    try:
        return solution[name]
    except (KeyError, IndexError):
        return None
