"""The outbox with delivery state, and who receives alerts. Scoped by the caller's units."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from tracker.alerts.contacts import contacts_overview, set_contacts
from tracker.alerts.schemas import AlertPage
from tracker.alerts.service import list_alerts, resend
from tracker.deps import PrincipalDep, ScopeDep, SessionDep
from tracker.models import Dept

router = APIRouter(tags=["alerts"])


@router.get("/alerts", response_model=AlertPage)
def get_alerts(
    session: SessionDep,
    scope: ScopeDep,
    state: Annotated[str | None, Query(pattern="^(queued|sending|sent|failed)$")] = None,
    dept_code: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> AlertPage:
    items, total = list_alerts(
        session=session, scope=scope, state=state, dept_code=dept_code, limit=limit, offset=offset
    )
    return AlertPage(items=items, total=total)


class ResendOut(BaseModel):
    requeued: list[int]  # back in the queue; the next alerts or reminders run sends them


@router.post("/alerts/{message_id}/resend", response_model=ResendOut)
def post_resend(message_id: int, session: SessionDep, principal: PrincipalDep) -> ResendOut:
    """Put a failed (or sent) message back in the queue; a message of another unit answers 404."""
    principal.require_write()
    ids = resend(session=session, scope=principal.scope, actor=principal.username, ids=[message_id])
    return ResendOut(requeued=ids)


class UnitContacts(BaseModel):
    dept_code: str
    dept_name: str
    emails: list[str]


class ContactsOut(BaseModel):
    finance: list[str]
    units: list[UnitContacts]


class EmailsIn(BaseModel):
    emails: list[str]


@router.get("/contacts", response_model=ContactsOut)
def get_contacts(session: SessionDep, scope: ScopeDep) -> ContactsOut:
    """Every visible unit with its alert recipients (an empty list is a unit nobody would hear about)."""
    finance, units = contacts_overview(session=session, scope=scope)
    return ContactsOut(finance=finance, units=[UnitContacts(dept_code=c, dept_name=n, emails=e) for c, n, e in units])


@router.put("/units/{dept_code}/contacts", response_model=UnitContacts)
def put_unit_contacts(dept_code: str, body: EmailsIn, session: SessionDep, principal: PrincipalDep) -> UnitContacts:
    principal.require_admin()
    emails = set_contacts(session=session, dept_code=dept_code, emails=body.emails)
    dept = session.get(Dept, dept_code)
    return UnitContacts(dept_code=dept_code, dept_name=dept.name if dept else "", emails=emails)


@router.put("/finance/contacts", response_model=EmailsIn)
def put_finance_contacts(body: EmailsIn, session: SessionDep, principal: PrincipalDep) -> EmailsIn:
    principal.require_admin()
    return EmailsIn(emails=set_contacts(session=session, dept_code=None, emails=body.emails))
