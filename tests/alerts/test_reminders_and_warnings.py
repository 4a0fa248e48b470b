"""The reminders job and early warnings, delivered to a real SMTP server, once per stage."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from jobs.runner import run_job
from tests.alerts.conftest import CZ, JY, MZ, TY
from tests.support import MailServer
from tracker.db import session_scope
from tracker.models import Submission


def subjects(server: MailServer, address: str) -> list[str]:
    return [str(r.message["Subject"]) for r in server.to(address)]


def test_units_that_have_not_reported_are_reminded_once_per_stage(quarter: Engine, smtp: MailServer) -> None:
    with session_scope() as session:
        session.add(Submission(dept_code="360001", year=2024, quarter=1, status="approved"))
    first = run_job("reminders", as_of=date(2024, 3, 21))
    assert subjects(smtp, MZ) == ["【填报提醒】昌黎县民政局本级：请于2024年3月31日前报送3月底执行情况"]
    assert subjects(smtp, TY) == ["【填报提醒】昌黎县退役军人事务局本级：请于2024年3月31日前报送3月底执行情况"]
    assert subjects(smtp, JY) == [] and subjects(smtp, CZ) == []  # reported; the bureau is not reminded
    assert any("361001" in p for p in first.problems)  # no contact: reported
    assert "涉及9个项目" in smtp.to(MZ)[0].text

    assert run_job("reminders", as_of=date(2024, 3, 25)).counts["messages"] == 0  # same stage
    run_job("reminders", as_of=date(2024, 3, 28))
    run_job("reminders", as_of=date(2024, 4, 2))
    assert subjects(smtp, MZ)[1:] == [
        "【填报提醒】昌黎县民政局本级：请于2024年3月31日前报送3月底执行情况",
        "【逾期提醒】昌黎县民政局本级：3月底执行情况已逾期2天未报送",
    ]
    assert len(smtp.received) == 6


def test_early_warnings_come_in_the_digest_before_the_checkpoint(quarter: Engine, smtp: MailServer) -> None:
    run = run_job("alerts", as_of=date(2024, 6, 22))  # 8 days before 30 June; paid 25% by March, nothing since
    [mail] = smtp.to(MZ)
    assert mail.message["Subject"] == "【预算执行预警】昌黎县民政局本级：9个项目预计无法完成支出计划"
    assert "按目前支出进度，以下9个项目预计无法完成2024年6月30日的支出计划：" in mail.text
    # 城乡低保: 400万 paid in 173 days, so 400 × 181 / 173 by 30 June against 700 planned
    assert (
        "6月底计划累计支出 700.00 万元，目前已支出 400.00 万元，按目前进度预计 418.50 万元（预计/计划 59.79%），红灯"
        in mail.text
    )
    assert subjects(smtp, CZ) == []  # early warnings are not escalated
    assert run_job("alerts", as_of=date(2024, 6, 25)).counts["messages"] == 0
    assert run.counts["sent"] == len(smtp.received)
