"""The progress bar long commands show on stderr (import, export): items done of the total, time taken."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


def count_bar(console: Console) -> Progress:
    """A bar counting items (projects, workbooks); stdout stays clean for the command's own output."""
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    )
