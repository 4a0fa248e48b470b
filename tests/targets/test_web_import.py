"""`POST /api/v1/targets/imports` and the /targets import form (issue 11 item 1), on SQLite and PostgreSQL.

The finance bureau imports a target file over the web with the CLI's summary and warnings; a dry run
writes nothing; an unknown layout is refused with the layouts read; a unit, or another county's
admin, may not import. The page keeps the checked file in the database (any worker may confirm it).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from tests.signin import DATA, api_client, page_client
from tests.targets import layouts
from tracker.db import session_scope
from tracker.models import ImportRecord, Indicator, PendingFile, Project
from tracker.targets.cells import LAYOUTS
from tracker.targets.layouts.text import decode, read_tab_text
from tracker.targets.parsing import build

CHANGLI = DATA.read_bytes()
TOTAL_WAN = "24596.12"


def stored() -> tuple[int, int, int]:
    """(projects, indicators, import records) in the database."""
    with session_scope() as session:
        return tuple(  # type: ignore[return-value]
            int(session.exec(select(func.count()).select_from(m)).one()) for m in (Project, Indicator, ImportRecord)
        )


@pytest.fixture(scope="module")
def built() -> dict[str, bytes]:
    doc = read_tab_text(decode(CHANGLI))
    parsed = build(doc)
    return {"txt": CHANGLI, "docx": layouts.docx_bytes(doc, parsed), "xlsx": layouts.xlsx_bytes(parsed)}


@pytest.mark.parametrize("layout", ["txt", "docx", "xlsx"])
def test_api_dry_run_gives_the_cli_summary_and_writes_nothing_then_import_stores_44_projects(
    committed_db: Engine, built: dict[str, bytes], layout: str
) -> None:
    client = api_client()
    files = {"file": (f"changli.{layout}", built[layout])}
    dry = client.post("/api/v1/targets/imports", files=files, data={"dry_run": "true"})
    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert body["dry_run"] is True and body["import_id"] is None
    assert (body["projects"], body["indicators"], body["budget_wan"]) == (44, 405, TOTAL_WAN)
    assert body["created"] == 44 and body["incomplete"] and "检查通过（未写入）" in body["message"]
    assert stored() == (0, 0, 0)  # a dry run writes nothing

    done = client.post("/api/v1/targets/imports", files=files)
    assert done.status_code == 201, done.text
    summary = done.json()
    assert summary["dry_run"] is False and summary["import_id"]
    assert (summary["projects"], summary["indicators"], summary["budget_wan"]) == (44, 405, TOTAL_WAN)
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (44, 0, 0)
    assert summary["warnings"] == body["warnings"]  # the dry run showed the warnings the import gives
    assert stored() == (44, 405, 1)


def test_api_dry_run_is_also_accepted_in_the_query_string(committed_db: Engine) -> None:
    client = api_client()
    dry = client.post("/api/v1/targets/imports?dry_run=true", files={"file": ("c.txt", CHANGLI)})
    assert dry.status_code == 200 and dry.json()["dry_run"] is True
    assert stored() == (0, 0, 0)


def test_a_dry_run_of_a_stored_table_counts_its_projects_as_existing(committed_db: Engine) -> None:
    client = api_client()
    assert client.post("/api/v1/targets/imports", files={"file": ("c.txt", CHANGLI)}).status_code == 201
    again = client.post("/api/v1/targets/imports", files={"file": ("c.txt", CHANGLI)}, data={"dry_run": "true"})
    assert (again.json()["created"], again.json()["existing"]) == (0, 44)
    assert stored() == (44, 405, 1)


def test_an_unknown_layout_is_422_with_the_layouts_read_and_nothing_written(committed_db: Engine) -> None:
    client = api_client()
    r = client.post("/api/v1/targets/imports", files={"file": ("notes.txt", "随便写点什么\n第二行\n".encode())})
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "InvalidInput" and "读完全部 3 行文字" in body["detail"]
    assert all(name in body["detail"] for name in LAYOUTS)
    assert stored() == (0, 0, 0)


def test_a_unit_user_may_not_import_targets(committed_db: Engine) -> None:
    client = api_client("mz", "department", ("314001",))
    r = client.post("/api/v1/targets/imports", files={"file": ("c.txt", CHANGLI)})
    assert r.status_code == 403 and r.json()["error"] == "Forbidden"
    dry = client.post("/api/v1/targets/imports", files={"file": ("c.txt", CHANGLI)}, data={"dry_run": "true"})
    assert dry.status_code == 403
    assert stored() == (0, 0, 0)


def test_a_county_admin_may_import_only_its_own_countys_file(committed_db: Engine) -> None:
    funing = api_client("fn", "admin", regions=("130306",))
    r = funing.post("/api/v1/targets/imports", files={"file": ("c.txt", CHANGLI)}, data={"dry_run": "true"})
    assert r.status_code == 403 and "130322" in r.json()["detail"]
    assert stored() == (0, 0, 0)
    changli = api_client("cl", "admin", regions=("130322",))
    assert changli.post("/api/v1/targets/imports", files={"file": ("c.txt", CHANGLI)}).status_code == 201


def test_a_file_beyond_the_upload_limit_is_413(committed_db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.config import get_settings

    monkeypatch.setenv("TRACKER_UPLOAD_MAX_BYTES", "1000")
    get_settings.cache_clear()
    client = api_client()
    r = client.post("/api/v1/targets/imports", files={"file": ("c.txt", CHANGLI[:5000])})
    assert r.status_code == 413 and "文件大小超过上限" in r.json()["detail"]
    assert stored() == (0, 0, 0)


# The page: choose a file → the dry run shows the summary and warnings → the confirm imports.


def test_page_dry_run_shows_the_summary_then_the_confirm_imports(committed_db: Engine) -> None:
    client = page_client()
    page = client.get("/targets")
    assert page.status_code == 200 and "导入绩效目标表" in page.text
    checked = client.post(
        "/targets/import",
        data={"csrf_token": client.csrf},
        files={"file": ("changli.txt", CHANGLI)},  # type: ignore[attr-defined]
    )
    assert checked.status_code == 200, checked.text
    assert "44 个项目，405 个指标" in checked.text and TOTAL_WAN in checked.text and "确认导入" in checked.text
    assert stored() == (0, 0, 0)  # only the kept file is written
    with session_scope() as session:
        kept = session.exec(select(PendingFile)).one()
        assert kept.data == CHANGLI and kept.username == "admin"
    token = kept.token
    assert f'value="{token}"' in checked.text

    done = client.post("/targets/import/confirm", data={"csrf_token": client.csrf, "token": token})  # type: ignore[attr-defined]
    assert done.status_code == 303
    assert "已导入 changli.txt" in client.get(done.headers["location"]).text
    assert stored() == (44, 405, 1)
    with session_scope() as session:
        assert session.exec(select(PendingFile)).all() == []  # used once

    again = client.post("/targets/import/confirm", data={"csrf_token": client.csrf, "token": token})  # type: ignore[attr-defined]
    assert "已失效" in client.get(again.headers["location"]).text
    assert stored() == (44, 405, 1)


def test_the_confirm_is_served_by_another_worker_from_the_database(committed_db: Engine) -> None:
    """Two app instances stand for two stateless workers: the one that confirms never saw the file."""
    from fastapi.testclient import TestClient

    from tracker.main import create_app

    first = page_client()
    checked = first.post("/targets/import", data={"csrf_token": first.csrf}, files={"file": ("c.txt", CHANGLI)})  # type: ignore[attr-defined]
    with session_scope() as session:
        token = session.exec(select(PendingFile.token)).one()
    second = TestClient(create_app(), follow_redirects=False, cookies=first.cookies)
    done = second.post("/targets/import/confirm", data={"csrf_token": first.csrf, "token": token})  # type: ignore[attr-defined]
    assert checked.status_code == 200 and done.status_code == 303
    assert stored() == (44, 405, 1)


def test_an_expired_or_another_users_token_imports_nothing(committed_db: Engine) -> None:
    owner = page_client()
    owner.post("/targets/import", data={"csrf_token": owner.csrf}, files={"file": ("c.txt", CHANGLI)})  # type: ignore[attr-defined]
    with session_scope() as session:
        kept = session.exec(select(PendingFile)).one()
        token = kept.token
    other = page_client("admin2")
    r = other.post("/targets/import/confirm", data={"csrf_token": other.csrf, "token": token})  # type: ignore[attr-defined]
    assert "已失效" in other.get(r.headers["location"]).text
    with session_scope() as session:
        row = session.get(PendingFile, token)
        assert row is not None
        row.expires_at = row.created_at - timedelta(seconds=1)
    r = owner.post("/targets/import/confirm", data={"csrf_token": owner.csrf, "token": token})  # type: ignore[attr-defined]
    assert "已失效" in owner.get(r.headers["location"]).text
    assert stored() == (0, 0, 0)


def test_page_refuses_an_unknown_layout_with_the_list_and_keeps_nothing(committed_db: Engine) -> None:
    client = page_client()
    r = client.post(
        "/targets/import",
        data={"csrf_token": client.csrf},
        files={"file": ("x.txt", "随便写点什么\n".encode())},  # type: ignore[attr-defined]
    )
    assert r.status_code == 422 and "可读取的格式" in r.text and "确认导入" not in r.text
    with session_scope() as session:
        assert session.exec(select(PendingFile)).all() == []


def test_page_import_needs_the_csrf_token_and_an_admin(committed_db: Engine) -> None:
    client = page_client()
    forged = client.post("/targets/import", data={"csrf_token": "wrong"}, files={"file": ("c.txt", CHANGLI)})
    assert forged.status_code == 403
    unit = page_client("mz", "department", ("314001",))
    r = unit.post("/targets/import", data={"csrf_token": unit.csrf}, files={"file": ("c.txt", CHANGLI)})  # type: ignore[attr-defined]
    assert r.status_code == 403
    with session_scope() as session:
        assert session.exec(select(PendingFile)).all() == []
    assert stored() == (0, 0, 0)


def test_a_dry_run_warns_of_the_indicators_the_import_would_delete(committed_db: Engine) -> None:
    """The same warnings as the CLI: a stored indicator the new table lacks is named before it is deleted."""
    client = api_client()
    assert client.post("/api/v1/targets/imports", files={"file": ("c.txt", CHANGLI)}).status_code == 201
    with session_scope() as session:
        project = session.exec(select(Project).where(Project.heading_no == 3)).one()
        first = session.exec(select(Indicator).where(Indicator.project_id == project.id, Indicator.seq == 1)).one()
        extra = first.model_copy(update={"id": None, "seq": 99, "level3": "多出的指标"})
        session.add(Indicator.model_validate(extra.model_dump()))
    dry = client.post("/api/v1/targets/imports", files={"file": ("c.txt", CHANGLI)}, data={"dry_run": "true"})
    done = client.post("/api/v1/targets/imports", files={"file": ("c.txt", CHANGLI)})
    planned = [w for w in dry.json()["warnings"] if "多出的指标" in w]
    happened = [w for w in done.json()["warnings"] if "多出的指标" in w]
    assert planned == [f"{project.dept_code}/{project.code}：新表没有第99个指标“多出的指标”，导入时将删除"]
    assert happened == [f"{project.dept_code}/{project.code}：新表没有第99个指标“多出的指标”，已删除"]
