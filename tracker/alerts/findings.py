"""Which projects deserve an alert or a reminder on a given day (DOMAIN.md §3), before any recipient is known.

- lagging: the project's latest checkpoint is over (its day has ended) and no more than
  `after_checkpoint_days` ago, and spending up to that day was yellow or red against the plan at it.
  Measuring at the checkpoint (not at the run date) makes every run after it decide the same.
- escalation: the same, when the light is one of `escalate_lights` (red); it goes to the finance bureau.
- early_warning: within `early_warning_days` of the next checkpoint and, at the year-to-date pace, on
  course to miss it.
- lagging_again_K: K × `remind_again_days` after a checkpoint's first lagging alert, the checkpoint is
  still the latest and the project is still yellow or red today: the unit hears again (never silence).
- reminder_before_N / reminder_overdue_M: the unit has not submitted the checkpoint's quarter and its
  report is due in at most N days (the nearest stage only) or overdue by at least M days.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from tracker.bulk import matching
from tracker.core.lights import Light, spend_light
from tracker.core.plan import checkpoint_date, last_checkpoint, next_checkpoint, planned_fen, to_decimal
from tracker.core.project import ProjectData
from tracker.core.variance import VarianceResult
from tracker.models import Alert, Project, Submission
from tracker.monitoring.per_project import checkpoint_variances
from tracker.rules import Rules
from tracker.scope import Scope
from tracker.targets.loading import iter_core

# A quarter counts as reported once submitted; an approved one reopened by an admin was reported too.
# A returned quarter was sent back for corrections: the unit is reminded again.
REPORTED = ("submitted", "approved", "unlocked")


@dataclass(frozen=True, slots=True)
class Finding:
    project_id: int
    year: int
    region_code: str
    dept_code: str
    rule: str
    checkpoint_on: date
    audience: str  # unit | finance
    light: Light | None = None
    planned_fen: int | None = None
    actual_fen: int | None = None
    forecast_fen: int | None = None
    ratio: Decimal | None = None
    due_on: date | None = None  # reminders: when the report is due


def _pieces(session: Session, as_of: date) -> Iterator[list[tuple[Project, ProjectData]]]:
    """This year's projects, and last year's while its December checkpoint may still be alerted, a piece at a
    time and without their indicators (the spending and reminder rules read plans and budgets only), so that
    a province's alerts job holds one piece, not every project and indicator of two years."""
    for year in (as_of.year - 1, as_of.year):
        yield from iter_core(session=session, scope=Scope.everything(), year=year, indicators=False)


def spending_findings(*, session: Session, as_of: date, rules: Rules) -> list[Finding]:
    """Lagging projects at their latest checkpoint, their escalations, reminders while still lagging, early warnings.

    Lights, days and escalations are those of each project's region and year (`rules.for_place`).
    """
    ended = as_of - timedelta(days=1)  # a checkpoint's own day may still bring payments
    lagging: list[Finding] = []
    still: list[Finding] = []
    early: list[Finding] = []
    for pairs in _pieces(session, as_of):
        lagging += _lagging(session=session, pairs=pairs, as_of=as_of, rules=rules)
        current = [(p, d) for p, d in pairs if p.year == as_of.year]
        if not current:
            continue
        days = {p.id: as_of for p, _ in current if p.id is not None}
        today = checkpoint_variances(session=session, pairs=current, days=days, rules=rules)
        still += _still_lagging(session=session, current=current, today=today, ended=ended, rules=rules, as_of=as_of)
        found = (_early_warning(p, today[p.id], rules) for p, _ in current if p.id is not None)
        early += [f for f in found if f is not None]
    return lagging + still + early


def _due_checkpoints(pairs: list[tuple[Project, ProjectData]], as_of: date, rules: Rules) -> dict[int, date]:
    """Each project's latest ended checkpoint, while it is at most `after_checkpoint_days` old."""
    ended = as_of - timedelta(days=1)  # a checkpoint's own day may still bring payments
    due: dict[int, date] = {}
    for p, data in pairs:
        cp = last_checkpoint(data.plan, ended, year=p.year)
        if p.id is not None and cp is not None:
            day = checkpoint_date(p.year, cp.month)
            if (as_of - day).days <= rules.for_place(p.region_code, p.year).alerts.after_checkpoint_days:
                due[p.id] = day
    return due


def _lagging(*, session: Session, pairs: list[tuple[Project, ProjectData]], as_of: date, rules: Rules) -> list[Finding]:
    """Yellow or red at the latest checkpoint: the unit is alerted, and red escalates to the finance bureau."""
    due = _due_checkpoints(pairs, as_of, rules)
    at_checkpoint = checkpoint_variances(session=session, pairs=pairs, days=due, rules=rules)
    out: list[Finding] = []
    for p, _ in pairs:
        result = at_checkpoint.get(p.id or -1)
        if p.id is None or result is None or result.light not in (Light.YELLOW, Light.RED):
            continue
        lagging = Finding(
            project_id=p.id,
            year=p.year,
            region_code=p.region_code,
            dept_code=p.dept_code,
            rule="lagging",
            checkpoint_on=due[p.id],
            audience="unit",
            light=result.light,
            planned_fen=result.planned_at_checkpoint_fen,
            actual_fen=result.actual_fen,
            ratio=result.checkpoint_ratio,
        )
        out.append(lagging)
        if result.light in rules.for_place(p.region_code, p.year).alerts.escalate_lights:
            out.append(replace(lagging, rule="escalation", audience="finance"))
    return out


def _early_warning(p: Project, r: VarianceResult, rules: Rules) -> Finding | None:
    """The early warning of one project: near a checkpoint the year-to-date pace will miss; else None."""
    if not r.early_warning or r.next_checkpoint is None or r.planned_at_next_fen is None:
        return None
    on_course = r.forecast_at_next_fen if r.forecast_at_next_fen is not None else max(r.actual_fen, 0)
    assert p.id is not None
    spend = rules.for_place(p.region_code, p.year).variance.lights()
    return Finding(
        project_id=p.id,
        year=p.year,
        region_code=p.region_code,
        dept_code=p.dept_code,
        rule="early_warning",
        checkpoint_on=checkpoint_date(p.year, r.next_checkpoint.month),
        audience="unit",
        light=spend_light(planned_fen=r.planned_at_next_fen, actual_fen=on_course, rules=spend),
        planned_fen=r.planned_at_next_fen,
        actual_fen=r.actual_fen,
        forecast_fen=r.forecast_at_next_fen,
        ratio=to_decimal(Fraction(on_course, r.planned_at_next_fen), 4) if r.planned_at_next_fen else None,
    )


def _still_lagging(
    *,
    session: Session,
    current: list[tuple[Project, ProjectData]],
    today: dict[int, VarianceResult],
    ended: date,
    rules: Rules,
    as_of: date,
) -> list[Finding]:
    """Projects alerted for their latest checkpoint, still lagging today, reminded every `remind_again_days`."""
    if not current:
        return []
    query = (
        sa_select(col(Alert.project_id), col(Alert.checkpoint_on), func.min(col(Alert.as_of)))
        .where(col(Alert.rule) == "lagging")
        .group_by(col(Alert.project_id), col(Alert.checkpoint_on))
    )
    first_alerted: dict[tuple[int, date], date] = {
        (pid, cp): day
        for among in matching(session, col(Alert.project_id), [p.id for p, _ in current])
        for pid, cp, day in session.execute(query.where(among))
    }
    out = []
    for p, data in current:
        cp = last_checkpoint(data.plan, ended, year=p.year)
        r = today.get(p.id or -1)
        if p.id is None or cp is None or r is None or r.light not in (Light.YELLOW, Light.RED):
            continue
        cp_day = checkpoint_date(p.year, cp.month)
        first = first_alerted.get((p.id, cp_day))
        every = max(0, rules.for_place(p.region_code, p.year).alerts.remind_again_days)
        rounds = (as_of - first).days // every if first is not None and every > 0 else 0
        if rounds < 1:
            continue
        out.append(
            Finding(
                project_id=p.id,
                year=p.year,
                region_code=p.region_code,
                dept_code=p.dept_code,
                rule=f"lagging_again_{rounds}",
                checkpoint_on=cp_day,
                audience="unit",
                light=r.light,
                planned_fen=r.planned_fen,
                actual_fen=r.actual_fen,
                ratio=r.ratio,
            )
        )
    return out


def quarter_of(month: int) -> int:
    return (month - 1) // 3 + 1


def _reported(session: Session, years: set[int]) -> set[tuple[str, str, int, int]]:
    query = select(Submission.region_code, Submission.dept_code, Submission.year, Submission.quarter).where(
        col(Submission.year).in_(sorted(years)), col(Submission.status).in_(REPORTED)
    )
    return {(r, d, y, q) for r, d, y, q in session.exec(query)}


def reminder_findings(*, session: Session, as_of: date, rules: Rules) -> list[Finding]:
    """Reminders before a report is due and after it is overdue, for units that have not submitted.

    The days (report due, reminders before, overdue after) are those of each project's region and year.
    """
    reported = _reported(session, {as_of.year - 1, as_of.year})
    out: list[Finding] = []
    for p, data in (pair for pairs in _pieces(session, as_of) for pair in pairs):
        assert p.id is not None
        alerts = rules.for_place(p.region_code, p.year).alerts
        shift = timedelta(days=alerts.report_due_days)
        stages: list[tuple[str, date, date]] = []  # rule, checkpoint, due
        # The checkpoint whose report falls due next (its deadline is still ahead of as_of).
        upcoming = next_checkpoint(data.plan, as_of - shift, year=p.year)
        if upcoming is not None:
            cp_day = checkpoint_date(p.year, upcoming.month)
            left = (cp_day + shift - as_of).days
            ahead = [n for n in alerts.reminder_days_before if n >= left]
            if ahead:
                stages.append((f"reminder_before_{min(ahead)}", cp_day, cp_day + shift))
        passed = last_checkpoint(data.plan, as_of - shift - timedelta(days=1), year=p.year)
        if passed is not None:
            cp_day = checkpoint_date(p.year, passed.month)
            over = (as_of - cp_day - shift).days
            behind = [m for m in alerts.overdue_days_after if m <= over]
            if behind and over <= alerts.after_checkpoint_days:
                stages.append((f"reminder_overdue_{max(behind)}", cp_day, cp_day + shift))
        for rule, cp_day, due_on in stages:
            if (p.region_code, p.dept_code, p.year, quarter_of(cp_day.month)) in reported:
                continue
            planned = planned_fen(budget_fen=data.budget_on(cp_day), plan=data.plan, as_of=cp_day, year=p.year)
            out.append(
                Finding(
                    project_id=p.id,
                    year=p.year,
                    region_code=p.region_code,
                    dept_code=p.dept_code,
                    rule=rule,
                    checkpoint_on=cp_day,
                    audience="unit",
                    planned_fen=planned,
                    due_on=due_on,
                )
            )
    return out
