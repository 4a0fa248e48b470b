"""The self-evaluation export (DOMAIN.md §5): a workbook per project, per unit, and summary.xlsx.

The year's projects are gathered and scored a piece at a time (whole units, about PIECE projects),
and each piece's workbooks are written (in worker processes where configured) while the next piece
is scored. Only the summary's figures of each project are kept for summary.xlsx, so memory does not
grow with the install beyond a line per project.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial
from itertools import groupby

from sqlmodel import Session

from tracker.evaluation import selfeval, summary
from tracker.evaluation.schemas import Evaluation
from tracker.evaluation.service import evaluate
from tracker.rules import Rules
from tracker.scope import Scope
from tracker.shared.export import ExportSummary, Progress, Run, Sink, Writer, by_unit, none_found, project_file
from tracker.shared.parallel import Writers
from tracker.targets.loading import project_keys

PIECE = 500  # projects scored at once: few round trips, a few MB of rows


@dataclass(slots=True)
class Selection:
    """What an export covers: the ids in table order and, per unit in (region, code) order, its ids."""

    ids: list[int]
    units: list[list[int]]

    def pieces(self) -> Iterator[list[int]]:
        """Ids of consecutive whole units, about PIECE at a time (a larger unit is a piece alone)."""
        size, piece = PIECE, list[int]()
        for unit in self.units:
            if piece and len(piece) + len(unit) > size:
                yield piece
                piece = []
            piece += unit
        if piece:
            yield piece


def select_projects(
    *, session: Session, scope: Scope, year: int, dept_code: str | None, region_code: str | None
) -> Selection:
    keys = project_keys(session=session, scope=scope, year=year, dept_code=dept_code, region_code=region_code)
    if not keys:
        raise none_found(year, dept_code)
    ordered = sorted(keys, key=lambda k: (k[1], k[2]))  # stable: table order inside a unit, as by_unit
    units = [[i for i, _, _ in g] for _, g in groupby(ordered, key=lambda k: (k[1], k[2]))]
    return Selection(ids=[i for i, _, _ in keys], units=units)


def summary_line(ev: Evaluation) -> Evaluation:
    """What summary.xlsx reads of a project: its figures without the indicator rows and texts."""
    return replace(ev, rows=[], objectives=[], problems=[], dropped=[], narrative="")


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
    chosen = select_projects(session=session, scope=scope, year=year, dept_code=dept_code, region_code=region_code)
    out = ExportSummary(year=year, projects=len(chosen.ids), units=len(chosen.units))
    run = Run(sink, out, len(chosen.ids) + len(chosen.units) + 1, progress)
    lines: list[Evaluation] = []
    names: dict[int, str] = {}
    unit_names: list[str] = []
    with Writers(run, sink, workers) as writers:
        for piece in chosen.pieces():
            evaluations = evaluate(session=session, scope=scope, year=year, project_ids=piece, rules=rules)
            jobs = _jobs(evaluations)
            writers.put(jobs)
            named = [name for name, _ in jobs]
            names.update((ev.project_id, name) for ev, name in zip(evaluations, named, strict=False))
            unit_names += named[len(evaluations) :]
            lines += [summary_line(ev) for ev in evaluations]
            out.incomplete += sum(1 for e in evaluations if not e.complete)
            out.missing_reasons += sum(len(e.missing_reasons) for e in evaluations)
    run.order([names[i] for i in chosen.ids if i in names] + unit_names)
    run.put("summary.xlsx", partial(summary.write_summary, evaluations=_in_order(lines, chosen.ids), year=year))
    return out


def _jobs(evaluations: Sequence[Evaluation]) -> list[tuple[str, Writer]]:
    """A file per project (in the order given), then one per unit of these projects."""
    jobs: list[tuple[str, Writer]] = [
        (project_file(ev.dept_code, ev.code, ev.name), partial(selfeval.write_project_workbook, ev=ev))
        for ev in evaluations
    ]
    jobs += [
        (f"units/{stem}.xlsx", partial(selfeval.write_unit_workbook, evaluations=group))
        for stem, _, group in by_unit(evaluations)
    ]
    return jobs


def _in_order(lines: list[Evaluation], ids: list[int]) -> list[Evaluation]:
    position = {i: n for n, i in enumerate(ids)}
    return sorted(lines, key=lambda e: position[e.project_id])


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
    """summary.xlsx alone: the default download of the API (scored a piece at a time, like the export)."""
    chosen = select_projects(session=session, scope=scope, year=year, dept_code=dept_code, region_code=region_code)
    lines = [
        summary_line(ev)
        for piece in chosen.pieces()
        for ev in evaluate(session=session, scope=scope, year=year, project_ids=piece, rules=rules)
    ]
    data = io.BytesIO()
    summary.write_summary(data, _in_order(lines, chosen.ids), year=year)
    return data.getvalue()
