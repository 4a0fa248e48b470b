"""The finance bureau imports a target file on /targets in a real browser: choose → dry run → confirm."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.live import Live, api, sign_in
from tests.signin import DATA

pytestmark = pytest.mark.browser


def test_the_bureau_checks_a_target_file_reads_the_summary_and_confirms_the_import(page: Page, live: Live) -> None:
    before = api(live).get("/api/v1/projects", params={"year": 2024, "limit": 1}).json()["total"]
    sign_in(page, "admin")
    page.goto("/targets")
    page.locator("#import input[type=file]").set_input_files(str(DATA))
    page.locator("#import").get_by_role("button", name="检查").click()
    summary = page.locator(".import-preview")
    expect(summary).to_contain_text("检查通过（未写入）")
    expect(summary).to_contain_text("44 个项目，405 个指标")
    expect(summary).to_contain_text("24596.12")
    summary.get_by_role("button", name="确认导入").click()
    expect(page.locator(".flash.ok")).to_contain_text("已导入 changli-2024-targets.txt")
    after = api(live).get("/api/v1/projects", params={"year": 2024, "limit": 1}).json()["total"]
    assert after == before  # the same table again: updated in place, never duplicated
