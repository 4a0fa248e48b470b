"""设置 (admin): logins, who receives alerts, and the thresholds in force."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from tracker.alerts.contacts import get_contacts, set_contacts, unit_contacts
from tracker.auth import service as users
from tracker.auth.rules import auth_rules
from tracker.deps import RulesDep, SessionDep
from tracker.errors import NotFound
from tracker.models import Dept, User
from tracker.places import regions as place_list
from tracker.web.pages.common import CsrfDep, ProvinceDep, attempt, flash, take_flashes
from tracker.web.paging import Pager
from tracker.web.templating import render

router = APIRouter()
Units = Annotated[str, Form()]


def _codes(text: str) -> list[str]:
    """Unit codes (or e-mail addresses) typed with spaces, commas or 、 between them."""
    return [c for c in text.replace(",", " ").replace("，", " ").replace("、", " ").split() if c]


@router.get("/settings", name="settings")
def settings_page(
    request: Request,
    session: SessionDep,
    principal: ProvinceDep,
    rules: RulesDep,
    q: str = "",
    page: Annotated[int, Query(ge=1)] = 1,
    unit: str = "",
    cpage: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    """Logins (`page`, search `q`) and units with their alert contacts (`cpage`, search `unit`), each paged in SQL."""
    params = {"q": q, "page": page if page > 1 else "", "unit": unit, "cpage": cpage if cpage > 1 else ""}
    pager = Pager("/settings", page, params={k: v for k, v in params.items() if k != "page"})
    found, total = users.page_users(session=session, search=q or None, limit=pager.size, offset=pager.offset)
    cpager = Pager("/settings", cpage, params={k: v for k, v in params.items() if k != "cpage"}, name="cpage")
    depts, dept_total = _depts(session, unit, limit=cpager.size, offset=cpager.offset)
    return render(
        request,
        "settings.html",
        principal=principal,
        title="设置",
        users=found,
        pager=pager.with_total(total),
        q=q,
        depts=depts,
        cpager=cpager.with_total(dept_total),
        unit=unit,
        regions=place_list(session=session),
        contacts=unit_contacts(session=session, units=[(d.region_code, d.code) for d in depts]),
        finance=get_contacts(session=session, dept_code=None),
        rules=rules.model_dump(mode="json"),
        flashes=take_flashes(request),
    )


def _depts(session: Session, search: str, *, limit: int, offset: int) -> tuple[list[Dept], int]:
    """One page of units by (region, code); `search` is part of a unit code or name."""
    query = select(Dept)
    if term := search.strip():
        query = query.where(
            or_(col(Dept.code).contains(term, autoescape=True), col(Dept.name).contains(term, autoescape=True))
        )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Dept.region_code), col(Dept.code)).offset(offset).limit(limit))
    return list(rows), int(total)


@router.post("/settings/users")
def add_user(
    request: Request,
    session: SessionDep,
    principal: ProvinceDep,
    loaded: RulesDep,
    _csrf: CsrfDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    role: Annotated[str, Form()],
    units: Units = "",
    display_name: Annotated[str, Form()] = "",
    regions: Annotated[str, Form()] = "",
) -> Response:
    user = attempt(
        request,
        session,
        lambda: users.create_user(
            session=session,
            username=username.strip(),
            password=password,
            role=role,
            units=_codes(units),
            regions=_codes(regions),
            display_name=display_name.strip(),
            rules=auth_rules(loaded),
            actor=principal.username,
        ),
    )
    if user is not None:
        flash(request, "ok", f"已创建用户 {user.username}（{user.role_name}）")
    return RedirectResponse("/settings#users", 303)


@router.post("/settings/users/{user_id}")
def change_user(
    request: Request,
    session: SessionDep,
    principal: ProvinceDep,
    loaded: RulesDep,
    _csrf: CsrfDep,
    user_id: int,
    role: Annotated[str, Form()],
    units: Units = "",
    active: Annotated[bool, Form()] = False,
    password: Annotated[str, Form()] = "",
    regions: Annotated[str, Form()] = "",
) -> Response:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("用户不存在")
    name = user.username
    saved = attempt(
        request,
        session,
        lambda: users.update_user(
            session=session,
            username=name,
            role=role,
            units=_codes(units),
            regions=_codes(regions),
            active=active,
            password=password or None,
            rules=auth_rules(loaded),
            actor=principal.username,
        ),
    )
    if saved is not None:
        flash(request, "ok", f"已保存用户 {name}")
    return RedirectResponse("/settings#users", 303)


@router.post("/settings/contacts")
def change_contacts(
    request: Request,
    session: SessionDep,
    principal: ProvinceDep,
    _csrf: CsrfDep,
    dept_code: Annotated[str, Form()] = "",
    emails: Annotated[str, Form()] = "",
    region_code: Annotated[str, Form()] = "",
) -> Response:
    """Who receives a unit's alerts (or, with no unit, the finance bureau's escalations)."""
    code = dept_code.strip() or None
    region = region_code.strip() or None
    saved = attempt(
        request,
        session,
        lambda: set_contacts(
            session=session, dept_code=code, emails=_codes(emails.replace(";", " ")), region_code=region
        ),
    )
    if saved is not None:
        who = f"单位 {code}" if code else "财政局"
        flash(request, "ok", f"已保存{who}的预警联系人：{'、'.join(saved) or '无'}")
    return RedirectResponse("/settings#contacts", 303)
