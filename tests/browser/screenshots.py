"""Screenshots of every page at 1366×768 for docs/ and the README: `make screenshots`."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from tests.browser.live import CHROMIUM, CHROMIUM_ARGS, Live, live_server, sign_in

AS_OF = "2024-06-30"
BAD = "单位编码,项目编码,支付日期,金额（万元）,备注\r\n" + "\r\n".join(
    [
        "314001,13032224P00XC0610101R,2024-07-10,120,七月拨付",
        "314001,13032224P00XC0610101R,2024-07-32,80,日期写错",
        "314001,13032224P00XC0610199X,2024-07-15,15,项目编码写错",
        "314001,13032224P00XC0610102D,2024-07-20,十万,金额写成汉字",
    ]
)


def check_bad_file(page: Page) -> None:
    """Show the upload page as a unit sees it after checking a file with mistakes."""
    page.set_input_files("input[type=file]", {"name": "七月支付.csv", "mimeType": "text/csv", "buffer": BAD.encode()})
    page.get_by_role("button", name="检查（不写入）").click()
    page.locator("#result").wait_for()


SHOTS: list[tuple[str, str, str, bool, Callable[[Page], None] | None]] = [  # file, user, path, whole page, then
    ("login.png", "", "/login", False, None),
    ("dashboard.png", "admin", f"/?year=2024&as_of={AS_OF}&sort=light", False, None),
    ("project.png", "admin", f"/projects/{{low_income}}?as_of={AS_OF}", True, None),
    ("upload.png", "mz", "/upload", True, check_bad_file),
    ("approvals.png", "admin", "/approvals", False, None),
    ("alerts.png", "admin", "/alerts", False, None),
    ("exports.png", "admin", "/exports?year=2024", False, None),
    ("review.png", "admin", "/review?year=2024", False, None),
    ("targets.png", "admin", "/targets", False, None),
    ("corrections.png", "admin", "/corrections", False, None),
    ("reports.png", "admin", f"/reports?year=2024&as_of={AS_OF}", False, None),
    ("settings.png", "admin", "/settings", False, None),
    ("unit-dashboard.png", "mz", f"/?year=2024&as_of={AS_OF}", False, None),
    ("unit-refused.png", "mz", "/projects/{other_unit}", False, None),
]


def shoot(live: Live, out: Path) -> list[Path]:
    """Sign in as each user in turn and save one picture per page that exists."""
    from tests.browser.live import api

    ids = {p["code"]: p["id"] for p in api(live).get("/api/v1/projects", params={"limit": 1000}).json()["items"]}
    values = {"low_income": ids["13032224P00XC0610101R"], "other_unit": ids["13032224P000N2E10172Y"]}
    saved = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        current = None
        context = page = None
        for name, user, path, whole, then in SHOTS:
            if user != current or page is None:
                if context is not None:
                    context.close()
                context = browser.new_context(
                    base_url=live.url, viewport={"width": 1366, "height": 768}, locale="zh-CN"
                )
                page = context.new_page()
                if user:
                    sign_in(page, user)
                current = user
            saved += _one(page, path.format(**values), out / name, whole, then)
        browser.close()
    return saved


def _one(page: Page, path: str, target: Path, whole: bool, then: Callable[[Page], None] | None) -> list[Path]:
    response = page.goto(path)
    refused_on_purpose = target.name == "unit-refused.png"
    if response is None or (response.status >= 400 and not refused_on_purpose):
        print(f"skipped {target.name}: {path} answered {response.status if response else 'nothing'}")
        return []
    if then is not None:
        then(page)
    page.screenshot(path=str(target), full_page=whole)
    print(f"saved {target}")
    return [target]


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "docs").resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, live_server(Path(tmp), demo=True) as live:
        shoot(live, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
