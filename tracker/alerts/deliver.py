"""Send what is queued: mail over one SMTP connection, webhooks by httpx. Nothing queued is ever dropped."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import httpx
from sqlalchemy.engine import Engine

from tracker.alerts import outbox
from tracker.alerts.config import AlertRules
from tracker.alerts.smtp import SendError, SmtpSender
from tracker.alerts.webhook import post
from tracker.config import Settings
from tracker.models import AlertMessage
from tracker.models.base import utcnow

log = logging.getLogger(__name__)


def sender_id() -> str:
    """Who holds a claim: host, process and a random part, so two senders in one process differ."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(slots=True)
class DeliveryReport:
    sent: int = 0
    failed: int = 0  # given up: the server refused for good
    left_queued: int = 0  # will go out on a later run
    problems: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"sent": self.sent, "failed": self.failed, "queued": self.left_queued}


def deliver_pending(
    *,
    engine: Engine,
    settings: Settings,
    rules: AlertRules,
    owner: str | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> DeliveryReport:
    """Claim, send and mark every waiting message; failures stay queued with their error."""
    run = _Run(engine, rules, owner or sender_id(), clock)
    run.mail(settings)
    run.webhooks()
    return run.report


@dataclass(slots=True)
class _Run:
    engine: Engine
    rules: AlertRules
    owner: str
    clock: Callable[[], datetime]
    report: DeliveryReport = field(default_factory=DeliveryReport)

    def send_one(self, message_id: int, send: Callable[[AlertMessage], None]) -> None:
        """Claim, send, mark; a failure puts the message back (or fails it for good) with its error."""
        message = outbox.claim(
            engine=self.engine,
            message_id=message_id,
            owner=self.owner,
            now=self.clock(),
            lease_seconds=self.rules.section.send_lease_seconds,
        )
        if message is None:  # another sender has it, or it went out meanwhile
            return
        try:
            send(message)
        except SendError as exc:
            outbox.mark_unsent(
                engine=self.engine, message_id=message_id, owner=self.owner, error=str(exc), permanent=exc.permanent
            )
            log.warning("消息%s未发出：%s", message_id, exc)
            if exc.permanent:
                self.report.failed += 1
                self.report.problems.append(f"消息{message_id}（{message.recipient}）无法投递：{exc}")
            else:
                self.report.left_queued += 1
                self.report.problems.append(f"消息{message_id}（{message.recipient}）未发出，留在队列中：{exc}")
            return
        except BaseException:
            # An unexpected error or an interrupt: give the message back rather than wait for the lease.
            outbox.mark_unsent(
                engine=self.engine, message_id=message_id, owner=self.owner, error="发送被中断", permanent=False
            )
            raise
        outbox.mark_sent(engine=self.engine, message_id=message_id, now=self.clock())
        self.report.sent += 1

    def mail(self, settings: Settings) -> None:
        ids = outbox.pending(engine=self.engine, channel="mail", now=self.clock())
        if not ids:
            return
        if not settings.smtp_host:
            self.report.left_queued += len(ids)
            self.report.problems.append(f"未设置邮件服务器（TRACKER_SMTP_HOST），{len(ids)}封邮件留在队列中")
            return
        try:
            with SmtpSender(settings, timeout=self.rules.section.smtp_timeout_seconds) as smtp:
                for n, message_id in enumerate(ids):
                    if not smtp.connected:
                        rest = len(ids) - n
                        self.report.left_queued += rest
                        self.report.problems.append(f"邮件服务器连接中断，{rest}封邮件留在队列中")
                        return
                    self.send_one(message_id, smtp.send)
        except SendError as exc:  # could not connect at all
            outbox.note_error(engine=self.engine, message_ids=ids, error=str(exc))
            self.report.left_queued += len(ids)
            self.report.problems.append(f"{exc}；{len(ids)}封邮件留在队列中，下次运行时再发")

    def webhooks(self) -> None:
        ids = outbox.pending(engine=self.engine, channel="webhook", now=self.clock())
        if not ids:
            return
        hooks = {h.recipient: h for h in self.rules.webhooks}
        attempts, backoff = self.rules.webhook_attempts, self.rules.section.webhook_backoff_seconds
        with httpx.Client(timeout=self.rules.section.webhook_timeout_seconds) as client:

            def send(message: AlertMessage) -> None:
                hook = hooks.get(message.recipient)
                if hook is None:
                    raise SendError(f"配置中没有{message.recipient}（alerts.webhooks）")
                post(client, hook, message.payload or {}, attempts=attempts, backoff=backoff)

            for message_id in ids:
                self.send_one(message_id, send)
