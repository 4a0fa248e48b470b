"""Mail by SMTP (settings in INTERFACE.md): plain, STARTTLS or SSL, with an optional login."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from types import TracebackType

from tracker.config import Settings
from tracker.models import AlertMessage


class SendError(Exception):
    """A message was not accepted; `permanent` when sending it again cannot help (a 5xx answer)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def build_email(message: AlertMessage, *, sender: str) -> EmailMessage:
    """A multipart/alternative mail: plain text and HTML, Chinese subject, a Message-ID stable per message."""
    domain = sender.rpartition("@")[2] or "localhost"
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = sender
    mail["To"] = message.recipient
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = f"<tracker-alert-{message.id}@{domain}>"
    mail.set_content(message.body_text, charset="utf-8", cte="base64")
    mail.add_alternative(message.body_html, subtype="html", charset="utf-8", cte="base64")
    return mail


class SmtpSender:
    """One connection for a run's mail; use as a context manager."""

    def __init__(self, settings: Settings, *, timeout: float) -> None:
        self.settings = settings
        self.timeout = timeout
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSender:
        s = self.settings
        context = ssl.create_default_context()
        try:
            if s.smtp_ssl:
                self.smtp = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=self.timeout, context=context)
            else:
                self.smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=self.timeout)
                if s.smtp_starttls:
                    self.smtp.starttls(context=context)
            if s.smtp_user:
                self.smtp.login(s.smtp_user, s.smtp_password)
        except (OSError, smtplib.SMTPException, ValueError) as exc:  # ValueError: smtplib logs in with ASCII only
            self.close()
            raise SendError(f"无法连接邮件服务器 {s.smtp_host}:{s.smtp_port}：{exc}") from exc
        return self

    def send(self, message: AlertMessage) -> None:
        """Hand one message to the server; SendError when it is not accepted."""
        assert self.smtp is not None
        try:
            refused = self.smtp.send_message(build_email(message, sender=self.settings.mail_from))
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise SendError(f"收件人被拒绝：{exc.recipients}", permanent=all(c >= 500 for c in codes)) from exc
        except smtplib.SMTPResponseException as exc:
            raise SendError(
                f"邮件服务器拒绝：{exc.smtp_code} {exc.smtp_error!r}", permanent=exc.smtp_code >= 500
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise SendError(f"发送中断：{exc}") from exc
        if refused:
            raise SendError(f"收件人被拒绝：{refused}", permanent=True)

    @property
    def connected(self) -> bool:
        return self.smtp is not None

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()
