"""`GET /review` answers from stored findings (issue 14: lists paged and counted in the database).

Rules checked: a stored page is, item for item and in order, the same slice of the computed review
(`review_targets`, what `tracker targets review` prints) under every filter and scope; a table is
reviewed again after a correction of one of its indicators (an audit entry), after a re-import (its
`updated_at`), after a budget change, and under other review rules (the rules stamp), and only then: a
request with nothing changed, or after an upload, reviews no table.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import select

from tests.actuals.helpers import PAY_ZH, csv_bytes, pay, upload
from tests.signin import DATA, api_client, load_changli, load_funing
from tracker.budget.service import record_budget_change
from tracker.core.budget import ChangeKind, FundingSource
from tracker.db import session_scope
from tracker.evaluation.review import ReviewFinding, refresh_findings, review_findings_page, review_targets
from tracker.models import Project
from tracker.rules import Rules, load_rules, parse_rules
from tracker.scope import Scope
from tracker.targets.corrections import Correction, correct_indicator
from tracker.targets.importer import import_targets

CHANGLI, FUNING, MZ = "130322", "130306", "314001"
SOLDIERS = "县级企业军转干各类经费"  # table 10: 每人每年成本数 ≥1万元, a cost written with ≥ (cost_not_le)
DISABLED = "残疾人两项补贴县级配套（困难残疾人生活补贴）"  # table 1: 2500人 × 1152元 = 1.6 × the budget


def computed(scope: Scope, rules: Rules, *, region_code: str | None = None, **filters: object) -> list[ReviewFinding]:
    with session_scope() as session:
        found = review_targets(session=session, scope=scope, rules=rules, **filters)  # type: ignore[arg-type]
        if region_code is None:
            return found
        ids = set(session.exec(select(Project.id).where(Project.region_code == region_code)))
        return [f for f in found if f.project.id in ids]


def stored(scope: Scope, rules: Rules, **filters: object) -> tuple[list[ReviewFinding], int]:
    with session_scope() as session:
        return review_findings_page(session=session, scope=scope, rules=rules, **filters)  # type: ignore[arg-type]


def assert_pages_are_slices(scope: Scope, filters: dict[str, object]) -> None:
    rules = load_rules()
    expected = [f.model_dump() for f in computed(scope, rules, **filters)]
    assert expected, filters
    for limit, offset in (
        (1, 0),
        (7, 0),
        (7, 7),
        (13, 5),
        (50, max(0, len(expected) - 3)),
        (1000, 0),
        (5, len(expected)),
    ):
        items, total = stored(scope, rules, limit=limit, offset=offset, **filters)
        assert total == len(expected), (filters, limit, offset)
        assert [f.model_dump() for f in items] == expected[offset : offset + limit], (filters, limit, offset)


def test_a_stored_page_is_the_same_slice_of_the_computed_review_for_the_province(committed_db: Engine) -> None:
    load_changli()
    load_funing()
    for filters in (
        {},
        {"year": 2024},
        {"severity": "warning"},
        {"year": 2024, "severity": "error"},
        {"dept_code": MZ},
        {"region_code": FUNING},
        {"region_code": CHANGLI, "severity": "info"},
    ):
        assert_pages_are_slices(Scope.everything(), filters)


def test_a_stored_page_is_the_same_slice_of_the_computed_review_for_a_unit(committed_db: Engine) -> None:
    load_changli()
    load_funing()
    unit = Scope.of_units([(CHANGLI, MZ)])
    for filters in ({}, {"year": 2024, "severity": "warning"}):
        assert_pages_are_slices(unit, filters)
    assert_pages_are_slices(Scope.of_regions([FUNING]), {})


def findings_of(client_body: dict[str, object], name: str, rule: str) -> list[int | None]:
    return [f["seq"] for f in client_body["items"] if f["project"]["name"] == name and f["rule"] == rule]  # type: ignore[attr-defined, index]


def test_a_corrected_indicator_is_reviewed_again_at_the_next_request(committed_db: Engine) -> None:
    load_changli()
    client = api_client("root")
    before = client.get("/api/v1/review", params={"limit": 1000}).json()
    assert findings_of(before, SOLDIERS, "cost_not_le") == [4]
    with session_scope() as session:
        pid = session.exec(select(Project.id).where(Project.name == SOLDIERS)).one()
        assert pid is not None
        correct_indicator(session=session, scope=Scope.everything(), actor="root", project_id=pid, seq=4,
                          fix=Correction(reason="成本指标应使用≤", target="≤1万元"))  # fmt: skip
    after = client.get("/api/v1/review", params={"limit": 1000}).json()
    assert findings_of(after, SOLDIERS, "cost_not_le") == [] and after["total"] == before["total"] - 1


def test_a_reimported_table_is_reviewed_again_at_the_next_request(committed_db: Engine) -> None:
    load_changli()
    client = api_client("root")
    before = client.get("/api/v1/review", params={"limit": 1000}).json()
    assert findings_of(before, SOLDIERS, "cost_not_le") == [4]
    lines = DATA.read_bytes().split(b"\n")
    at = next(n for n, line in enumerate(lines) if "每人每年成本数".encode() in line) + 2  # its target, two lines on
    assert lines[at] == "\t≥1万元".encode()
    lines[at] = "\t≤1万元".encode()
    with session_scope() as session:
        import_targets(session=session, data=b"\n".join(lines), filename=DATA.name)
    after = client.get("/api/v1/review", params={"limit": 1000}).json()
    assert findings_of(after, SOLDIERS, "cost_not_le") == [] and after["total"] == before["total"] - 1


def test_other_review_rules_for_a_place_make_its_stored_findings_stale(committed_db: Engine) -> None:
    load_changli()
    load_funing()
    shipped = load_rules()
    own = parse_rules({"review": {"budget_ratio_low": "0.67", "budget_ratio_high": "1.5"},
                         "regions": {CHANGLI: {"review": {"budget_ratio_high": "2"}}}})  # fmt: skip

    def flagged(rules: Rules) -> list[int | None]:
        items, _ = stored(Scope.everything(), rules, region_code=CHANGLI, limit=1000)
        return [f.seq for f in items if f.project.name == DISABLED and f.rule == "quantity_cost_vs_budget"]

    assert flagged(shipped) == [4]
    assert flagged(own) == []  # 1.6 × the budget is inside [0.67, 2]
    assert flagged(shipped) == [4]
    items, _ = stored(Scope.everything(), own, limit=1000)
    assert [f.model_dump() for f in items] == [f.model_dump() for f in computed(Scope.everything(), own)]


def refreshed() -> int:
    """The tables a review request had to review again."""
    with session_scope() as session:
        return refresh_findings(session=session, scope=Scope.everything(), rules=load_rules())


def test_a_request_with_nothing_changed_reviews_no_table(committed_db: Engine) -> None:
    load_changli()
    with session_scope() as session:
        tables = len(session.exec(select(Project.id)).all())
    assert refreshed() == tables
    assert refreshed() == 0
    with session_scope() as session:
        pid = session.exec(select(Project.id).where(Project.name == SOLDIERS)).one()
        assert pid is not None
        correct_indicator(session=session, scope=Scope.everything(), actor="root", project_id=pid, seq=4,
                          fix=Correction(reason="成本指标应使用≤", target="≤1万元"))  # fmt: skip
    assert refreshed() == 1  # the corrected table alone
    assert refreshed() == 0


def test_an_upload_reviews_no_table_again_but_a_budget_change_does(committed_db: Engine) -> None:
    """Uploads write an audit entry per project they touch but leave the target tables as they were."""
    load_changli()
    refreshed()
    with session_scope() as session:
        pid = session.exec(select(Project.id).where(Project.name == SOLDIERS)).one()
        assert pid is not None
        summary = upload(session, csv_bytes(PAY_ZH, [pay(day="2024-03-05", amount="1")]), "q1.csv")
        assert summary.status == "applied"
    assert refreshed() == 0  # the upload's audit entries name a project, not a change of its table
    with session_scope() as session:
        record_budget_change(session=session, project_id=pid, kind=ChangeKind.ADJUSTMENT, amount_fen=100_000,
                             on=date(2024, 6, 1), reason="追加", source=FundingSource.CURRENT, by="root")  # fmt: skip
    assert refreshed() == 1
    assert refreshed() == 0


def test_the_nightly_variance_job_reviews_the_changed_tables_too(committed_db: Engine) -> None:
    from typer.testing import CliRunner

    from tracker.cli import app

    load_changli()
    first = CliRunner().invoke(app, ["jobs", "run", "variance", "--as-of", "2024-04-01"])
    assert first.exit_code == 0 and "tables_reviewed: 44" in first.stdout, first.output
    again = CliRunner().invoke(app, ["jobs", "run", "variance", "--as-of", "2024-04-02"])
    assert again.exit_code == 0 and "tables_reviewed: 0" in again.stdout, again.output
    with session_scope() as session:
        assert refresh_findings(session=session, scope=Scope.everything(), rules=load_rules()) == 0
