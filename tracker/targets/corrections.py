"""The finance bureau's corrections of an indicator (DOMAIN.md §2, §4, §5): target, accumulation, weight, 不适用.

Each changed field is one row of the indicator's history (indicator_change) and one audit entry,
both with the reason. A corrected target is kept by a re-import of the published table (importer
skips the target fields of a row with target_corrected). Services never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlmodel import Session, col, select

from tracker.access import can_see, visible_project
from tracker.actuals import audit
from tracker.core.project import Accumulation
from tracker.core.units import tidy
from tracker.core.value_parsing import parse_value
from tracker.core.values import Kind
from tracker.errors import InvalidInput, NotFound
from tracker.models import Indicator, IndicatorChange, Project
from tracker.scope import Scope
from tracker.targets.schemas import IndicatorOut, indicator_out

MAX_WEIGHT = Decimal(100)


@dataclass(frozen=True, slots=True)
class Correction:
    """What to change (None: leave as is) and why."""

    reason: str
    target: str | None = None
    accumulation: str | None = None
    weight: str | Decimal | None = None
    applicable: bool | None = None  # False: 不适用


def find_project(*, session: Session, scope: Scope, year: int, dept_code: str, code: str) -> Project:
    """A project by (year, unit code, project code); NotFound names the three."""
    query = select(Project).where(Project.year == year, Project.dept_code == dept_code, Project.code == code)
    project = session.exec(query).first()
    if project is None or not can_see(scope, project):
        raise NotFound(f"{year}年单位{dept_code}没有项目{code}")
    return project


def _weight(raw: str | Decimal) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise InvalidInput(f"分值须为数字：{raw}") from None
    if not value.is_finite() or not 0 <= value <= MAX_WEIGHT:
        raise InvalidInput(f"分值须在0到{MAX_WEIGHT}之间：{raw}")
    if value != value.quantize(Decimal("0.01")):
        raise InvalidInput(f"分值最多两位小数：{raw}")
    return value


def _changes(row: Indicator, fix: Correction) -> list[tuple[str, str | None, str | None]]:
    """(field, old, new) of each field the correction changes, applying it to `row`; checks every input first."""
    new_target = parse_value(fix.target) if fix.target is not None else None
    if fix.target is not None and not fix.target.strip():
        raise InvalidInput("指标值不能为空")
    if fix.accumulation is not None and fix.accumulation not in set(Accumulation):
        raise InvalidInput(f"累计方式须为 cumulative（累计）或 level（水平）：{fix.accumulation}")
    weight = _weight(fix.weight) if fix.weight is not None else None
    out: list[tuple[str, str | None, str | None]] = []
    if new_target is not None and new_target.text.strip() != row.target_text:
        out.append(("target", row.target_text, new_target.text.strip()))
        t = new_target
        row.target_text, row.kind, row.comparator = (
            t.text.strip(),
            t.kind.value,
            t.comparator.value if t.comparator else None,
        )
        row.value, row.unit, row.norm_value, row.norm_unit = t.value, t.unit, t.norm_value, t.norm_unit
        row.direction, row.value_high, row.approximate = t.direction.value, t.high, t.approximate
        row.target_corrected = True
        if t.kind is Kind.QUALITATIVE and row.accumulation == Accumulation.CUMULATIVE and fix.accumulation is None:
            row.accumulation = Accumulation.LEVEL.value  # a phrase has no count to add up
    if fix.accumulation is not None and fix.accumulation != row.accumulation:
        out.append(("accumulation", row.accumulation, fix.accumulation))
        row.accumulation = fix.accumulation
    if weight is not None and weight != row.weight:
        out.append(("weight", str(tidy(row.weight)) if row.weight is not None else None, str(tidy(weight))))
        row.weight = weight
    if fix.applicable is not None and fix.applicable != row.applicable:
        out.append(("applicable", _yes(row.applicable), _yes(fix.applicable)))
        row.applicable = fix.applicable
    return out


def _yes(applicable: bool) -> str:
    return "适用" if applicable else "不适用"


def correct_indicator(
    *, session: Session, scope: Scope, actor: str | None, project_id: int, seq: int, fix: Correction
) -> IndicatorOut:
    """Apply one correction; InvalidInput for a missing reason, nothing to change or a bad value."""
    project = visible_project(session=session, scope=scope, project_id=project_id)
    row = session.exec(select(Indicator).where(Indicator.project_id == project_id, Indicator.seq == seq)).first()
    if row is None or row.id is None:
        raise NotFound(f"项目{project.code}没有第{seq}项指标")
    reason = fix.reason.strip()
    if not reason:
        raise InvalidInput("请填写修改原因")
    if all(v is None for v in (fix.target, fix.accumulation, fix.weight, fix.applicable)):
        raise InvalidInput("没有要修改的内容（指标值、累计方式、分值或不适用）")
    changes = _changes(row, fix)
    for field, old, new in changes:
        session.add(IndicatorChange(indicator_id=row.id, project_id=project_id, seq=seq, field=field, old=old,
                                    new=new, reason=reason, changed_by=actor))  # fmt: skip
        audit.record(session, actor=actor, action="indicator.correct", entity="indicator", entity_id=row.id,
                     project_id=project_id, field=f"第{seq}项{field}", old=old, new=new, note=reason)  # fmt: skip
    session.add(row)
    session.flush()
    return indicator_out(row)


@dataclass(frozen=True, slots=True)
class ChangeView:
    seq: int
    field: str
    old: str | None
    new: str | None
    reason: str
    changed_by: str | None
    changed_at: datetime


def indicator_history(*, session: Session, scope: Scope, project_id: int) -> list[ChangeView]:
    """A project's indicator corrections, newest first."""
    visible_project(session=session, scope=scope, project_id=project_id)
    query = select(IndicatorChange).where(IndicatorChange.project_id == project_id)
    rows = session.exec(query.order_by(col(IndicatorChange.changed_at).desc(), col(IndicatorChange.id).desc()))
    return [ChangeView(r.seq, r.field, r.old, r.new, r.reason, r.changed_by, r.changed_at) for r in rows]
