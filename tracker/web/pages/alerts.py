"""预警: the alerts decided by the scheduled jobs, with their delivery state, scoped to the user's units."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tracker.alerts.service import list_alerts, resend, visible_message
from tracker.deps import PrincipalDep, SessionDep
from tracker.web.pages.common import AdminDep, CsrfDep, WriterDep, attempt, flash, take_flashes
from tracker.web.paging import Pager
from tracker.web.templating import render

router = APIRouter()
STATES = {"queued": "待发送", "sending": "发送中", "sent": "已发送", "failed": "发送失败"}
KINDS = {
    "digest": "进度预警",
    "escalation": "抄送财政局",
    "reminder": "填报提醒",
    "key_monitoring": "重点监控",
    "correction": "整改",
}
RULES = {
    "lagging": "进度滞后",
    "escalation": "红灯抄送财政局",
    "early_warning": "提前预警",
    "key_monitoring": "列入重点监控",
}


def rule_name(rule: str) -> str:
    """lagging → 进度滞后; reminder_before_10 → 截止前10天提醒; reminder_overdue_7 → 逾期7天提醒."""
    if m := re.fullmatch(r"reminder_before_(\d+)", rule):
        return f"截止前{m.group(1)}天提醒"
    if m := re.fullmatch(r"reminder_overdue_(\d+)", rule):
        return f"逾期{m.group(1)}天提醒"
    if rule.startswith("correction_"):
        return "整改通知"
    if m := re.fullmatch(r"lagging_again_(\d+)", rule):
        return f"仍然滞后（第{m.group(1)}次再提醒）"
    return RULES.get(rule, rule)


@router.get("/alerts", name="alerts")
def alerts_page(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    state: Annotated[str | None, Query(pattern="^(queued|sending|sent|failed)?$")] = None,
    unit: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    scope = principal.scope
    counts = {
        key: list_alerts(session=session, scope=scope, state=key, dept_code=unit or None, limit=1)[1] for key in STATES
    }
    pager = Pager("/alerts", page, params={"state": state or "", "unit": unit or ""})
    items, total = list_alerts(
        session=session, scope=scope, state=state or None, dept_code=unit or None, limit=pager.size, offset=pager.offset
    )

    def link(**changes: object) -> str:
        params = {"state": state or "", "unit": unit or "", "page": page, **changes}
        return "/alerts?" + urlencode({k: v for k, v in params.items() if v not in ("", None, 1)})

    return render(
        request,
        "alerts.html",
        principal=principal,
        title="预警",
        items=items,
        total=total,
        counts=counts,
        state=state or "",
        unit=unit or "",
        pager=pager.with_total(total),
        states=STATES,
        kinds=KINDS,
        rule_name=rule_name,
        link=link,
        flashes=take_flashes(request),
    )


def _requeued(request: Request, done: list[int] | None) -> None:
    if done:
        flash(request, "ok", f"已放回发送队列：{len(done)}条消息，下次运行预警任务时发送")
    elif done is not None:
        flash(request, "info", "没有需要重发的消息")


@router.post("/alerts/{message_id}/resend")
def resend_one(
    request: Request, session: SessionDep, principal: WriterDep, _csrf: CsrfDep, message_id: int
) -> Response:
    """The 重发 button of one message; another unit's message is a 404 page, not a flash."""
    visible_message(session=session, scope=principal.scope, message_id=message_id)
    done = attempt(
        request,
        session,
        lambda: resend(session=session, scope=principal.scope, actor=principal.username, ids=[message_id]),
    )
    _requeued(request, done)
    return RedirectResponse("/alerts", 303)


@router.post("/alerts/resend-failed")
def resend_failed(request: Request, session: SessionDep, principal: AdminDep, _csrf: CsrfDep) -> Response:
    """重发全部失败: every failed message back in the queue (the finance bureau)."""
    done = attempt(
        request, session, lambda: resend(session=session, scope=principal.scope, actor=principal.username, failed=True)
    )
    _requeued(request, done)
    return RedirectResponse("/alerts?state=failed", 303)
