"""What finance-bureau and unit staff do in a real browser (Debian chromium, driven by Playwright)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.live import Live, api, sign_in

pytestmark = pytest.mark.browser


def test_signing_in_leads_to_the_dashboard_with_every_project(page: Page) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))
    sign_in(page, "admin")
    expect(page.locator("h1")).to_contain_text("总览")
    expect(page.locator("tr[data-light]")).to_have_count(44)
    expect(page.locator(".totals")).to_contain_text("24,596.12")


def test_a_wrong_password_is_refused_on_the_form(page: Page) -> None:
    sign_in_page = page.goto("/login")
    assert sign_in_page is not None
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    expect(page.locator(".flash.error")).to_have_text("用户名或密码错误")


def test_opening_a_project_shows_its_spend_chart(page: Page) -> None:
    sign_in(page, "admin")
    link = page.locator("td.name a").first
    name = link.inner_text()
    link.click()
    expect(page.locator("h1")).to_contain_text(name)
    chart = page.locator("svg.chart")
    expect(chart).to_be_visible()
    expect(chart.locator("polyline.plan")).to_have_count(1)
    expect(chart.locator("polyline.actual")).to_have_count(1)
    expect(chart.locator("g.checkpoint")).to_have_count(4)
    expect(page.locator("table.indicators tbody tr")).to_have_count(8)


def test_a_unit_user_cannot_reach_another_units_project(page: Page, live: Live) -> None:
    other = api(live).get("/api/v1/projects", params={"dept_code": "320001", "limit": 1}).json()["items"][0]
    sign_in(page, "mz")
    expect(page.locator("tr[data-light]")).to_have_count(9)
    response = page.goto(f"/projects/{other['id']}")
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text(other["name"])
    expect(page.locator("h1")).to_have_text("未找到")


def test_signing_out_ends_the_session(page: Page) -> None:
    sign_in(page, "look")
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next="))


BAD = (
    "单位编码,项目编码,支付日期,金额（万元）,备注\r\n"
    "320001,13032224P000N2E10172Y,2024-02-10,30,第一批\r\n"
    "320001,13032224P000N2E10172Y,2024-02-30,20,日期不存在\r\n"
    "320001,NOPE,2024-03-01,5,没有这个项目\r\n"
    "320001,13032224P000N2E10172Y,2024-03-05,abc,金额不是数字\r\n"
)
FIXED = (
    "单位编码,项目编码,支付日期,金额（万元）,备注\r\n"
    "320001,13032224P000N2E10172Y,2024-02-10,30,第一批\r\n"
    "320001,13032224P000N2E10172Y,2024-02-28,20,第二批\r\n"
    "320001,13032224P000N2E101746,2024-03-01,5,第三批\r\n"
)


def choose(page: Page, name: str, text: str) -> None:
    page.set_input_files("input[type=file]", {"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")})


def test_upload_with_errors_fix_it_submit_and_the_bureau_approves(page: Page) -> None:
    sign_in(page, "vet")
    page.get_by_role("link", name="上报").click()
    choose(page, "一季度.csv", BAD)
    page.get_by_role("button", name="检查（不写入）").click()
    expect(page.locator("#result")).to_contain_text("未导入")
    expect(page.locator("table.issues tbody tr")).to_have_count(3)
    expect(page.locator("table.issues")).to_contain_text("2024-02-30")

    choose(page, "一季度-修改.csv", FIXED)
    page.get_by_role("button", name="检查（不写入）").click()
    expect(page.locator("#result")).to_contain_text("检查通过")
    expect(page.locator("#result")).to_contain_text("55.00 万元")
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".flash.ok")).to_contain_text("已写入批次")

    form = page.locator("#submit-form")
    form.locator("select[name=quarter]").select_option("1")
    form.get_by_role("button", name="报送").click()
    expect(page.locator(".flash.ok")).to_contain_text("等待财政局审核")
    page.get_by_role("button", name="退出").click()

    sign_in(page, "admin")
    page.goto("/approvals")
    page.get_by_label("选择 昌黎县退役军人事务局本级 第1季度").check()
    page.fill("input[name=comment]", "同意")
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".flash.ok")).to_contain_text("已审核通过并锁定 1 个季度报送")


def test_downloading_the_self_evaluation_summary(page: Page, tmp_path: Path) -> None:
    sign_in(page, "admin")
    page.goto("/exports?year=2024")
    with page.expect_download() as info:
        page.get_by_role("link", name="下载自评汇总表（xlsx）").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    target = tmp_path / "summary.xlsx"
    download.save_as(target)
    book = load_workbook(target, read_only=True)
    text = " ".join(str(c) for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c is not None)
    assert "城乡低保资金县级配套" in text
