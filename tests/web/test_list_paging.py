"""Every list page shows one page of rows, chosen and counted in the database (INTERFACE.md Pages).

Rule checked in each test: a list longer than a page renders at most the page size, states the
total (共 N 条), the next page continues where the first stopped without repeating a row, and a
unit (or region) user never sees another place's row. Page sizes are made small with monkeypatch so
that a few rows make several pages; one test keeps the real size.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from tests.signin import PASSWORD, add_user, api_client, csrf_of, load_changli, load_funing, page_client
from tracker.db import session_scope
from tracker.main import create_app
from tracker.models import (
    AlertMessage,
    AuditEntry,
    BatchPeriod,
    CorrectionNotice,
    Dept,
    Project,
    Submission,
    UploadBatch,
)
from tracker.web import paging

CHANGLI, FUNING = "130322", "130306"
MZ, OTHER = "314001", "320001"  # two units of 昌黎县 (codes repeat in 抚宁区)


def ids(html: str, attr: str) -> list[int]:
    return [int(x) for x in re.findall(rf'data-{attr}="(\d+)"', html)]


def totals(html: str) -> list[int]:
    """The 共 N 条 of each pager on the page, in page order."""
    return [int(x) for x in re.findall(r"共 (\d+) 条", html)]


def next_link(html: str, pager: int) -> str | None:
    """The 下一页 address of the page's `pager`-th pager (None on its last page)."""
    navs = re.findall(r'<nav class="pager".*?</nav>', html, flags=re.S)
    found = re.search(r'href="([^"]*)" rel="next"', navs[pager])
    return found.group(1).replace("&amp;", "&").split("#")[0] if found else None


def walk(client: TestClient, first: str, attr: str, pager: int = 0) -> tuple[list[list[int]], int]:
    """Every page of one list (the page's `pager`-th): the row ids on each page, and the total it states."""
    pages: list[list[int]] = []
    url: str | None = first
    total = -1
    while url is not None:
        html = client.get(url).text
        pages.append(ids(html, attr))
        total = totals(html)[pager]
        url = next_link(html, pager)
        assert len(pages) < 100, "the pager never ends"
    return pages, total


def sign_in(username: str) -> TestClient:
    """A page client of an existing user."""
    client = TestClient(create_app(), follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303, response.text
    return client


def add_batches(places: list[tuple[str, str]]) -> None:
    """One applied batch per place, in this order (ids ascending)."""
    with session_scope() as session:
        for n, (region, dept) in enumerate(places):
            batch = UploadBatch(filename=f"b{n}.csv", sha256=f"{n:064d}")
            session.add(batch)
            session.flush()
            assert batch.id is not None
            session.add(BatchPeriod(batch_id=batch.id, region_code=region, dept_code=dept, year=2024, quarter=1))


def add_submissions(places: list[tuple[str, str]], status: str, years: range) -> None:
    """A submission per place, year and quarter; reviewed ones a minute apart."""
    start = datetime(2024, 4, 1, tzinfo=UTC)
    n = 0
    with session_scope() as session:
        for region, dept in places:
            for year in years:
                for quarter in range(1, 5):
                    n += 1
                    reviewed = None if status == "submitted" else start + timedelta(minutes=n)
                    session.add(Submission(region_code=region, dept_code=dept, year=year, quarter=quarter,
                                           status=status, reviewed_at=reviewed, reviewed_by="finance"))  # fmt: skip


def test_upload_batches_are_paged_counted_and_continue(committed_db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    load_changli()
    monkeypatch.setattr(paging, "PAGE_SIZE", 4)
    add_batches([(CHANGLI, MZ)] * 9 + [(CHANGLI, OTHER)] * 2)
    pages, total = walk(page_client("admin"), "/upload", "batch", pager=-1)
    assert total == 11 and [len(p) for p in pages] == [4, 4, 3]
    shown = [i for p in pages for i in p]
    assert shown == sorted(shown, reverse=True) and len(set(shown)) == 11  # newest first, none twice


def test_a_page_never_renders_more_than_the_page_size_and_a_unit_sees_only_its_batches(committed_db: Engine) -> None:
    load_changli()
    add_batches([(CHANGLI, OTHER)] * 3 + [(CHANGLI, MZ)] * (paging.PAGE_SIZE + 10) + [(CHANGLI, OTHER)] * 3)
    with session_scope() as session:
        mine = set(session.exec(select(BatchPeriod.batch_id).where(BatchPeriod.dept_code == MZ)))
    client = page_client("mz", "department", (MZ,))
    first = client.get("/upload").text
    assert len(ids(first, "batch")) == paging.PAGE_SIZE and totals(first)[-1] == paging.PAGE_SIZE + 10
    second = client.get("/upload?page=2").text
    assert len(ids(second, "batch")) == 10
    assert set(ids(first, "batch") + ids(second, "batch")) == mine  # never 320001's


def test_upload_quarters_are_paged_by_their_own_parameter(
    committed_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.web.pages import upload

    load_changli()
    monkeypatch.setattr(upload, "QUARTERS_PAGE", 3)
    add_submissions([(CHANGLI, MZ), (CHANGLI, OTHER)], "submitted", range(2024, 2025))
    pages, total = walk(page_client("admin"), "/upload", "quarter", pager=0)
    assert total == 8 and [len(p) for p in pages] == [3, 3, 2]
    assert len({i for p in pages for i in p}) == 8


def test_approvals_queue_and_reviewed_are_paged_separately(
    committed_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.web.pages import approvals

    load_changli()
    monkeypatch.setattr(approvals, "QUEUE_PAGE", 5)
    monkeypatch.setattr(paging, "PAGE_SIZE", 6)
    add_submissions([(CHANGLI, MZ), (CHANGLI, OTHER)], "submitted", range(2024, 2025))  # 8 waiting
    add_submissions([(CHANGLI, MZ)], "approved", range(2020, 2024))  # 16 reviewed
    client = page_client("admin")
    queue, total = walk(client, "/approvals", "queue", pager=0)
    assert total == 8 and [len(p) for p in queue] == [5, 3] and len({i for p in queue for i in p}) == 8
    done, total = walk(client, "/approvals", "done", pager=1)
    assert total == 16 and [len(p) for p in done] == [6, 6, 4]
    with session_scope() as session:
        latest = list(session.exec(select(Submission.id).where(Submission.status == "approved")
                                   .order_by(Submission.reviewed_at.desc())))  # type: ignore[union-attr]  # fmt: skip
    assert [i for p in done for i in p] == latest  # latest review first, page after page


def test_a_region_admin_never_sees_another_regions_quarters(committed_db: Engine) -> None:
    load_changli()
    load_funing()
    add_submissions([(CHANGLI, MZ)], "submitted", range(2024, 2025))
    add_submissions([(FUNING, MZ)], "submitted", range(2023, 2025))
    add_user("county", "admin", regions=(CHANGLI,))
    html = sign_in("county").get("/approvals").text
    with session_scope() as session:
        changli = set(session.exec(select(Submission.id).where(Submission.region_code == CHANGLI)))
    assert set(ids(html, "queue")) == changli and totals(html)[0] == 4


def test_settings_pages_users_and_units_and_searches_them_in_sql(
    committed_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_changli()
    monkeypatch.setattr(paging, "PAGE_SIZE", 5)
    for n in range(11):
        add_user(f"clerk{n:02d}", "viewer")
    client = page_client("admin")  # 12 logins in all
    users, total = walk(client, "/settings", "user-row", pager=0)
    assert total == 12 and [len(p) for p in users] == [5, 5, 2] and len({i for p in users for i in p}) == 12
    found = client.get("/settings?q=clerk0").text
    assert totals(found)[0] == 10 and len(ids(found, "user-row")) == 5
    with session_scope() as session:
        units = session.exec(select(func.count()).select_from(Dept)).one()
    first = client.get("/settings").text
    assert len(re.findall(r"data-dept-row=", first)) == 5 and totals(first)[1] == units > 5
    second = client.get("/settings?cpage=2").text
    assert set(re.findall(r'data-dept-row="([^"]+)"', first)).isdisjoint(re.findall(r'data-dept-row="([^"]+)"', second))
    assert totals(client.get(f"/settings?unit={MZ}").text)[1] == 1


def test_the_users_api_is_paged_with_a_total(committed_db: Engine) -> None:
    for n in range(4):
        add_user(f"clerk{n}", "viewer")
    client = api_client("root")  # 5 logins
    first = client.get("/api/v1/users", params={"limit": 2}).json()
    rest = client.get("/api/v1/users", params={"limit": 2, "offset": 2}).json()
    assert first["total"] == rest["total"] == 5 and len(first["items"]) == len(rest["items"]) == 2
    assert {u["username"] for u in first["items"]}.isdisjoint(u["username"] for u in rest["items"])


def _project_ids(region: str | None = None, dept: str | None = None) -> set[int]:
    with session_scope() as session:
        query = select(Project.id).where(Project.year == 2024)
        if region:
            query = query.where(Project.region_code == region)
        if dept:
            query = query.where(Project.dept_code == dept)
        return {i for i in session.exec(query) if i is not None}


def test_exports_scores_one_page_of_projects_at_a_time(committed_db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    load_changli()
    load_funing()
    monkeypatch.setattr(paging, "PAGE_SIZE", 10)
    everything = _project_ids()
    pages, total = walk(page_client("admin"), "/exports?year=2024", "project")
    assert total == len(everything) > 20 and all(len(p) <= 10 for p in pages) and len(pages[0]) == 10
    assert {i for p in pages for i in p} == everything and sum(len(p) for p in pages) == total  # none twice
    mine, total = walk(page_client("mz", "department", (MZ,)), "/exports?year=2024", "project")
    assert {i for p in mine for i in p} == _project_ids(CHANGLI, MZ) and total == len(_project_ids(CHANGLI, MZ))


def test_review_reviews_one_page_of_tables_and_a_unit_sees_only_its_own(
    committed_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.evaluation.review import review_targets
    from tracker.rules import load_rules
    from tracker.scope import Scope
    from tracker.web.pages import exports

    load_changli()
    load_funing()
    monkeypatch.setattr(exports, "REVIEW_PAGE", 10)
    with session_scope() as session:
        flagged = {
            f.project.id
            for f in review_targets(session=session, scope=Scope.everything(), year=2024, rules=load_rules())
        }
    pages, total = walk(page_client("admin"), "/review?year=2024", "project")
    assert total == len(_project_ids()) and len(pages) == -(-total // 10)  # 共 N counts tables, from SQL
    shown = [i for p in pages for i in p]
    assert len(shown) == len(set(shown)) and set(shown) == flagged  # every table with findings, once
    assert all(len(p) <= 10 for p in pages)
    mine, total = walk(page_client("mz", "department", (MZ,)), "/review?year=2024", "project")
    assert total == len(_project_ids(CHANGLI, MZ)) and {i for p in mine for i in p} <= _project_ids(CHANGLI, MZ)
    only = page_client("funing", "admin").get(f"/review?year=2024&region={FUNING}").text
    assert set(ids(only, "project")) <= _project_ids(FUNING)


def test_the_review_api_pages_findings_and_counts_them_all(committed_db: Engine) -> None:
    from tracker.evaluation.review import review_targets
    from tracker.rules import load_rules
    from tracker.scope import Scope

    load_changli()
    with session_scope() as session:
        expected = [
            (f.project.id, f.seq, f.rule)
            for f in review_targets(session=session, scope=Scope.everything(), rules=load_rules())
        ]
    client = api_client("root")
    got: list[tuple[int, int | None, str]] = []
    for offset in range(0, len(expected) + 7, 7):
        body = client.get("/api/v1/review", params={"limit": 7, "offset": offset}).json()
        assert body["total"] == len(expected) and len(body["items"]) <= 7
        got += [(f["project"]["id"], f["seq"], f["rule"]) for f in body["items"]]
    assert got == expected and len(expected) > 7
    unit = api_client("mz", "department", (MZ,)).get("/api/v1/review", params={"limit": 1000}).json()
    assert {f["dept_code"] for f in unit["items"]} == {MZ} and unit["total"] == len(unit["items"])


def add_messages(places: list[tuple[str, str]]) -> None:
    """One queued mail per place, a second apart (newest last)."""
    start = datetime(2024, 4, 1, tzinfo=UTC)
    with session_scope() as session:
        for n, (region, dept) in enumerate(places):
            session.add(AlertMessage(channel="mail", recipient=f"u{n}@example.cn", audience="unit", region_code=region,
                                     dept_code=dept, kind="digest", subject=f"预警{n}",
                                     created_at=start + timedelta(seconds=n)))  # fmt: skip


def test_alerts_page_and_api_are_paged_and_a_unit_sees_only_its_messages(
    committed_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_changli()
    load_funing()
    monkeypatch.setattr(paging, "PAGE_SIZE", 4)
    add_messages([(CHANGLI, MZ)] * 7 + [(CHANGLI, OTHER)] * 2 + [(FUNING, MZ)] * 3)
    pages, total = walk(page_client("admin"), "/alerts", "message")
    assert total == 12 and [len(p) for p in pages] == [4, 4, 4]
    shown = [i for p in pages for i in p]
    assert shown == sorted(shown, reverse=True) and len(set(shown)) == 12  # newest first, none twice
    mine, total = walk(page_client("mz", "department", (MZ,)), "/alerts", "message")
    assert total == 7 and [len(p) for p in mine] == [4, 3]
    with session_scope() as session:
        own = set(session.exec(select(AlertMessage.id).where(AlertMessage.region_code == CHANGLI,
                                                             AlertMessage.dept_code == MZ)))  # fmt: skip
    assert {i for p in mine for i in p} == own  # never 抚宁区's 314001
    api = api_client("mz-api", "department", (MZ,))
    first = api.get("/api/v1/alerts", params={"limit": 5}).json()
    rest = api.get("/api/v1/alerts", params={"limit": 5, "offset": 5}).json()
    assert first["total"] == rest["total"] == 7 and len(first["items"]) == 5 and len(rest["items"]) == 2
    assert {m["id"] for m in first["items"] + rest["items"]} == own


def add_notices(projects: list[int]) -> None:
    with session_scope() as session:
        for n, pid in enumerate(projects):
            p = session.get(Project, pid)
            assert p is not None
            session.add(CorrectionNotice(project_id=pid, year=p.year, dept_code=p.dept_code, region_code=p.region_code,
                                         problem=f"问题{n}", due_on=date(2024, 6, 1) + timedelta(days=n)))  # fmt: skip


def test_corrections_page_and_api_are_paged_and_a_unit_sees_only_its_notices(
    committed_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_changli()
    load_funing()
    monkeypatch.setattr(paging, "PAGE_SIZE", 3)
    mz = sorted(_project_ids(CHANGLI, MZ))
    elsewhere = sorted(_project_ids(FUNING, MZ))[:2] + sorted(_project_ids(CHANGLI, OTHER))[:2]
    add_notices([mz[0]] * 5 + elsewhere)
    pages, total = walk(page_client("admin"), "/corrections", "notice")
    assert total == 9 and [len(p) for p in pages] == [3, 3, 3] and len({i for p in pages for i in p}) == 9
    mine, total = walk(page_client("mz", "department", (MZ,)), "/corrections", "notice")
    assert total == 5 and [len(p) for p in mine] == [3, 2]
    with session_scope() as session:
        own = set(session.exec(select(CorrectionNotice.id).where(CorrectionNotice.project_id == mz[0])))
    assert {i for p in mine for i in p} == own
    api = api_client("mz-api", "department", (MZ,))
    first = api.get("/api/v1/corrections", params={"limit": 2}).json()
    rest = api.get("/api/v1/corrections", params={"limit": 2, "offset": 2}).json()
    assert first["total"] == 5 and len(first["items"]) == len(rest["items"]) == 2
    assert {n["id"] for n in first["items"]}.isdisjoint(n["id"] for n in rest["items"])


@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("SELECT id FROM project WHERE year = 2024 ORDER BY region_code, heading_no, id LIMIT 50",
         "ix_project_year_region_code_heading_no"),
        ("SELECT id FROM alert_message ORDER BY created_at DESC, id DESC LIMIT 50", "ix_alert_message_created_at_id"),
        ("SELECT id FROM submission WHERE status = 'approved' ORDER BY reviewed_at DESC LIMIT 50",
         "ix_submission_status_reviewed_at"),
        ("SELECT batch_id FROM batch_period WHERE region_code = '130322' AND dept_code = '314001'",
         "ix_batch_period_region_code_dept_code"),
    ],
)  # fmt: skip
def test_list_queries_can_use_their_index_on_postgresql(pg_engine: Engine, query: str, index: str) -> None:
    """EXPLAIN with sequential scans discouraged: the plan names the index the list query needs."""
    from sqlalchemy import text

    with pg_engine.connect() as conn:
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        conn.execute(text("SET LOCAL enable_sort = off"))
        plan = "\n".join(row[0] for row in conn.execute(text("EXPLAIN " + query)))
    assert index in plan, plan


def add_audit(pid: int, n: int) -> None:
    start = datetime(2024, 5, 1, tzinfo=UTC)
    with session_scope() as session:
        for k in range(n):
            session.add(AuditEntry(at=start + timedelta(minutes=k), actor="mz", action="payment.add", project_id=pid,
                                   entity="payment", field="amount_fen", new=str(k)))  # fmt: skip


def test_a_projects_audit_trail_is_paged_on_its_page_and_in_the_api(
    committed_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.web import project_view
    from tracker.web.pages import project

    load_changli()
    monkeypatch.setattr(project_view, "AUDIT_LIMIT", 4)
    monkeypatch.setattr(project, "AUDIT_LIMIT", 4)
    mine, theirs = min(_project_ids(CHANGLI, MZ)), min(_project_ids(CHANGLI, OTHER))
    add_audit(mine, 10)
    add_audit(theirs, 3)
    client = page_client("mz", "department", (MZ,))
    pages, total = walk(client, f"/projects/{mine}", "audit", pager=-1)
    assert total == 10 and [len(p) for p in pages] == [4, 4, 2]
    shown = [i for p in pages for i in p]
    assert shown == sorted(shown, reverse=True) and len(set(shown)) == 10  # newest first, none twice
    assert client.get(f"/projects/{theirs}").status_code == 404  # another unit's trail is not there at all
    api = api_client("mz-api", "department", (MZ,))
    first = api.get("/api/v1/actuals/audit", params={"project_id": mine, "limit": 6}).json()
    rest = api.get("/api/v1/actuals/audit", params={"project_id": mine, "limit": 6, "offset": 6}).json()
    assert first["total"] == 10 and len(first["items"]) == 6 and len(rest["items"]) == 4
    assert api.get("/api/v1/actuals/audit", params={"project_id": theirs}).status_code == 404


def test_the_ranking_page_renders_one_page_of_units(committed_db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    load_changli()
    load_funing()
    monkeypatch.setattr(paging, "PAGE_SIZE", 5)
    url = "/reports?year=2024&as_of=2024-06-30&by=unit"
    pages: list[list[str]] = []
    client = page_client("admin")
    html, next_url = "", url
    while next_url is not None:
        html = client.get(next_url).text
        pages.append(re.findall(r'data-code="([^"]+)"', html))
        next_url = next_link(html, 0)
    total = totals(html)[0]
    assert total > 5 and all(len(p) <= 5 for p in pages) and len(pages[0]) == 5
    assert sum(len(p) for p in pages) == total == len({c for p in pages for c in p})
    mine = page_client("mz", "department", (MZ,)).get(url).text
    assert set(re.findall(r'data-code="([^"]+)"', mine)) == {MZ} and totals(mine)[0] == 1


def test_the_batches_and_submissions_apis_are_paged_and_scoped(committed_db: Engine) -> None:
    load_changli()
    load_funing()
    add_batches([(CHANGLI, MZ)] * 5 + [(FUNING, MZ)] * 4 + [(CHANGLI, OTHER)] * 2)
    add_submissions([(CHANGLI, MZ), (FUNING, MZ)], "submitted", range(2023, 2025))  # 8 of 昌黎县's 314001
    api = api_client("mz-api", "department", (MZ,))
    with session_scope() as session:
        batches = set(session.exec(select(BatchPeriod.batch_id).where(BatchPeriod.region_code == CHANGLI,
                                                                      BatchPeriod.dept_code == MZ)))  # fmt: skip
        quarters = set(session.exec(select(Submission.id).where(Submission.region_code == CHANGLI)))
    for path, expected in (("/api/v1/actuals/uploads", batches), ("/api/v1/actuals/submissions", quarters)):
        first = api.get(path, params={"limit": 3}).json()
        rest = api.get(path, params={"limit": 3, "offset": 3}).json()
        last = api.get(path, params={"limit": 3, "offset": 6}).json()
        got = [x["id"] for x in first["items"] + rest["items"] + last["items"]]
        assert first["total"] == len(expected) and len(first["items"]) == 3, path
        assert len(got) == len(set(got)) and set(got) == expected, path  # continues, never 抚宁区's 314001


def test_the_upload_page_offers_a_code_field_instead_of_thousands_of_options(
    committed_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.web.pages import upload

    load_changli()
    client = page_client("admin")
    few = client.get("/upload").text
    assert '<select name="dept_code">' in few and 'list="unit-codes"' not in few
    monkeypatch.setattr(upload, "UNITS_MAX", 5)
    many = client.get("/upload").text
    assert '<select name="dept_code">' not in many and many.count('list="unit-codes"') == 2
    assert len(re.findall(r"<datalist id=\"unit-codes\">(.*?)</datalist>", many, re.S)[0].split("<option")) - 1 == 5
