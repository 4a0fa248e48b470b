"""Shared test helpers: the real 昌黎县 file with payments, a real SMTP server and a real webhook receiver."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession
from sqlmodel import Session, select

from tracker.core.plan import checkpoint_date, planned_fen
from tracker.core.project import Checkpoint
from tracker.models import PlanCheckpoint, Project, UploadBatch
from tracker.models.actuals import Payment
from tracker.targets.service import import_targets

DATA = Path(__file__).resolve().parent.parent / "data" / "changli-2024-targets.txt"
WAN = 1_000_000
Q1_END = date(2024, 3, 31)

# The quarter in which some projects lag (as of 1 April 2024, checkpoint 31 March):
LOW_INCOME = ("314001", "13032224P00XC0610101R")  # 城乡低保 1400万, 350 planned, 100 paid → red
DESTITUTE = ("314001", "13032224P00XC0610102D")  # 特困供养 2000万, 500 planned, 350 paid → yellow
SCHOOLS = ("360001", "13032224P002R2X10071K")  # 义务教育公用经费 94.93万, 18.986 planned, 12 paid → yellow
ELDERLY = ("361001", "13032224P000XXN10008Y")  # 80周岁以上老人养老补贴 620万, 155 planned, 0 paid → red
TINY = ("323010", "13032224P002EPJ100562")  # 0.60万: nothing paid, but the gap is under 1万 → green


def edit(path: Path, old: str, new: str) -> None:
    """Replace `old` (which must be there) with `new` in a text file."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


FUNING = "130306"  # 秦皇岛市抚宁区: a second county with the same unit codes


def funing_bytes() -> bytes:
    """The 昌黎县 table as 抚宁区 would publish it: region 130306 in every project code, its own first line,
    and unit 314001 named 抚宁区民政局本级 (DOMAIN.md §1.1: unit codes repeat across counties)."""
    text = DATA.read_text(encoding="utf-8")
    assert text.startswith("秦皇岛市昌黎县")
    text = text.replace("秦皇岛市昌黎县", "秦皇岛市抚宁区", 1).replace("130322", FUNING)
    return text.replace("昌黎县民政局本级", "抚宁区民政局本级").encode("utf-8")


def load_changli(session: Session) -> None:
    import_targets(session=session, data=DATA.read_bytes(), filename=DATA.name)
    session.flush()


def project(session: Session, key: tuple[str, str]) -> Project:
    return session.exec(select(Project).where(Project.dept_code == key[0], Project.code == key[1])).one()


def batch(session: Session) -> int:
    b = UploadBatch(filename="test.csv", sha256="0" * 64)
    session.add(b)
    session.flush()
    assert b.id is not None
    return b.id


def pay(session: Session, p: Project, fen: int, day: date, batch_id: int) -> None:
    assert p.id is not None
    session.add(Payment(project_id=p.id, batch_id=batch_id, paid_on=day, amount_fen=fen))


def planned_at(session: Session, p: Project, day: date) -> int:
    rows = session.exec(select(PlanCheckpoint).where(PlanCheckpoint.project_id == p.id)).all()
    plan = [Checkpoint(r.month, r.cumulative_pct) for r in rows]
    return planned_fen(budget_fen=p.budget_fen, plan=plan, as_of=day, year=p.year)


def lagging_first_quarter(session: Session) -> None:
    """Every project with a March checkpoint pays its plan by 15 March, except the four that lag and TINY."""
    load_changli(session)
    b = batch(session)
    special = {LOW_INCOME: 100 * WAN, DESTITUTE: 350 * WAN, SCHOOLS: 12 * WAN, ELDERLY: 0, TINY: 0}
    for p in session.exec(select(Project)).all():
        key = (p.dept_code, p.code)
        fen = special.get(key, planned_at(session, p, checkpoint_date(2024, 3)))
        if fen:
            pay(session, p, fen, date(2024, 3, 15), b)
    # Paid after the checkpoint: does not change how the checkpoint went.
    pay(session, project(session, LOW_INCOME), 300 * WAN, date(2024, 4, 1), b)
    session.flush()


@dataclass
class Received:
    envelope_to: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        return str(part.get_content())  # type: ignore[attr-defined]

    @property
    def html(self) -> str:
        part = self.message.get_body(("html",))
        assert part is not None
        return str(part.get_content())  # type: ignore[attr-defined]


class _Handler:
    def __init__(self, server: MailServer) -> None:
        self.server = server

    async def handle_RCPT(
        self, _server: SMTP, _session: SmtpSession, envelope: Envelope, address: str, _options: list[str]
    ) -> str:
        if address in self.server.reject:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server: SMTP, _session: SmtpSession, envelope: Envelope) -> str:
        if self.server.delay:  # a slow server: it keeps the message but answers late
            import asyncio

            await asyncio.sleep(self.server.delay)
        if self.server.stall.is_set():  # hold the client until the test lets go (or kills it)
            import asyncio

            self.server.stalled.set()
            while self.server.stall.is_set():
                await asyncio.sleep(0.05)
            return "451 try again later"
        for address in envelope.rcpt_tos:
            if address in self.server.refuse_data:  # the server takes the recipient, then refuses the mail
                return self.server.refuse_data[address]
        raw = envelope.original_content or b""
        parsed = message_from_bytes(raw, policy=policy.default)
        with self.server.lock:
            self.server.received.append(Received(list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 OK"


@dataclass
class MailServer:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what arrives."""

    port: int = field(default_factory=free_port)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stall: threading.Event = field(default_factory=threading.Event)
    stalled: threading.Event = field(default_factory=threading.Event)  # a client is being held
    reject: set[str] = field(default_factory=set)
    refuse_data: dict[str, str] = field(default_factory=dict)  # address → the answer to DATA, e.g. "554 …"
    delay: float = 0.0  # seconds before answering DATA: a slow server keeps the mail but answers late
    controller: Controller | None = None
    options: dict[str, Any] = field(default_factory=dict)  # e.g. TLS and login settings for aiosmtpd

    def start(self) -> MailServer:
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port, **self.options)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.stall.clear()
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if address in r.envelope_to]


@dataclass
class Hook:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that timed out and left is expected here."""


class WebhookReceiver:
    """A real HTTP server on 127.0.0.1 that records every POST and answers the statuses it is given."""

    def __init__(self, port: int = 0) -> None:
        self.calls: list[Hook] = []
        self.statuses: list[int] = []  # answered in turn; 200 once they run out
        self.reply: dict[str, Any] = {"errcode": 0, "errmsg": "ok"}
        self.delay = 0.0  # seconds to wait before answering
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.calls.append(Hook(self.path, dict(self.headers.items()), body))
                time.sleep(receiver.delay)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                out = json.dumps(receiver.reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = _QuietServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def mail_server() -> Iterator[MailServer]:
    server = MailServer().start()
    try:
        yield server
    finally:
        server.stop()
