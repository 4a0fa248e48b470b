"""The /targets corrections section and the review page's "按审核意见修正" (issue 15 items 4 and 5)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from tests.signin import load_changli, page_client, project_id
from tracker.db import session_scope
from tracker.models import Indicator, IndicatorChange


def test_the_finance_bureau_corrects_an_indicator_on_the_targets_page(committed_db: Engine) -> None:
    load_changli()
    client = page_client()
    pid = project_id(19)  # 16-59周岁…: 缴费人数 ≤160000人, a doubtful direction
    page = client.get("/targets", params={"year": 2024, "project": pid})
    assert page.status_code == 200 and "指标修正" in page.text and "≤160000人" in page.text
    form = {"csrf_token": client.csrf, "project_id": pid, "seq": 1, "target": "≥160000人",  # type: ignore[attr-defined]
            "accumulation": "cumulative", "weight": "", "applicable": "", "reason": "方向存疑，按正向指标"}  # fmt: skip
    done = client.post("/targets/indicators", data=form)
    assert done.status_code == 303
    after = client.get(done.headers["location"])
    assert "已修正第1项指标" in after.text and "≥160000人" in after.text and "方向存疑，按正向指标" in after.text
    with session_scope() as session:
        row = session.exec(select(Indicator).where(Indicator.project_id == pid, Indicator.seq == 1)).one()
        assert (row.target_text, row.comparator, row.target_corrected) == ("≥160000人", "ge", True)
        assert len(session.exec(select(IndicatorChange).where(IndicatorChange.project_id == pid)).all()) == 1


def test_a_correction_without_a_reason_is_refused_and_changes_nothing(committed_db: Engine) -> None:
    load_changli()
    client = page_client()
    pid = project_id(19)
    form = {"csrf_token": client.csrf, "project_id": pid, "seq": 1, "target": "≥1人", "reason": " "}  # type: ignore[attr-defined]
    done = client.post("/targets/indicators", data=form)
    assert "请填写修改原因" in client.get(done.headers["location"]).text
    with session_scope() as session:
        assert session.exec(select(IndicatorChange)).all() == []


def test_a_unit_user_may_not_open_or_post_corrections(committed_db: Engine) -> None:
    load_changli()
    unit = page_client("mz", "department", ("314001",))
    assert unit.get("/targets").status_code == 403
    form = {"csrf_token": unit.csrf, "project_id": project_id(3), "seq": 1, "target": "1人", "reason": "x"}  # type: ignore[attr-defined]
    assert unit.post("/targets/indicators", data=form).status_code == 403


def test_a_review_finding_is_resolved_by_a_correction_from_the_review_page(committed_db: Engine) -> None:
    load_changli()
    client = page_client()
    review = client.get("/review", params={"year": 2024, "severity": "warning"})
    assert "按审核意见修正" in review.text and "建议：若越多越好，改为“≥160000人”" in review.text
    pid = project_id(19)
    form = {"csrf_token": client.csrf, "project_id": pid, "seq": 1, "target": "≥160000人",  # type: ignore[attr-defined]
            "reason": "目标审核：方向存疑", "back": "/review?year=2024&severity=warning"}  # fmt: skip
    done = client.post("/targets/indicators", data=form)
    assert done.headers["location"] == "/review?year=2024&severity=warning"
    again = client.get(done.headers["location"]).text
    assert "16-59周岁参加城乡居民基本养老保险缴费人数”写作“≤160000人”" not in again
