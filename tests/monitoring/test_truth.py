"""What the product says about the 昌黎县 file with the demo actuals is what DOMAIN.md §3 and §4 say (issue 15)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlmodel import Session

from tests.browser.demo import add_demo
from tests.support import load_changli
from tracker.core.lights import Light, LightRules, ratio_light
from tracker.core.value_parsing import parse_value
from tracker.core.values import Comparator
from tracker.monitoring.service import project_variances
from tracker.rules import load_rules
from tracker.scope import Scope

RULES = LightRules()


def test_on_21_june_the_light_of_every_project_is_the_light_of_its_shown_ratio(session: Session) -> None:
    # §3: "ratio = actual / planned, where planned is the plan interpolated at that date, the same ratio
    # that is shown beside the light … A minimum amount (default 1 万元) keeps tiny gaps from turning red."
    load_changli(session)
    add_demo(session)
    session.flush()
    measured = project_variances(
        rules=load_rules(), session=session, scope=Scope.everything(), year=2024, as_of=date(2024, 6, 21)
    )
    assert len(measured) == 44
    lit = 0
    for v in measured:
        s = v.spend
        if s.last_checkpoint is None:  # no checkpoint passed yet: no light (INTERFACE.md)
            assert s.light is None
            continue
        lit += 1
        assert s.ratio is not None
        tiny = s.planned_fen - s.actual_fen < RULES.min_gap_fen
        expected = Light.GREEN if tiny else ratio_light(Fraction(s.ratio), RULES)
        # a ratio shown as exactly a threshold may be a hair under it (0.79996 shows 0.8000 and is yellow)
        if tiny or s.ratio not in (RULES.green, RULES.yellow):
            assert s.light == expected, (v.code, s.ratio, s.light)
    assert lit >= 30


def test_on_30_june_a_cumulative_indicator_on_its_share_is_not_red(session: Session) -> None:
    # §4: "during the year its progress is actual / (target × the share of the year's plan that is due by
    # that date) … A cumulative count that has already met its annual target stays met." The demo reports
    # half of some counts' annual targets on 30 June, when half the plan is due: on course, not red.
    load_changli(session)
    add_demo(session)
    session.flush()
    measured = project_variances(
        rules=load_rules(), session=session, scope=Scope.everything(), year=2024, as_of=date(2024, 6, 30)
    )
    on_share = 0
    for v in measured:
        for i in v.indicators:
            p, target = i.progress, parse_value(i.target_text)
            if (
                i.accumulation != "cumulative"
                or p.actual is None
                or target.comparator not in (Comparator.GE, Comparator.GT)
            ):
                continue
            assert target.value is not None and p.due_share is not None and p.ratio is not None
            if p.met:
                assert p.actual >= target.value and p.light is Light.GREEN
                continue
            assert p.ratio == (p.actual / (target.value * p.due_share)).quantize(Decimal("0.0001")) or abs(
                p.ratio - p.actual / (target.value * p.due_share)
            ) < Decimal("0.001")
            if p.actual >= target.value * p.due_share * RULES.green:
                on_share += 1
                assert p.light is not Light.RED
                if p.actual / target.value < RULES.yellow:  # red against the whole year's target
                    assert p.light is Light.GREEN
    assert on_share >= 3
