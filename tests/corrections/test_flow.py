"""整改通知 (DOMAIN.md §8): issued, reminded before its deadline, escalated after it, answered, returned,
answered again and accepted; each step mailed once to whom it concerns, and audited."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from jobs.runner import run_job
from tests.actuals.helpers import PAY_ZH, csv_bytes, pay
from tests.evaluation.yearend import export_midyear
from tests.signin import api_client
from tests.support import LOW_INCOME, MailServer, load_changli, project
from tracker.actuals.report import UploadRejected
from tracker.actuals.service import upload
from tracker.alerts.contacts import set_contacts
from tracker.auth.principal import Principal
from tracker.cli import app
from tracker.db import session_scope
from tracker.models import AuditEntry
from tracker.rules import load_rules
from tracker.scope import Scope

MZ, CZ = "mz@example.cn", "cz@example.cn"
UNIT = Principal(username="mz", role="department", scope=Scope.of_units([("130322", "314001")]))


@pytest.fixture
def changli(committed_db: Engine, smtp: MailServer, use: Callable[..., None]) -> int:
    """The 昌黎县 projects with contacts for 314001 and the finance bureau; answers 城乡低保's id."""
    use(smtp_host="127.0.0.1", smtp_port=smtp.port, mail_from="tracker@czj.example.cn")
    with session_scope() as session:
        load_changli(session)
        set_contacts(session=session, dept_code="314001", emails=[MZ])
        set_contacts(session=session, dept_code=None, emails=[CZ])
        pid = project(session, LOW_INCOME).id
    assert pid is not None
    return pid


def subjects(smtp: MailServer, address: str) -> list[str]:
    return [str(r.message["Subject"]) for r in smtp.to(address)]


def step(as_of: str) -> None:
    run = run_job("corrections", as_of=date.fromisoformat(as_of))
    assert run.outcome == "ok", run.problems


def test_a_notice_goes_through_every_step_each_mailed_once_and_audited(
    changli: int, smtp: MailServer, committed_db: Engine
) -> None:
    admin = api_client("boss")
    unit = api_client("mz", "department", ("314001",))
    body = {
        "project_id": changli,
        "problem": "6月底支出进度仅7%",
        "requirement": "7月15日前拨付到位",
        "due_on": "2024-07-15",
    }
    issued = admin.post("/api/v1/corrections", json=body)
    assert issued.status_code == 201, issued.text
    nid = issued.json()["id"]
    no = f"第{nid}号"
    step("2024-07-01")
    assert subjects(smtp, MZ) == [
        f"【整改通知】昌黎县民政局本级：城乡低保资金县级配套（{no}，请于2024年7月15日前整改）"
    ]
    assert "7月15日前拨付到位" in smtp.to(MZ)[0].text and f"/corrections/{nid}" in smtp.to(MZ)[0].text

    step("2024-07-12")  # three days before: reminded; again the next day: not twice
    step("2024-07-13")
    assert subjects(smtp, MZ)[1:] == [
        f"【整改提醒】昌黎县民政局本级：城乡低保资金县级配套的整改期限2024年7月15日还有3天（{no}）"
    ]
    step("2024-07-16")  # the deadline passed unanswered: the unit and the finance bureau hear, once
    step("2024-07-17")
    overdue = f"【整改逾期】昌黎县民政局本级：城乡低保资金县级配套的整改已超过期限1天（{no}）"
    assert subjects(smtp, MZ)[2:] == [overdue] and subjects(smtp, CZ) == [overdue]
    assert (
        api_client("b_user", "department", ("320001",))
        .post(f"/api/v1/corrections/{nid}/answer", json={"measures": "x"})
        .status_code
        == 404
    )

    assert unit.post(f"/api/v1/corrections/{nid}/answer", json={"measures": "已拨付300万元"}).status_code == 200
    assert unit.post(f"/api/v1/corrections/{nid}/accept", json={}).status_code == 403  # only the bureau
    step("2024-07-18")
    assert subjects(smtp, CZ)[1:] == [f"【整改回复】昌黎县民政局本级已报送城乡低保资金县级配套的整改措施（{no}）"]
    returned = admin.post(f"/api/v1/corrections/{nid}/return", json={"comment": "未附拨付凭证", "due_on": "2024-08-15"})
    assert returned.json()["state"] == "returned" and returned.json()["round"] == 2
    step("2024-07-19")
    assert subjects(smtp, MZ)[3:] == [
        f"【整改退回】城乡低保资金县级配套的整改情况未通过，请于2024年8月15日前重新报送（{no}）"
    ]
    again = unit.post(
        f"/api/v1/corrections/{nid}/answer", json={"measures": "已拨付300万元", "result": "执行率升至29%"}
    )
    assert again.json()["state"] == "answered"
    step("2024-07-20")
    assert subjects(smtp, CZ)[2:] == [f"【整改回复】昌黎县民政局本级已报送城乡低保资金县级配套的整改结果（{no}）"]
    accepted = admin.post(f"/api/v1/corrections/{nid}/accept", json={"comment": "同意"})
    assert accepted.json()["state"] == "accepted" and accepted.json()["closed_at"]
    step("2024-07-21")
    step("2024-07-22")
    assert subjects(smtp, MZ)[4:] == [f"【整改通过】城乡低保资金县级配套的整改已通过（{no}）"]
    assert len(smtp.to(MZ)) == 5 and len(smtp.to(CZ)) == 3  # nothing twice

    with Session(committed_db) as s:
        trail = s.exec(
            AuditEntry.__table__.select().where(AuditEntry.entity == "correction_notice").order_by(AuditEntry.id)  # type: ignore[attr-defined]
        ).all()
    assert [(t.action, t.actor) for t in trail] == [
        ("correction_issued", "boss"),
        ("correction_answered", "mz"),
        ("correction_returned", "boss"),
        ("correction_answered", "mz"),
        ("correction_accepted", "boss"),
    ]


def test_withheld_payments_refuse_an_upload_naming_the_notice_until_it_is_accepted(
    changli: int, smtp: MailServer
) -> None:
    out = CliRunner().invoke(
        app,
        [
            "corrections",
            "issue",
            "--year",
            "2024",
            "--dept",
            LOW_INCOME[0],
            "--project",
            LOW_INCOME[1],
            "--due",
            "2024-07-15",
            "--text",
            "资金闲置",
            "--withhold",
        ],
    )
    assert out.exit_code == 0, out.output
    listed = json.loads(CliRunner().invoke(app, ["corrections", "list", "--state", "open", "--format", "json"]).output)
    [notice] = listed
    assert notice["withhold"] is True and notice["code"] == LOW_INCOME[1]
    data = csv_bytes(PAY_ZH, [pay(code="13032224P00XC0610104L"), pay(code=LOW_INCOME[1], day="2024-07-01")])
    with pytest.raises(UploadRejected) as refused, session_scope() as session:
        upload(rules=load_rules(), session=session, source=data, filename="p.csv", principal=UNIT)
    [row] = refused.value.issues
    assert row.row == 3 and f"整改通知第{notice['id']}号" in row.message and "暂缓拨款" in row.message

    admin = api_client("boss")
    admin_unit = api_client("mz", "department", ("314001",))
    admin_unit.post(f"/api/v1/corrections/{notice['id']}/answer", json={"measures": "已制定支出计划"})
    admin.post(f"/api/v1/corrections/{notice['id']}/accept", json={"comment": "恢复拨款"})
    with session_scope() as session:
        summary = upload(rules=load_rules(), session=session, source=data, filename="p.csv", principal=UNIT)
    assert summary.payments == 2


def test_a_budget_cut_at_acceptance_becomes_a_budget_adjustment(changli: int) -> None:
    admin = api_client("boss")
    nid = admin.post(
        "/api/v1/corrections", json={"project_id": changli, "problem": "预算过大", "due_on": "2024-09-30"}
    ).json()["id"]
    api_client("mz", "department", ("314001",)).post(f"/api/v1/corrections/{nid}/answer", json={"measures": "申请调减"})
    bad = admin.post(f"/api/v1/corrections/{nid}/accept", json={"cut_budget_wan": "abc"})
    assert bad.status_code == 422 and "调减预算金额有误" in bad.json()["detail"]
    done = admin.post(f"/api/v1/corrections/{nid}/accept", json={"cut_budget_wan": "200"}).json()
    assert done["cut_budget_wan"] == "200.00" and "调减预算 200.00 万元（已记入预算调整" in done["outcome"]
    budget = admin.get(f"/api/v1/projects/{changli}/budget", params={"as_of": "2024-12-31"}).json()
    assert (budget["initial_wan"], budget["effective_wan"]) == ("1400.00", "1200.00")
    (change,) = budget["changes"]
    assert change["amount_wan"] == "-200.00" and change["doc"] == f"整改通知第{nid}号"


def test_an_empty_problem_is_refused_in_chinese_and_nothing_is_written(changli: int) -> None:
    admin = api_client("boss")
    answer = admin.post("/api/v1/corrections", json={"project_id": changli, "problem": "  ", "due_on": "2024-07-15"})
    assert answer.status_code == 422 and "存在问题不能为空" in answer.json()["detail"]
    assert admin.get("/api/v1/corrections").json()["total"] == 0


def test_the_monitoring_table_carries_whether_a_correction_is_needed_its_requirement_and_result(
    changli: int, tmp_path: Path
) -> None:
    admin = api_client("boss")
    nid = admin.post(
        "/api/v1/corrections",
        json={"project_id": changli, "problem": "进度滞后", "requirement": "7月底前拨付", "due_on": "2024-07-31"},
    ).json()["id"]
    api_client("mz", "department", ("314001",)).post(
        f"/api/v1/corrections/{nid}/answer", json={"measures": "加快拨付", "result": "已拨付"}
    )
    with session_scope() as session:
        export_midyear(session, tmp_path)
    ws = load_workbook(tmp_path / "overview.xlsx").active
    assert ws is not None
    rows = {r[3].value: [c.value for c in r[18:21]] for r in ws.iter_rows(min_row=3)}
    assert rows[LOW_INCOME[1]] == ["是", f"第{nid}号：进度滞后，7月底前拨付", f"第{nid}号（整改中）：已拨付"]
    assert rows["13032224P00XC0610104L"][0] == "否"


def test_a_long_notice_is_cut_to_the_wecom_limit_in_bytes() -> None:
    from tracker.alerts.config import AlertRules
    from tracker.corrections.notify import _payload

    lines = [("", "开头"), ("存在问题", "资金闲置" * 2000)]
    payload = _payload("wecom", "【整改通知】某单位：某项目", lines, {}, AlertRules())  # wecom_max_bytes 4096
    content = payload["markdown"]["content"]
    assert len(content.encode()) <= 4096 and content.endswith("…") and content.startswith("### 【整改通知】")
