"""A province's dashboard summary is kept per process while the database's stamp is unchanged (issue 14).

Web workers are stateless: whether a kept summary (counts, totals, regions, units) still holds is asked
of the database on every view (monitoring/board_memo.py). A second view of the same selection reads no
aggregate; anything that moves the stamp (a snapshot, an audited change, an import) is summed again.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import Session

from tests.support import load_changli
from tracker.config import get_settings
from tracker.monitoring import board_memo
from tracker.monitoring.snapshots import take_snapshots
from tracker.rules import load_rules
from tracker.scope import Scope
from tracker.shared.memo import Memo
from tracker.web import overview as module
from tracker.web.overview import Overview, overview

AS_OF = date(2024, 6, 30)


@pytest.fixture
def province(session: Session, monkeypatch: pytest.MonkeyPatch) -> Session:
    load_changli(session)
    monkeypatch.setenv("TRACKER_DASHBOARD_LIVE_LIMIT", "10")  # read from the snapshots, as a province does
    get_settings.cache_clear()
    take_snapshots(session=session, as_of=AS_OF, rules=load_rules())
    module._KEPT.clear()
    return session


def _view(session: Session, **filters: Any) -> tuple[Overview, list[str]]:
    seen: list[str] = []
    conn = session.connection()

    def keep(_c: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(conn, "before_cursor_execute", keep)
    try:
        everything = Scope.everything()
        view = overview(session=session, scope=everything, year=2024, as_of=AS_OF, rules=load_rules(), **filters)
    finally:
        event.remove(conn, "before_cursor_execute", keep)
    return view, seen


def _summed(statements: list[str]) -> list[str]:
    return [s for s in statements if "GROUP BY" in s.upper() or "DISTINCT" in s.upper()]


def test_a_second_view_reads_the_kept_summary_and_one_page(province: Session) -> None:
    first, statements = _view(province)
    assert _summed(statements), "the first view sums the selection"
    again, statements = _view(province)
    assert not _summed(statements), statements  # counts, totals, regions and units were kept
    assert len(statements) == 2  # the stamp and the page
    assert (again.counts, again.budget_fen, again.regions, again.units, again.rows) == (
        first.counts, first.budget_fen, first.regions, first.units, first.rows,
    )  # fmt: skip
    _, statements = _view(province, light="red")
    assert _summed(statements), "another selection is summed on its own"


def test_a_new_snapshot_of_the_day_moves_the_stamp_and_the_summary_is_summed_again(province: Session) -> None:
    before = board_memo.stamp(province, AS_OF)
    _view(province)
    take_snapshots(session=province, as_of=AS_OF, rules=load_rules())  # the nightly job runs again
    assert board_memo.stamp(province, AS_OF) != before
    _, statements = _view(province)
    assert _summed(statements)


def test_an_audited_change_moves_the_stamp(province: Session) -> None:
    from tracker.actuals import audit

    before = board_memo.stamp(province, AS_OF)
    audit.record(province, actor="admin", action="payment.add", entity="payment", note="")
    province.flush()
    assert board_memo.stamp(province, AS_OF) != before


def test_the_memo_keeps_only_its_size() -> None:
    memo: Memo[int, str] = Memo(2)
    memo.put(1, "a")
    memo.put(2, "b")
    assert memo.get(1) == "a"  # 1 is now the most recent
    memo.put(3, "c")
    assert (memo.get(1), memo.get(2), memo.get(3)) == ("a", None, "c")
