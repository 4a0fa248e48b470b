"""Which projects get an alert or a reminder on which day (DOMAIN.md §3), on the real 昌黎县 table."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from tests.support import DESTITUTE, ELDERLY, LOW_INCOME, SCHOOLS, TINY, batch, lagging_first_quarter, pay, project
from tracker.alerts.findings import Finding, reminder_findings, spending_findings
from tracker.core.lights import Light
from tracker.models import Project, Submission
from tracker.rules import Rules, parse_rules

RULES = parse_rules({})  # the code defaults (the shipped file states the same)


def lagging(session: Session, day: date, rules: Rules = RULES) -> dict[tuple[str, str], str]:
    """(dept, code) → light of the lagging findings of `day`."""
    found = spending_findings(session=session, as_of=day, rules=rules)
    return {key(session, f): f.light.value for f in found if f.rule == "lagging" and f.light}


def key(session: Session, f: Finding) -> tuple[str, str]:
    p = session.get(Project, f.project_id)
    assert p is not None
    return (p.dept_code, p.code)


@pytest.fixture
def q1(session: Session) -> Session:
    lagging_first_quarter(session)
    return session


EXPECTED = {LOW_INCOME: "red", DESTITUTE: "yellow", SCHOOLS: "yellow", ELDERLY: "red"}


LAGGING_BY_DAY = [
    (date(2024, 3, 30), {}),  # before the checkpoint
    (date(2024, 3, 31), {}),  # the checkpoint's own day is not over: payments may still come
    (date(2024, 4, 1), EXPECTED),
    (date(2024, 4, 15), EXPECTED),  # paid 300万 on 1 April: the checkpoint still went red
    (date(2024, 5, 1), EXPECTED),  # 31 days after
    (date(2024, 5, 2), {}),  # too long after to alert
]


def test_lagging_is_judged_at_the_checkpoint_after_its_day_and_within_the_window(q1: Session) -> None:
    for day, expected in LAGGING_BY_DAY:
        assert lagging(q1, day) == expected, day


def test_tiny_gaps_and_projects_without_a_march_checkpoint_do_not_lag(q1: Session) -> None:
    found = lagging(q1, date(2024, 4, 1))
    assert TINY not in found
    no_march = [p for p in q1.exec(select(Project).where(Project.dept_code == "320001")) if "10206K" not in p.code]
    assert not any((p.dept_code, p.code) in found for p in no_march)


def test_red_escalates_and_the_escalating_lights_are_configurable(q1: Session) -> None:
    red = spending_findings(session=q1, as_of=date(2024, 4, 1), rules=RULES)
    assert {key(q1, f) for f in red if f.rule == "escalation"} == {LOW_INCOME, ELDERLY}
    assert {f.audience for f in red if f.rule == "escalation"} == {"finance"}
    both = parse_rules({"alerts": {"escalate_lights": ["red", "yellow"]}})
    wider = spending_findings(session=q1, as_of=date(2024, 4, 1), rules=both)
    assert {key(q1, f) for f in wider if f.rule == "escalation"} == set(EXPECTED)


def test_early_warning_comes_within_n_days_of_a_checkpoint_the_pace_will_miss(q1: Session) -> None:
    def warned(day: date) -> dict[tuple[str, str], Finding]:
        found = spending_findings(session=q1, as_of=day, rules=RULES)
        return {key(q1, f): f for f in found if f.rule == "early_warning"}

    assert warned(date(2024, 6, 19)) == {}  # 11 days before 30 June
    soon = warned(date(2024, 6, 20))  # 10 days before: paid 25% by March, nothing since
    low = soon[DESTITUTE]
    assert (low.checkpoint_on, low.planned_fen, low.actual_fen, low.light) == (
        date(2024, 6, 30), 1000 * 1_000_000, 350 * 1_000_000, Light.RED,
    )  # fmt: skip
    assert low.forecast_fen == round(350 * 1_000_000 * 181 / 171)  # year-to-date pace carried to 30 June
    assert TINY not in soon  # the gap stays under 1万元


def test_a_project_on_pace_gets_no_early_warning(q1: Session) -> None:
    p = project(q1, SCHOOLS)
    pay(q1, p, 40 * 1_000_000, date(2024, 6, 1), batch(q1))
    q1.flush()
    found = spending_findings(session=q1, as_of=date(2024, 6, 25), rules=RULES)
    assert SCHOOLS not in {key(q1, f) for f in found if f.rule == "early_warning"}


def reminders(session: Session, day: date, rules: Rules = RULES) -> dict[str, set[str]]:
    """rule → units reminded on `day`."""
    out: dict[str, set[str]] = {}
    for f in reminder_findings(session=session, as_of=day, rules=rules):
        out.setdefault(f.rule, set()).add(f.dept_code)
    return out


MARCH_UNITS = {"314001", "320001", "323010", "323012", "326001", "327001", "357001", "357004", "357005", "360001",
               "360004", "361001", "450005"}  # fmt: skip


REMINDERS_BY_DAY = [
    (date(2024, 3, 20), None),  # 11 days before
    (date(2024, 3, 21), "reminder_before_10"),
    (date(2024, 3, 27), "reminder_before_10"),
    (date(2024, 3, 28), "reminder_before_3"),  # the nearest stage only
    (date(2024, 3, 31), None),  # due today
    (date(2024, 4, 1), "reminder_overdue_1"),
    (date(2024, 4, 6), "reminder_overdue_1"),
    (date(2024, 4, 7), "reminder_overdue_7"),
    (date(2024, 5, 1), "reminder_overdue_7"),
    (date(2024, 5, 2), None),  # too long overdue to keep reminding
]


def test_reminders_come_n_days_before_the_checkpoint_and_when_overdue(q1: Session) -> None:
    for day, rule in REMINDERS_BY_DAY:
        assert reminders(q1, day) == ({rule: MARCH_UNITS} if rule else {}), day


def test_a_unit_that_has_reported_the_quarter_is_not_reminded(q1: Session) -> None:
    q1.add(Submission(region_code="130322", dept_code="314001", year=2024, quarter=1, status="submitted"))
    q1.add(
        Submission(region_code="130322", dept_code="320001", year=2024, quarter=1, status="unlocked")
    )  # reported, then reopened
    q1.add(
        Submission(region_code="130322", dept_code="360001", year=2024, quarter=1, status="draft")
    )  # a draft is not a report
    q1.add(
        Submission(region_code="130322", dept_code="361001", year=2024, quarter=1, status="returned")
    )  # sent back: remind again
    q1.flush()
    assert reminders(q1, date(2024, 4, 1)) == {"reminder_overdue_1": MARCH_UNITS - {"314001", "320001"}}


def test_the_report_deadline_can_follow_the_checkpoint_by_configured_days(q1: Session) -> None:
    later = parse_rules({"alerts": {"report_due_days": 10}})  # due 10 April
    assert reminders(q1, date(2024, 4, 1), later) == {"reminder_before_10": MARCH_UNITS}
    assert reminders(q1, date(2024, 4, 11), later) == {"reminder_overdue_1": MARCH_UNITS}


def test_last_years_december_checkpoint_is_alerted_in_early_january(session: Session) -> None:
    lagging_first_quarter(session)
    found = lagging(session, date(2025, 1, 2))
    assert found[LOW_INCOME] == "red"  # 400万 paid of 1400万 planned by 31 December
    assert lagging(session, date(2025, 2, 15)) == {}


@pytest.mark.parametrize("day", [date(2024, 4, 1), date(2024, 6, 20), date(2024, 7, 5)])
def test_findings_read_a_piece_at_a_time_are_those_of_the_whole_install(
    q1: Session, day: date, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The alerts and reminders jobs hold one piece of projects, not a province's two years: the findings of
    pieces of 3 projects are those of one piece, in the same order."""
    from tracker.alerts import findings as module

    whole = spending_findings(session=q1, as_of=day, rules=RULES), reminder_findings(session=q1, as_of=day, rules=RULES)
    pieces: list[int] = []
    real = module.iter_core

    def small(**kwargs: object) -> object:
        for part in real(**kwargs, size=3):  # type: ignore[arg-type]
            pieces.append(len(part))
            yield part

    monkeypatch.setattr(module, "iter_core", small)
    cut = spending_findings(session=q1, as_of=day, rules=RULES), reminder_findings(session=q1, as_of=day, rules=RULES)
    assert len(pieces) > 10 and max(pieces) == 3
    assert whole[0] and cut == whole
