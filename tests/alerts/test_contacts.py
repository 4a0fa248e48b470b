"""Who receives alerts: `tracker units contact CODE EMAIL…` and `--finance EMAIL…`."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from tests.signin import api_client
from tests.support import load_changli
from tracker.alerts.contacts import get_contacts, set_contacts
from tracker.cli import app
from tracker.db import session_scope
from tracker.errors import InvalidInput, NotFound

runner = CliRunner()


def test_setting_contacts_replaces_the_list_trimmed_lowercased_and_without_repeats(session: Session) -> None:
    load_changli(session)
    set_contacts(session=session, dept_code="314001", emails=["a@x.cn", "b@x.cn"])
    assert set_contacts(session=session, dept_code="314001", emails=[" B@x.cn ", "c@x.cn", "b@x.cn"]) == [
        "b@x.cn",
        "c@x.cn",
    ]
    assert sorted(get_contacts(session=session, dept_code="314001")) == ["b@x.cn", "c@x.cn"]
    assert get_contacts(session=session, dept_code=None) == []  # the finance bureau's list is separate


@pytest.mark.parametrize("bad", ["not-an-address", "a@b", "a b@x.cn", ""])
def test_a_malformed_address_is_refused(session: Session, bad: str) -> None:
    load_changli(session)
    with pytest.raises(InvalidInput):
        set_contacts(session=session, dept_code="314001", emails=[bad])


def test_an_unknown_unit_is_refused(session: Session) -> None:
    with pytest.raises(NotFound):
        set_contacts(session=session, dept_code="999999", emails=["a@x.cn"])


def test_the_command_sets_and_shows_unit_and_finance_contacts(committed_db: Engine) -> None:
    with session_scope() as session:
        load_changli(session)
    done = runner.invoke(app, ["units", "contact", "314001", "mz@example.cn", "mz2@example.cn"])
    assert done.exit_code == 0 and "单位314001的联系人：mz@example.cn、mz2@example.cn" in done.stdout
    finance = runner.invoke(app, ["units", "contact", "--finance", "cz@example.cn"])
    assert finance.exit_code == 0 and "财政局的联系人：cz@example.cn" in finance.stdout
    shown = runner.invoke(app, ["units", "contact", "360001"])
    assert "单位360001的联系人：（未设置）" in shown.stdout
    assert runner.invoke(app, ["units", "contact", "999999", "a@x.cn"]).exit_code == 2
    assert runner.invoke(app, ["units", "contact", "314001", "nonsense"]).exit_code == 2
    assert runner.invoke(app, ["units", "contact"]).exit_code == 2


def test_the_contacts_routes_show_every_unit_and_let_the_bureau_set_them(committed_db: Engine) -> None:
    with session_scope() as session:
        load_changli(session)
    admin = api_client()
    put = admin.put("/api/v1/units/314001/contacts", json={"emails": ["MZ@example.cn"]})
    assert put.status_code == 200 and put.json() == {
        "region_code": "130322", "dept_code": "314001", "dept_name": "昌黎县民政局本级", "emails": ["mz@example.cn"],
    }  # fmt: skip
    assert admin.put("/api/v1/finance/contacts", json={"emails": ["cz@example.cn"]}).status_code == 200
    assert admin.put("/api/v1/units/314001/contacts", json={"emails": ["bad"]}).status_code == 422
    assert admin.put("/api/v1/units/999999/contacts", json={"emails": []}).status_code == 404
    overview = admin.get("/api/v1/contacts").json()
    assert overview["finance"] == ["cz@example.cn"] and len(overview["units"]) == 13  # units of the 昌黎县 table
    assert [u["emails"] for u in overview["units"] if u["dept_code"] in ("314001", "360001")] == [["mz@example.cn"], []]

    unit = api_client("mz", "department", ("314001",))
    mine = unit.get("/api/v1/contacts").json()
    assert mine == {"finance": [], "units": [{"region_code": "130322", "dept_code": "314001",
                                              "dept_name": "昌黎县民政局本级",
                                              "emails": ["mz@example.cn"]}]}  # fmt: skip
    assert unit.put("/api/v1/units/314001/contacts", json={"emails": []}).status_code == 403
