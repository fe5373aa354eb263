"""The catalogue of canned SPARQL queries in ``queries/*.rq``.

Each file starts with a header of ``#+`` lines holding YAML: ``summary``, ``tags`` and
``params`` (name -> kind, example, description). Parameter values are bound as RDF terms
through Oxigraph's substitutions; they never become part of the query text.
"""

from __future__ import annotations

import os
import re
from collections import namedtuple

from lmsgraph.display import shown
from lmsgraph.errors import DataError, UsageError
from lmsgraph.headers import cached_yaml_header
from lmsgraph.prefixes import LMSG_NS
from lmsgraph.resolve import Kind
from lmsgraph.resources import data_folder, files_in

# Records as namedtuples rather than dataclasses, whose import (inspect with it) a cold query
# would pay for (see lmsgraph.command); mypy reads the same fields from the NamedTuple twins.
TYPE_CHECKING = False  # typing's own constant, without importing typing
if TYPE_CHECKING:
    from typing import NamedTuple

    class _ParamFields(NamedTuple):
        name: str
        kind: str
        example: str
        description: str = ""

    class _QueryFields(NamedTuple):
        name: str
        path: str  # the .rq file
        summary: str
        text: str
        tags: tuple[str, ...] = ()
        params: tuple[Param, ...] = ()

else:
    _ParamFields = namedtuple("_ParamFields", ("name", "kind", "example", "description"), defaults=("",))
    _QueryFields = namedtuple("_QueryFields", ("name", "path", "summary", "text", "tags", "params"), defaults=((), ()))


def _kind(name: str, description: str, roots: tuple[str, ...] = (), noun: str = "", mode: str = "term") -> Kind:
    return Kind(name, description, tuple(LMSG_NS + r for r in roots), noun or name, mode)


#: What each parameter kind takes. A ``term`` parameter takes a label, synonym, CURIE,
#: external code or IRI naming a term of the graph below one of the kind's roots; a ``code``
#: an external code as given; ``text`` plain text.
PARAM_KINDS = {
    k.name: k
    for k in (
        _kind("entity", "a disease entity", ("DiseaseEntity",), "disease entity"),
        _kind("marker", "a marker", ("ImmunohistochemicalMarker", "MolecularMarker")),
        _kind("site", "an anatomic site", ("AnatomicSite",), "anatomic site"),
        _kind("virus", "a virus", ("Virus",)),
        _kind("feature", "a vocabulary term", ("Feature",), "vocabulary term"),
        _kind("polarity", "a polarity (present or positive, absent or negative)", ("Polarity",)),
        _kind("term", "a term of the graph"),
        _kind("code", "an external code (NCIT:C3158, ICDO:8890/3...) or its IRI", mode="code"),
        _kind("text", "text", mode="text"),
    )
}


class Param(_ParamFields):
    """One parameter of a canned query: its name, kind (a key of :data:`PARAM_KINDS`), an example value."""

    __slots__ = ()


class CannedQuery(_QueryFields):
    """One query of the catalogue."""

    __slots__ = ()


def parse_query_file(path: str | os.PathLike[str]) -> CannedQuery:
    """Read a ``.rq`` file and its ``#+`` header."""
    path = os.fspath(path)
    with open(path, encoding="utf-8") as file:
        text = file.read()
    meta, _ = cached_yaml_header(text.splitlines(), "#+", path)
    if not meta.get("summary"):
        raise DataError("header needs a 'summary'", path=path, line=1, field="summary")
    params = []
    for name, spec in (meta.get("params") or {}).items():
        if not isinstance(spec, dict) or spec.get("kind") not in PARAM_KINDS or "example" not in spec:
            raise DataError(
                f"parameter needs a kind (one of {', '.join(PARAM_KINDS)}) and an example",
                path=path,
                field=f"params.{name}",
                value=spec,
            )
        params.append(Param(name, spec["kind"], str(spec["example"]), str(spec.get("description", ""))))
    return CannedQuery(
        name=os.path.splitext(os.path.basename(path))[0],
        path=path,
        summary=str(meta["summary"]),
        text=text,
        tags=tuple(meta.get("tags") or ()),
        params=tuple(params),
    )


def catalogue() -> dict[str, CannedQuery]:
    """Every canned query, by name.

    >>> "markers-of-entity" in catalogue()
    True
    """
    return {q.name: q for q in map(parse_query_file, files_in(data_folder("queries"), ".rq"))}


def find_query(name: str, known: dict[str, CannedQuery] | None = None) -> CannedQuery:
    """The canned query ``name``, or the only one whose name starts with ``name-`` (``markers``
    for ``markers-of-entity``). Only that query's file is read."""
    folder = data_folder("queries")
    if known is not None and name in known:
        return known[name]
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", name) and os.path.isfile(os.path.join(folder, f"{name}.rq")):
        return parse_query_file(os.path.join(folder, f"{name}.rq"))
    names = [os.path.basename(p)[: -len(".rq")] for p in files_in(folder, ".rq")]
    candidates = [n for n in names if n.startswith(f"{name}-")]
    if len(candidates) == 1:
        return parse_query_file(os.path.join(folder, f"{candidates[0]}.rq"))
    if candidates:
        raise UsageError(f"{shown(name)} could be any of {', '.join(candidates)}", field="query", value=name)
    import difflib

    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `lmsgraph queries` lists them"
    raise UsageError(f"no canned query is called {shown(name)}{hint}", field="query", value=name)


def check_param_names(query: CannedQuery, params: dict[str, object]) -> tuple[Param, ...]:
    """The query's parameters, after checking that ``params`` gives each and nothing else."""
    known = {p.name: p for p in query.params}
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise UsageError(
            f"unknown parameter; {query.name} takes {', '.join(known) or 'none'}", field="params", value=unknown[0]
        )
    for name, param in known.items():
        if params.get(name) is None:
            raise UsageError(f"missing parameter --{name} (example: {param.example})", field=name)
    return query.params
