"""Chat robots refuse long messages (WeCom markdown: 4,096 bytes of content; DingTalk: a 20,000-byte body):
a message is split into parts that fit, each saying how many projects it names."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from jobs.runner import run_job
from tests.support import WebhookReceiver, load_changli
from tracker.alerts import chat, compose
from tracker.alerts.findings import Finding
from tracker.core.lights import Light
from tracker.db import session_scope
from tracker.models import PlanCheckpoint, Project, UploadBatch
from tracker.models.actuals import Payment

WECOM_LIMIT = 4096
PART = re.compile(r"^### 【红灯升级】40个项目支出进度严重滞后（涉及\d+个单位）（第(\d+)/(\d+)部分，本部分(\d+)个项目）")


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as r:
        yield r


def forty_red_projects() -> set[int]:
    """Nothing paid on 40 projects with a 12月底 checkpoint (red on 1 January); everything else paid in full."""
    load = []
    with session_scope() as session:
        load_changli(session)
        batch = UploadBatch(filename="t.csv", sha256="1" * 64)
        session.add(batch)
        session.flush()
        assert batch.id is not None
        december = set(session.exec(select(PlanCheckpoint.project_id).where(PlanCheckpoint.month == 12)))
        for p in session.exec(select(Project).order_by(Project.id)).all():  # type: ignore[arg-type]
            assert p.id is not None
            if p.id in december and p.budget_fen >= 2_000_000 and len(load) < 40:
                load.append(p.id)
            else:
                session.add(
                    Payment(project_id=p.id, batch_id=batch.id, paid_on=date(2024, 12, 1), amount_fen=p.budget_fen)
                )
    assert len(load) == 40
    return set(load)


def test_a_wecom_escalation_naming_40_red_projects_arrives_as_parts_within_4096_bytes(
    committed_db: Engine, receiver: WebhookReceiver, rules: Callable[..., None]
) -> None:
    red = forty_red_projects()
    hook = {"name": "财政局群", "url": f"{receiver.url}/wecom", "format": "wecom", "rules": ["escalation"]}
    rules(alerts={"webhooks": [hook], "webhook_backoff_seconds": 0.01})
    run = run_job("alerts", as_of=date(2025, 1, 1))
    contents = [c.json["markdown"]["content"] for c in receiver.calls]
    assert len(contents) >= 2 and run.counts["sent"] == len(contents)
    seen: list[int] = []
    for n, content in enumerate(contents, start=1):
        assert len(content.encode("utf-8")) <= WECOM_LIMIT
        head = PART.match(content)
        assert head, content[:200]
        ids = [int(i) for i in re.findall(r"/projects/(\d+)\)", content)]
        assert (int(head.group(1)), int(head.group(2)), int(head.group(3))) == (n, len(contents), len(ids))
        seen += ids
    assert sorted(seen) == sorted(red)  # every red project once, in some part
    assert run_job("alerts", as_of=date(2025, 1, 2)).counts["sent"] == 0  # nothing twice


def _items(n: int, name: str) -> list[compose.Item]:
    out = []
    for k in range(n):
        f = Finding(
            project_id=k + 1,
            year=2024,
            region_code="130322",
            dept_code="314001",
            rule="escalation",
            checkpoint_on=date(2024, 3, 31),
            audience="finance",
            light=Light.RED,
            planned_fen=350_000_000,
            actual_fen=100_000_000,
            ratio=Decimal("0.2857"),
        )
        out.append(
            compose.Item(f, name, f"13032224P00XC06101{k:02d}R", "昌黎县民政局本级", f"http://x/projects/{k + 1}")
        )
    return out


def test_dingtalk_parts_keep_the_whole_request_body_under_its_limit() -> None:
    items = _items(150, "城乡低保资金县级配套" * 3)
    composed = compose.escalation(items)
    parts = chat.split("dingtalk", composed, limit=20000)
    assert len(parts) >= 2
    for payload, carried in parts:
        assert len(json.dumps(payload, ensure_ascii=False).encode()) <= 20000
        assert f"本部分{len(carried)}个项目" in payload["markdown"]["text"]
    assert sum(len(c) for _, c in parts) == 150


def test_one_line_longer_than_the_limit_is_cut_rather_than_refused_whole() -> None:
    composed = compose.escalation(_items(3, "很长的项目名称" * 400))
    parts = chat.split("wecom", composed, limit=WECOM_LIMIT)
    assert all(len(p["markdown"]["content"].encode()) <= WECOM_LIMIT for p, _ in parts)
    assert sum(len(c) for _, c in parts) == 3 and all("…" in p["markdown"]["content"] for p, _ in parts)


def test_a_short_message_is_one_part_without_a_part_number() -> None:
    [(payload, carried)] = chat.split("wecom", compose.escalation(_items(2, "低保")), limit=WECOM_LIMIT)
    assert len(carried) == 2 and "部分" not in payload["markdown"]["content"]
