"""What finance-bureau and unit staff do in a real browser (Debian chromium, driven by Playwright)."""

from __future__ import annotations

import re

import pytest
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
