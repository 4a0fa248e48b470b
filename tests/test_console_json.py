"""`emit_json_array` prints item by item (memory flat whatever the install) the very text `emit_json` prints for the
whole list: `tracker variance show` and `tracker targets review` keep their output byte for byte."""

from __future__ import annotations

import json

import pytest

from tracker.console import emit_json, emit_json_array

CASES = [[], [{"a": "中文", "n": 1}], [{"a": [1, {"b": None}]}, {"c": "x\ny"}, {}], [1, "two", [3]]]


@pytest.mark.parametrize("items", CASES)
def test_the_array_printed_item_by_item_is_the_whole_lists_text(
    items: list[object], capsys: pytest.CaptureFixture[str]
) -> None:
    emit_json(items)
    whole = capsys.readouterr().out
    emit_json_array(iter(items))
    streamed = capsys.readouterr().out
    assert streamed == whole
    assert json.loads(streamed) == items
