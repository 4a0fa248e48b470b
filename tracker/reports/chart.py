"""Server-side SVG of the 通报: one bar per unit or region (执行率), the time-progress line, 执行/计划 beside it.

No script and no library, as tracker/web/charts.py: the page works offline and prints.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from markupsafe import Markup

from tracker.reports.service import Ranking

W, ROW, TOP, LEFT, RIGHT = 760, 22, 40, 210, 90


def _x(pct: Decimal, top: Decimal) -> float:
    return LEFT + float(pct / top) * (W - LEFT - RIGHT)


def ranking_chart(r: Ranking, *, limit: int = 40) -> Markup:
    """Bars of 执行率 in rank order (at most `limit`), with a dashed line at the time progress."""
    rows = r.rows[:limit]
    height = TOP + ROW * max(len(rows), 1) + 30
    top = max([Decimal(100), *(x.execution_pct for x in rows if x.execution_pct is not None)])
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {height}" width="100%" role="img" '
        f'aria-label="{r.year}年执行进度排名" class="chart ranking">',
        f'<text x="{LEFT}" y="20" font-size="13">执行率（条）与时间进度 {r.time_progress_pct}%（虚线），'
        "右侧为执行/计划</text>",
    ]
    for k in range(0, 101, 25):
        x = _x(Decimal(k), top)
        out.append(f'<line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{height - 26}" stroke="#eee"/>')
        out.append(f'<text x="{x:.1f}" y="{height - 10}" font-size="11" text-anchor="middle">{k}%</text>')
    for n, row in enumerate(rows):
        y = TOP + n * ROW
        rate = row.execution_pct or Decimal(0)
        colour = (
            "#2e7d32"
            if (row.plan_ratio or 0) >= Decimal("0.8")
            else "#f9a825"
            if (row.plan_ratio or 0) >= Decimal("0.6")
            else "#c62828"
        )
        label = escape(f"{row.rank}. {row.name or row.key}")
        out.append(f'<text x="{LEFT - 6}" y="{y + 14}" font-size="12" text-anchor="end">{label[:40]}</text>')
        width = _x(rate, top) - LEFT
        out.append(
            f'<rect x="{LEFT}" y="{y + 3}" width="{width:.1f}" height="{ROW - 6}" fill="{colour}" '
            f'data-key="{escape(row.key)}"><title>{escape(row.name)}：执行率 {rate}%</title></rect>'
        )
        ratio = f"{row.plan_ratio * 100:.2f}%" if row.plan_ratio is not None else "—"
        out.append(f'<text x="{W - RIGHT + 6}" y="{y + 14}" font-size="12">{ratio}</text>')
    tx = _x(r.time_progress_pct, top)
    out.append(
        f'<line x1="{tx:.1f}" y1="{TOP - 6}" x2="{tx:.1f}" y2="{height - 26}" stroke="#1565c0" stroke-dasharray="4 3"/>'
    )
    out.append("</svg>")
    return Markup("".join(out))
