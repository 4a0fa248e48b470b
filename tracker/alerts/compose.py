"""The words of each message: Chinese subject, plain-text and HTML bodies, chat-webhook markdown and JSON."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from itertools import groupby
from typing import Any

from tracker.alerts.findings import Finding
from tracker.core.money import wan_str

LIGHT_NAMES = {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}
LIGHT_COLOURS = {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828"}
FOOTER = "—— 预算绩效运行监控系统（自动发送，请勿直接回复）"


@dataclass(frozen=True, slots=True)
class Item:
    """A finding with what a reader needs to recognise the project."""

    finding: Finding
    name: str
    code: str
    dept_name: str
    url: str


@dataclass(frozen=True, slots=True)
class Composed:
    subject: str
    text: str
    html: str
    lines: list[tuple[Item, str]]  # one markdown line per project, for chat webhooks


def _wan(fen: int | None) -> str:
    return wan_str(fen) if fen is not None else "—"


def percent(ratio: Decimal | None) -> str:
    """A ratio as people read it: Decimal('0.4509') → '45.09%' (two decimals, half up); '—' when None."""
    if ratio is None:
        return "—"
    return f"{(ratio * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def _light(f: Finding) -> str:
    return LIGHT_NAMES.get(f.light.value, "") if f.light else ""


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _describe(item: Item) -> str:
    f = item.finding
    ratio = percent(f.ratio)
    if f.rule == "early_warning":
        return (
            f"{f.checkpoint_on.month}月底计划累计支出 {_wan(f.planned_fen)} 万元，"
            f"目前已支出 {_wan(f.actual_fen)} 万元，按目前进度预计 {_wan(f.forecast_fen)} 万元"
            f"（预计/计划 {ratio}），{_light(f)}"
        )
    if f.rule.startswith("reminder"):
        return f"{f.checkpoint_on.month}月底计划累计支出 {_wan(f.planned_fen)} 万元"
    if f.rule == "key_monitoring":  # planned_fen holds the budget, ratio the execution rate
        rate = percent(f.ratio or Decimal(0))
        return (
            f"预算 {_wan(f.planned_fen)} 万元，截至{f.checkpoint_on.month}月底支出 {_wan(f.actual_fen)} 万元，"
            f"执行率 {rate}"
        )
    return (
        f"计划累计支出 {_wan(f.planned_fen)} 万元，实际支出 {_wan(f.actual_fen)} 万元，实际/计划 {ratio}，{_light(f)}"
    )


def _text_list(items: Sequence[Item]) -> list[str]:
    out = []
    for n, item in enumerate(items, start=1):
        out += [f"{n}. {item.name}（项目编码 {item.code}）", f"   {_describe(item)}", f"   详情：{item.url}"]
    return out


_CELL = 'style="border:1px solid #ccc;padding:4px 8px"'


def _html_table(items: Sequence[Item]) -> str:
    key = bool(items) and all(i.finding.rule == "key_monitoring" for i in items)
    names = ("预算（万元）", "实际（万元）", "执行率") if key else ("计划（万元）", "实际（万元）", "比率")
    head = "".join(f"<th {_CELL}>{h}</th>" for h in ("项目", "项目编码", *names, "灯"))
    rows = []
    for item in items:
        f = item.finding
        colour = LIGHT_COLOURS.get(f.light.value, "#000") if f.light else "#000"
        actual = f.forecast_fen if f.rule == "early_warning" and f.forecast_fen is not None else f.actual_fen
        cells = [
            f'<a href="{escape(item.url)}">{escape(item.name)}</a>',
            escape(item.code),
            _wan(f.planned_fen),
            _wan(actual) + ("（预计）" if f.rule == "early_warning" else ""),
            percent(f.ratio),
            f'<span style="color:{colour}">{_light(f)}</span>',
        ]
        rows.append("<tr>" + "".join(f"<td {_CELL}>{c}</td>" for c in cells) + "</tr>")
    return f'<table style="border-collapse:collapse"><tr>{head}</tr>{"".join(rows)}</table>'


def _md_lines(items: Sequence[Item]) -> list[tuple[Item, str]]:
    return [(i, f"- [{i.name}]({i.url})（{i.code}）：{_describe(i)}") for i in items]


def _page(greeting: str, sections: Sequence[tuple[str, Sequence[Item]]], closing: str) -> tuple[str, str]:
    text = [greeting, ""]
    html = [f"<p>{escape(greeting)}</p>"]
    for title, items in sections:
        text += [title, "", *_text_list(items), ""]
        html += [f"<p>{escape(title)}</p>", _html_table(items)]
    text += [closing, "", FOOTER]
    html += [f"<p>{escape(closing)}</p>", f'<p style="color:#888">{escape(FOOTER)}</p>']
    return "\n".join(text) + "\n", "<html><body>" + "".join(html) + "</body></html>"


def digest(dept_name: str, items: Sequence[Item]) -> Composed:
    """One unit's digest: lagging projects by checkpoint, then early warnings."""
    lagging = [i for i in items if i.finding.rule == "lagging"]
    again = [i for i in items if i.finding.rule.startswith("lagging_again")]
    warned = [i for i in items if i.finding.rule == "early_warning"]
    sections: list[tuple[str, Sequence[Item]]] = []
    for day, group in groupby(
        sorted(lagging, key=lambda i: i.finding.checkpoint_on), key=lambda i: i.finding.checkpoint_on
    ):
        chunk = list(group)
        sections.append(
            (f"截至{_day(day)}（{day.month}月底检查点），以下{len(chunk)}个项目支出进度滞后于计划：", chunk)
        )
    for day, group in groupby(
        sorted(warned, key=lambda i: i.finding.checkpoint_on), key=lambda i: i.finding.checkpoint_on
    ):
        chunk = list(group)
        sections.append((f"按目前支出进度，以下{len(chunk)}个项目预计无法完成{_day(day)}的支出计划：", chunk))
    if again:
        sections.append((f"以下{len(again)}个项目前次预警后至今仍然滞后（再次提醒，按截至今天的支出计算）：", again))
    parts = [f"{len(lagging)}个项目支出进度滞后"] if lagging else []
    parts += [f"{len(again)}个项目仍然滞后（再次提醒）"] if again else []
    parts += [f"{len(warned)}个项目预计无法完成支出计划"] if warned else []
    subject = f"【预算执行预警】{dept_name}：{'，'.join(parts)}"
    text, html = _page(
        f"{dept_name}：", sections, "请加快预算执行进度；如有特殊原因，请在系统中说明偏差原因和改进措施。"
    )
    return Composed(subject, text, html, _md_lines(lagging + warned + again))


def escalation(items: Sequence[Item]) -> Composed:
    """The finance bureau's list of red projects, grouped by unit."""
    ordered = sorted(items, key=lambda i: (i.finding.dept_code, i.finding.checkpoint_on))
    units = {i.finding.dept_code for i in ordered}
    sections = [
        (f"{dept}（{items_[0].dept_name}）：", items_)
        for dept, items_ in ((d, list(g)) for d, g in groupby(ordered, key=lambda i: i.finding.dept_code))
    ]
    subject = f"【红灯升级】{len(ordered)}个项目支出进度严重滞后（涉及{len(units)}个单位）"
    text, html = _page(
        "财政局：以下项目在最近的检查点支出进度为红灯，已同时通知所属单位：",
        sections,
        "请督促相关单位加快执行，必要时按规定调整预算。",
    )
    return Composed(subject, text, html, _md_lines(ordered))


def key_list(items: Sequence[Item]) -> Composed:
    """The finance bureau's notice of projects newly put on the key list (重点监控), by unit."""
    ordered = sorted(items, key=lambda i: (i.finding.dept_code, i.finding.checkpoint_on))
    units = {i.finding.dept_code for i in ordered}
    sections = [
        (f"{dept}（{group[0].dept_name}）：", group)
        for dept, group in ((d, list(g)) for d, g in groupby(ordered, key=lambda i: i.finding.dept_code))
    ]
    subject = f"【重点监控】{len(ordered)}个项目列入重点监控（涉及{len(units)}个单位）"
    text, html = _page(
        "财政局：以下项目预算规模较大、支出进度明显滞后，已按重点监控条件列入重点监控名单：",
        sections,
        "请督促相关单位整改，必要时下达整改通知。",
    )
    return Composed(subject, text, html, _md_lines(ordered))


def reminder(dept_name: str, items: Sequence[Item], *, as_of: date) -> Composed:
    """A unit's reminder to report a period, before it is due or once it is overdue."""
    f = items[0].finding
    due = f.due_on or f.checkpoint_on
    if f.rule.startswith("reminder_overdue"):
        subject = f"【逾期提醒】{dept_name}：{f.checkpoint_on.month}月底执行情况已逾期{(as_of - due).days}天未报送"
        opening = f"{dept_name}：贵单位{f.checkpoint_on.month}月底的执行情况应于{_day(due)}前报送，至今尚未报送。"
    else:
        subject = f"【填报提醒】{dept_name}：请于{_day(due)}前报送{f.checkpoint_on.month}月底执行情况"
        opening = (
            f"{dept_name}：请于{_day(due)}前在系统中报送以下项目截至{f.checkpoint_on.month}月底的支出和指标完成情况。"
        )
    text, html = _page(opening, [(f"涉及{len(items)}个项目：", items)], "已报送的请忽略本提醒。")
    return Composed(subject, text, html, _md_lines(items))


def webhook_payload(fmt: str, composed: Composed, items: Sequence[Item], meta: dict[str, Any]) -> dict[str, Any]:
    """The JSON body a webhook receives: WeCom / DingTalk markdown, or a generic event."""
    markdown = "\n".join([f"### {composed.subject}", *(line for _, line in composed.lines)])
    if fmt == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": markdown}}
    if fmt == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": composed.subject, "text": markdown}}
    return {
        "event": "tracker.alert",
        **meta,
        "subject": composed.subject,
        "text": composed.text,
        "items": [
            {
                "project_id": i.finding.project_id,
                "dept_code": i.finding.dept_code,
                "code": i.code,
                "name": i.name,
                "rule": i.finding.rule,
                "checkpoint": i.finding.checkpoint_on.isoformat(),
                "planned_wan": wan_str(i.finding.planned_fen) if i.finding.planned_fen is not None else None,
                "actual_wan": wan_str(i.finding.actual_fen) if i.finding.actual_fen is not None else None,
                "forecast_wan": wan_str(i.finding.forecast_fen) if i.finding.forecast_fen is not None else None,
                "ratio": percent(i.finding.ratio) if i.finding.ratio is not None else None,  # "45.09%", as read
                "light": i.finding.light.value if i.finding.light else None,
                "url": i.url,
            }
            for i in items
        ],
    }
