"""lmsgraph's one cache policy, in two rules.

- :func:`read_once`: what the package reads from its own files (the prefixes of the mapping
  table, the vocabulary, the check list) is read once per process. These answers are few and
  fixed, so the cache needs no bound.
- :func:`bounded` and :class:`BoundedMemo`: anything remembered by what a caller passes (an IRI
  to compact, a name to resolve, a query and its parameters) is kept in a least-recently-used
  cache of a fixed size, so a long-running process that sees endless new inputs stays the same size.

Between processes, :func:`lmsgraph.resources.kept_on_disk` keeps what is slow to make from the
package's own files in the user's cache, under a key of those files.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict

# The package's modules do not import typing at run time: a cold query would pay 3.5 ms for it
# (see lmsgraph.command). mypy reads the first branch (a name TYPE_CHECKING is typing's own
# constant to it); at run time the type variables are placeholders and ``Generic`` is a base
# whose subscript (``BoundedMemo[str, int]``) is the class itself, as typing's is in effect.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Hashable
    from typing import Generic, TypeVar

    F = TypeVar("F", bound=Callable[..., object])
    K = TypeVar("K", bound=Hashable)
    V = TypeVar("V")
else:
    K = V = None

    class Generic:
        def __class_getitem__(cls, params):
            return cls


#: The default size of a bounded cache.
DEFAULT_SIZE = 1 << 16


def read_once(function: F) -> F:
    """Cache a function of the package's own files for the life of the process."""
    return functools.cache(function)  # type: ignore[return-value]


def bounded(maxsize: int = DEFAULT_SIZE) -> Callable[[F], F]:
    """Cache a pure function of caller input in a least-recently-used cache of ``maxsize`` entries."""

    def wrap(function: F) -> F:
        return functools.lru_cache(maxsize=maxsize)(function)  # type: ignore[return-value]

    return wrap


class BoundedMemo(Generic[K, V]):
    """A least-recently-used mapping of at most ``maxsize`` entries, for memos kept by an object.

    >>> memo = BoundedMemo[str, int](2)
    >>> memo.put("a", 1); memo.put("b", 2); memo.get("a"); memo.put("c", 3)
    1
    >>> memo.get("b") is None, memo.get("a"), memo.get("c")
    (True, 1, 3)
    """

    def __init__(self, maxsize: int = DEFAULT_SIZE) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)
