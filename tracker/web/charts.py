"""Server-side SVG: planned against actual cumulative spend, with checkpoints and the time-progress line.

No script and no chart library: the page works offline and prints. Coordinates are computed
from exact values; only the drawing is rounded to a tenth of a pixel.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from html import escape

from markupsafe import Markup

from tracker.core.money import FEN_PER_WAN
from tracker.core.plan import checkpoint_date, planned_fen, time_progress
from tracker.core.project import Checkpoint

W, H = 760, 330
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 34, 46


@dataclass(frozen=True, slots=True)
class Frame:
    year: int
    y_max_fen: int

    @property
    def days(self) -> int:
        return (date(self.year, 12, 31) - date(self.year, 1, 1)).days

    def x(self, day: date) -> float:
        share = (day - date(self.year, 1, 1)).days / self.days
        return LEFT + share * (W - LEFT - RIGHT)

    def y(self, fen: int) -> float:
        return TOP + (1 - fen / self.y_max_fen) * (H - TOP - BOTTOM)


def _nice_max(fen: int) -> int:
    """A round top for the money axis (in fen): five steps of 1, 2, 2.5 or 5 × 10^k 万元, at least 1 万元."""
    raw = max(Fraction(fen, FEN_PER_WAN), Fraction(1)) / 5
    power = Fraction(1, 100)
    while power * 10 <= raw:
        power *= 10
    step = next(
        power * m for m in (Fraction(1), Fraction(2), Fraction(5, 2), Fraction(5), Fraction(10)) if power * m >= raw
    )
    return int(step * 5 * FEN_PER_WAN)


def _pts(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def _wan_label(fen: int) -> str:
    value = Fraction(fen, FEN_PER_WAN)
    return f"{float(value):,.0f}" if value.denominator == 1 or value >= 100 else f"{float(value):,.2f}"


def spend_chart(
    *,
    year: int,
    budget_fen: int,
    plan: Sequence[Checkpoint],
    payments: Sequence[tuple[date, int]],
    as_of: date,
    budget_on: Callable[[date], int] | None = None,
    budget_changes: Sequence[date] = (),
) -> Markup:
    """An SVG of planned and actual cumulative spend in 万元 over the year, up to `as_of` for the actual.

    With `budget_on` the plan follows the effective budget: it steps on each date in `budget_changes`.
    """
    at = budget_on or (lambda _day: budget_fen)
    start, end = date(year, 1, 1), date(year, 12, 31)
    paid_total = sum(f for d, f in payments if d <= as_of)
    frame = Frame(year=year, y_max_fen=_nice_max(max(budget_fen, at(end), paid_total)))
    parts: list[str] = []

    for i in range(6):  # money grid and labels
        fen = frame.y_max_fen * i // 5
        y = frame.y(fen)
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{W - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="ylab" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{_wan_label(fen)}</text>')
    for m in range(1, 13):  # month ticks at month ends
        x = frame.x(checkpoint_date(year, m))
        parts.append(f'<line class="tick" x1="{x:.1f}" x2="{x:.1f}" y1="{H - BOTTOM}" y2="{H - BOTTOM + 5}"/>')
        parts.append(f'<text class="xlab" x="{x:.1f}" y="{H - BOTTOM + 18}" text-anchor="middle">{m}月</text>')
    parts.append(f'<text class="unit" x="{LEFT - 6}" y="{TOP - 14}" text-anchor="end">万元</text>')

    month_ends = [start] + [checkpoint_date(year, m) for m in range(1, 13)]
    time_line = [(frame.x(d), frame.y(int(at(d) * time_progress(d, year=year)))) for d in month_ends]
    parts.append(f'<polyline class="time" points="{_pts(time_line)}"><title>时间进度</title></polyline>')

    steps = [d for c in budget_changes if start < c <= end for d in (c - timedelta(days=1), c)]
    anchors = [start, *sorted({*steps, *(checkpoint_date(year, c.month) for c in plan)}), end]
    plan_line = [(frame.x(d), frame.y(planned_fen(budget_fen=at(d), plan=plan, as_of=d, year=year))) for d in anchors]
    parts.append(f'<polyline class="plan" points="{_pts(plan_line)}"><title>计划支出</title></polyline>')

    actual = [(frame.x(start), frame.y(0))]
    running = 0
    for day, fen in sorted(p for p in payments if start <= p[0] <= as_of):
        x = frame.x(day)
        actual.append((x, frame.y(running)))
        running += fen
        actual.append((x, frame.y(running)))
    actual.append((frame.x(min(as_of, end)), frame.y(running)))
    parts.append(f'<polyline class="actual" points="{_pts(actual)}"><title>实际支出</title></polyline>')

    for c in sorted(plan, key=lambda c: c.month):
        day = checkpoint_date(year, c.month)
        fen = planned_fen(budget_fen=at(day), plan=plan, as_of=day, year=year)
        x, y = frame.x(day), frame.y(fen)
        label = f"{c.month}月底 {c.cumulative_pct.normalize():f}%"
        parts.append(
            f'<g class="checkpoint"><circle cx="{x:.1f}" cy="{y:.1f}" r="4.5"/>'
            f'<text x="{x - 6:.1f}" y="{y - 9:.1f}" text-anchor="end">{escape(label)}</text>'
            f"<title>{escape(label)}：计划 {_wan_label(fen)} 万元</title></g>"
        )

    x_now = frame.x(min(max(as_of, start), end))
    parts.append(f'<line class="now" x1="{x_now:.1f}" x2="{x_now:.1f}" y1="{TOP}" y2="{H - BOTTOM}"/>')
    anchor = "end" if x_now > W - RIGHT - 40 else "start" if x_now < LEFT + 40 else "middle"
    parts.append(
        f'<text class="nowlab" x="{x_now:.1f}" y="{TOP - 4}" text-anchor="{anchor}">'
        f"截至{as_of.month}月{as_of.day}日</text>"
    )
    parts.append(_legend())
    title = f"{year}年累计支出：计划与实际（万元）"
    body = "".join(parts)
    return Markup(
        f'<svg class="chart spend" viewBox="0 0 {W} {H}" role="img" aria-label="{title}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{title}</title>'
        f'<rect class="frame" x="{LEFT}" y="{TOP}" width="{W - LEFT - RIGHT}" height="{H - TOP - BOTTOM}"/>'
        f"{body}</svg>"
    )


def _legend() -> str:
    items = [("plan", "计划支出"), ("actual", "实际支出"), ("time", "时间进度")]
    out = []
    for i, (cls, label) in enumerate(items):
        x = LEFT + 10 + i * 110
        y = H - 10
        out.append(
            f'<line class="{cls}" x1="{x}" x2="{x + 24}" y1="{y - 4}" y2="{y - 4}"/>'
            f'<text class="legend" x="{x + 30}" y="{y}">{label}</text>'
        )
    return f'<g class="legendbox">{"".join(out)}</g>'
