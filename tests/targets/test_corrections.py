"""The finance bureau corrects an indicator (DOMAIN.md §2, §4, §5; issue 15 item 4): target, accumulation,
weight, 不适用 — each with a reason, in the indicator's history and the audit trail, kept by a re-import."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from tests.signin import api_client, load_changli
from tests.support import DATA, LOW_INCOME, project
from tracker.cli import app
from tracker.db import session_scope
from tracker.errors import InvalidInput, NotFound
from tracker.models import AuditEntry, Indicator, IndicatorChange
from tracker.rules import load_rules
from tracker.scope import Scope
from tracker.targets.corrections import Correction, correct_indicator
from tracker.targets.service import import_targets

ALL = Scope.everything()


def indicator(session: Session, project_id: int, seq: int) -> Indicator:
    return session.exec(select(Indicator).where(Indicator.project_id == project_id, Indicator.seq == seq)).one()


@pytest.fixture
def low(session: Session) -> int:
    import_targets(session=session, data=DATA.read_bytes(), filename=DATA.name)
    session.flush()
    pid = project(session, LOW_INCOME).id
    assert pid is not None
    return pid


# DOMAIN.md §2: "let the finance bureau correct a target (new comparator or value, with a reason, kept in
# the audit trail and in the target's history)"
def test_a_corrected_target_is_read_anew_and_kept_in_history_and_audit(session: Session, low: int) -> None:
    out = correct_indicator(session=session, scope=ALL, actor="cz", project_id=low, seq=1,
                            fix=Correction(reason="按民政局核定人数", target="4800-5200人"))  # fmt: skip
    assert (out.target_text, out.value, out.value_high, out.target_corrected) == ("4800-5200人", 4800, 5200, True)
    [change] = session.exec(select(IndicatorChange).where(IndicatorChange.project_id == low)).all()
    assert (change.seq, change.field, change.old, change.new, change.reason, change.changed_by) == (
        1, "target", "≥5000人", "4800-5200人", "按民政局核定人数", "cz",
    )  # fmt: skip
    [entry] = session.exec(select(AuditEntry).where(AuditEntry.project_id == low)).all()
    assert (entry.action, entry.old, entry.new, entry.note) == ("indicator.correct", "≥5000人", "4800-5200人",
                                                                 "按民政局核定人数")  # fmt: skip


def test_a_reimport_of_the_published_table_never_erases_a_correction(session: Session, low: int) -> None:
    fix = Correction(
        reason="方向存疑，按正向指标", target="≥5000人", accumulation="level", weight="5", applicable=False
    )
    correct_indicator(session=session, scope=ALL, actor="cz", project_id=low, seq=1,
                      fix=Correction(reason="改为约数", target="5000人左右"))  # fmt: skip
    correct_indicator(session=session, scope=ALL, actor="cz", project_id=low, seq=2, fix=fix)
    republished = DATA.read_text(encoding="utf-8").replace("≥5000人", "≥5100人", 1).encode()
    import_targets(session=session, data=republished, filename="again.txt")
    session.flush()
    first, second = indicator(session, low, 1), indicator(session, low, 2)
    assert (first.target_text, first.approximate) == ("5000人左右", True)
    assert (second.accumulation, second.weight, second.applicable) == ("level", Decimal("5.00"), False)


@pytest.mark.parametrize(
    ("fix", "message"),
    [
        (Correction(reason="  ", target="≥1人"), "请填写修改原因"),
        (Correction(reason="x"), "没有要修改的内容"),
        (Correction(reason="x", accumulation="sum"), "累计方式须为"),
        (Correction(reason="x", weight="abc"), "分值须为数字"),
        (Correction(reason="x", weight="120"), "分值须在0到100之间"),
        (Correction(reason="x", target=" "), "指标值不能为空"),
    ],
)
def test_a_bad_correction_says_what_and_changes_nothing(
    session: Session, low: int, fix: Correction, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        correct_indicator(session=session, scope=ALL, actor="cz", project_id=low, seq=1, fix=fix)
    assert session.exec(select(IndicatorChange)).all() == []
    assert indicator(session, low, 1).target_text == "≥5000人"


def test_a_missing_indicator_or_another_units_project_is_not_found(session: Session, low: int) -> None:
    with pytest.raises(NotFound):
        correct_indicator(session=session, scope=ALL, actor="cz", project_id=low, seq=99, fix=Correction("x", "1人"))
    with pytest.raises(NotFound):
        other = Scope.of_units([("130322", "360001")])
        correct_indicator(session=session, scope=other, actor="u", project_id=low, seq=1, fix=Correction("x", "1人"))


# DOMAIN.md §5: "Inside a 一级 the points are split equally over its 三级 indicators unless the unit sets
# weights. A 一级 with no indicator (or an indicator marked 不适用) drops out and the rest is rescaled."
def test_weights_and_not_applicable_are_used_by_the_self_evaluation(session: Session, low: int) -> None:
    from tracker.evaluation.service import evaluate

    before = {r.seq: r.points for r in evaluate(rules=load_rules(), session=session, scope=ALL, project_id=low)[0].rows}
    for seq, weight in ((1, "20"), (2, "10"), (3, "10"), (4, "5"), (5, "5")):
        correct_indicator(session=session, scope=ALL, actor="cz", project_id=low, seq=seq,
                          fix=Correction(reason="按分值表", weight=weight))  # fmt: skip
    satisfaction = [i.seq for i in session.exec(select(Indicator).where(Indicator.project_id == low))
                    if i.level1 == "满意度指标"]  # fmt: skip
    for seq in satisfaction:
        correct_indicator(session=session, scope=ALL, actor="cz", project_id=low, seq=seq,
                          fix=Correction(reason="本项目无服务对象调查", applicable=False))  # fmt: skip
    after = evaluate(rules=load_rules(), session=session, scope=ALL, project_id=low)[0]
    points = {r.seq: r.points for r in after.rows}
    assert before[1] == before[2]  # the equal split before
    # 产出 rescaled to 55.56 and split 20 : 10 : 10 : 5 : 5 → 22.22, 11.11, 11.11, 5.56, 5.56
    assert [points[s] for s in (1, 2, 3, 4, 5)] == [Decimal(p) for p in ("22.22", "11.11", "11.11", "5.56", "5.56")]
    assert after.dropped == ["满意度指标"] and after.rescaled
    assert all(points[s] == 0 for s in satisfaction)


def test_cli_indicators_set_corrects_and_refuses_without_a_reason(committed_db: Engine) -> None:
    load_changli()
    runner = CliRunner()
    args = ["indicators", "set", "--year", "2024", "--dept", LOW_INCOME[0], "--project", LOW_INCOME[1], "--seq", "1"]
    ok = runner.invoke(app, [*args, "--target", "约5000人", "--accumulation", "cumulative", "--reason", "核定"])
    assert ok.exit_code == 0, ok.output
    assert '"target_text": "约5000人"' in ok.output and '"approximate": true' in ok.output
    refused = runner.invoke(app, [*args, "--not-applicable", "--reason", " "])
    assert refused.exit_code == 1 and "请填写修改原因" in refused.output
    missing = runner.invoke(app, ["indicators", "set", "--year", "2024", "--dept", "314001", "--project", "X",
                                  "--seq", "1", "--weight", "5", "--reason", "r"])  # fmt: skip
    assert missing.exit_code == 1 and "2024年单位314001没有项目X" in missing.output


def test_api_patch_is_for_the_finance_bureau_only(committed_db: Engine) -> None:
    load_changli()
    with session_scope() as session:
        pid = project(session, LOW_INCOME).id
    admin: TestClient = api_client()
    unit: TestClient = api_client("mz", "department", ("314001",))
    body = {"reason": "方向存疑", "target": "≥5000人", "weight": 12.5, "accumulation": "cumulative"}
    assert unit.patch(f"/api/v1/projects/{pid}/indicators/1", json=body).status_code == 403
    answer = admin.patch(f"/api/v1/projects/{pid}/indicators/1", json={**body, "target": "≥5100人"})
    assert answer.status_code == 200 and answer.json()["weight"] == 12.5 and answer.json()["value"] == 5100
    bad = admin.patch(f"/api/v1/projects/{pid}/indicators/1", json={"reason": "x", "accumulation": "sum"})
    assert bad.status_code == 422 and set(bad.json()) >= {"error", "detail"}
    history = admin.get(f"/api/v1/projects/{pid}/indicator-changes").json()
    assert [(h["field"], h["old"], h["new"]) for h in history][:2] in (
        [("weight", None, "12.5"), ("target", "≥5000人", "≥5100人")],
        [("target", "≥5000人", "≥5100人"), ("weight", None, "12.5")],
    )
    assert admin.patch(f"/api/v1/projects/{pid}/indicators/99", json=body).status_code == 404
