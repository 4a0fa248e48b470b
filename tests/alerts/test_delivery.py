"""The alerts job against a real SMTP server: one digest per unit, escalation, sent once, never lost."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from jobs.runner import run_job
from tests.alerts.conftest import CZ, JY, MZ, TY
from tests.support import DESTITUTE, ELDERLY, LOW_INCOME, SCHOOLS, MailServer, free_port, project
from tracker.models import Alert, AlertMessage

# A later run inside remind_again_days (14) of the first alert: nothing is due again yet.
APRIL_1, APRIL_10 = date(2024, 4, 1), date(2024, 4, 10)


def ids(engine: Engine, *keys: tuple[str, str]) -> set[int]:
    with Session(engine) as s:
        return {project(s, k).id or 0 for k in keys}


def named(text: str) -> set[int]:
    """The projects a mail names, by the links to their pages."""
    return {int(n) for n in re.findall(r"/projects/(\d+)", text)}


def messages(engine: Engine) -> list[AlertMessage]:
    with Session(engine) as s:
        return list(s.exec(select(AlertMessage).order_by(AlertMessage.id)))  # type: ignore[arg-type]


def test_a_lagging_quarter_sends_one_digest_per_unit_naming_exactly_its_lagging_projects(
    quarter: Engine, smtp: MailServer
) -> None:
    run = run_job("alerts", as_of=APRIL_1)
    assert len(smtp.to(MZ)) == 1 and len(smtp.to(JY)) == 1
    assert named(smtp.to(MZ)[0].text) == ids(quarter, LOW_INCOME, DESTITUTE)  # red and yellow
    assert named(smtp.to(JY)[0].text) == ids(quarter, SCHOOLS)
    assert smtp.to(TY) == []  # its unit is on plan
    assert len(smtp.received) == 3
    assert run.counts["sent"] == 3 and run.counts["queued"] == 0


def test_red_is_escalated_to_the_finance_bureau_and_yellow_is_not(quarter: Engine, smtp: MailServer) -> None:
    run_job("alerts", as_of=APRIL_1)
    [mail] = smtp.to(CZ)
    assert named(mail.text) == ids(quarter, LOW_INCOME, ELDERLY)  # ELDERLY's unit has no contact: still escalated
    assert str(mail.message["Subject"]).startswith("【红灯升级】2个项目")


def test_a_unit_without_a_contact_is_reported_in_the_run_not_skipped(quarter: Engine, smtp: MailServer) -> None:
    run = run_job("alerts", as_of=APRIL_1)
    assert run.outcome == "warning"
    assert [p for p in run.problems if "361001" in p] == [
        "单位361001（昌黎县卫生健康局本级）没有设置联系人（tracker units contact 361001 EMAIL…），其提醒未能发出"
    ]


def test_the_digest_gives_planned_actual_ratio_and_light_with_a_link(
    quarter: Engine, smtp: MailServer, use: Callable[..., None]
) -> None:
    use(base_url="https://jx.example.cn")
    run_job("alerts", as_of=APRIL_1)
    [mail] = smtp.to(MZ)
    low = ids(quarter, LOW_INCOME).pop()
    assert mail.message["Subject"] == "【预算执行预警】昌黎县民政局本级：2个项目支出进度滞后"
    assert mail.message["From"] == "tracker@czj.example.cn"
    assert re.fullmatch(r"<tracker-alert-\d+@czj\.example\.cn>", str(mail.message["Message-ID"]))
    # issue 15: percentages as people read them (28.57%, not 0.2857), money with two decimals
    assert "计划累计支出 350.00 万元，实际支出 100.00 万元，实际/计划 28.57%，红灯" in mail.text
    assert "计划累计支出 500.00 万元，实际支出 350.00 万元，实际/计划 70.00%，黄灯" in mail.text
    assert "28.57%" in mail.html and "0.2857" not in mail.html and "0.2857" not in mail.text
    assert f"https://jx.example.cn/projects/{low}" in mail.text
    assert f'<a href="https://jx.example.cn/projects/{low}">城乡低保资金县级配套</a>' in mail.html
    assert "截至2024年3月31日（3月底检查点）" in mail.text


def test_a_second_run_and_a_rerun_with_another_date_after_the_checkpoint_send_nothing_twice(
    quarter: Engine, smtp: MailServer
) -> None:
    run_job("alerts", as_of=APRIL_1)
    again = run_job("alerts", as_of=APRIL_1)
    later = run_job("alerts", as_of=APRIL_10)
    assert len(smtp.received) == 3
    for run in (again, later):
        assert run.counts["alerts"] == 0 and run.counts["messages"] == 0 and run.counts["sent"] == 0


def test_two_schedulers_at_once_send_nothing_twice(quarter: Engine, smtp: MailServer) -> None:
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def scheduler() -> None:
        try:
            start.wait()
            run_job("alerts", as_of=APRIL_1, trigger="schedule")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=scheduler) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(r.envelope_to[0] for r in smtp.received) == sorted([CZ, JY, MZ])
    assert [m.state for m in messages(quarter)] == ["sent"] * 3
    with Session(quarter) as s:
        alerts = s.exec(select(Alert)).all()
    assert len(alerts) == 5  # 2 + 1 lagging for the units with a contact, 2 escalations
    assert len({(a.project_id, a.checkpoint_on, a.rule, a.recipient) for a in alerts}) == 5


def test_with_the_mail_server_down_the_job_finishes_and_later_delivers_everything_once(
    quarter: Engine, smtp: MailServer, use: Callable[..., None]
) -> None:
    down = free_port()  # nothing listens here
    use(smtp_port=down)
    run = run_job("alerts", as_of=APRIL_1)
    assert run.outcome == "warning" and run.counts["queued"] == 3 and run.counts["sent"] == 0
    assert any("无法连接邮件服务器" in p for p in run.problems)
    assert [(m.state, m.attempts) for m in messages(quarter)] == [("queued", 1)] * 3
    assert all("无法连接邮件服务器" in m.last_error for m in messages(quarter))

    back = MailServer(port=down).start()
    try:
        later = run_job("alerts", as_of=APRIL_10)
        run_job("alerts", as_of=APRIL_10)
        assert later.counts["sent"] == 3
        assert sorted(r.envelope_to[0] for r in back.received) == sorted([CZ, JY, MZ])
    finally:
        back.stop()
    assert smtp.received == []
    assert [(m.state, m.attempts, m.last_error) for m in messages(quarter)] == [("sent", 2, "")] * 3


def test_without_a_mail_host_nothing_is_sent_and_everything_stays_queued(
    quarter: Engine, smtp: MailServer, use: Callable[..., None]
) -> None:
    use(smtp_host="")
    run = run_job("alerts", as_of=APRIL_1)
    assert run.counts["queued"] == 3
    assert "未设置邮件服务器（TRACKER_SMTP_HOST），3封邮件留在队列中" in run.problems
    assert [(m.state, m.attempts) for m in messages(quarter)] == [("queued", 0)] * 3
    use(smtp_host="127.0.0.1")
    assert run_job("alerts", as_of=APRIL_1).counts["sent"] == 3
    assert len(smtp.received) == 3


def test_an_address_the_server_refuses_for_good_is_marked_failed_not_retried(quarter: Engine, smtp: MailServer) -> None:
    smtp.reject.add(JY)
    run = run_job("alerts", as_of=APRIL_1)
    assert run.counts["failed"] == 1 and run.counts["sent"] == 2
    [failed] = [m for m in messages(quarter) if m.recipient == JY]
    assert failed.state == "failed" and "550" in failed.last_error
    assert run_job("alerts", as_of=APRIL_1).counts["failed"] == 0  # not tried again
