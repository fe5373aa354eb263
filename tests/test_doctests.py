"""The examples in the package's docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import lmsgraph

MODULES = sorted(m.name for m in pkgutil.walk_packages(lmsgraph.__path__, "lmsgraph.") if m.name != "lmsgraph.__main__")


@pytest.mark.parametrize("name", ["lmsgraph", *MODULES])
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed"
