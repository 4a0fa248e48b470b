"""Python's cycle collector paused while a block makes many objects that form no cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector off inside the block (each full pass walks every object alive, and the block makes
    thousands: a command's imports, a piece of variances), back on after it as it was. Nothing leaks: such
    objects go by reference counting, and the collector sees them at its next pass."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
