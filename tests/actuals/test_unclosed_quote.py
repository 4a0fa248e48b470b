"""A short CSV whose quote never closes is refused with its line (found by tests/fuzz), not a traceback.

pandas fails on such a file while it makes the reader, before the first chunk, when the whole file fits
in its first buffer: the refusal must come from there too.
"""

from __future__ import annotations

from sqlmodel import Session

from tests.actuals.helpers import DEPT, P1, RES_ZH, one_issue, rejected


def test_an_unclosed_quote_in_a_small_file_names_its_line_and_writes_nothing(db: Session) -> None:
    lines = [",".join(RES_ZH), f'{DEPT},{P1},1,,2024-03-31,2600人,,,,"原因没有闭合的引号,']
    issue = one_issue(rejected(db, "\r\n".join(lines).encode()))
    assert issue.message == '第2行的英文引号（"）没有闭合，从这一行到文件末尾都被当成了一个单元格'
