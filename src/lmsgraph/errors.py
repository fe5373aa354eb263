"""Exceptions raised by lmsgraph. Each subclasses a builtin so callers can catch either."""

from __future__ import annotations


class LmsgraphError(Exception):
    """Base class of every error lmsgraph raises on purpose."""


class DataError(LmsgraphError, ValueError):
    """A data file or a value in it is wrong. The message names the file, line, field and value."""

    def __init__(
        self,
        message: str,
        *,
        path: object = None,
        line: int | None = None,
        field: str | None = None,
        value: object = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.field = field
        self.value = value
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        what = ""
        if self.field is not None:
            what = f"field {self.field!r}"
            if self.value is not None:
                what += f" value {self.value!r}"
            what += ": "
        elif self.value is not None:
            what = f"value {self.value!r}: "
        return f"{where}{what}{self.message}"


class ToolMissingError(LmsgraphError, RuntimeError):
    """An external program that a check needs (Java, the OWL API, rapper) is not installed."""


class ReasonerError(LmsgraphError, RuntimeError):
    """The reasoner or the OWL profile checker failed or found the ontology inconsistent."""
