"""总览 and 项目 pages: scoped rows, money in 万元, Chinese dates, lights, filters, the chart."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy.engine import Engine

from tests.signin import add_payments, load_changli, page_client, project_id

WAN = 1_000_000


def rows(html: str) -> list[str]:
    return re.findall(r'<tr data-light="(\w+)">', html)


def test_admin_dashboard_shows_every_project_with_budget_totals(committed_db: Engine) -> None:
    load_changli()
    html = page_client().get("/?year=2024&as_of=2024-06-30").text
    assert len(rows(html)) == 44
    assert "24,596.12" in html and "截至2024年6月30日" in html


def test_unit_dashboard_shows_only_its_own_projects(committed_db: Engine) -> None:
    load_changli()
    html = page_client("mz", "department", ("314001",)).get("/?year=2024").text
    assert len(rows(html)) == 9
    assert "昌黎县民政局本级" in html and "昌黎县退役军人事务局本级" not in html


def test_lights_count_and_filter_the_projects(committed_db: Engine) -> None:
    load_changli()
    client = page_client()

    def counts() -> dict[str, int]:
        html = client.get("/?year=2024&as_of=2024-03-31").text
        return {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)<', html)}

    before = counts()
    assert sum(before.values()) == 44
    add_payments(project_id(1), [(date(2024, 3, 20), 45 * WAN)])  # 180 万元, 25% by March: on plan
    after = counts()
    assert after["green"] == before["green"] + 1 and after["red"] == before["red"] - 1
    green = client.get("/?year=2024&as_of=2024-03-31&light=green").text
    assert set(rows(green)) == {"green"} and len(rows(green)) == after["green"] and "45.00" in green


def test_search_and_unit_filter_narrow_the_list(committed_db: Engine) -> None:
    load_changli()
    client = page_client()
    assert len(rows(client.get("/?year=2024&unit=320001").text)) == 6
    found = client.get("/", params={"year": 2024, "q": "低保"}).text
    assert 0 < len(rows(found)) < 44 and "低保" in found


def test_sorting_by_budget_descending_puts_the_largest_first(committed_db: Engine) -> None:
    load_changli()
    html = page_client().get("/?year=2024&sort=budget&desc=1").text
    budgets = [
        float(b.replace(",", ""))
        for b in re.findall(r'<td class="num">([\d,]+\.\d\d)</td>\s*<td class="num">[\d,]+\.\d\d<small>', html)
    ]
    assert budgets == sorted(budgets, reverse=True) and len(budgets) == 44


def test_project_page_shows_targets_chart_and_indicators(committed_db: Engine) -> None:
    load_changli()
    pid = project_id(1)
    add_payments(pid, [(date(2024, 2, 10), 20 * WAN), (date(2024, 5, 5), 30 * WAN)])
    html = page_client().get(f"/projects/{pid}?as_of=2024-06-30").text
    assert "<svg" in html and 'class="plan"' in html and 'class="actual"' in html and 'class="time"' in html
    assert "3月底 25%" in html and "截至6月30日" in html
    assert "180.00" in html and "50.00" in html  # budget and paid, 万元 with two decimals
    assert "≥2500人" in html and "绩效指标" in html and "目标审核意见" in html
    assert "payments.csv" in html  # the upload that carried the payments
    # 3月底: 45 planned, 20 paid by then → 44.44%, red; 6月底 passed at 90 planned, 50 paid → 55.56%
    assert re.search(r"3月底 <small>25.00%</small></td><td class=\"num\">45.00</td>\s*<td class=\"num\">20.00</td>"
                     r"<td class=\"num\">44.44%</td><td><span class=\"light red\"", html)  # fmt: skip


def test_another_units_project_page_is_not_found_and_shows_nothing_of_it(committed_db: Engine) -> None:
    load_changli()
    pid = project_id(10)  # 昌黎县退役军人事务局本级
    response = page_client("mz", "department", ("314001",)).get(f"/projects/{pid}")
    assert response.status_code == 404
    assert "不存在" in response.text and "退役军人" not in response.text


def test_viewer_sees_no_upload_or_settings_in_the_navigation(committed_db: Engine) -> None:
    html = page_client("look", "viewer").get("/").text
    assert 'href="/alerts"' in html and 'href="/upload"' not in html and 'href="/settings"' not in html
