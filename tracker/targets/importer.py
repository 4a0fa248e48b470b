"""Importing a published target file into the database, in the caller's transaction.

Everything is loaded and written in bulk (a handful of statements for a whole county), so that an
import over a network link to PostgreSQL takes as long as one over a local file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tracker.bulk import insert_rows
from tracker.core.project import ProjectData
from tracker.errors import InvalidInput
from tracker.models import Dept, ImportRecord, Project, Region
from tracker.models.base import utcnow
from tracker.places import region_of
from tracker.targets.import_rows import TARGET_FIELDS, Existing, Fresh, indicator_fields, load_existing, project_fields
from tracker.targets.parsing import ParsedFile, TableFormatError, build
from tracker.targets.reading import read_document

Progress = Callable[[int, int, str], None]
Key = tuple[int, str, str, str]  # (year, region, unit code, project code)


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
    layout: str = ""


def parse_file(data: bytes, *, year: int | None = None) -> ParsedFile:
    """Recognise the layout and read it; InvalidInput (naming the place) when the bytes are not a target table."""
    if not data.strip():
        raise InvalidInput("第1行：文件为空", line=1)
    try:
        return build(read_document(data), year=year)
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
    parsed: ParsedFile | None = None,
) -> ImportSummary:
    """Import one file: re-importing updates in place (indicators matched by sequence), never duplicates.

    `parsed` is the file already read by `parse_file` (the web import checks it first), else it is read here.
    """
    parsed = parsed or parse_file(data, year=year)
    check_regions_known(parsed)
    record = ImportRecord(
        filename=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        year=min(p.year for p in parsed.projects),
        imported_by=imported_by,
        projects=len(parsed.projects),
        indicators=sum(len(p.indicators) for p in parsed.projects),
        warnings=parsed.warnings,
    )
    with session.no_autoflush:
        session.add(record)
        _upsert_regions_and_depts(session, parsed)
        session.flush()
        assert record.id is not None
        counts = _upsert_projects(session, parsed, record.id, progress)
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
        layout=parsed.layout,
        **counts,
    )


def _region(data: ProjectData) -> str:
    region = region_of(data.code)
    assert region is not None, "checked by check_regions_known"
    return region


def _key(data: ProjectData) -> Key:
    return (data.year, _region(data), data.dept_code, data.code)


def check_regions_known(parsed: ParsedFile) -> None:
    """A 项目编码 that does not start with a region code cannot be placed: refuse the file, naming the line."""
    for p in parsed.projects:
        if region_of(p.code) is None:
            raise InvalidInput(
                f"第{p.source_line}行：项目编码“{p.code}”不以6位行政区划代码开头，无法确定所属地区",
                line=p.source_line,
            )


def _upsert_regions_and_depts(session: Session, parsed: ParsedFile) -> None:
    regions = {_region(p) for p in parsed.projects}
    known = {r.code: r for r in session.exec(select(Region).where(col(Region.code).in_(regions)))}
    # The first line names the file's place; a file that spans regions names none of them for sure.
    name = parsed.region_name if len(regions) == 1 else ""
    for code in sorted(regions):
        if code not in known:
            session.add(Region(code=code, name=name))
        elif name and known[code].name != name:
            known[code].name = name
    session.flush()  # plain foreign keys (no relationships) do not order the unit of work
    wanted = {(_region(p), p.dept_code): p for p in parsed.projects}
    query = select(Dept).where(col(Dept.region_code).in_(regions), col(Dept.code).in_({d for _, d in wanted}))
    depts = {(d.region_code, d.code): d for d in session.exec(query)}
    for (region, code), p in wanted.items():
        if (region, code) not in depts:
            session.add(Dept(region_code=region, code=code, name=p.dept_name))
        elif depts[(region, code)].name != p.dept_name:
            depts[(region, code)].name = p.dept_name
    session.flush()


_PROJECT: sa.Table = Project.__table__  # type: ignore[attr-defined]


def _stored(session: Session, parsed: ParsedFile) -> dict[Key, Project]:
    """The stored projects of the file's units (never the rest of the install)."""
    years = {p.year for p in parsed.projects}
    regions = {_region(p) for p in parsed.projects}
    codes = {p.dept_code for p in parsed.projects}
    query = select(Project).where(
        col(Project.year).in_(years), col(Project.region_code).in_(regions), col(Project.dept_code).in_(codes)
    )
    return {(p.year, p.region_code, p.dept_code, p.code): p for p in session.exec(query)}


def _insert_projects(session: Session, new: list[ProjectData], import_id: int) -> dict[Key, int]:
    """Insert the file's new projects in one bulk statement; answer their ids by key."""
    table, rows = _PROJECT, []
    for data in new:
        fields = {"year": data.year, "region_code": _region(data), "dept_code": data.dept_code, "code": data.code}
        project = Project.model_validate(fields | {"import_id": import_id} | project_fields(data))
        rows.append({c.name: getattr(project, c.name) for c in table.columns if c.name != "id"})
    insert_rows(session, table, rows)
    if not new:
        return {}
    wanted = {_key(d) for d in new}
    c = table.c
    query = sa.select(c.id, c.year, c.region_code, c.dept_code, c.code).where(
        c.year.in_({k[0] for k in wanted}), c.region_code.in_({k[1] for k in wanted}),
        c.dept_code.in_({k[2] for k in wanted}),
    )  # fmt: skip
    found = {(year, region, dept, code): id_ for id_, year, region, dept, code in session.execute(query)}
    return {key: found[key] for key in wanted}


def _upsert_projects(session: Session, parsed: ParsedFile, import_id: int, progress: Progress | None) -> dict[str, int]:
    stored = _stored(session, parsed)
    new_ids = _insert_projects(session, [p for p in parsed.projects if _key(p) not in stored], import_id)
    existing = load_existing(session, [p.id for p in stored.values() if p.id is not None])
    counts = {"created": len(new_ids), "updated": 0, "unchanged": 0}
    stale: list[Any] = []
    fresh = Fresh()
    for n, data in enumerate(parsed.projects, start=1):
        if _key(data) in new_ids:
            project_id = new_ids[_key(data)]
            fresh.plan_and_objectives(project_id, data)
            for ind in data.indicators:
                fresh.indicator(project_id, ind)
        elif _update(stored[_key(data)], data, existing, stale, fresh, parsed.warnings):
            project = stored[_key(data)]
            project.import_id = import_id
            project.updated_at = utcnow()
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
        if progress:
            progress(n, len(parsed.projects), data.name)
    for row in stale:
        session.delete(row)
    session.flush()  # deletes first: new plan rows reuse (project, month)
    fresh.write(session)
    return counts


def _update(
    project: Project, data: ProjectData, existing: Existing, stale: list[Any], fresh: Fresh, warnings: list[str]
) -> bool:
    """Bring a stored project in line with the table; True when anything differed."""
    assert project.id is not None
    fields = project_fields(data)
    changed = any(getattr(project, k) != v for k, v in fields.items() if k != "source_line")
    for k, v in fields.items():
        setattr(project, k, v)
    plan = sorted(existing.plans[project.id], key=lambda c: c.month)
    objectives = sorted(existing.objectives[project.id], key=lambda o: o.seq)
    if [(c.month, c.cumulative_pct) for c in plan] != [(c.month, c.cumulative_pct) for c in data.plan] or [
        o.text for o in objectives
    ] != data.objectives:
        stale.extend([*plan, *objectives])
        fresh.plan_and_objectives(project.id, data)
        changed = True
    rows = dict(existing.indicators[project.id])
    for ind in data.indicators:
        row = rows.pop(ind.seq, None)
        if row is None:
            fresh.indicator(project.id, ind)
            changed = True
            continue
        for k, v in indicator_fields(ind).items():  # accumulation, weight and 不适用 set by users are kept
            if row.target_corrected and k in TARGET_FIELDS:
                continue
            if getattr(row, k) != v:
                setattr(row, k, v)
                changed = True
    for seq, row in sorted(rows.items()):
        warnings.append(f"{data.dept_code}/{data.code}：新表没有第{seq}个指标“{row.level3}”，已删除")
        stale.append(row)
        changed = True
    # The published figures are 年初 only: budget changes live in their own table and are kept.
    return changed
