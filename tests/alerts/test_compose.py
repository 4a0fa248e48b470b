"""Numbers people read in mails and webhooks (issue 15 item 6): 45.09%, not 0.4509; 万元 with two decimals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tracker.alerts import compose
from tracker.alerts.findings import Finding
from tracker.core.lights import Light

LAGGING = Finding(project_id=7, year=2024, region_code="130322", dept_code="314001", rule="lagging",
                  checkpoint_on=date(2024, 6, 30),
                  audience="unit", light=Light.RED, planned_fen=665_380_000, actual_fen=300_000_000,
                  ratio=Decimal("0.4509"))  # fmt: skip
ITEM = compose.Item(
    LAGGING, "城乡低保资金县级配套", "13032224P00XC0610101R", "昌黎县民政局本级", "https://jx/projects/7"
)


@pytest.mark.parametrize(
    ("ratio", "shown"),
    [(Decimal("0.4509"), "45.09%"), (Decimal("1"), "100.00%"), (Decimal("0.00005"), "0.01%"), (None, "—")],
)
def test_a_ratio_is_shown_as_a_percentage_with_two_decimals(ratio: Decimal | None, shown: str) -> None:
    assert compose.percent(ratio) == shown


@pytest.mark.parametrize("fmt", ["wecom", "dingtalk", "generic"])
def test_webhooks_and_mails_carry_percentages_and_money_with_two_decimals(fmt: str) -> None:
    composed = compose.digest("昌黎县民政局本级", [ITEM])
    payload = compose.webhook_payload(fmt, composed, [ITEM], {"kind": "digest"})
    body = str(payload)
    assert "45.09%" in body and "0.4509" not in body
    assert "665.38" in body and "300.00" in body
    assert "实际/计划 45.09%" in composed.text and "45.09%" in composed.html and "0.4509" not in composed.html
