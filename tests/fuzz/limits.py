"""What every fuzzed call must keep to: finish within a generous wall-clock limit, fail only in the domain's way."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from tracker.errors import DomainError

T = TypeVar("T")
SECONDS = 10.0  # far above any honest input here (they take milliseconds), far below a stalled worker


@contextmanager
def bounded(seconds: float = SECONDS) -> Iterator[None]:
    """Fail when the block took longer than `seconds` (a parser whose cost grows with the digits given)."""
    start = time.monotonic()
    yield
    took = time.monotonic() - start
    assert took < seconds, f"took {took:.1f} s (limit {seconds} s)"


def outcome(call: Callable[[], T]) -> T | DomainError:
    """The call's result, or the expected error it raised: a 4xx DomainError with a message; anything else fails."""
    with bounded():
        try:
            return call()
        except DomainError as exc:
            assert 400 <= exc.status_code < 500, exc
            assert exc.detail.strip(), "an error without a message"
            return exc
