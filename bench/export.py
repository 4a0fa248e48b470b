"""Self-evaluation export against bare XlsxWriter writing the same cells (issues 5 and 14).

One run: build BENCH_EXPORT_PROJECTS projects (small 440, full 4,400; the 昌黎县 tables repeated
under other unit codes) with a year of payments and results in a temporary SQLite database; time
`export_self_evaluation` (gathering, scoring, writing every project, unit and summary workbook);
read every file it wrote back with openpyxl (untimed); then time bare XlsxWriter writing exactly
those cells, merges, formats, widths and page setups. Prints both times and the ratio of CPU times
(both run serially in this process; CPU time is what other load on a shared machine disturbs least);
the target is ratio ≤ 1.5. Then the projects are copied into 9 more counties (10×) and the export
timed again (best of two, like the others): growth ≤ 11×. Province size (60,000 projects, worker
processes, peak memory): `python -m bench._export_scale 61600 2`.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, range_boundaries
from sqlalchemy import Engine
from sqlmodel import Session, select
from xlsxwriter import Workbook

from bench._export_scale import replicate
from tracker import migrate
from tracker.db import make_engine
from tracker.evaluation.export import export_self_evaluation
from tracker.models import Indicator, IndicatorResult, Payment, Project, UploadBatch
from tracker.rules import load_rules
from tracker.scope import Scope
from tracker.shared.export import DirSink, ExportSummary
from tracker.targets.service import import_targets

DATA = Path(__file__).resolve().parent.parent / "data" / "changli-2024-targets.txt"
PROJECTS = int(os.environ.get("BENCH_EXPORT_PROJECTS", "4400" if os.environ.get("BENCH_SCALE") == "full" else "440"))
TARGET = 1.5
ROUNDS = 2
GROWTH = 10  # the growth figure: the same export with the projects copied into 9 more counties
_HEADING = re.compile(r"^(\d+)\.?(\S*绩效目标表)$")
_UNIT = re.compile(r"^\t(\d{6})(\S.*)$")


def synthetic_file(count: int) -> bytes:
    """The complete 昌黎县 tables repeated under new unit codes until there are `count` of them."""
    lines = DATA.read_text(encoding="utf-8").split("\n")
    heads = [n for n, line in enumerate(lines) if _HEADING.match(line) and n > 6]
    tables = [lines[a:b] for a, b in pairwise(heads)]  # the truncated last one is left out
    out = lines[:5]
    for k in range(count):
        copy, table = divmod(k, len(tables))
        chunk = list(tables[table])
        match = _HEADING.match(chunk[0])
        assert match is not None
        chunk[0] = f"{k + 1}.{match.group(2)}"
        for i, line in enumerate(chunk):
            unit = _UNIT.match(line)
            if unit:
                chunk[i] = f"\t{copy:02d}{unit.group(1)[2:]}{unit.group(2)}"
                break
        out += chunk
    return "\n".join(out).encode("utf-8")


def fill_year(session: Session) -> None:
    """One payment of 95% of the budget per project and an on-target result for every indicator."""
    batch = UploadBatch(filename="bench.xlsx", sha256="0" * 64)
    session.add(batch)
    session.flush()
    assert batch.id is not None
    for p in session.exec(select(Project)):
        assert p.id is not None
        session.add(
            Payment(project_id=p.id, batch_id=batch.id, paid_on=date(2024, 11, 30), amount_fen=p.budget_fen * 95 // 100)
        )
    for i in session.exec(select(Indicator)):
        assert i.id is not None
        if i.kind == "quantitative" and i.value is not None:
            value: Decimal | None = i.value * (Decimal("0.9") if i.seq % 3 == 0 else 1)
            text, grade = f"{value}{i.unit or ''}", None
        else:
            value, text, grade = None, "部分达成年度指标并具有一定效果", "部分达成年度指标并具有一定效果"
        reason = "" if i.seq % 2 else "=原因：执行偏慢"  # half the lost points explained, with a formula sign
        session.add(IndicatorResult(indicator_id=i.id, batch_id=batch.id, as_of=date(2024, 12, 31), actual_text=text,
                                    actual_value=value, grade=grade, reason=reason))  # fmt: skip
    session.flush()


@dataclass
class SheetSpec:
    name: str
    widths: dict[int, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    cells: list[tuple[int, int, Any, int]] = field(default_factory=list)  # row, col, value, style index
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    landscape: bool = False
    repeat: tuple[int, int] | None = None
    freeze: tuple[int, int] | None = None


@dataclass
class BookSpec:
    path: str
    large: bool
    styles: list[dict[str, Any]] = field(default_factory=list)
    sheets: list[SheetSpec] = field(default_factory=list)


def _style(cell: Any) -> dict[str, Any]:
    props: dict[str, Any] = {"font_name": cell.font.name, "font_size": cell.font.sz, "num_format": cell.number_format}
    if cell.font.b:
        props["bold"] = True
    if cell.font.color is not None and isinstance(cell.font.color.rgb, str):
        props["font_color"] = "#" + cell.font.color.rgb[-6:]
    if cell.fill.fill_type == "solid":
        props["bg_color"] = "#" + str(cell.fill.fgColor.rgb)[-6:]
    if cell.border.left.style:
        props["border"] = 1
    if cell.alignment.horizontal:
        props["align"] = cell.alignment.horizontal
    if cell.alignment.vertical == "center":
        props["valign"] = "vcenter"
    if cell.alignment.wrap_text:
        props["text_wrap"] = True
    if cell.quotePrefix:
        props["quote_prefix"] = True
    return props


def read_back(root: Path, files: list[str]) -> list[BookSpec]:
    """Everything the export wrote, as plain cell lists (untimed)."""
    books = []
    for name in files:
        book = load_workbook(root / name)
        spec = BookSpec(path=name, large=name == "summary.xlsx")
        keys: dict[tuple[tuple[str, Any], ...], int] = {}
        for ws in book.worksheets:
            sheet = SheetSpec(name=ws.title, landscape=ws.page_setup.orientation == "landscape")
            for letter, dim in ws.column_dimensions.items():
                if dim.width:
                    sheet.widths[column_index_from_string(letter) - 1] = dim.width
            sheet.heights = {r - 1: d.height for r, d in ws.row_dimensions.items() if d.height}
            for row in ws.iter_rows():
                for c in row:
                    if c.has_style or c.value is not None:
                        props = _style(c)
                        key = tuple(sorted(props.items()))
                        index = keys.setdefault(key, len(keys))
                        if index == len(spec.styles):
                            spec.styles.append(props)
                        sheet.cells.append((c.row - 1, c.column - 1, c.value, index))
            for merged in ws.merged_cells.ranges:
                min_col, min_row, max_col, max_row = range_boundaries(str(merged))
                sheet.merges.append((min_row - 1, min_col - 1, max_row - 1, max_col - 1))
            if ws.print_title_rows:
                first, last = (int(x.strip("$")) - 1 for x in ws.print_title_rows.split(":"))
                sheet.repeat = (first, last)
            if ws.freeze_panes:
                sheet.freeze = (ws[ws.freeze_panes].row - 1, ws[ws.freeze_panes].column - 1)
            spec.sheets.append(sheet)
        books.append(spec)
    return books


def bare_write(root: Path, books: list[BookSpec]) -> None:
    """Bare XlsxWriter: the same cells, merges, formats, widths and page setup, nothing else."""
    for spec in books:
        path = root / spec.path
        path.parent.mkdir(parents=True, exist_ok=True)
        options = {"constant_memory": True} if spec.large else {"in_memory": True}
        book = Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False, **options})
        formats = [book.add_format(props) for props in spec.styles]
        for sheet in spec.sheets:
            ws = book.add_worksheet(sheet.name)
            for col, width in sheet.widths.items():
                ws.set_column(col, col, width)
            for row, height in sheet.heights.items():
                ws.set_row(row, height)
            starts = {(m[0], m[1]): m for m in sheet.merges}
            inside = {(r, c) for m in sheet.merges for r in range(m[0], m[2] + 1) for c in range(m[1], m[3] + 1)}
            for row, col, value, style in sheet.cells:
                fmt = formats[style]
                if (row, col) in starts:
                    ws.merge_range(*starts[(row, col)], "", fmt)
                elif (row, col) in inside:
                    continue
                if isinstance(value, str):
                    ws.write_string(row, col, value, fmt)
                elif isinstance(value, int | float):
                    ws.write_number(row, col, value, fmt)
                else:
                    ws.write_blank(row, col, None, fmt)
            ws.set_paper(9)
            ws.set_landscape() if sheet.landscape else ws.set_portrait()
            ws.fit_to_pages(1, 0)
            ws.center_horizontally()
            ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
            ws.set_footer("&C第 &P 页，共 &N 页")
            if sheet.repeat:
                ws.repeat_rows(*sheet.repeat)
            if sheet.freeze:
                ws.freeze_panes(*sheet.freeze)
        book.close()


def _values(path: Path) -> list[list[Any]]:
    book = load_workbook(path)
    return [[c.value for c in row] for ws in book.worksheets for row in ws.iter_rows()]


def _export(engine: Engine, out: Path) -> tuple[float, float, ExportSummary]:
    """One serial export: (CPU seconds, wall seconds, what it wrote)."""
    with Session(engine) as session:
        cpu, wall = time.process_time(), time.perf_counter()
        done = export_self_evaluation(
            session=session, scope=Scope.everything(), year=2024, sink=DirSink(out), rules=load_rules()
        )
        return time.process_time() - cpu, time.perf_counter() - wall, done


def _bare(root: Path, books: list[BookSpec]) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    bare_write(root, books)
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        url = f"sqlite:///{root / 'bench.db'}"
        migrate.upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            import_targets(session=session, data=synthetic_file(PROJECTS), filename="bench.txt")
            fill_year(session)
            session.commit()
        ours, bare = [], []
        for run in range(ROUNDS):  # interleaved, best of each: other load on the machine hits both alike
            *took, done = _export(engine, root / f"ours{run}")
            ours.append(took)
            if run == 0:
                books = read_back(root / "ours0", done.files)
            bare.append(_bare(root / f"bare{run}", books))
        for name in (done.files[0], done.files[-1]):  # the replay really wrote the same cells
            assert _values(root / "ours0" / name) == _values(root / "bare0" / name), name
        replicate(engine, GROWTH)  # the same projects in GROWTH - 1 more counties
        *grown, more = min((_export(engine, root / f"grown{run}") for run in range(ROUNDS)), key=lambda t: t[0])
        engine.dispose()
    cells = sum(len(s.cells) for b in books for s in b.sheets)
    (cpu, wall), (bare_cpu, bare_wall) = min(ours), min(bare)
    ratio, growth = cpu / bare_cpu, grown[0] / cpu
    print(f"export self-evaluation: {done.projects} projects, {done.units} unit books + summary, {len(books)} files")
    print(f"  {cells} cells")
    print(f"  tracker export (gather + score + write): CPU {cpu:.2f}s (wall {wall:.2f}s)   "
          f"bare XlsxWriter, same cells: CPU {bare_cpu:.2f}s (wall {bare_wall:.2f}s)")  # fmt: skip
    print(f"  ratio (CPU) {ratio:.2f} (target ≤ {TARGET}) {'OK' if ratio <= TARGET else 'TOO SLOW'}")
    print(f"  {GROWTH}× the projects ({more.projects}, {len(more.files)} files): CPU {grown[0]:.2f}s "
          f"(wall {grown[1]:.2f}s, {len(more.files) / grown[1]:.0f} files/s), growth {growth:.2f}× "
          f"(target ≤ {GROWTH * 1.1:.0f}×) {'OK' if growth <= GROWTH * 1.1 else 'TOO SLOW'}")  # fmt: skip
    if ratio > TARGET or growth > GROWTH * 1.1:
        sys.exit(1)


if __name__ == "__main__":
    main()
