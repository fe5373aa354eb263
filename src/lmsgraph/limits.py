"""Limits on a local query: a deadline and a largest number of rows.

Oxigraph and rdflib have no way to stop a query from outside, so a bounded query runs on a
worker thread while the calling thread waits for it in short slices. Oxigraph works without
Python's global lock, so the caller keeps running: at the deadline it raises
:class:`~lmsgraph.errors.QueryLimitError`, and Ctrl-C reaches it within a tenth of a second.
The worker reads the answer row by row and stops at the first row past the limit, or as soon
as the caller has given up; only an engine's single uninterruptible step (sorting, grouping)
runs on after that, on a daemon thread that the command line does not wait for.
"""

from __future__ import annotations

import threading
import time
from collections import namedtuple

from lmsgraph.errors import QueryCancelledError, QueryLimitError, UsageError

TYPE_CHECKING = False  # typing's own constant, without importing typing (see lmsgraph.command)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from typing import Any, NamedTuple, TypeVar

    T = TypeVar("T")
    R = TypeVar("R")
    Rows = Callable[[Iterable[T]], Iterator[T]]

    class _LimitsFields(NamedTuple):
        timeout: float | None = None
        max_rows: int | None = None

else:
    # A namedtuple rather than a frozen dataclass, whose import a cold query would pay for.
    _LimitsFields = namedtuple("_LimitsFields", ("timeout", "max_rows"), defaults=(None, None))
_SLICE = 0.1


def every_row(rows: Iterable[T]) -> Iterator[T]:
    """The rows of an answer with no limits."""
    return iter(rows)


def within(limits: Limits | None, work: Callable[[Rows[Any]], R]) -> R:
    """``work(rows)`` under ``limits`` (see :meth:`Limits.run`), or simply called when there are none."""
    if limits is None or limits.unbounded:
        return work(every_row)
    return limits.run(work)  # type: ignore[return-value]


class Limits(_LimitsFields):
    """``timeout`` in seconds for the whole answer and ``max_rows``; None for no limit."""

    __slots__ = ()

    def __new__(cls, timeout: float | None = None, max_rows: int | None = None) -> Limits:
        if timeout is not None and not timeout > 0:
            raise UsageError("the timeout must be a positive number of seconds", field="timeout", value=timeout)
        if max_rows is not None and max_rows < 0:
            raise UsageError("the row limit cannot be negative", field="max_rows", value=max_rows)
        return super().__new__(cls, timeout, max_rows)

    @property
    def unbounded(self) -> bool:
        return self.timeout is None and self.max_rows is None

    def run(self, work: Callable[[Callable[[Iterable[T]], Iterator[T]]], object]) -> object:
        """``work(rows)`` on a worker thread, where ``rows(iterable)`` yields the answer's rows
        under these limits; its result, or the error that stopped it."""
        cancel = threading.Event()
        max_rows = self.max_rows

        def rows(iterable: Iterable[T]) -> Iterator[T]:
            for n, row in enumerate(iterable, start=1):
                if cancel.is_set():
                    raise QueryCancelledError("the caller stopped waiting")
                if max_rows is not None and n > max_rows:
                    raise QueryLimitError(
                        f"the answer has more than {max_rows:,} rows (--max-rows); "
                        "ask for less (LIMIT, a narrower pattern) or raise the limit"
                    )
                yield row

        outcome: dict[str, object] = {}

        def target() -> None:
            try:
                outcome["value"] = work(rows)
            except BaseException as exc:  # handed to the caller below
                # Without its traceback, so that the engine's objects in the worker's frames are
                # freed on this thread (pyoxigraph's answers may not be dropped on another).
                outcome["error"] = exc.with_traceback(None)

        worker = threading.Thread(target=target, name="lmsgraph-query", daemon=True)
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        worker.start()
        try:
            while worker.is_alive():
                left = _SLICE if deadline is None else min(_SLICE, deadline - time.monotonic())
                if left <= 0:
                    raise QueryLimitError(
                        f"the query did not finish within {self.timeout:g} s (--timeout); narrow it, or allow more time"
                    )
                worker.join(left)
        finally:
            cancel.set()
        if "error" in outcome:
            raise outcome["error"]  # type: ignore[misc]
        return outcome.get("value")
