"""Who receives alerts: each unit's contacts, and the finance bureau's for escalations."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlmodel import Session, col, select

from tracker.errors import InvalidInput
from tracker.models import Contact, Dept
from tracker.places import resolve_unit
from tracker.scope import Scope

UNIT, FINANCE = "unit", "finance"
_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")


def normalise_emails(emails: Iterable[str]) -> list[str]:
    """Trimmed, lower-cased, de-duplicated addresses in the order given; a malformed one is InvalidInput."""
    out: list[str] = []
    for raw in emails:
        email = raw.strip().lower()
        if not _EMAIL.match(email):
            raise InvalidInput(f"不是有效的电子邮件地址：{raw}")
        if email not in out:
            out.append(email)
    return out


def _where(session: Session, dept_code: str | None, region_code: str | None) -> tuple[str, str, str]:
    """(kind, region, unit code) of a contact list: a unit's, or the finance bureau's (region "" = all)."""
    if dept_code is None:
        return FINANCE, region_code or "", ""
    unit = resolve_unit(session=session, dept_code=dept_code, region_code=region_code)
    return UNIT, unit.region_code, unit.code


def set_contacts(
    *, session: Session, dept_code: str | None, emails: Sequence[str], region_code: str | None = None
) -> list[str]:
    """Replace a unit's contacts (or the finance bureau's when `dept_code` is None) with `emails`."""
    kind, region, code = _where(session, dept_code, region_code)
    wanted = normalise_emails(emails)
    existing = session.exec(
        select(Contact).where(Contact.kind == kind, Contact.region_code == region, Contact.dept_code == code)
    ).all()
    for row in existing:
        if row.email not in wanted:
            session.delete(row)
    have = {row.email for row in existing}
    for email in wanted:
        if email not in have:
            session.add(Contact(kind=kind, region_code=region, dept_code=code, email=email))
    session.flush()
    return wanted


def get_contacts(*, session: Session, dept_code: str | None, region_code: str | None = None) -> list[str]:
    """A unit's contacts, or the finance bureau's when `dept_code` is None."""
    kind, region, code = _where(session, dept_code, region_code)
    query = select(Contact.email).where(Contact.kind == kind, Contact.region_code == region, Contact.dept_code == code)
    return list(session.exec(query.order_by(col(Contact.id))))


def finance_contacts(*, session: Session, regions: Iterable[str]) -> dict[str, list[str]]:
    """Escalation addresses per region: that region's finance bureau's, then those who hear every region."""
    wanted = sorted(set(regions))
    query = select(Contact).where(Contact.kind == FINANCE, col(Contact.region_code).in_(["", *wanted]))
    rows = list(session.exec(query.order_by(col(Contact.id))))
    everywhere = [r.email for r in rows if r.region_code == ""]
    out: dict[str, list[str]] = {}
    for region in wanted:
        own = [r.email for r in rows if r.region_code == region]
        out[region] = own + [e for e in everywhere if e not in own]
    return out


def unit_contacts(*, session: Session, units: Iterable[tuple[str, str]]) -> dict[tuple[str, str], list[str]]:
    """Contacts of many units, each (region, unit code), at once; a unit without any maps to an empty list."""
    keys = sorted(set(units))
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    if keys:
        codes = sorted({d for _, d in keys})
        query = select(Contact).where(Contact.kind == UNIT, col(Contact.dept_code).in_(codes))
        for row in session.exec(query.order_by(col(Contact.id))):
            out[(row.region_code, row.dept_code)].append(row.email)
    return {key: out.get(key, []) for key in keys}


def contacts_overview(*, session: Session, scope: Scope) -> tuple[list[str], list[tuple[str, str, str, list[str]]]]:
    """The finance bureau's addresses (all-seeing scope only) and every visible unit with its addresses."""
    query = scope.filter(select(Dept), Dept.region_code, Dept.code)
    depts = session.exec(query.order_by(col(Dept.region_code), col(Dept.code))).all()
    emails = unit_contacts(session=session, units=[(d.region_code, d.code) for d in depts])
    finance = get_contacts(session=session, dept_code=None) if not scope.limited else []
    return finance, [(d.region_code, d.code, d.name, emails.get((d.region_code, d.code), [])) for d in depts]
