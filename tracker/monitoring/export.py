"""The 绩效运行监控表 export (DOMAIN.md §4) through month M: a workbook per project, per unit, and overview.xlsx."""

from __future__ import annotations

import io
from functools import partial

from sqlmodel import Session

from tracker.access import visible_project
from tracker.monitoring import table
from tracker.monitoring.midyear import monitoring_projects, monitoring_settings
from tracker.rules import Rules
from tracker.scope import Scope
from tracker.shared.export import ExportSummary, Progress, Run, Sink, by_unit, none_found, project_file


def export_monitoring(
    *,
    session: Session,
    scope: Scope,
    year: int,
    through_month: int | None,
    sink: Sink,
    dept_code: str | None = None,
    progress: Progress | None = None,
    region_code: str | None = None,
    rules: Rules,
) -> ExportSummary:
    """The 绩效运行监控表 through month M: a workbook per project, per unit, and overview.xlsx."""
    default_month, categories, _, _ = monitoring_settings(rules.for_place(region_code, year))
    month = through_month or default_month
    projects = monitoring_projects(
        session=session, scope=scope, year=year, through_month=month, dept_code=dept_code, region_code=region_code,
        rules=rules,
    )  # fmt: skip
    if not projects:
        raise none_found(year, dept_code)
    units = by_unit(projects)
    out = ExportSummary(year=year, projects=len(projects), units=len(units), through_month=month)
    run = Run(sink, out, len(projects) + len(units) + 1, progress)
    for mp in projects:
        write = partial(table.write_project_workbook, mp=mp, categories=categories)
        run.put(project_file(mp.dept_code, mp.code, mp.name), write)
    for stem, _name, group in units:
        write = partial(table.write_unit_workbook, projects=group, categories=categories)
        run.put(f"units/{stem}.xlsx", write)
    run.put("overview.xlsx", partial(table.write_overview, projects=projects, year=year, through_month=month))
    out.missing_reasons = sum(len(m.missing_reasons) for m in projects)
    out.incomplete = sum(1 for m in projects if any(not r.reported for r in m.rows))
    return out


def project_monitoring(
    *, session: Session, scope: Scope, project_id: int, through_month: int | None, rules: Rules
) -> tuple[str, bytes]:
    """One project's monitoring workbook: (file name, bytes)."""
    project = visible_project(session=session, scope=scope, project_id=project_id)
    default_month, categories, _, _ = monitoring_settings(rules.for_place(project.region_code, project.year))
    (mp,) = monitoring_projects(
        session=session, scope=scope, year=project.year, through_month=through_month or default_month,
        dept_code=project.dept_code, project_id=project_id, region_code=project.region_code, rules=rules,
    )  # fmt: skip
    data = io.BytesIO()
    table.write_project_workbook(data, mp, categories)
    return project_file(mp.dept_code, mp.code, mp.name), data.getvalue()
