"""`tracker budget adjust/show` and the budget API (INTERFACE.md): record, show, and refuse clearly."""

from __future__ import annotations

import json

from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from tests.signin import api_client, load_changli
from tracker.cli import app
from tracker.models import Project

runner = CliRunner()
P1 = ["--year", "2024", "--dept", "314001", "--project", "13032224P00XC0610104L"]


def test_budget_adjust_prints_the_effective_budget_and_show_lists_every_change(committed_db: Engine) -> None:
    load_changli()
    args = ["budget", "adjust", *P1, "--amount-wan", "+100", "--on", "2024-07-01", "--reason", "追加低保资金"]
    done = runner.invoke(app, [*args, "--doc", "昌财预〔2024〕12号"])
    assert done.exit_code == 0, done.output
    assert "年初 180.00 万元" in done.output and "全年预算 280.00 万元" in done.output
    carried = [
        "budget",
        "adjust",
        *P1,
        "--amount-wan",
        "20",
        "--on",
        "2024-01-01",
        "--reason",
        "结转",
        "--kind",
        "carryover",
    ]
    assert runner.invoke(app, carried).exit_code == 0
    shown = runner.invoke(
        app, ["budget", "show", *P1[:2], "--project", P1[5], "--as-of", "2024-06-30", "--format", "json"]
    )
    [row] = json.loads(shown.stdout)
    assert (row["initial_wan"], row["effective_wan"], row["year_end_wan"]) == ("180.00", "200.00", "300.00")
    assert [(c["kind"], c["on"], c["amount_wan"], c["source"]) for c in row["changes"]] == [
        ("carryover", "2024-01-01", "20.00", "上年结转"),
        ("adjustment", "2024-07-01", "100.00", "本年财政拨款"),
    ]
    assert row["changes"][1]["doc"] == "昌财预〔2024〕12号" and row["changes"][1]["by"].startswith("cli:")


def test_budget_adjust_refuses_bad_input_with_exit_2_and_a_message_naming_the_field(committed_db: Engine) -> None:
    load_changli()
    base = ["budget", "adjust", *P1, "--on", "2024-07-01", "--reason", "x"]
    for extra, message in [
        (["--amount-wan", "1.0000001"], "amount_wan"),
        (["--amount-wan", "10", "--source", "专项债"], "source"),
        (["--amount-wan", "10", "--kind", "追加"], "kind"),
        (["--amount-wan", "0"], "不能为0"),
    ]:
        result = runner.invoke(app, [*base, *extra])
        assert result.exit_code == 2 and message in result.output, (extra, result.output)
    missing = runner.invoke(app, ["budget", "adjust", "--year", "2024", "--dept", "314001", "--project", "X",
                                  "--amount-wan", "1", "--on", "2024-07-01", "--reason", "x"])  # fmt: skip
    assert missing.exit_code == 2 and "没有单位314001的项目X" in missing.output


def test_the_api_records_a_change_for_the_finance_bureau_only(committed_db: Engine) -> None:
    load_changli()
    with Session(committed_db) as s:
        pid = s.exec(select(Project.id).where(Project.code == "13032224P00XC0610104L")).one()
    admin = api_client()
    body = {"on": "2024-07-01", "amount_wan": "100", "reason": "追加", "doc": "昌财预〔2024〕12号"}
    created = admin.post(f"/api/v1/projects/{pid}/budget/changes", json=body)
    assert created.status_code == 201 and created.json()["year_end_wan"] == "280.00"
    assert (
        admin.get(f"/api/v1/projects/{pid}/budget", params={"as_of": "2024-06-30"}).json()["effective_wan"] == "180.00"
    )
    assert admin.get(f"/api/v1/projects/{pid}").json()["budget_wan"] == "180.00"  # 年初 stays the published figure
    bad = admin.post(f"/api/v1/projects/{pid}/budget/changes", json={**body, "amount_wan": "abc"})
    assert bad.status_code == 422 and bad.json()["error"] == "InvalidInput"
    unit = api_client("mz", "department", ("314001",))
    assert unit.get(f"/api/v1/projects/{pid}/budget").status_code == 200
    assert unit.post(f"/api/v1/projects/{pid}/budget/changes", json=body).status_code == 403
