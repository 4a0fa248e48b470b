"""The project list API builds its JSON without a model per indicator, and it is the ProjectOut JSON (issue 14).

`GET /api/v1/projects` answers with `listing.list_project_dicts` (table rows, orjson); `tracker targets show`,
one project and the pages keep `project_out`. The two shapes must stay the same value for value, key for key.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from sqlmodel import Session

from tests.support import load_changli
from tracker.budget.service import record_budget_change
from tracker.core.budget import DEFAULT_SOURCE, ChangeKind
from tracker.scope import Scope
from tracker.targets.listing import list_project_dicts, project_page_json
from tracker.targets.router import ProjectPage
from tracker.targets.service import list_projects


def test_the_list_api_values_are_the_project_out_json_key_for_key(session: Session) -> None:
    load_changli(session)
    models, total = list_projects(session=session, scope=Scope.everything(), limit=1000)
    dicts, same_total = list_project_dicts(session=session, scope=Scope.everything(), limit=1000)
    assert total == same_total == len(dicts) == 44
    expected = [m.model_dump(mode="json") for m in models]
    assert dicts == expected
    assert [list(d) for d in dicts] == [list(e) for e in expected]  # the same key order
    assert [list(i) for d in dicts for i in d["indicators"]] == [list(i) for e in expected for i in e["indicators"]]
    # and the documented model reads them back unchanged
    page = {"items": dicts, "total": total}
    assert json.loads(ProjectPage.model_validate(page).model_dump_json()) == json.loads(json.dumps(page))


def test_the_list_api_keeps_the_unit_scope_in_the_query(session: Session) -> None:
    load_changli(session)
    dicts, total = list_project_dicts(session=session, scope=Scope.of_units([("130322", "314001")]), limit=100)
    assert total == len(dicts) == 9 and {d["dept_code"] for d in dicts} == {"314001"}


def test_the_list_api_answers_the_bytes_of_the_documented_page_model(session: Session) -> None:
    """The orjson body is byte for byte what pydantic would write for ProjectPage (numbers, key order, Chinese)."""
    load_changli(session)
    first = list_projects(session=session, scope=Scope.everything(), limit=1)[0][0]
    record_budget_change(session=session, project_id=first.id, kind=ChangeKind.ADJUSTMENT, amount_fen=1_234_500,
                         on=date(first.year, 1, 2), reason="追加", source=DEFAULT_SOURCE, by="admin")  # fmt: skip
    models, total = list_projects(session=session, scope=Scope.everything(), limit=1000)
    assert models[0].effective_budget_wan != models[0].budget_wan  # the changed budget is in the answer
    body = project_page_json(session=session, scope=Scope.everything(), limit=1000)
    assert body == ProjectPage(items=models, total=total).model_dump_json().encode()
    assert (
        project_page_json(session=session, scope=Scope.everything(), limit=5, offset=40)
        == ProjectPage(items=models[40:45], total=total).model_dump_json().encode()
    )


def test_the_list_reads_sqlite_numbers_through_the_columns_scales() -> None:
    """The list reads NUMERIC columns without SQLAlchemy's processing and applies their scale itself."""
    from tracker.models import Indicator
    from tracker.targets.listing import SCALES, _decimal

    assert {k: Indicator.__table__.c[k].type.scale for k in SCALES} == SCALES  # type: ignore[attr-defined]
    assert _decimal(0.1234567, 6) == Decimal("0.123457") and _decimal(7.5, 2) == Decimal("7.50")
    assert _decimal(2500, 6) == 2500 and _decimal(None, 6) is None and _decimal(Decimal("1.5"), 6) == Decimal("1.5")
