"""Alerts are never lost (issue 12): a refused message stays visible and can be sent again, a project that
stays behind is reminded again, and chat robots get messages that fit their size limits."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from jobs.runner import run_job
from tests.alerts.conftest import JY, MZ
from tests.signin import api_client, page_client
from tests.support import DESTITUTE, SCHOOLS, MailServer, WebhookReceiver, project
from tracker.cli import app
from tracker.models import AlertMessage

APRIL_1 = date(2024, 4, 1)
REFUSAL = "554 5.7.1 Message rejected by policy"


def named(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"/projects/(\d+)", text)}


def message_to(engine: Engine, address: str) -> AlertMessage:
    with Session(engine) as s:
        return s.exec(select(AlertMessage).where(AlertMessage.recipient == address)).one()


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as r:
        yield r


def test_a_digest_refused_with_5xx_stays_failed_with_the_answer_and_goes_out_once_after_resend_failed(
    quarter: Engine, smtp: MailServer
) -> None:
    smtp.refuse_data[MZ] = REFUSAL
    first = run_job("alerts", as_of=APRIL_1)
    assert first.counts["failed"] == 1 and first.counts["sent"] == 2
    refused = message_to(quarter, MZ)
    assert refused.state == "failed" and "554" in refused.last_error and "rejected by policy" in refused.last_error
    listed = api_client().get("/api/v1/alerts", params={"state": "failed"}).json()["items"]
    assert [(m["recipient"], "554" in m["last_error"]) for m in listed] == [(MZ, True)]

    del smtp.refuse_data[MZ]  # the mail server is fixed; a failed message is still not retried by itself
    assert run_job("alerts", as_of=APRIL_1).counts["sent"] == 0 and smtp.to(MZ) == []

    out = CliRunner().invoke(app, ["alerts", "resend", "--failed"])
    assert out.exit_code == 0, out.output
    assert f"已放回发送队列：1条消息（{refused.id}）" in out.output
    assert message_to(quarter, MZ).state == "queued"
    assert run_job("alerts", as_of=APRIL_1).counts["sent"] == 1
    assert run_job("alerts", as_of=APRIL_1).counts["sent"] == 0
    [mail] = smtp.to(MZ)  # exactly once
    assert str(mail.message["Subject"]).startswith("【预算执行预警】昌黎县民政局本级")
    assert message_to(quarter, MZ).state == "sent" and message_to(quarter, MZ).last_error == ""


def test_resend_without_ids_or_failed_is_refused_with_a_message(quarter: Engine) -> None:
    out = CliRunner().invoke(app, ["alerts", "resend"])
    assert out.exit_code == 2 and "请给出消息编号" in out.output


def test_the_api_puts_one_message_back_and_another_units_message_answers_404(quarter: Engine, smtp: MailServer) -> None:
    smtp.reject.update({MZ, JY})
    run_job("alerts", as_of=APRIL_1)
    mz, jy = message_to(quarter, MZ), message_to(quarter, JY)
    unit = api_client("mz_user", "department", ("314001",))
    assert unit.post(f"/api/v1/alerts/{jy.id}/resend").status_code == 404  # 360001's message
    reader = api_client("reader", "viewer")
    assert reader.post(f"/api/v1/alerts/{mz.id}/resend").status_code == 403
    answer = unit.post(f"/api/v1/alerts/{mz.id}/resend")
    assert answer.status_code == 200 and answer.json() == {"requeued": [mz.id]}
    assert (message_to(quarter, MZ).state, message_to(quarter, JY).state) == ("queued", "failed")
    assert api_client().post("/api/v1/alerts/999999/resend").status_code == 404


def test_the_resend_button_on_the_alerts_page_queues_the_message(quarter: Engine, smtp: MailServer) -> None:
    smtp.reject.add(JY)
    run_job("alerts", as_of=APRIL_1)
    jy = message_to(quarter, JY)
    client = page_client()
    html = client.get("/alerts?state=failed").text
    assert f'data-resend="{jy.id}"' in html and "服务器答复：" in html and "550" in html
    answer = client.post(f"/alerts/{jy.id}/resend", data={"csrf_token": client.csrf})  # type: ignore[attr-defined]
    assert answer.status_code == 303
    assert message_to(quarter, JY).state == "queued"
    smtp.reject.clear()
    assert run_job("alerts", as_of=APRIL_1).counts["sent"] == 1 and len(smtp.to(JY)) == 1


def test_a_project_still_lagging_14_days_after_its_alert_is_reminded_again_and_one_that_caught_up_is_not(
    quarter: Engine, smtp: MailServer
) -> None:
    run_job("alerts", as_of=APRIL_1)
    assert run_job("alerts", as_of=date(2024, 4, 14)).counts["messages"] == 0  # 13 days: not yet
    run_job("alerts", as_of=date(2024, 4, 15))
    _first, again = smtp.to(MZ)
    with Session(quarter) as s:
        destitute, schools = project(s, DESTITUTE).id, project(s, SCHOOLS).id
    # 城乡低保 was paid 300万 on 1 April and is on plan now; 特困供养 still stands at 350 of 500.
    assert named(again.text) == {destitute}
    assert str(again.message["Subject"]) == "【预算执行预警】昌黎县民政局本级：1个项目仍然滞后（再次提醒）"
    assert "前次预警后至今仍然滞后" in again.text
    assert named(smtp.to(JY)[-1].text) == {schools} and len(smtp.to(JY)) == 2
    assert run_job("alerts", as_of=date(2024, 4, 20)).counts["messages"] == 0  # once per round
    run_job("alerts", as_of=date(2024, 4, 29))  # 28 days: the second round
    assert len(smtp.to(MZ)) == 3


def test_remind_again_days_zero_turns_the_second_reminder_off(
    quarter: Engine, smtp: MailServer, rules: Callable[..., None]
) -> None:
    rules(alerts={"remind_again_days": 0})
    run_job("alerts", as_of=APRIL_1)
    assert run_job("alerts", as_of=date(2024, 4, 15)).counts["messages"] == 0
