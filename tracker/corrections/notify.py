"""Each step of a correction notice, told once per recipient by the alert outbox (mail and webhooks).

A step is a decision in the alerts table under the rule `correction_<id>_<stage>`: the unique key
(project, date, rule, recipient) keeps every stage to one message per recipient, however often a
job or a request runs. The messages go out with the next `alerts`, `reminders` or `corrections` run.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from sqlalchemy import Table, update
from sqlmodel import Session, col

from tracker.alerts.compose import FOOTER
from tracker.alerts.config import AlertRules, alert_rules
from tracker.alerts.contacts import get_contacts
from tracker.config import get_settings
from tracker.models import Alert, AlertMessage, CorrectionNotice, Dept, Project
from tracker.models.base import utcnow
from tracker.rules import Rules
from tracker.shared.sql import insert_new

KEY = ("project_id", "checkpoint_on", "rule", "recipient")
# who hears about each stage: the unit, the finance bureau, or both
AUDIENCE = {"issued": "unit", "answered": "finance", "returned": "unit", "accepted": "unit", "before": "unit"}


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _words(n: CorrectionNotice, stage: str, project: Project, dept: str, as_of: date) -> tuple[str, str]:
    """Subject and opening line of a stage's message."""
    name, no, due = project.name, f"第{n.id}号", _day(n.due_on)
    family = stage.split("_")[0]
    if family == "issued":
        return (
            f"【整改通知】{dept}：{name}（{no}，请于{due}前整改）",
            f"{dept}：财政局对以下项目下达整改通知，请于{due}前报送整改措施和结果。",
        )
    if family == "answered":
        what = "整改结果" if stage.endswith("result") else "整改措施"
        return f"【整改回复】{dept}已报送{name}的{what}（{no}）", f"财政局：{dept}已报送整改通知{no}的{what}，请审核。"
    if family == "returned":
        return (
            f"【整改退回】{name}的整改情况未通过，请于{due}前重新报送（{no}）",
            f"{dept}：整改情况未通过审核，请按意见修改后重新报送。",
        )
    if family == "accepted":
        return f"【整改通过】{name}的整改已通过（{no}）", f"{dept}：整改通知{no}已通过审核。"
    if family == "before":
        left = (n.due_on - as_of).days
        return (
            f"【整改提醒】{dept}：{name}的整改期限{due}还有{left}天（{no}）",
            f"{dept}：整改通知{no}的期限是{due}，尚未报送整改情况。",
        )
    late = (as_of - n.due_on).days
    return (
        f"【整改逾期】{dept}：{name}的整改已超过期限{late}天（{no}）",
        f"{dept}：整改通知{no}的期限{due}已过，至今尚未报送整改情况。",
    )


def _body(n: CorrectionNotice, opening: str, project: Project, url: str) -> list[tuple[str, str]]:
    rows = [("项目", f"{project.name}（项目编码 {project.code}）"), ("存在问题", n.problem)]
    rows += [("整改要求", n.requirement)] if n.requirement else []
    rows += [("整改期限", _day(n.due_on))]
    rows += [("暂缓拨款", "是，整改通过前暂停拨付")] if n.withhold and n.withhold_lifted_at is None else []
    rows += [("整改措施", n.measures)] if n.measures else []
    rows += [("整改结果", n.result)] if n.result else []
    rows += [("财政局意见", n.review_comment)] if n.review_comment else []
    rows += [("处理结果", n.outcome)] if n.outcome else []
    return [("", opening), *rows, ("详情", url)]


def _cut(text: str, limit: int) -> str:
    """At most `limit` bytes of UTF-8, cut at a character (the robots count bytes)."""
    data = text.encode()
    return text if len(data) <= limit else data[: limit - 3].decode(errors="ignore") + "…"


def _payload(
    fmt: str, subject: str, lines: list[tuple[str, str]], meta: dict[str, Any], rules: AlertRules
) -> dict[str, Any]:
    markdown = "\n".join([f"### {subject}", *(f"- {k}：{v}" if k else v for k, v in lines)])
    # a notice is one message: long free text is cut to the robot's limit (the page has it whole)
    limits = rules.section
    markdown = _cut(markdown, limits.wecom_max_bytes if fmt == "wecom" else limits.dingtalk_max_bytes // 3)
    if fmt == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": markdown}}
    if fmt == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": subject, "text": markdown}}
    return {"event": "tracker.correction", **meta, "subject": subject, "lines": [[k, v] for k, v in lines]}


def notify(*, session: Session, rules: Rules, notice: CorrectionNotice, stage: str, as_of: date | None = None) -> int:
    """Queue this stage's messages for whoever has not had them; answer how many were queued.

    `overdue` goes to both the unit and the finance bureau (the escalation); the others by AUDIENCE.
    """
    assert notice.id is not None
    day = as_of or utcnow().astimezone(get_settings().tz).date()
    family = stage.split("_")[0]
    audiences = ("unit", "finance") if family == "overdue" else (AUDIENCE[family],)
    hooks_of = alert_rules(rules)
    project = session.get(Project, notice.project_id)
    assert project is not None
    region = project.region_code
    targets: list[tuple[str, str, str]] = []  # audience, channel, recipient
    for audience in audiences:
        if audience == "unit":
            mails = get_contacts(session=session, dept_code=notice.dept_code, region_code=region)
        else:  # the county's finance bureau, and whoever follows every region
            mails = list(
                dict.fromkeys(
                    get_contacts(session=session, dept_code=None, region_code=region)
                    + get_contacts(session=session, dept_code=None, region_code=None)
                )
            )
        targets += [(audience, "mail", m) for m in mails]
        for_unit = notice.dept_code if audience == "unit" else None
        targets += [(audience, "webhook", h.recipient) for h in hooks_of.webhooks if h.wants("correction", for_unit)]
    if not targets:
        return 0
    rule = f"correction_{notice.id}_{stage}"[:40]
    rows = [
        {
            "project_id": notice.project_id,
            "region_code": region,
            "dept_code": notice.dept_code,
            "year": notice.year,
            "checkpoint_on": notice.due_on,
            "rule": rule,
            "recipient": recipient,
            "channel": channel,
            "as_of": day,
            "created_at": utcnow(),
        }
        for _, channel, recipient in targets
    ]
    table: Table = Alert.__table__  # type: ignore[attr-defined]
    new = {
        (r[1], r[2]): r[0] for r in insert_new(session, table, rows, key=KEY, returning=("id", "channel", "recipient"))
    }
    dept = session.get(Dept, (region, notice.dept_code))
    subject, opening = _words(notice, stage, project, dept.name if dept else notice.dept_code, day)
    url = f"{get_settings().base_url.rstrip('/')}/corrections/{notice.id}"
    lines = _body(notice, opening, project, url)
    hooks = {h.recipient: h for h in hooks_of.webhooks}
    for audience, channel, recipient in targets:
        alert_id = new.get((channel, recipient))
        if alert_id is None:
            continue
        text = "\n".join(f"{k}：{v}" if k else v for k, v in lines) + f"\n\n{FOOTER}\n"
        html = "".join(f"<p><b>{escape(k)}</b>：{escape(v)}</p>" if k else f"<p>{escape(v)}</p>" for k, v in lines)
        meta = {"kind": "correction", "stage": stage, "notice_id": notice.id, "dept_code": notice.dept_code}
        message = AlertMessage(
            channel=channel,
            recipient=recipient,
            audience=audience,
            region_code=region,
            dept_code=notice.dept_code if audience == "unit" else None,
            kind="correction",
            subject=subject,
            body_text=text,
            body_html=f'<html><body>{html}<p style="color:#888">{escape(FOOTER)}</p></body></html>',
            payload=_payload(hooks[recipient].format, subject, lines, meta, hooks_of) if channel == "webhook" else None,
        )
        session.add(message)
        session.flush()
        session.execute(update(Alert).where(col(Alert.id) == alert_id).values(message_id=message.id))
    return len(new)
