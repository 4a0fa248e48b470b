"""Writing export files into a directory (CLI) or a zip (API): one gathering, many workbooks.

Every export has the same layout in DIR (or the zip):
  <unit>-<project code>-<name>.xlsx   one per project
  units/<unit>-<unit name>.xlsx       one per unit, a sheet per project
  summary.xlsx / overview.xlsx        the county summary
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import IO, Protocol, TypeVar

from tracker.errors import NotFound
from tracker.shared.xlsx import file_stem

Progress = Callable[[int, int, str], None]
Writer = Callable[[str | IO[bytes]], None]
Item = TypeVar("Item", bound="Grouped")


class Grouped(Protocol):
    """What an export groups by unit: a project's row with its unit."""

    @property
    def region_code(self) -> str: ...

    @property
    def dept_code(self) -> str: ...

    @property
    def dept_name(self) -> str: ...


class Sink(Protocol):
    def put(self, name: str, write: Writer) -> None: ...


class DirSink:
    """Files under a directory (created as needed), each complete or absent.

    A workbook is written to a hidden `.name.part` beside its place and renamed into it when whole, so
    that an export killed half-way leaves the files it finished and never a truncated one.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, name: str, write: Writer) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(f".{path.name}.part")
        try:
            write(str(part))
            os.replace(part, path)
        finally:
            part.unlink(missing_ok=True)


class ZipSink:
    """Members of a zip written to a temporary file as they come (workbooks are already deflated: store them).

    Only the workbook being added is held in memory, whatever the number of projects; `close` hands
    back the finished file for the answer to stream (tracker/deps.py `download_file`). A sink dropped on
    an error is deleted with its file.
    """

    def __init__(self) -> None:
        self.file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the caller by close()
        self.zip = zipfile.ZipFile(self.file, "w", zipfile.ZIP_STORED)

    def put(self, name: str, write: Writer) -> None:
        data = io.BytesIO()
        write(data)
        self.zip.writestr(name, data.getvalue())

    def close(self) -> IO[bytes]:
        """The finished zip, read from its start; closing it deletes it."""
        self.zip.close()
        self.file.seek(0)
        return self.file


@dataclass(slots=True)
class ExportSummary:
    year: int
    projects: int
    units: int
    files: list[str] = field(default_factory=list)
    incomplete: int = 0  # projects with 未填报 indicators (no grade)
    missing_reasons: int = 0  # indicators flagged for a missing 偏差原因
    through_month: int | None = None  # the monitoring cut-off used


def project_file(dept_code: str, code: str, name: str) -> str:
    """The file name of one project's workbook."""
    return file_stem(dept_code, code, name) + ".xlsx"


def by_unit(items: Sequence[Item]) -> list[tuple[str, str, list[Item]]]:
    """(file stem, unit name, its items in table order) per unit, units in (region, code) order.

    Two counties both have a 314001: the region is part of the unit, and of its file's name.
    """
    ordered = sorted(items, key=lambda x: (x.region_code, x.dept_code))
    return [
        (file_stem(region, code, group[0].dept_name) if region else file_stem(code, group[0].dept_name),
         group[0].dept_name, group)
        for (region, code), g in groupby(ordered, key=lambda x: (x.region_code, x.dept_code))
        if (group := list(g))
    ]  # fmt: skip


class Run:
    """Put files into a sink, count them and report progress."""

    def __init__(self, sink: Sink, out: ExportSummary, total: int, progress: Progress | None) -> None:
        self.sink, self.out, self.total, self.progress = sink, out, total, progress

    def put(self, name: str, write: Writer) -> None:
        self.sink.put(name, write)
        self.done([name])

    def done(self, names: Sequence[str]) -> None:
        """Count files another process has written (tracker/shared/parallel.py) and report progress."""
        self.out.files.extend(names)
        if self.progress and names:
            self.progress(len(self.out.files), self.total, names[-1])

    def order(self, names: Sequence[str]) -> None:
        """Put the last len(names) files back in the order they were given (workers finish in any order)."""
        del self.out.files[len(self.out.files) - len(names) :]
        self.out.files.extend(names)


def none_found(year: int, dept_code: str | None) -> NotFound:
    return NotFound(f"{year}年没有可导出的项目" + (f"（单位{dept_code}）" if dept_code else ""))
