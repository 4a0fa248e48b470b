"""What a web process keeps while the database says it still holds: one bounded LRU map for every such memo.

The dashboard's summaries (`monitoring/board_memo.py`) and the list API's encoded pages
(`targets/list_memo.py`) are both kept under a key that carries a stamp read from the database on
every request, so workers stay stateless. The memo only bounds what is kept: by count, by weight
(e.g. bytes) and by age. The age also bounds what a write committed out of its timestamps' order
(read committed) could leave unseen behind an unchanged stamp.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

MAX_AGE = 60.0  # seconds


class Memo(Generic[K, V]):
    """Least-recently-used values shared by the threads of one process, at most `size` of them, `max_weight`
    in all by `weigh` (an entry heavier than `max_entry` is not kept), none older than `max_age` seconds."""

    def __init__(
        self,
        size: int = 1 << 30,
        *,
        weigh: Callable[[V], int] = lambda _value: 0,
        max_weight: int = 1 << 62,
        max_entry: int = 1 << 62,
        max_age: float = MAX_AGE,
    ) -> None:
        self._size, self._weigh, self._max_weight, self._max_entry = size, weigh, max_weight, max_entry
        self._max_age = max_age
        self._items: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()

    @property
    def weight(self) -> int:
        """The weight kept now (bytes for the list API's pages)."""
        return self._weight

    def get(self, key: K) -> V | None:
        with self._lock:
            kept = self._items.get(key)
            if kept is None:
                return None
            if time.monotonic() - kept[0] > self._max_age:
                self._drop(key)
                return None
            self._items.move_to_end(key)
            return kept[1]

    def put(self, key: K, value: V) -> None:
        if self._weigh(value) > self._max_entry:
            return
        with self._lock:
            if key in self._items:
                self._drop(key)
            self._items[key] = (time.monotonic(), value)
            self._weight += self._weigh(value)
            while len(self._items) > self._size or self._weight > self._max_weight:
                self._drop(next(iter(self._items)))

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._weight = 0

    def _drop(self, key: K) -> None:
        self._weight -= self._weigh(self._items.pop(key)[1])
