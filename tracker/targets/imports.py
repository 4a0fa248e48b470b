"""Importing a target file sent over the web (API and /targets page) by the finance bureau.

The same reading, checks, summary and warnings as `tracker targets import`; on top of it: only an
admin, only for the regions the admin covers (tracker/access.py), the upload size limit, and a dry
run that reads and checks the file and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO

import sqlalchemy as sa
from sqlmodel import Session, col

from tracker.access import check_regions
from tracker.auth.principal import Principal
from tracker.config import get_settings
from tracker.core.money import wan_str
from tracker.errors import TooLarge
from tracker.models import Indicator, Project
from tracker.places import region_of
from tracker.targets.importer import ImportSummary, check_regions_known, import_targets, parse_file
from tracker.targets.parsing import ParsedFile


@dataclass(slots=True)
class TargetImport:
    """What the CLI prints, as data: the summary of an import, or of a dry run (nothing written)."""

    dry_run: bool
    filename: str
    year: int
    layout: str
    projects: int
    indicators: int
    budget_fen: int
    created: int  # a dry run: projects not stored yet
    updated: int | None  # a dry run cannot tell updated from unchanged without writing: None
    unchanged: int | None
    existing: int  # projects already stored (updated + unchanged)
    import_id: int | None = None
    incomplete: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        """The CLI's summary line."""
        done = "检查通过（未写入）" if self.dry_run else "已导入"
        counts = (
            f"新增 {self.created}，已有 {self.existing}"
            if self.dry_run
            else f"新增 {self.created}，更新 {self.updated}，未变 {self.unchanged}"
        )
        return (
            f"{done} {self.filename}：{self.year}年 {self.projects} 个项目，{self.indicators} 个指标，"
            f"预算合计 {wan_str(self.budget_fen)} 万元（{counts}）；格式：{self.layout}"
        )


def check_size(size: int) -> None:
    """TooLarge (413) beyond TRACKER_UPLOAD_MAX_BYTES, the limit of every upload."""
    limit = get_settings().upload_max_bytes
    if size > limit:
        raise TooLarge(f"文件大小超过上限 {limit / 1024 / 1024:.1f} MB")


def read_upload(size: int | None, stream: IO[bytes]) -> bytes:
    """An uploaded file's bytes: refused by its declared size before it is read, and never read past the limit
    (one byte more, which `import_file` refuses)."""
    if size is not None:
        check_size(size)
    return stream.read(get_settings().upload_max_bytes + 1)


def import_file(
    *, session: Session, principal: Principal, data: bytes, filename: str, year: int | None = None,
    dry_run: bool = False,
) -> TargetImport:  # fmt: skip
    """Check a target file and, unless dry_run, import it; admins only, for their own regions."""
    principal.require_admin()
    check_size(len(data))
    parsed = parse_file(data, year=year)
    check_regions_known(parsed)
    check_regions(principal.scope, {region_of(p.code) or "" for p in parsed.projects}, what="目标表")
    if dry_run:
        return _preview(session, parsed, filename)
    summary = import_targets(
        session=session, data=data, filename=filename, year=year, imported_by=principal.username, parsed=parsed
    )
    return _done(summary)


def _preview(session: Session, parsed: ParsedFile, filename: str) -> TargetImport:
    stored, dropped = _stored(session, parsed)
    existing = len(stored)
    return TargetImport(
        dry_run=True,
        filename=filename,
        year=min(p.year for p in parsed.projects),
        layout=parsed.layout,
        projects=len(parsed.projects),
        indicators=sum(len(p.indicators) for p in parsed.projects),
        budget_fen=sum(p.budget_fen for p in parsed.projects),
        created=len(parsed.projects) - existing,
        updated=None,
        unchanged=None,
        existing=existing,
        incomplete=[f"{p.heading_no}.{p.name}" for p in parsed.projects if p.incomplete],
        warnings=list(parsed.warnings) + dropped,
    )


def _stored(session: Session, parsed: ParsedFile) -> tuple[set[tuple[object, ...]], list[str]]:
    """The file's projects already stored, and the warnings the import itself would add (stored indicators
    the new table no longer has): one query, the projects with their indicators outer-joined."""
    wanted = {(p.year, region_of(p.code), p.dept_code, p.code): {i.seq for i in p.indicators} for p in parsed.projects}
    query = (
        sa.select(
            col(Project.year),
            col(Project.region_code),
            col(Project.dept_code),
            col(Project.code),
            col(Indicator.seq),
            col(Indicator.level3),
        )
        .outerjoin(Indicator, col(Indicator.project_id) == col(Project.id))
        .where(
            col(Project.year).in_({k[0] for k in wanted}),
            col(Project.region_code).in_({k[1] for k in wanted}),
            col(Project.dept_code).in_({k[2] for k in wanted}),
        )
        .order_by(col(Project.id), col(Indicator.seq))
    )
    stored: set[tuple[object, ...]] = set()
    dropped = []
    for year, region, dept, code, seq, level3 in session.execute(query):
        key = (year, region, dept, code)
        if key not in wanted:
            continue
        stored.add(key)
        if seq is not None and seq not in wanted[key]:
            dropped.append(f"{dept}/{code}：新表没有第{seq}个指标“{level3}”，导入时将删除")
    return stored, dropped


def _done(s: ImportSummary) -> TargetImport:
    return TargetImport(
        dry_run=False,
        filename=s.filename,
        year=s.year,
        layout=s.layout,
        projects=s.projects,
        indicators=s.indicators,
        budget_fen=s.budget_fen,
        created=s.created,
        updated=s.updated,
        unchanged=s.unchanged,
        existing=s.updated + s.unchanged,
        import_id=s.import_id,
        incomplete=list(s.incomplete),
        warnings=list(s.warnings),
    )
