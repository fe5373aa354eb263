"""Equality by fields for the query layer's plain classes, as dataclasses have it.

The modules a cold ``lmsgraph query`` imports do without dataclasses (its import, with inspect,
took 8.8 ms of that command; see :mod:`lmsgraph.command`): their records are named tuples, and
their mutable classes (answers, claims, citations, profiles) write their ``__init__`` and take
this equality, which a dataclass would have given them.
"""

from __future__ import annotations


class ByFields:
    """Equal to an object of the same class whose attributes are equal; unhashable, since the
    attributes may change (a dataclass's ``eq=True`` without ``frozen``)."""

    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return vars(self) == vars(other)
