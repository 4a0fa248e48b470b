"""Importing published target tables and reading projects back. Services never commit."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, func, select

from tracker.core.project import Accumulation, Checkpoint, IndicatorData, ProjectData
from tracker.core.values import Comparator, Direction, Kind, TargetValue
from tracker.errors import InvalidInput, NotFound
from tracker.models import (
    BudgetVersion,
    Dept,
    ImportRecord,
    Indicator,
    Objective,
    PlanCheckpoint,
    Project,
    Region,
)
from tracker.models.base import utcnow
from tracker.scope import Scope
from tracker.targets.parsing import ParsedFile, TableFormatError, decode, parse_text
from tracker.targets.schemas import ProjectOut, project_out

Progress = Callable[[int, int, str], None]


@dataclass(slots=True)
class ImportSummary:
    import_id: int
    filename: str
    year: int
    projects: int
    indicators: int
    budget_fen: int
    created: int
    updated: int
    unchanged: int
    incomplete: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse_file(data: bytes, *, year: int | None = None) -> ParsedFile:
    """Decode and parse; InvalidInput (naming the line) when the bytes are not a target table."""
    if not data.strip():
        raise InvalidInput("第1行：文件为空", line=1)
    try:
        return parse_text(decode(data), year=year)
    except TableFormatError as exc:
        raise InvalidInput(str(exc), line=exc.line) from exc


def import_targets(
    *,
    session: Session,
    data: bytes,
    filename: str,
    year: int | None = None,
    imported_by: str | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import one file in the caller's transaction: re-importing updates in place, never duplicates."""
    parsed = parse_file(data, year=year)
    years = {p.year for p in parsed.projects}
    record = ImportRecord(
        filename=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        year=min(years),
        imported_by=imported_by,
        projects=len(parsed.projects),
        indicators=sum(len(p.indicators) for p in parsed.projects),
        warnings=parsed.warnings,
    )
    session.add(record)
    session.flush()
    assert record.id is not None
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for n, data_ in enumerate(parsed.projects, start=1):
        _upsert_region_and_dept(session, data_, parsed.region_name)
        outcome = _upsert_project(session, data_, record.id, parsed.warnings)
        counts[outcome] += 1
        if progress:
            progress(n, len(parsed.projects), data_.name)
    record.warnings = list(parsed.warnings)
    return ImportSummary(
        import_id=record.id,
        filename=filename,
        year=record.year,
        projects=len(parsed.projects),
        indicators=record.indicators,
        budget_fen=sum(p.budget_fen for p in parsed.projects),
        incomplete=[f"{p.heading_no}.{p.name}" for p in parsed.projects if p.incomplete],
        warnings=parsed.warnings,
        **counts,
    )


def _upsert_region_and_dept(session: Session, data: ProjectData, region_name: str) -> None:
    region_code = data.code[:6] if data.code[:6].isdigit() else None
    if region_code and session.get(Region, region_code) is None:
        session.add(Region(code=region_code, name=region_name))
        session.flush()
    dept = session.get(Dept, data.dept_code)
    if dept is None:
        session.add(Dept(code=data.dept_code, name=data.dept_name, region_code=region_code))
        session.flush()
    elif dept.name != data.dept_name:
        dept.name = data.dept_name


def _upsert_project(session: Session, data: ProjectData, import_id: int, warnings: list[str]) -> str:
    project = session.exec(
        select(Project).where(Project.year == data.year, Project.dept_code == data.dept_code, Project.code == data.code)
    ).first()
    fields: dict[str, Any] = {
        "name": data.name,
        "region_code": data.code[:6] if data.code[:6].isdigit() else None,
        "heading_no": data.heading_no,
        "purpose": data.purpose,
        "budget_fen": data.budget_fen,
        "fiscal_fen": data.fiscal_fen,
        "other_fen": data.other_fen,
        "incomplete": data.incomplete,
        "source_line": data.source_line,
    }
    if project is None:
        project = Project(year=data.year, dept_code=data.dept_code, code=data.code, import_id=import_id, **fields)
        session.add(project)
        session.flush()
        assert project.id is not None
        session.add(
            BudgetVersion(
                project_id=project.id,
                kind="initial",
                total_fen=data.budget_fen,
                fiscal_fen=data.fiscal_fen,
                other_fen=data.other_fen,
            )
        )
        _replace_children(session, project.id, data)
        _sync_indicators(session, project.id, data, warnings)
        return "created"
    assert project.id is not None
    changed = any(getattr(project, k) != v for k, v in fields.items() if k != "source_line")
    changed |= _replace_children(session, project.id, data)
    changed |= _sync_indicators(session, project.id, data, warnings)
    for k, v in fields.items():
        setattr(project, k, v)
    if changed:
        project.import_id = import_id
        project.updated_at = utcnow()
        initial = session.exec(
            select(BudgetVersion).where(BudgetVersion.project_id == project.id, BudgetVersion.kind == "initial")
        ).first()
        if initial is not None:
            initial.total_fen, initial.fiscal_fen, initial.other_fen = (
                data.budget_fen,
                data.fiscal_fen,
                data.other_fen,
            )
    return "updated" if changed else "unchanged"


def _replace_children(session: Session, project_id: int, data: ProjectData) -> bool:
    """Plan checkpoints and objectives follow the table exactly; True when anything differed."""
    old_plan = session.exec(select(PlanCheckpoint).where(PlanCheckpoint.project_id == project_id)).all()
    old_obj = session.exec(select(Objective).where(Objective.project_id == project_id)).all()
    same_plan = [(c.month, c.cumulative_pct) for c in sorted(old_plan, key=lambda c: c.month)] == [
        (c.month, c.cumulative_pct) for c in data.plan
    ]
    same_obj = [o.text for o in sorted(old_obj, key=lambda o: o.seq)] == data.objectives
    if same_plan and same_obj:
        return False
    for row in [*old_plan, *old_obj]:
        session.delete(row)
    session.flush()
    for c in data.plan:
        session.add(PlanCheckpoint(project_id=project_id, month=c.month, cumulative_pct=c.cumulative_pct))
    for seq, text in enumerate(data.objectives, start=1):
        session.add(Objective(project_id=project_id, seq=seq, text=text))
    return True


def _indicator_fields(ind: IndicatorData) -> dict[str, Any]:
    t = ind.target
    return {
        "level1": ind.level1,
        "level2": ind.level2,
        "level3": ind.level3,
        "description": ind.description,
        "target_text": t.text,
        "kind": t.kind.value,
        "comparator": t.comparator.value if t.comparator else None,
        "value": t.value,
        "unit": t.unit,
        "norm_value": t.norm_value,
        "norm_unit": t.norm_unit,
        "direction": t.direction.value,
        "basis": ind.basis,
    }


def _sync_indicators(session: Session, project_id: int, data: ProjectData, warnings: list[str]) -> bool:
    """Match indicators by sequence number; keep the accumulation mode and weight a user may have set."""
    existing = {i.seq: i for i in session.exec(select(Indicator).where(Indicator.project_id == project_id))}
    changed = False
    for ind in data.indicators:
        fields = _indicator_fields(ind)
        row = existing.pop(ind.seq, None)
        if row is None:
            session.add(Indicator(project_id=project_id, seq=ind.seq, accumulation=ind.accumulation.value, **fields))
            changed = True
            continue
        for k, v in fields.items():
            if getattr(row, k) != v:
                setattr(row, k, v)
                changed = True
    for seq, row in sorted(existing.items()):
        warnings.append(f"{data.dept_code}/{data.code}：新表没有第{seq}个指标“{row.level3}”，已删除")
        session.delete(row)
        changed = True
    return changed


def list_projects(
    *,
    session: Session,
    scope: Scope,
    year: int | None = None,
    dept_code: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[ProjectOut], int]:
    """Projects the scope may see, in table order, with their total count."""
    query = scope.filter(select(Project), Project.dept_code)
    if year is not None:
        query = query.where(Project.year == year)
    if dept_code is not None:
        query = query.where(Project.dept_code == dept_code)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    query = query.order_by(col(Project.year), col(Project.heading_no), col(Project.id)).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    projects = list(session.exec(query))
    return _assemble(session, projects), int(total)


def get_project(*, session: Session, scope: Scope, project_id: int) -> ProjectOut:
    """One project; another unit's project answers 404 like a missing one."""
    project = session.get(Project, project_id)
    if project is None or not scope.allows(project.dept_code):
        raise NotFound(f"项目{project_id}不存在")
    return _assemble(session, [project])[0]


@dataclass(slots=True)
class _Children:
    depts: dict[str, str]
    plans: dict[int, list[PlanCheckpoint]]
    objectives: dict[int, list[str]]
    indicators: dict[int, list[Indicator]]


def _children(session: Session, projects: Sequence[Project]) -> _Children:
    """Load children for many projects with one query per table (no N+1)."""
    ids = [p.id for p in projects if p.id is not None]
    codes = {p.dept_code for p in projects}
    out = _Children({}, defaultdict(list), defaultdict(list), defaultdict(list))
    if not ids:
        return out
    out.depts = {d.code: d.name for d in session.exec(select(Dept).where(col(Dept.code).in_(codes)))}
    plan_q = select(PlanCheckpoint).where(col(PlanCheckpoint.project_id).in_(ids))
    for c in session.exec(plan_q.order_by(col(PlanCheckpoint.month))):
        out.plans[c.project_id].append(c)
    for o in session.exec(select(Objective).where(col(Objective.project_id).in_(ids)).order_by(col(Objective.seq))):
        out.objectives[o.project_id].append(o.text)
    ind_q = select(Indicator).where(col(Indicator.project_id).in_(ids))
    for i in session.exec(ind_q.order_by(col(Indicator.seq))):
        out.indicators[i.project_id].append(i)
    return out


def _assemble(session: Session, projects: Sequence[Project]) -> list[ProjectOut]:
    ch = _children(session, projects)
    return [
        project_out(
            p,
            dept_name=ch.depts.get(p.dept_code, ""),
            objectives=ch.objectives[p.id],
            plan=ch.plans[p.id],
            indicators=ch.indicators[p.id],
        )
        for p in projects
        if p.id is not None
    ]


def load_core(
    *, session: Session, scope: Scope, year: int | None = None, dept_code: str | None = None
) -> list[tuple[Project, ProjectData]]:
    """Stored projects with their plain-value form for the pure rules (variance, scoring, review)."""
    query = scope.filter(select(Project), Project.dept_code)
    if year is not None:
        query = query.where(Project.year == year)
    if dept_code is not None:
        query = query.where(Project.dept_code == dept_code)
    projects = list(session.exec(query.order_by(col(Project.year), col(Project.heading_no), col(Project.id))))
    ch = _children(session, projects)
    return [(p, _core(p, ch)) for p in projects if p.id is not None]


def indicator_target(i: Indicator) -> TargetValue:
    """A stored indicator's target as the pure TargetValue."""
    return TargetValue(
        text=i.target_text,
        kind=Kind(i.kind),
        comparator=Comparator(i.comparator) if i.comparator else None,
        value=i.value,
        unit=i.unit,
        norm_value=i.norm_value,
        norm_unit=i.norm_unit,
        direction=Direction(i.direction),
    )


def _core(p: Project, ch: _Children) -> ProjectData:
    assert p.id is not None
    return ProjectData(
        year=p.year,
        dept_code=p.dept_code,
        dept_name=ch.depts.get(p.dept_code, ""),
        code=p.code,
        name=p.name,
        budget_fen=p.budget_fen,
        fiscal_fen=p.fiscal_fen,
        other_fen=p.other_fen,
        purpose=p.purpose,
        objectives=list(ch.objectives[p.id]),
        plan=[Checkpoint(c.month, c.cumulative_pct) for c in ch.plans[p.id]],
        indicators=[
            IndicatorData(
                seq=i.seq,
                level1=i.level1,
                level2=i.level2,
                level3=i.level3,
                description=i.description,
                target=indicator_target(i),
                basis=i.basis,
                accumulation=Accumulation(i.accumulation),
                weight=i.weight,
                applicable=i.applicable,
            )
            for i in ch.indicators[p.id]
        ],
        incomplete=p.incomplete,
        heading_no=p.heading_no,
        source_line=p.source_line,
    )
