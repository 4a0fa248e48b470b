"""The self-evaluation export (DOMAIN.md §5): a workbook per project, per unit, and summary.xlsx."""

from __future__ import annotations

import io
from functools import partial

from sqlmodel import Session

from tracker.evaluation import selfeval, summary
from tracker.evaluation.service import evaluate
from tracker.rules import Rules
from tracker.scope import Scope
from tracker.shared.export import ExportSummary, Progress, Run, Sink, Writer, by_unit, none_found, project_file
from tracker.shared.parallel import put_all


def export_self_evaluation(
    *,
    session: Session,
    scope: Scope,
    year: int,
    sink: Sink,
    dept_code: str | None = None,
    progress: Progress | None = None,
    region_code: str | None = None,
    rules: Rules,
    workers: int = 1,
) -> ExportSummary:
    """Score the year's projects and write a workbook per project, per unit, and summary.xlsx.

    With `workers` > 1 and a directory sink, the project and unit workbooks are written by that many
    processes (tracker/shared/parallel.py), each receiving plain rows; the files are the same.
    """
    evaluations = evaluate(
        session=session, scope=scope, year=year, dept_code=dept_code, region_code=region_code, rules=rules
    )
    if not evaluations:
        raise none_found(year, dept_code)
    units = by_unit(evaluations)
    out = ExportSummary(year=year, projects=len(evaluations), units=len(units))
    run = Run(sink, out, len(evaluations) + len(units) + 1, progress)
    jobs: list[tuple[str, Writer]] = [
        (project_file(ev.dept_code, ev.code, ev.name), partial(selfeval.write_project_workbook, ev=ev))
        for ev in evaluations
    ]
    jobs += [
        (f"units/{stem}.xlsx", partial(selfeval.write_unit_workbook, evaluations=group)) for stem, _, group in units
    ]
    put_all(run, sink, jobs, workers)
    run.put("summary.xlsx", partial(summary.write_summary, evaluations=evaluations, year=year))
    out.incomplete = sum(1 for e in evaluations if not e.complete)
    out.missing_reasons = sum(len(e.missing_reasons) for e in evaluations)
    return out


def project_self_evaluation(*, session: Session, scope: Scope, project_id: int, rules: Rules) -> tuple[str, bytes]:
    """One project's self-evaluation workbook: (file name, bytes)."""
    (ev,) = evaluate(session=session, scope=scope, project_id=project_id, rules=rules)
    data = io.BytesIO()
    selfeval.write_project_workbook(data, ev)
    return project_file(ev.dept_code, ev.code, ev.name), data.getvalue()


def summary_workbook(
    *,
    session: Session,
    scope: Scope,
    year: int,
    rules: Rules,
    dept_code: str | None = None,
    region_code: str | None = None,
) -> bytes:
    """summary.xlsx alone: the default download of the API."""
    evaluations = evaluate(
        session=session, scope=scope, year=year, dept_code=dept_code, region_code=region_code, rules=rules
    )
    if not evaluations:
        raise none_found(year, dept_code)
    data = io.BytesIO()
    summary.write_summary(data, evaluations, year=year)
    return data.getvalue()
