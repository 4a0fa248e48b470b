"""Writing the export files into a directory (CLI) or a zip (API); one gathering, many workbooks.

Self-evaluation layout of DIR (or the zip):
  <unit>-<project code>-<name>.xlsx   one per project (自评表)
  units/<unit>-<unit name>.xlsx       one per unit, a sheet per project
  summary.xlsx                        the county summary
The monitoring export has the same layout, with overview.xlsx for the county.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import groupby
from pathlib import Path
from typing import IO, Protocol, TypeVar

from sqlmodel import Session

from tracker.errors import NotFound
from tracker.evaluation import monitoring_table, selfeval, summary
from tracker.evaluation.midyear import MonitorProject, monitoring_projects, monitoring_settings
from tracker.evaluation.schemas import Evaluation
from tracker.evaluation.service import evaluate, visible_project
from tracker.evaluation.xlsx import file_stem
from tracker.scope import Scope

Progress = Callable[[int, int, str], None]
Writer = Callable[[str | IO[bytes]], None]
Item = TypeVar("Item", Evaluation, MonitorProject)


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
    """Members of a zip held in memory (workbooks are already deflated: store them)."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.zip = zipfile.ZipFile(self.buffer, "w", zipfile.ZIP_STORED)

    def put(self, name: str, write: Writer) -> None:
        data = io.BytesIO()
        write(data)
        self.zip.writestr(name, data.getvalue())

    def close(self) -> bytes:
        self.zip.close()
        return self.buffer.getvalue()


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
    return file_stem(dept_code, code, name) + ".xlsx"


def _by_unit(items: Sequence[Item]) -> list[tuple[str, str, list[Item]]]:
    """(unit code, unit name, its items in table order), units in code order."""
    ordered = sorted(items, key=lambda x: x.dept_code)
    return [
        (code, group[0].dept_name, group)
        for code, g in groupby(ordered, key=lambda x: x.dept_code)
        if (group := list(g))
    ]


class _Run:
    """Put files into a sink, count them and report progress."""

    def __init__(self, sink: Sink, out: ExportSummary, total: int, progress: Progress | None) -> None:
        self.sink, self.out, self.total, self.progress = sink, out, total, progress

    def put(self, name: str, write: Writer) -> None:
        self.sink.put(name, write)
        self.out.files.append(name)
        if self.progress:
            self.progress(len(self.out.files), self.total, name)


def _none_found(year: int, dept_code: str | None) -> NotFound:
    return NotFound(f"{year}年没有可导出的项目" + (f"（单位{dept_code}）" if dept_code else ""))


def export_self_evaluation(
    *,
    session: Session,
    scope: Scope,
    year: int,
    sink: Sink,
    dept_code: str | None = None,
    progress: Progress | None = None,
) -> ExportSummary:
    """Score the year's projects and write a workbook per project, per unit, and summary.xlsx."""
    evaluations = evaluate(session=session, scope=scope, year=year, dept_code=dept_code)
    if not evaluations:
        raise _none_found(year, dept_code)
    units = _by_unit(evaluations)
    out = ExportSummary(year=year, projects=len(evaluations), units=len(units))
    run = _Run(sink, out, len(evaluations) + len(units) + 1, progress)
    for ev in evaluations:
        run.put(project_file(ev.dept_code, ev.code, ev.name), partial(selfeval.write_project_workbook, ev=ev))
    for code, name, group in units:
        run.put(f"units/{file_stem(code, name)}.xlsx", partial(selfeval.write_unit_workbook, evaluations=group))
    run.put("summary.xlsx", partial(summary.write_summary, evaluations=evaluations, year=year))
    out.incomplete = sum(1 for e in evaluations if not e.complete)
    out.missing_reasons = sum(len(e.missing_reasons) for e in evaluations)
    return out


def export_monitoring(
    *,
    session: Session,
    scope: Scope,
    year: int,
    through_month: int | None,
    sink: Sink,
    dept_code: str | None = None,
    progress: Progress | None = None,
) -> ExportSummary:
    """The 绩效运行监控表 through month M: a workbook per project, per unit, and overview.xlsx."""
    default_month, categories, _, _ = monitoring_settings()
    month = through_month or default_month
    projects = monitoring_projects(session=session, scope=scope, year=year, through_month=month, dept_code=dept_code)
    if not projects:
        raise _none_found(year, dept_code)
    units = _by_unit(projects)
    out = ExportSummary(year=year, projects=len(projects), units=len(units), through_month=month)
    run = _Run(sink, out, len(projects) + len(units) + 1, progress)
    for mp in projects:
        write = partial(monitoring_table.write_project_workbook, mp=mp, categories=categories)
        run.put(project_file(mp.dept_code, mp.code, mp.name), write)
    for code, name, group in units:
        write = partial(monitoring_table.write_unit_workbook, projects=group, categories=categories)
        run.put(f"units/{file_stem(code, name)}.xlsx", write)
    run.put(
        "overview.xlsx", partial(monitoring_table.write_overview, projects=projects, year=year, through_month=month)
    )
    out.missing_reasons = sum(len(m.missing_reasons) for m in projects)
    out.incomplete = sum(1 for m in projects if any(not r.reported for r in m.rows))
    return out


def project_self_evaluation(*, session: Session, scope: Scope, project_id: int) -> tuple[str, bytes]:
    """One project's self-evaluation workbook: (file name, bytes)."""
    (ev,) = evaluate(session=session, scope=scope, project_id=project_id)
    data = io.BytesIO()
    selfeval.write_project_workbook(data, ev)
    return project_file(ev.dept_code, ev.code, ev.name), data.getvalue()


def summary_workbook(*, session: Session, scope: Scope, year: int, dept_code: str | None = None) -> bytes:
    """summary.xlsx alone: the default download of the API."""
    evaluations = evaluate(session=session, scope=scope, year=year, dept_code=dept_code)
    if not evaluations:
        raise _none_found(year, dept_code)
    data = io.BytesIO()
    summary.write_summary(data, evaluations, year=year)
    return data.getvalue()


def project_monitoring(
    *, session: Session, scope: Scope, project_id: int, through_month: int | None
) -> tuple[str, bytes]:
    """One project's monitoring workbook: (file name, bytes)."""
    project = visible_project(session=session, scope=scope, project_id=project_id)
    default_month, categories, _, _ = monitoring_settings()
    (mp,) = monitoring_projects(
        session=session, scope=scope, year=project.year, through_month=through_month or default_month,
        dept_code=project.dept_code, project_id=project_id,
    )  # fmt: skip
    data = io.BytesIO()
    monitoring_table.write_project_workbook(data, mp, categories)
    return project_file(mp.dept_code, mp.code, mp.name), data.getvalue()
