"""A spending plan whose months are out of order or repeated is refused (found by tests/fuzz), not shifted."""

from __future__ import annotations

import pytest

from tests.conftest import DATA
from tracker.errors import InvalidInput
from tracker.targets.importer import parse_file

FIRST = DATA.read_text(encoding="utf-8").split("\n")[:110]  # the title lines and table 1


def with_months(first: str, second: str) -> bytes:
    lines = list(FIRST)
    at = lines.index("\t3月底")
    assert lines[at + 1] == "\t6月底"
    lines[at], lines[at + 1] = f"\t{first}", f"\t{second}"
    return "\n".join(lines).encode()


@pytest.mark.parametrize(("first", "second", "shown"), [("6月底", "3月底", "6月、3月"), ("6月底", "6月底", "6月、6月")])
def test_plan_months_out_of_order_or_repeated_name_the_line(first: str, second: str, shown: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_file(with_months(first, second))
    assert f"现为{shown}、10月、12月" in caught.value.detail
    assert caught.value.detail.startswith(f"第{FIRST.index(chr(9) + '3月底') + 1}行")


def test_months_in_order_still_read() -> None:
    plan = parse_file(with_months("3月底", "6月底")).projects[0].plan
    assert [c.month for c in plan] == [3, 6, 10, 12]
