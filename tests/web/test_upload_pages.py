"""上报 and 审核 pages: check a file and see every bad row, import it, submit the quarter, approve in bulk."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from tests.actuals.helpers import DEPT, P1, PAY_ZH, csv_bytes, pay
from tests.signin import load_changli, page_client
from tracker.models import Payment, Submission

CSV = "text/csv"


def payments(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.exec(select(func.count()).select_from(Payment)).one())


def send(client: TestClient, data: bytes, mode: str = "check", name: str = "q1.csv"):  # type: ignore[no-untyped-def]
    return client.post("/upload", data={"csrf_token": client.csrf, "mode": mode}, files={"file": (name, data, CSV)})  # type: ignore[attr-defined]


def unit() -> TestClient:
    return page_client("mz", "department", (DEPT,))


def test_a_file_with_errors_lists_every_bad_row_and_writes_nothing(committed_db: Engine) -> None:
    load_changli()
    bad = csv_bytes(PAY_ZH, [pay(), pay(day="2024-13-01"), pay(code="NOPE"), pay(amount="abc")])
    response = send(unit(), bad, mode="apply")
    assert response.status_code == 422
    rows = re.findall(r'<tr class="bad"><td>[^<]*</td><td class="num">(\d+)</td>', response.text)
    assert rows == ["3", "4", "5"] and "未导入" in response.text
    assert payments(committed_db) == 0


def test_a_clean_check_previews_and_confirm_imports_it(committed_db: Engine) -> None:
    load_changli()
    client = unit()
    checked = send(client, csv_bytes(PAY_ZH, [pay(amount="12.5"), pay(day="2024-03-20", amount="7.5")]))
    assert checked.status_code == 200 and "检查通过" in checked.text and "20.00 万元" in checked.text
    assert payments(committed_db) == 0
    token = re.search(r'name="token" value="([^"]+)"', checked.text).group(1)  # type: ignore[union-attr]
    done = client.post("/upload/confirm", data={"csrf_token": client.csrf, "token": token})  # type: ignore[attr-defined]
    assert done.status_code == 303 and payments(committed_db) == 2
    assert "已写入批次" in client.get("/upload").text
    again = client.post("/upload/confirm", data={"csrf_token": client.csrf, "token": token})  # type: ignore[attr-defined]
    assert again.status_code == 303 and payments(committed_db) == 2  # the kept file is gone after use


def test_a_checked_file_is_confirmed_by_another_web_worker(
    committed_db: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stateless workers: the kept file lives in the database (tracker/shared/pending.py), not on one worker's
    disk, so a confirm served by a second app with another var/ directory still finds it."""
    from fastapi.testclient import TestClient

    from tracker.config import get_settings
    from tracker.main import create_app

    monkeypatch.setenv("TRACKER_SECRET_KEY", "one-secret-for-every-worker-" + "x" * 32)  # as production sets it
    get_settings.cache_clear()
    load_changli()
    first = unit()
    checked = send(first, csv_bytes(PAY_ZH, [pay(amount="12.5")]))
    token = re.search(r'name="token" value="([^"]+)"', checked.text).group(1)  # type: ignore[union-attr]
    monkeypatch.setenv("TRACKER_VAR_DIR", str(tmp_path / "another-worker"))  # a worker on another machine
    get_settings.cache_clear()
    second = TestClient(create_app(), follow_redirects=False, cookies=first.cookies)
    done = second.post("/upload/confirm", data={"csrf_token": first.csrf, "token": token})  # type: ignore[attr-defined]
    assert done.status_code == 303 and payments(committed_db) == 1


def test_a_kept_file_cannot_be_confirmed_from_another_session(committed_db: Engine) -> None:
    load_changli()
    checked = send(unit(), csv_bytes(PAY_ZH, [pay()]))
    token = re.search(r'name="token" value="([^"]+)"', checked.text).group(1)  # type: ignore[union-attr]
    other = page_client("mz2", "department", (DEPT,))
    other.post("/upload/confirm", data={"csrf_token": other.csrf, "token": token})  # type: ignore[attr-defined]
    assert payments(committed_db) == 0 and "已失效" in other.get("/upload").text


def test_unit_submits_its_quarter_and_the_bureau_approves_in_bulk(committed_db: Engine) -> None:
    load_changli()
    mz, vet = unit(), page_client("vet", "department", ("320001",))
    send(mz, csv_bytes(PAY_ZH, [pay()]), mode="apply")
    for client, dept in ((mz, DEPT), (vet, "320001")):
        client.post("/upload/submit", data={"csrf_token": client.csrf, "dept_code": dept, "year": 2024, "quarter": 1})  # type: ignore[attr-defined]
    assert "已报送" in mz.get("/upload").text
    admin = page_client()
    queue = admin.get("/approvals").text
    ids = re.findall(r'name="ids" value="(\d+)"', queue)
    assert len(ids) == 2 and "昌黎县民政局本级" in queue and "10.00" in queue
    done = admin.post("/approvals", data={"csrf_token": admin.csrf, "action": "approve", "ids": ids, "comment": "同意"})  # type: ignore[attr-defined]
    assert done.status_code == 303 and "已审核通过并锁定 2 个季度报送" in admin.get("/approvals").text
    assert 'data-status="approved"' in mz.get("/upload").text
    locked = send(mz, csv_bytes(PAY_ZH, [pay(day="2024-02-02")]), mode="apply")
    assert locked.status_code == 422 and "审核锁定" in locked.text


def test_returning_needs_a_comment_and_unlocking_a_reason(committed_db: Engine) -> None:
    load_changli()
    mz = unit()
    mz.post("/upload/submit", data={"csrf_token": mz.csrf, "dept_code": DEPT, "year": 2024, "quarter": 2})  # type: ignore[attr-defined]
    admin = page_client()
    sid = re.findall(r'name="ids" value="(\d+)"', admin.get("/approvals").text)
    admin.post("/approvals", data={"csrf_token": admin.csrf, "action": "return", "ids": sid})  # type: ignore[attr-defined]
    assert "退回时请填写意见" in admin.get("/approvals").text
    admin.post("/approvals", data={"csrf_token": admin.csrf, "action": "approve", "ids": sid})  # type: ignore[attr-defined]
    admin.post(f"/approvals/{sid[0]}/unlock", data={"csrf_token": admin.csrf, "reason": ""})  # type: ignore[attr-defined]
    assert "解锁时请填写原因" in admin.get("/approvals").text
    admin.post(f"/approvals/{sid[0]}/unlock", data={"csrf_token": admin.csrf, "reason": "更正支付日期"})  # type: ignore[attr-defined]
    with Session(committed_db) as s:
        assert s.exec(select(Submission.status)).one() == "unlocked"


def test_a_unit_cannot_submit_for_another_unit_nor_review(committed_db: Engine) -> None:
    load_changli()
    mz = unit()
    mz.post("/upload/submit", data={"csrf_token": mz.csrf, "dept_code": "320001", "year": 2024, "quarter": 1})  # type: ignore[attr-defined]
    assert "不存在" in mz.get("/upload").text
    assert mz.get("/approvals").status_code == 403
    with Session(committed_db) as s:
        assert s.exec(select(func.count()).select_from(Submission)).one() == 0


def test_readers_cannot_open_the_upload_page(committed_db: Engine) -> None:
    viewer = page_client("look", "viewer")
    assert viewer.get("/upload").status_code == 403
    assert send(viewer, csv_bytes(PAY_ZH, [pay(code=P1)])).status_code == 403
