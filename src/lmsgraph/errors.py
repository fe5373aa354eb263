"""Every exception lmsgraph raises on purpose, in one tree.

Each derives from :class:`LmsgraphError` and from the builtin that fits it, so a caller can
catch either, and each name ends in ``Error``:

- :class:`DataError` (``ValueError``): a data file or a value in it is wrong;
  :class:`UnknownNameError` (also ``LookupError``) a name no term has, :class:`WrongKindError`
  a term of another kind than asked for.
- :class:`UsageError` (``ValueError``): an argument or setting is not one lmsgraph accepts (an
  unknown format, engine or authentication scheme); the data is not at fault;
  :class:`RefusedRequestError` a request ``lmsgraph serve`` refuses, with its HTTP status.
- :class:`QueryError` (``ValueError``): a query cannot run as written; :class:`EndpointError`
  (also ``OSError``) a SPARQL endpoint failed, refused or could not be reached;
  :class:`QueryLimitError` a query reached its time or row limit.
- :class:`PushError` (``OSError``): a graph store refused the graph or could not be reached.
- :class:`UnsupportedError` (``NotImplementedError``): the compiled SHACL engine cannot give
  the exact report; :class:`RewrittenError` because of how Oxigraph stores a literal.
- :class:`ValidationFailureError` (``RuntimeError``): SHACL validation could not be completed.
- :class:`ToolMissingError`, :class:`ReasonerError` (``RuntimeError``): an external program is
  missing, or the reasoner failed.
"""

from __future__ import annotations


class LmsgraphError(Exception):
    """Base class of every error lmsgraph raises on purpose.

    The message can name where the problem is: a file and line, a field and its value.
    """

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
        from lmsgraph.display import escape_controls, shown

        what = ""
        if self.field is not None:
            what = f"field {shown(self.field)}"
            if self.value is not None:
                what += f" value {shown(self.value)}"
            what += ": "
        elif self.value is not None:
            what = f"value {shown(self.value)}: "
        return escape_controls(f"{where}{what}{_cut_lines(self.message)}")


#: The longest line of a message; the rest of a longer one is left out, saying how much.
LONGEST_LINE = 500


def _cut_lines(message: str) -> str:
    """``message`` with every line cut to :data:`LONGEST_LINE` characters (a parser's error can
    quote a whole line of the input)."""
    if len(message) <= LONGEST_LINE:
        return message
    return "\n".join(
        line if len(line) <= LONGEST_LINE else f"{line[:LONGEST_LINE]}... ({len(line) - LONGEST_LINE} more characters)"
        for line in message.split("\n")
    )


class DataError(LmsgraphError, ValueError):
    """A data file or a value in it is wrong. The message names the file, line, field and value."""


class ToolMissingError(LmsgraphError, RuntimeError):
    """An external program that a check needs (Java, the OWL API, rapper) is not installed."""


class ReasonerError(LmsgraphError, RuntimeError):
    """The reasoner or the OWL profile checker failed or found the ontology inconsistent."""


class UnknownNameError(DataError, LookupError):
    """A name that no term of the graph has; the message lists the closest names."""


class WrongKindError(UnknownNameError):
    """A name of a term of another kind than the one asked for (a marker where an entity is expected)."""


class UsageError(LmsgraphError, ValueError):
    """An argument or setting is not one lmsgraph accepts; the message says what would be."""


class QueryError(LmsgraphError, ValueError):
    """A query cannot run as written: bad syntax, an unsupported form, a parameter it cannot take."""


class EndpointError(QueryError, OSError):
    """A SPARQL endpoint failed, refused the query or the credentials, or could not be reached."""


class QueryLimitError(QueryError):
    """A local query reached its time or row limit (``--timeout``, ``--max-rows``)."""


class QueryCancelledError(QueryLimitError):
    """Inside a query's worker thread: its caller stopped waiting (a limit, or Ctrl-C)."""


class RefusedRequestError(UsageError):
    """``lmsgraph serve`` refuses a request; ``status`` is the HTTP status it answers with (400 a
    malformed or refused query, 406 no format the client accepts, 413 a request too large, 415 a
    body of a type the endpoint does not read, 503 too many queries running)."""

    def __init__(self, message: str, *, status: int = 400, field: str | None = None, value: object = None) -> None:
        self.status = status
        super().__init__(message, field=field, value=value)


class PushError(LmsgraphError, OSError):
    """A graph store refused the graph or could not be reached."""


class UnsupportedError(LmsgraphError, NotImplementedError):
    """The shapes (or the data) need something the compiled SHACL engine does not do exactly."""


class RewrittenError(UnsupportedError):
    """The data holds a literal that Oxigraph would store in another form, where that would show."""


class ValidationFailureError(LmsgraphError, RuntimeError):
    """Validation could not be completed: SHACL calls this a failure, as opposed to a result."""
