"""预警: the alerts decided by the scheduled jobs, with their delivery state, scoped to the user's units."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from tracker.alerts.service import list_alerts
from tracker.deps import PrincipalDep, SessionDep
from tracker.web.pages.common import take_flashes
from tracker.web.templating import render

router = APIRouter()
PAGE = 50
STATES = {"queued": "待发送", "sending": "发送中", "sent": "已发送", "failed": "发送失败"}
KINDS = {"digest": "进度预警", "escalation": "抄送财政局", "reminder": "填报提醒"}
RULES = {"lagging": "进度滞后", "escalation": "红灯抄送财政局", "early_warning": "提前预警"}


def rule_name(rule: str) -> str:
    """lagging → 进度滞后; reminder_before_10 → 截止前10天提醒; reminder_overdue_7 → 逾期7天提醒."""
    if m := re.fullmatch(r"reminder_before_(\d+)", rule):
        return f"截止前{m.group(1)}天提醒"
    if m := re.fullmatch(r"reminder_overdue_(\d+)", rule):
        return f"逾期{m.group(1)}天提醒"
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
    items, total = list_alerts(
        session=session, scope=scope, state=state or None, dept_code=unit or None, limit=PAGE, offset=(page - 1) * PAGE
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
        page=page,
        pages=max(1, -(-total // PAGE)),
        states=STATES,
        kinds=KINDS,
        rule_name=rule_name,
        link=link,
        flashes=take_flashes(request),
    )
