"""Screenshots of every page at 1366×768 for docs/ and the README: `make screenshots`."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from tests.browser.live import CHROMIUM, CHROMIUM_ARGS, Live, live_server, sign_in

AS_OF = "2024-06-30"
SHOTS: list[tuple[str, str, str, bool]] = [  # file, user, path, whole page
    ("login.png", "", "/login", False),
    ("dashboard.png", "admin", f"/?year=2024&as_of={AS_OF}&sort=light", False),
    ("project.png", "admin", f"/projects/{{low_income}}?as_of={AS_OF}", True),
    ("upload.png", "mz", "/upload", False),
    ("approvals.png", "admin", "/approvals", False),
    ("alerts.png", "admin", "/alerts", False),
    ("exports.png", "admin", "/exports", False),
    ("review.png", "admin", "/review?year=2024", False),
    ("settings.png", "admin", "/settings", False),
    ("unit-dashboard.png", "mz", f"/?year=2024&as_of={AS_OF}", False),
]


def shoot(live: Live, out: Path) -> list[Path]:
    """Sign in as each user in turn and save one picture per page that exists."""
    from tests.browser.live import api

    ids = {p["code"]: p["id"] for p in api(live).get("/api/v1/projects", params={"limit": 1000}).json()["items"]}
    values = {"low_income": ids["13032224P00XC0610101R"]}
    saved = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        current = None
        context = page = None
        for name, user, path, whole in SHOTS:
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
            saved += _one(page, path.format(**values), out / name, whole)
        browser.close()
    return saved


def _one(page: Page, path: str, target: Path, whole: bool) -> list[Path]:
    response = page.goto(path)
    if response is None or response.status >= 400:
        print(f"skipped {target.name}: {path} answered {response.status if response else 'nothing'}")
        return []
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
