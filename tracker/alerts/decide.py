"""Turn findings into stored decisions and composed messages, in the caller's transaction.

Each (project, checkpoint, rule, recipient) is inserted at most once (the unique key decides, with
ON CONFLICT DO NOTHING). Only the rows this transaction inserted become messages, so a second run,
a re-run with another date, or a second scheduler deciding at the same moment adds nothing.
A unit without a contact is reported, and decided again on a later run once it has one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Table, update
from sqlmodel import Session, col, select

from tracker.alerts import chat, compose
from tracker.alerts.config import AlertRules
from tracker.alerts.contacts import finance_contacts, unit_contacts
from tracker.alerts.findings import Finding
from tracker.bulk import matching
from tracker.models import Alert, AlertMessage, Dept, Project
from tracker.models.base import utcnow
from tracker.shared.sql import insert_new

KEY = ("project_id", "checkpoint_on", "rule", "recipient")


@dataclass(slots=True)
class DecideReport:
    findings: int = 0
    alerts: int = 0  # decisions new in this run
    messages: int = 0  # messages new in this run
    units_without_contact: dict[tuple[str, str], str] = field(default_factory=dict)  # (region, code) → name
    finance_without_contact: bool = False

    def problems(self) -> list[str]:
        out = [
            f"地区{region}单位{code}（{name}）没有设置联系人（tracker units contact {code} EMAIL… --region {region}），"
            "其提醒未能发出"
            for (region, code), name in sorted(self.units_without_contact.items())
        ]
        if self.finance_without_contact:
            out.append("财政局没有设置联系人（tracker units contact --finance EMAIL…），红灯升级未能发出")
        return out

    def counts(self) -> dict[str, int]:
        return {"findings": self.findings, "alerts": self.alerts, "messages": self.messages}


def _recipients(
    session: Session, findings: list[Finding], rules: AlertRules, report: DecideReport
) -> list[tuple[Finding, str, str]]:
    units = unit_contacts(
        session=session, units={(f.region_code, f.dept_code) for f in findings if f.audience == "unit"}
    )
    finance = finance_contacts(session=session, regions={f.region_code for f in findings if f.audience == "finance"})
    out: list[tuple[Finding, str, str]] = []
    for f in findings:
        unit = (f.region_code, f.dept_code)
        mails = units.get(unit, []) if f.audience == "unit" else finance.get(f.region_code, [])
        if not mails:
            if f.audience == "unit":
                report.units_without_contact[unit] = ""
            else:
                report.finance_without_contact = True
        out += [(f, "mail", m) for m in mails]
        dept = f.dept_code if f.audience == "unit" else None
        out += [(f, "webhook", h.recipient) for h in rules.webhooks if h.wants(f.rule, dept)]
    return out


def _row(f: Finding, recipient: str, channel: str, as_of: date) -> dict[str, Any]:
    return {
        "project_id": f.project_id,
        "region_code": f.region_code,
        "dept_code": f.dept_code,
        "year": f.year,
        "checkpoint_on": f.checkpoint_on,
        "rule": f.rule,
        "recipient": recipient,
        "channel": channel,
        "light": f.light.value if f.light else None,
        "planned_fen": f.planned_fen,
        "actual_fen": f.actual_fen,
        "forecast_fen": f.forecast_fen,
        "ratio": f.ratio,
        "as_of": as_of,
        "created_at": utcnow(),
    }


GroupKey = tuple[str, str, str, str | None, str | None, str, str]


def _group_key(f: Finding, channel: str, recipient: str) -> GroupKey:
    """Which decisions share a message: a unit's digest, the bureau's escalation, one reminder stage.

    (channel, recipient, audience, region, unit code, kind, stage): a unit is (region, unit code).
    """
    if f.rule == "key_monitoring":
        return (channel, recipient, "finance", f.region_code, None, "key_monitoring", "")
    if f.audience == "finance":  # one per region: a county's bureau sees its own county's escalations
        return (channel, recipient, "finance", f.region_code, None, "escalation", "")
    if f.rule.startswith("reminder"):
        return (channel, recipient, "unit", f.region_code, f.dept_code, "reminder", f"{f.rule}@{f.checkpoint_on}")
    return (channel, recipient, "unit", f.region_code, f.dept_code, "digest", "")


def record(
    *,
    session: Session,
    findings: list[Finding],
    as_of: date,
    rules: AlertRules,
    base_url: str,
    job_run_id: int | None = None,
) -> DecideReport:
    """Store new decisions and one composed message per group; answer what was new and who was missing."""
    report = DecideReport(findings=len(findings))
    targets = _recipients(session, findings, rules, report)
    table: Table = Alert.__table__  # type: ignore[attr-defined]
    rows = [_row(f, r, channel, as_of) for f, channel, r in targets]
    inserted = insert_new(session, table, rows, key=KEY, returning=("id", *KEY)) if rows else []
    by_key = {(f.project_id, f.checkpoint_on, f.rule, r): (f, channel) for f, channel, r in targets}
    groups: dict[GroupKey, list[tuple[int, Finding]]] = defaultdict(list)
    for alert_id, project_id, checkpoint_on, rule, recipient in inserted:
        f, channel = by_key[(project_id, checkpoint_on, rule, recipient)]
        groups[_group_key(f, channel, recipient)].append((alert_id, f))
    info = _project_info(session, {f.project_id for f in findings})
    names = {(r, c): n for r, c, n in session.exec(select(Dept.region_code, Dept.code, Dept.name))}
    report.units_without_contact = {u: names.get(u, "") for u in report.units_without_contact}
    for group, members in sorted(groups.items(), key=lambda kv: tuple(str(k) for k in kv[0])):
        alert_of = {f: alert_id for alert_id, f in members}
        for message, carried in _messages(group, [f for _, f in members], info, names, rules, base_url, as_of):
            message.job_run_id = job_run_id
            session.add(message)
            session.flush()
            ids = [alert_of[f] for f in carried]
            session.execute(update(Alert).where(col(Alert.id).in_(ids)).values(message_id=message.id))
            report.messages += 1
        report.alerts += len(members)
    return report


def _project_info(session: Session, ids: set[int]) -> dict[int, tuple[str, str, str]]:
    if not ids:
        return {}
    query = select(Project.id, Project.name, Project.code, Dept.name).join(
        Dept, (col(Dept.code) == Project.dept_code) & (col(Dept.region_code) == Project.region_code)
    )
    rows = (r for among in matching(session, col(Project.id), sorted(ids)) for r in session.exec(query.where(among)))
    return {pid: (name, code, dept) for pid, name, code, dept in rows if pid is not None}


def _messages(
    key: GroupKey,
    findings: list[Finding],
    info: dict[int, tuple[str, str, str]],
    names: dict[tuple[str, str], str],
    rules: AlertRules,
    base_url: str,
    as_of: date,
) -> list[tuple[AlertMessage, list[Finding]]]:
    """One message per group; a chat robot's message in as many parts as its size limit needs."""
    channel, recipient, audience, region_code, dept_code, kind, _ = key
    base = base_url.rstrip("/")
    items = sorted(
        (
            compose.Item(f, *info.get(f.project_id, ("", "", "")), url=f"{base}/projects/{f.project_id}")
            for f in findings
        ),
        key=lambda i: (i.finding.dept_code, i.finding.checkpoint_on, i.finding.rule, i.finding.project_id),
    )
    dept_name = names.get((region_code or "", dept_code or ""), "")
    if kind == "escalation":
        composed = compose.escalation(items)
    elif kind == "key_monitoring":
        composed = compose.key_list(items)
    elif kind == "reminder":
        composed = compose.reminder(dept_name, items, as_of=as_of)
    else:
        composed = compose.digest(dept_name, items)

    def message(payload: dict[str, Any] | None, subject: str) -> AlertMessage:
        return AlertMessage(
            channel=channel,
            recipient=recipient,
            audience=audience,
            region_code=region_code,
            dept_code=dept_code,
            kind=kind,
            subject=subject,
            body_text=composed.text,
            body_html=composed.html,
            payload=payload,
        )

    if channel != "webhook":
        return [(message(None, composed.subject), findings)]
    hook = next(h for h in rules.webhooks if h.recipient == recipient)
    if hook.format in ("wecom", "dingtalk"):
        limit = rules.section.wecom_max_bytes if hook.format == "wecom" else rules.section.dingtalk_max_bytes
        parts = chat.parts_of(hook.format, composed, items, limit=limit)
        out = []
        for n, (payload, carried) in enumerate(parts, start=1):
            subject = composed.subject if len(parts) == 1 else f"{composed.subject}（第{n}/{len(parts)}部分）"
            out.append((message(payload, subject), [i.finding for i in carried]))
        return out
    meta = {
        "kind": kind,
        "audience": audience,
        "region_code": region_code,
        "dept_code": dept_code,
        "as_of": as_of.isoformat(),
    }
    return [(message(compose.webhook_payload(hook.format, composed, items, meta), composed.subject), findings)]
