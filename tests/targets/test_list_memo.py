"""The list API keeps its encoded page while the data behind it is unchanged, and no longer (targets/list_memo.py).

Each write the page shows must move the key: an import (names, projects), an indicator correction
(API and CLI), a budget change, and the day (the effective budget is the one in force today). Every
test asks once (the page is kept), writes, and asks again: with the part of the stamp that write moves
left out, the second answer would be the kept, stale one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from tests.signin import DATA, api_client, load_changli
from tests.support import LOW_INCOME
from tracker.cli import app
from tracker.db import session_scope
from tracker.models import Project
from tracker.shared.memo import Memo
from tracker.targets import list_memo
from tracker.targets.service import import_targets

LIST = "/api/v1/projects"


@pytest.fixture(autouse=True)
def _nothing_kept() -> None:
    """Each test starts with no kept page: one test's page never answers another's."""
    list_memo.PAGES.clear()


def _page(client: TestClient, **params: Any) -> dict[str, Any]:
    answer = client.get(LIST, params={"limit": 100, **params})
    assert answer.status_code == 200, answer.text
    page: dict[str, Any] = answer.json()
    return page


def _project(page: dict[str, Any], code: str) -> dict[str, Any]:
    return next(p for p in page["items"] if p["code"] == code)


def _pid(engine: Engine, code: str) -> int:
    with Session(engine) as s:
        pid = s.exec(select(Project.id).where(Project.code == code)).one()
    assert pid is not None
    return pid


def test_a_second_request_is_answered_from_the_kept_page(committed_db: Engine) -> None:
    load_changli()
    client = api_client()
    list_memo.PAGES.clear()
    first = client.get(LIST, params={"limit": 100}).content
    kept = list_memo.PAGES.weight
    assert kept == len(first)  # one page kept, counted in bytes
    assert client.get(LIST, params={"limit": 100}).content == first
    assert list_memo.PAGES.weight == kept  # a hit keeps nothing new
    assert _page(client, limit=5)["items"] != _page(client)["items"][:4]  # every parameter is part of the key


def test_the_scope_is_part_of_the_key(committed_db: Engine) -> None:
    load_changli()
    admin, unit = api_client(), api_client("unit", role="department", units=("314001",))
    assert _page(admin)["total"] == 44
    assert _page(unit)["total"] == 9 and {p["dept_code"] for p in _page(unit)["items"]} == {"314001"}


def test_an_indicator_correction_through_the_api_changes_the_next_answer(committed_db: Engine) -> None:
    load_changli()
    client = api_client()
    before = _project(_page(client), LOW_INCOME[1])["indicators"][0]
    pid = _pid(committed_db, LOW_INCOME[1])
    fixed = client.patch(f"/api/v1/projects/{pid}/indicators/1", json={"target": "约5000人", "reason": "核定"})
    assert fixed.status_code == 200, fixed.text
    after = _project(_page(client), LOW_INCOME[1])["indicators"][0]
    assert before["target_text"] != "约5000人" and after["target_text"] == "约5000人"


def test_indicators_set_on_the_command_line_changes_the_next_answer(committed_db: Engine) -> None:
    load_changli()
    client = api_client()
    assert _project(_page(client), LOW_INCOME[1])["indicators"][0]["weight"] != 7.0
    args = ["indicators", "set", "--year", "2024", "--dept", LOW_INCOME[0], "--project", LOW_INCOME[1], "--seq", "1"]
    done = CliRunner().invoke(app, [*args, "--weight", "7", "--reason", "核定"])
    assert done.exit_code == 0, done.output
    assert _project(_page(client), LOW_INCOME[1])["indicators"][0]["weight"] == 7.0


def test_a_budget_change_changes_the_next_answer(committed_db: Engine) -> None:
    load_changli()
    client = api_client()
    code = "13032224P00XC0610104L"
    assert _project(_page(client), code)["effective_budget_wan"] == "180.00"
    body = {"on": "2024-07-01", "amount_wan": "100", "reason": "追加"}
    assert client.post(f"/api/v1/projects/{_pid(committed_db, code)}/budget/changes", json=body).status_code == 201
    assert _project(_page(client), code)["effective_budget_wan"] == "280.00"


def test_the_day_is_part_of_the_key(committed_db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The effective budget is the one in force today: a change dated tomorrow shows from tomorrow on."""
    load_changli()
    client = api_client()
    code = "13032224P00XC0610104L"
    body = {"on": "2024-07-01", "amount_wan": "100", "reason": "追加"}
    assert client.post(f"/api/v1/projects/{_pid(committed_db, code)}/budget/changes", json=body).status_code == 201
    for module in ("tracker.targets.service", "tracker.targets.listing"):
        monkeypatch.setattr(f"{module}.today", lambda: date(2024, 6, 30))
    assert _project(_page(client), code)["effective_budget_wan"] == "180.00"
    for module in ("tracker.targets.service", "tracker.targets.listing"):
        monkeypatch.setattr(f"{module}.today", lambda: date(2024, 7, 1))
    assert _project(_page(client), code)["effective_budget_wan"] == "280.00"


def test_an_import_changing_a_project_changes_the_next_answer(committed_db: Engine) -> None:
    load_changli()
    client = api_client()
    code = "13032224P00XC0610104L"
    name = _project(_page(client), code)["name"]
    text = DATA.read_text(encoding="utf-8").replace("\t" + name, "\t" + name + "（调整）", 1)
    with session_scope() as session:
        import_targets(session=session, data=text.encode(), filename="changli-2.txt")
    assert _project(_page(client), code)["name"] == name + "（调整）"


def test_an_import_renaming_only_the_county_changes_the_next_answer(committed_db: Engine) -> None:
    """No project changes, so only the import record moves the stamp."""
    load_changli()
    client = api_client()
    assert {p["region_name"] for p in _page(client)["items"]} == {"秦皇岛市昌黎县"}
    text = DATA.read_text(encoding="utf-8").replace("秦皇岛市昌黎县", "秦皇岛市昌黎", 1)
    with session_scope() as session:
        import_targets(session=session, data=text.encode(), filename="changli-2.txt")
    assert {p["region_name"] for p in _page(client)["items"]} == {"秦皇岛市昌黎"}


def test_the_kept_pages_stay_within_their_byte_budget() -> None:
    memo: Memo[str, bytes] = Memo(weigh=len, max_weight=10, max_entry=6)
    memo.put("a", b"1234")
    memo.put("b", b"1234")
    memo.put("big", b"1234567")  # larger than an entry may be: answered, not kept
    assert memo.get("big") is None and memo.weight == 8
    assert memo.get("a") == b"1234"  # a is now the most recently used
    memo.put("c", b"1234")  # 12 bytes: the least recently used (b) goes
    assert memo.get("b") is None and memo.get("a") == b"1234" and memo.get("c") == b"1234" and memo.weight == 8


def test_a_kept_page_older_than_its_age_limit_is_not_used() -> None:
    memo: Memo[str, bytes] = Memo(max_age=-1.0)
    memo.put("a", b"1")
    assert memo.get("a") is None and memo.weight == 0
