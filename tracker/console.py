"""What every `tracker` command shares: stderr messages in Chinese, JSON on stdout, exit codes.

Kept free of the database, pandas and FastAPI so that `tracker --help` starts in a fraction of a second;
each command imports the services it calls inside its own function.
"""

from __future__ import annotations

import functools
import gc
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer

from tracker.shared.collector import collector_paused

if TYPE_CHECKING:
    from rich.console import Console

    from tracker.rules import Rules

T = TypeVar("T")


@functools.cache
def stderr() -> Console:
    """The rich console on stderr, made on first use: rich.console costs about 20 ms to import, which a
    command that prints no message (and typer itself, outside --help) never pays."""
    from rich.console import Console

    return Console(stderr=True)


class _Err:
    """`err.print(...)`: prints through `stderr()`; give `stderr()` where a Console is wanted (progress bars)."""

    def print(self, *objects: Any, **kwargs: Any) -> None:
        stderr().print(*objects, **kwargs)


err = _Err()


def emit_json(data: Any) -> None:
    """Print JSON with Chinese kept readable."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def emit_json_array(items: Iterable[Any]) -> None:
    """Print a JSON array item by item: the same text as `emit_json(list(items))`, in flat memory."""
    out, first = sys.stdout, True
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=2, default=str)
        out.write(("[\n" if first else ",\n") + "\n".join("  " + line for line in text.split("\n")))
        first = False
    out.write("[]\n" if first else "\n]\n")


@contextmanager
def loading() -> Iterator[None]:
    """A one-shot command's imports and settings: no collector passes while they load (modules and classes
    are no garbage, yet each full pass walks all of them), and what they loaded is frozen out of the passes
    the command's work triggers later (gc.freeze: it lives until exit anyway)."""
    with collector_paused():
        try:
            yield
        finally:
            gc.freeze()


def fail(message: str, code: int) -> NoReturn:
    """Print 错误：message on stderr and exit with `code` (1 refused, 2 bad input)."""
    err.print(f"[red]错误：[/red]{message}", highlight=False, soft_wrap=True)  # a path or a row stays on one line
    raise typer.Exit(code)


def run(action: Callable[[], T], code: int = 1) -> T:
    """Run a service call; an expected (domain) error prints in Chinese and exits with `code`."""
    from tracker.errors import DomainError

    try:
        return action()
    except DomainError as exc:
        fail(exc.detail, code)


def load_rules() -> Rules:
    """config/rules.yaml for this command, read once; a bad file exits 2 naming the file and the key."""
    from tracker.rules import RulesError
    from tracker.rules import load_rules as load

    try:
        return load()
    except RulesError as exc:
        fail(exc.detail, 2)


def parse_day(text: str | None) -> date | None:
    """A --as-of value (YYYY-MM-DD), or None; a bad date exits 2."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"日期应为 YYYY-MM-DD：{text}", 2)
