"""A small thread-safe memo of recent results, for figures that only change with a new run or review.

Web requests run in several threads: one lock guards the table, and a value is built outside it
(two threads may build the same value once each; neither sees a half-updated table).
"""
from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import Callable, Hashable, TypeVar

T = TypeVar("T")


class Memo:
    """The last ``size`` results by key, least recently used dropped first."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = Lock()

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]  # type: ignore[return-value]
        value = build()
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
