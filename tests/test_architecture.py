"""The package's layers: no module imports, even from inside a function, a module that imports it
back, directly or through others."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "lmsgraph"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports anywhere in its text."""
    modules = {module_name(p): p for p in SRC.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that reach each other (strongly connected, more than one module)."""
    order, low, on_stack, stack, groups = {}, {}, set(), [], []

    def visit(node: str) -> None:
        order[node] = low[node] = len(order)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in order:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], order[other])
        if low[node] == order[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in order:
            visit(node)
    return groups


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_in_the_package():
    assert cycles(import_graph()) == []


def test_the_lmsg_namespace_is_written_once():
    """Code takes lmsgraph's namespaces from lmsgraph.prefixes; only docstrings (examples) spell them."""
    spelled = []
    for path in SRC.rglob("*.py"):
        if path.name == "prefixes.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and "w3id.org/lmsgraph" in node.value
            ):
                spelled.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert spelled == []


def test_a_csv_cell_and_a_query_parameter_name_the_same_term():
    """One resolver: a case record's cell resolves a name as a query parameter does."""
    import lmsgraph
    from lmsgraph.inputs import resolve_term

    kg = lmsgraph.connect()
    for name in ("liver", "desmin", "EBV-associated leiomyosarcoma", "inflammatory LMS", "retroperitoneum"):
        assert resolve_term(name) == kg.resolver.resolve_one(name).iri, name


def test_the_curie_converter_agrees_with_the_curies_library():
    """lmsgraph's converter gives what curies.Converter gives for the same prefix map, for every
    IRI of the bundled graph (subjects, predicates, objects) and back."""
    import curies

    import lmsgraph
    from lmsgraph.prefixes import converter

    ours = converter()
    reference = curies.Converter.from_prefix_map(ours.prefix_map)
    iris = {str(t) for triple in lmsgraph.load() for t in triple if type(t).__name__ == "URIRef"}
    assert len(iris) > 500
    for iri in sorted(iris):
        compact = ours.compress(iri, passthrough=True)
        assert compact == reference.compress(iri, passthrough=True), iri
        if compact != iri:
            assert ours.expand(compact) == reference.expand(compact) == iri


def test_one_cache_policy():
    """Caches come from lmsgraph.caching: no module reaches for functools' caches itself."""
    found = []
    for path in SRC.rglob("*.py"):
        if path.name == "caching.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "functools":
                found += [f"{path.relative_to(SRC)}: {a.name}" for a in node.names if "cache" in a.name]
            elif isinstance(node, ast.Attribute) and node.attr in ("cache", "lru_cache", "cached_property"):
                if isinstance(node.value, ast.Name) and node.value.id == "functools":
                    found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert found == []


def test_each_namedtuple_has_the_fields_and_defaults_of_the_twin_mypy_reads():
    """The records of the cold query path are namedtuples at run time and NamedTuple classes under
    TYPE_CHECKING (for mypy): both must name the same fields, in order, with the same defaults."""
    import importlib

    twins = 0
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            if not any(isinstance(b, ast.Name) and b.id == "NamedTuple" for b in node.bases):
                continue
            fields = [s.target.id for s in node.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
            defaults = {
                s.target.id: ast.literal_eval(s.value)
                for s in node.body
                if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name) and s.value is not None
            }
            module = importlib.import_module(module_name(path))
            runtime = getattr(module, node.name)
            assert list(runtime._fields) == fields, (path.name, node.name)
            assert runtime._field_defaults == defaults, (path.name, node.name)
            twins += 1
    assert twins >= 6
