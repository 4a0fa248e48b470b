"""The dashboard's key list (key_list.key_lines) is the first lines of `key_listings`, read as plain rows with
a limit in SQL (issue 14): same order, same figures, the same scope."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from tests.places.test_two_counties import CHANGLI, two_counties
from tracker.monitoring.key_list import key_lines, key_listings, list_key_projects
from tracker.rules import parse_rules
from tracker.scope import Scope

AS_OF = date(2024, 4, 2)


def test_key_lines_are_the_first_lines_of_the_key_list(session: Session) -> None:
    two_counties(session)
    march = parse_rules({"key_monitoring": {"tiers": [{"month": 3, "min_budget_wan": 0, "below_rate": 1}]}})
    assert len(list_key_projects(session=session, as_of=AS_OF, rules=march)) > 3
    for scope in (Scope.everything(), Scope.of_regions([CHANGLI])):
        listed = key_listings(session=session, scope=scope, year=2024, as_of=AS_OF)
        whole = [(k.project_id, p.name, k.tier, k.dept_code, k.budget_fen, k.actual_fen, k.rate) for k, p in listed]
        lines = key_lines(session=session, scope=scope, year=2024, as_of=AS_OF, limit=3)
        assert [(x.project_id, x.project_name, x.tier, x.dept_code, x.budget_fen, x.actual_fen, x.rate)
                for x in lines] == whole[:3]  # fmt: skip
        assert len(key_lines(session=session, scope=scope, year=2024, as_of=AS_OF, limit=10_000)) == len(whole)
    assert key_lines(session=session, scope=Scope.everything(), year=2024, as_of=date(2024, 3, 30), limit=3) == []
