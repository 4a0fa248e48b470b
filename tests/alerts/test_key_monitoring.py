"""重点监控 (DOMAIN.md §3): a project with a budget of at least 200万元 below 60% execution at 8月底 (or at
least 500万元 at 9月底) goes on the key list once, and the finance bureau hears about it once."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from jobs.runner import run_job
from tests.alerts.conftest import CZ, MZ
from tests.signin import api_client, page_client
from tests.support import LOW_INCOME, MailServer, batch, load_changli, pay, project
from tracker.alerts.contacts import set_contacts
from tracker.cli import app
from tracker.db import session_scope
from tracker.errors import InvalidInput
from tracker.models import KeyListing, Project
from tracker.monitoring.key_list import DEFAULT_TIERS, Tier, key_tiers
from tracker.rules import parse_rules

WAN = 1_000_000
SMALL = ("314001", "13032224P00213010010H")  # 代管遗属及三项定补资金, 10万: far behind but below 200万


@pytest.fixture
def august(committed_db: Engine, smtp: MailServer, use: Callable[..., None]) -> Engine:
    """Every project has spent 70% by 15 August except 城乡低保 (1400万, 100万 spent: 7.14%, red) and SMALL."""
    use(smtp_host="127.0.0.1", smtp_port=smtp.port, mail_from="tracker@czj.example.cn")
    with session_scope() as session:
        load_changli(session)
        b = batch(session)
        for p in session.exec(select(Project)).all():
            key = (p.dept_code, p.code)
            fen = {LOW_INCOME: 100 * WAN, SMALL: 0}.get(key, p.budget_fen * 7 // 10)
            if fen:
                pay(session, p, fen, date(2024, 8, 15), b)
        set_contacts(session=session, dept_code=None, emails=[CZ])
        set_contacts(session=session, dept_code="314001", emails=[MZ])
    return committed_db


def keyed(as_of: str) -> set[str]:
    out = CliRunner().invoke(app, ["variance", "show", "--year", "2024", "--as-of", as_of, "--format", "json"])
    assert out.exit_code == 0, out.output
    return {row["code"] for row in json.loads(out.output) if row["key_monitoring"]}


def test_a_red_project_over_200_wan_at_august_end_lands_on_the_key_list_and_escalates_once(
    august: Engine, smtp: MailServer
) -> None:
    assert run_job("key_monitoring", as_of=date(2024, 8, 31)).counts["listed"] == 0  # the day has not ended
    first = run_job("key_monitoring", as_of=date(2024, 9, 1))
    assert first.counts["listed"] == 1 and first.counts["sent"] == 1
    with Session(august) as s:
        [listing] = s.exec(select(KeyListing)).all()
        low = project(s, LOW_INCOME).id
    assert (listing.project_id, listing.on_date, listing.rate) == (low, date(2024, 8, 31), Decimal("7.14"))
    assert listing.tier == "8月底·预算≥200.00万元·执行率<60%"
    [mail] = smtp.to(CZ)
    assert str(mail.message["Subject"]) == "【重点监控】1个项目列入重点监控（涉及1个单位）"
    assert {int(n) for n in re.findall(r"/projects/(\d+)", mail.text)} == {low}
    assert "预算 1400.00 万元，截至8月底支出 100.00 万元，执行率 7.14%" in mail.text
    assert smtp.to(MZ) == []  # the key list goes to the finance bureau

    again = run_job("key_monitoring", as_of=date(2024, 9, 2))
    assert again.counts["listed"] == 0 and again.counts["sent"] == 0 and len(smtp.to(CZ)) == 1
    assert keyed("2024-09-01") == {LOW_INCOME[1]} and keyed("2024-08-30") == set()


def test_the_second_tier_at_september_end_lists_projects_of_500_wan_again(august: Engine, smtp: MailServer) -> None:
    run_job("key_monitoring", as_of=date(2024, 9, 1))
    later = run_job("key_monitoring", as_of=date(2024, 10, 1))
    assert later.counts["listed"] == 1  # 1400万 ≥ 500万, still 7.14% at 9月底
    assert [str(m.message["Subject"]) for m in smtp.to(CZ)] == ["【重点监控】1个项目列入重点监控（涉及1个单位）"] * 2
    with Session(august) as s:
        tiers = sorted(k.tier for k in s.exec(select(KeyListing)).all())
    assert tiers == ["8月底·预算≥200.00万元·执行率<60%", "9月底·预算≥500.00万元·执行率<60%"]


def test_the_key_list_shows_on_the_dashboard_and_in_the_api_only_to_its_unit(august: Engine, smtp: MailServer) -> None:
    run_job("key_monitoring", as_of=date(2024, 9, 1))
    with Session(august) as s:
        low = project(s, LOW_INCOME).id
    html = page_client().get("/?year=2024&as_of=2024-09-01").text
    assert "重点监控" in html and f'data-key="{low}"' in html
    items = api_client("boss").get("/api/v1/key-monitoring", params={"year": 2024}).json()["items"]
    assert [(i["project_id"], i["rate_pct"]) for i in items] == [(low, 7.14)]
    other = api_client("jy_user", "department", ("360001",))
    assert other.get("/api/v1/key-monitoring", params={"year": 2024}).json()["items"] == []


def test_tiers_come_from_the_region_and_year_then_the_region_then_the_province() -> None:
    rules = parse_rules(
        {
            "key_monitoring": {
                "tiers": [{"month": 7, "min_budget_wan": 100, "below_rate": 0.5}],
                "regions": {
                    "130322": {
                        "tiers": [{"month": 8, "min_budget_wan": 300, "below_rate": 0.6}],
                        "years": {2025: [{"month": 9, "min_budget_wan": 50, "below_rate": 0.7}]},
                    }
                },
            }
        }
    )
    assert key_tiers(rules, region_code="130322", year=2025) == (Tier(9, 50 * WAN, Decimal(70)),)
    assert key_tiers(rules, region_code="130322", year=2024) == (Tier(8, 300 * WAN, Decimal(60)),)
    assert key_tiers(rules, region_code="130306", year=2024) == (Tier(7, 100 * WAN, Decimal(50)),)
    assert key_tiers(parse_rules({}), region_code="130322", year=2024) == DEFAULT_TIERS
    assert (Tier(8, 200 * WAN, Decimal(60)), Tier(9, 500 * WAN, Decimal(60))) == DEFAULT_TIERS


def test_a_bad_tier_names_where_it_is() -> None:
    with pytest.raises(InvalidInput, match=r"key_monitoring\.tiers.*month"):
        parse_rules({"key_monitoring": {"tiers": [{"month": 13, "min_budget_wan": 1, "below_rate": 0.6}]}})
