"""The project list API builds its JSON without a model per indicator, and it is the ProjectOut JSON (issue 14).

`GET /api/v1/projects` answers with `service.list_project_dicts`; `tracker targets show`, one project
and the pages keep `project_out`. The two shapes must stay the same value for value, key for key.
"""

from __future__ import annotations

import json

from sqlmodel import Session

from tests.support import load_changli
from tracker.scope import Scope
from tracker.targets.router import ProjectPage
from tracker.targets.service import list_project_dicts, list_projects


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
