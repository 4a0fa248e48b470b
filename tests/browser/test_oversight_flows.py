"""整改 and 通报 in a real browser (Debian chromium): the whole correction flow, and the reports page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.live import Live, api, sign_in

pytestmark = pytest.mark.browser


def test_the_bureau_issues_a_notice_the_unit_answers_it_is_returned_answered_again_and_accepted(
    page: Page, live: Live
) -> None:
    mine = api(live).get("/api/v1/projects", params={"dept_code": "314001", "limit": 1}).json()["items"][0]
    sign_in(page, "admin")
    page.goto(f"/projects/{mine['id']}")
    page.locator("#issue-correction").click()
    page.fill("textarea[name=problem]", "6月底支出进度滞后")
    page.fill("textarea[name=requirement]", "8月底前拨付到位")
    page.fill("input[name=due_on]", "2024-08-31")
    page.get_by_role("button", name="下达").click()
    expect(page.locator(".flash.ok")).to_contain_text("已下达整改通知")
    expect(page.locator("h1 [data-state]")).to_have_attribute("data-state", "issued")
    notice = re.search(r"/corrections/(\d+)$", page.url)
    assert notice is not None
    where = f"/corrections/{notice.group(1)}"
    page.get_by_role("button", name="退出").click()

    sign_in(page, "mz")
    expect(page.locator("#todo")).to_contain_text(f"整改通知第{notice.group(1)}号")
    page.locator(f"#todo a[href='{where}']").click()
    page.fill("textarea[name=measures]", "已召开专题会，加快拨付")
    page.get_by_role("button", name="报送").click()
    expect(page.locator(".flash.ok")).to_contain_text("等待财政局审核")
    page.get_by_role("button", name="退出").click()

    sign_in(page, "admin")
    page.goto(where)
    page.fill("#review-form textarea[name=comment]", "请附拨付凭证")
    page.get_by_role("button", name="退回").click()
    expect(page.locator("h1 [data-state]")).to_have_attribute("data-state", "returned")
    page.get_by_role("button", name="退出").click()

    sign_in(page, "mz")
    page.goto(where)
    expect(page.locator("body")).to_contain_text("请附拨付凭证")
    page.fill("textarea[name=result]", "已拨付300万元，凭证已上传")
    page.get_by_role("button", name="报送").click()
    page.get_by_role("button", name="退出").click()

    sign_in(page, "admin")
    page.goto(where)
    page.get_by_role("button", name="通过").click()
    expect(page.locator("h1 [data-state]")).to_have_attribute("data-state", "accepted")
    expect(page.locator("td[data-field=result]")).to_have_text("已拨付300万元，凭证已上传")
    page.goto(f"/projects/{mine['id']}")
    expect(page.locator(f"#corrections tr[data-notice='{notice.group(1)}']")).to_contain_text("已通过")


def test_the_reports_page_ranks_the_units_with_a_chart_and_a_workbook(page: Page, tmp_path: Path) -> None:
    sign_in(page, "admin")
    page.get_by_role("link", name="通报").click()
    page.fill("input[name=as_of]", "2024-06-30")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("h1")).to_contain_text("截至2024年6月30日")
    chart = page.locator("svg.chart.ranking")
    expect(chart).to_be_visible()
    expect(chart.locator("rect")).to_have_count(13)
    expect(page.locator("table.ranking tbody tr")).to_have_count(13)
    with page.expect_download() as info:
        page.locator("#ranking-xlsx").click()
    target = tmp_path / "ranking.xlsx"
    info.value.save_as(target)
    ws = load_workbook(target).active
    assert ws is not None and ws["A1"].value == "2024年预算执行进度通报（按单位排名）"
    page.select_option("select[name=by]", "region")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("table.ranking tbody tr")).to_have_count(1)
    expect(page.locator("table.ranking")).to_contain_text("130322")
