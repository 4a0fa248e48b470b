"""整改 pages: the finance bureau issues from the project page, the unit answers, the bureau returns and accepts."""

from __future__ import annotations

import re

from sqlalchemy.engine import Engine

from tests.signin import load_changli, page_client, project_id


def test_the_correction_flow_through_the_pages(committed_db: Engine) -> None:
    load_changli()
    pid = project_id(3)  # 城乡低保资金县级配套, unit 314001
    admin = page_client()
    assert 'id="issue-correction"' in admin.get(f"/projects/{pid}").text
    form = admin.get(f"/corrections/new?project_id={pid}")
    assert form.status_code == 200 and "下达整改通知" in form.text
    issued = admin.post(
        "/corrections",
        data={"csrf_token": admin.csrf, "project_id": pid, "problem": "进度滞后", "requirement": "尽快拨付",  # type: ignore[attr-defined]
              "due_on": "2024-07-15", "withhold": "true"},
    )  # fmt: skip
    assert issued.status_code == 303
    where = issued.headers["location"]
    nid = int(re.fullmatch(r"/corrections/(\d+)", where).group(1))  # type: ignore[union-attr]
    assert "进度滞后" in admin.get(where).text

    unit = page_client("mz", "department", ("314001",))
    assert f'data-notice="{nid}"' in unit.get("/corrections").text
    assert f'data-notice="{nid}"' in unit.get(f"/projects/{pid}").text
    assert 'data-corrections="open">1<' in unit.get("/?year=2024").text
    other = page_client("ty", "department", ("320001",))
    assert other.get(where).status_code == 404
    empty = unit.post(f"/corrections/{nid}/answer", data={"csrf_token": unit.csrf, "measures": " "})  # type: ignore[attr-defined]
    assert empty.status_code == 303 and "整改措施不能为空" in unit.get(where).text
    unit.post(f"/corrections/{nid}/answer", data={"csrf_token": unit.csrf, "measures": "已拨付"})  # type: ignore[attr-defined]
    page = admin.get(where).text
    assert 'data-state="answered"' in page and 'id="review-form"' in page
    admin.post(f"/corrections/{nid}/review", data={"csrf_token": admin.csrf, "action": "return", "comment": "无凭证"})  # type: ignore[attr-defined]
    assert 'data-state="returned"' in unit.get(where).text
    unit.post(f"/corrections/{nid}/answer", data={"csrf_token": unit.csrf, "measures": "已拨付", "result": "已完成"})  # type: ignore[attr-defined]
    admin.post(f"/corrections/{nid}/review", data={"csrf_token": admin.csrf, "action": "accept"})  # type: ignore[attr-defined]
    done = unit.get(where).text
    assert 'data-state="accepted"' in done and "恢复拨款" in done and 'id="answer-form"' not in done
