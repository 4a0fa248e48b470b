"""Webhooks against a real local HTTP receiver: formats, signatures, retries with backoff, nothing lost."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from jobs.runner import run_job
from tests.support import ELDERLY, LOW_INCOME, WebhookReceiver, free_port, project
from tracker.alerts.config import Webhook
from tracker.alerts.smtp import SendError
from tracker.alerts.webhook import post, sign
from tracker.models import AlertMessage

APRIL_1 = date(2024, 4, 1)
SECRET = "s3cret-密钥"


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as r:
        yield r


def hooks(url: str, **extra: Any) -> dict[str, Any]:
    return {
        "webhook_backoff_seconds": 0.01,
        "webhooks": [
            {"name": "财政局群", "url": f"{url}/wecom", "format": "wecom", "rules": ["escalation"]},
            {"name": "ops", "url": f"{url}/generic", "format": "generic", "secret_env": "TRACKER_TEST_HOOK_SECRET"},
        ],
        **extra,
    }


def webhook_states(engine: Engine) -> list[tuple[str, str, int]]:
    with Session(engine) as s:
        query = select(AlertMessage).where(AlertMessage.channel == "webhook").order_by(AlertMessage.id)  # type: ignore[arg-type]
        return [(m.recipient, m.state, m.attempts) for m in s.exec(query)]


def test_wecom_gets_the_red_escalation_as_markdown_and_generic_gets_signed_json(
    quarter: Engine, receiver: WebhookReceiver, rules: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_TEST_HOOK_SECRET", SECRET)
    rules(alerts=hooks(receiver.url))
    run_job("alerts", as_of=APRIL_1)
    wecom = [c for c in receiver.calls if c.path == "/wecom"]
    generic = [c for c in receiver.calls if c.path == "/generic"]
    assert len(wecom) == 1
    content = wecom[0].json["markdown"]["content"]
    assert wecom[0].json["msgtype"] == "markdown" and content.startswith("### 【红灯升级】2个项目")
    with Session(quarter) as s:
        for key in (LOW_INCOME, ELDERLY):
            assert f"/projects/{project(s, key).id})" in content
    # generic: one digest per lagging unit (webhooks do not need a unit contact) and the escalation
    kinds = sorted((c.json["kind"], c.json["dept_code"] or "") for c in generic)
    assert kinds == [("digest", "314001"), ("digest", "360001"), ("digest", "361001"), ("escalation", "")]
    for call in generic:
        stamp = call.headers["X-Tracker-Timestamp"]
        assert call.headers["X-Tracker-Signature"] == sign(SECRET, stamp, call.body)
        expected = hmac.new(SECRET.encode(), stamp.encode() + b"." + call.body, hashlib.sha256).hexdigest()
        assert call.headers["X-Tracker-Signature"] == f"sha256={expected}"
    red = next(c for c in generic if c.json["kind"] == "escalation")
    assert {i["light"] for i in red.json["items"]} == {"red"}
    assert run_job("alerts", as_of=APRIL_1).counts["sent"] == 0  # nothing twice
    assert len(receiver.calls) == 5


def test_a_failing_endpoint_is_retried_with_backoff_within_the_run(
    quarter: Engine, receiver: WebhookReceiver, rules: Callable[..., None]
) -> None:
    rules(alerts=hooks(receiver.url, webhooks=[{"name": "g", "url": receiver.url, "rules": ["escalation"]}]))
    receiver.statuses = [500, 503]
    run = run_job("alerts", as_of=APRIL_1)
    assert len(receiver.calls) == 3 and run.counts["sent"] == 4  # 3 mails + the webhook on its third try
    assert webhook_states(quarter) == [("webhook:g", "sent", 1)]


def test_an_endpoint_that_stays_down_keeps_the_message_queued_until_it_is_back(
    quarter: Engine, rules: Callable[..., None]
) -> None:
    port = free_port()
    rules(alerts=hooks(f"http://127.0.0.1:{port}", webhooks=[{"name": "g", "url": f"http://127.0.0.1:{port}/x"}]))
    run = run_job("alerts", as_of=APRIL_1)
    assert run.outcome == "warning" and any("Webhook g 发送失败（3次）" in p for p in run.problems)
    assert {s for _, s, _ in webhook_states(quarter)} == {"queued"}
    with WebhookReceiver(port) as back:
        assert run_job("alerts", as_of=APRIL_1).counts["sent"] == 4  # 3 digests + the escalation
        assert run_job("alerts", as_of=APRIL_1).counts["sent"] == 0
        assert len(back.calls) == 4
    assert {s for _, s, _ in webhook_states(quarter)} == {"sent"}


def test_a_client_error_fails_the_message_for_good(
    quarter: Engine, receiver: WebhookReceiver, rules: Callable[..., None]
) -> None:
    rules(alerts=hooks(receiver.url, webhooks=[{"name": "g", "url": receiver.url, "rules": ["escalation"]}]))
    receiver.statuses = [404]
    run = run_job("alerts", as_of=APRIL_1)
    assert run.counts["failed"] == 1 and len(receiver.calls) == 1
    assert webhook_states(quarter) == [("webhook:g", "failed", 1)]


def test_a_chat_robot_errcode_counts_as_not_delivered(receiver: WebhookReceiver) -> None:
    receiver.reply = {"errcode": 45009, "errmsg": "api freq out of limit"}
    hook = Webhook(name="wx", url=receiver.url, format="wecom")
    with httpx.Client(timeout=5) as client, pytest.raises(SendError) as caught:
        post(client, hook, {"msgtype": "markdown"}, attempts=2, backoff=0, sleep=lambda _s: None)
    assert "45009" in str(caught.value) and not caught.value.permanent and len(receiver.calls) == 2


def test_dingtalk_signs_in_the_query_as_dingtalk_expects(receiver: WebhookReceiver) -> None:
    hook = Webhook(name="dd", url=f"{receiver.url}/robot/send?access_token=abc", format="dingtalk", secret=SECRET)
    with httpx.Client(timeout=5) as client:
        post(client, hook, {"msgtype": "markdown"}, attempts=1, backoff=0)
    query = parse_qs(urlparse(receiver.calls[0].path).query)
    stamp = query["timestamp"][0]
    digest = hmac.new(SECRET.encode(), f"{stamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    assert query["sign"] == [base64.b64encode(digest).decode()] and query["access_token"] == ["abc"]


def test_backoff_doubles_between_attempts(receiver: WebhookReceiver) -> None:
    receiver.statuses = [502, 502, 502, 502]
    waits: list[float] = []
    with httpx.Client(timeout=5) as client, pytest.raises(SendError):
        post(client, Webhook(name="g", url=receiver.url), {}, attempts=4, backoff=0.5, sleep=waits.append)
    assert waits == [0.5, 1.0, 2.0]


def test_a_slow_endpoint_times_out_and_the_message_waits_for_the_next_run(receiver: WebhookReceiver) -> None:
    receiver.delay = 1.0
    with httpx.Client(timeout=0.2) as client, pytest.raises(SendError) as caught:
        post(client, Webhook(name="g", url=receiver.url), {}, attempts=2, backoff=0, sleep=lambda _s: None)
    assert "ReadTimeout" in str(caught.value) and not caught.value.permanent and len(receiver.calls) == 2
