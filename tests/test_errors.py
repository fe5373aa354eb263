"""One error tree: every exception lmsgraph raises on purpose is in ``lmsgraph.errors``, derives
from ``LmsgraphError`` and from a builtin that fits it, and says so in its name."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import lmsgraph.errors as errors

SRC = Path(__file__).resolve().parent.parent / "src" / "lmsgraph"
BUILTINS = (ValueError, LookupError, OSError, RuntimeError, NotImplementedError)


def error_classes():
    return [c for _, c in inspect.getmembers(errors, inspect.isclass) if c.__module__ == errors.__name__]


@pytest.mark.parametrize("cls", error_classes(), ids=lambda c: c.__name__)
def test_every_error_has_the_base_a_builtin_and_the_suffix(cls):
    assert cls.__name__.endswith("Error")
    assert issubclass(cls, errors.LmsgraphError)
    if cls is not errors.LmsgraphError:
        assert issubclass(cls, BUILTINS), f"{cls.__name__} derives from no fitting builtin"


def test_no_exception_class_is_defined_elsewhere():
    """Outside errors.py the package defines no exception of its own (the CLI's click exception,
    which turns a failed check into exit 1, is the one exception: click needs its own type)."""
    found = []
    for path in SRC.rglob("*.py"):
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {ast.unparse(b) for b in node.bases}
                if any(b.endswith(("Error", "Exception")) for b in bases):
                    found.append(f"{path.relative_to(SRC)} {node.name}({', '.join(sorted(bases))})")
    assert found == ["cli/__init__.py CheckFailed(click.ClickException)"]


def test_the_builtin_raises_are_gone():
    """The package raises its own errors, never a bare ValueError, RuntimeError and the like."""
    bare = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                name = ast.unparse(node.exc.func)
                if name in {
                    "ValueError",
                    "RuntimeError",
                    "KeyError",
                    "TypeError",
                    "LookupError",
                    "OSError",
                    "Exception",
                    "NotImplementedError",
                }:
                    bare.append(f"{path.relative_to(SRC)}:{node.lineno} {name}")
    assert bare == []


def test_the_message_names_where():
    error = errors.UsageError("must be one of a, b", field="engine", value="c")
    assert str(error) == "field 'engine' value 'c': must be one of a, b"
    assert isinstance(error, ValueError)
    endpoint = errors.EndpointError("no answer")
    assert isinstance(endpoint, OSError) and isinstance(endpoint, errors.QueryError)
