"""预警, 导出, 目标审核 and the contacts in 设置, each on its own service and scoped to the user's units."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy.engine import Engine

from jobs.runner import run_job
from tests.signin import load_changli, page_client
from tests.support import lagging_first_quarter
from tracker.alerts.contacts import get_contacts, set_contacts
from tracker.db import session_scope


def alerts_decided() -> None:
    """The first quarter lags in 314001 and others; the alerts job decides (no mail host: all stay queued)."""
    with session_scope() as session:
        lagging_first_quarter(session)
        set_contacts(session=session, dept_code="314001", emails=["mz@example.cn"])
        set_contacts(session=session, dept_code="360001", emails=["jy@example.cn"])
        set_contacts(session=session, dept_code=None, emails=["cz@example.cn"])
    run_job("variance", as_of=date(2024, 3, 31))
    run_job("alerts", as_of=date(2024, 4, 1))


def test_alerts_page_shows_delivery_state_and_the_projects_named(committed_db: Engine) -> None:
    alerts_decided()
    html = page_client().get("/alerts").text
    assert "mz@example.cn" in html and "cz@example.cn" in html and "待发送" in html
    assert "城乡低保资金县级配套" in html and "进度滞后" in html
    queued = int(re.search(r'data-state="queued">(\d+)<', html).group(1))  # type: ignore[union-attr]
    assert queued >= 3


def test_a_unit_sees_only_its_own_alerts(committed_db: Engine) -> None:
    alerts_decided()
    html = page_client("mz", "department", ("314001",)).get("/alerts").text
    assert "mz@example.cn" in html and "jy@example.cn" not in html and "cz@example.cn" not in html


def test_exports_page_scores_the_year_and_links_every_download(committed_db: Engine) -> None:
    load_changli()
    client = page_client("mz", "department", ("314001",))
    html = client.get("/exports?year=2024").text
    assert html.count('href="/api/v1/exports/self-evaluation/projects/') == 9
    assert "/api/v1/exports/self-evaluation?year=2024" in html and "bundle=zip" in html
    link = re.search(r'href="(/api/v1/exports/self-evaluation/projects/\d+)"', html).group(1)  # type: ignore[union-attr]
    download = client.get(link)  # the page's cookie opens the API download too
    assert download.status_code == 200 and download.content[:2] == b"PK"
    summary = client.get("/api/v1/exports/self-evaluation?year=2024")
    assert summary.status_code == 200 and "attachment" in summary.headers["content-disposition"]


def test_review_page_lists_findings_by_project_and_filters_by_severity(committed_db: Engine) -> None:
    load_changli()
    client = page_client()
    html = client.get("/review?year=2024").text
    total = int(re.search(r"全部 <b>(\d+)</b>", html).group(1))  # type: ignore[union-attr]
    warnings = int(re.search(r'data-severity="warning">(\d+)<', html).group(1))  # type: ignore[union-attr]
    assert total >= warnings > 0
    only = client.get("/review?year=2024&severity=warning").text
    assert (
        only.count('<span class="tag warning">警告</span> 第') + only.count('<span class="tag warning">警告</span> ')
        >= 1
    )
    assert '<span class="tag error">错误</span> 第' not in only


def test_admin_sets_alert_contacts_in_settings(committed_db: Engine) -> None:
    load_changli()
    admin = page_client()
    admin.post("/settings/contacts", data={"csrf_token": admin.csrf, "dept_code": "314001",  # type: ignore[attr-defined]
                                           "emails": "A@Example.cn, b@example.cn"})  # fmt: skip
    admin.post("/settings/contacts", data={"csrf_token": admin.csrf, "emails": "bad-address"})  # type: ignore[attr-defined]
    page = admin.get("/settings").text
    assert "已保存单位 314001的预警联系人" in page and "不是有效的电子邮件地址" in page
    with session_scope() as session:
        assert get_contacts(session=session, dept_code="314001") == ["a@example.cn", "b@example.cn"]
        assert get_contacts(session=session, dept_code=None) == []
