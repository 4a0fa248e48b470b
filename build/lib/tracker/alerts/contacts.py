"""Who receives alerts: each unit's contacts, and the finance bureau's for escalations."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlmodel import Session, col, select

from tracker.errors import InvalidInput, NotFound
from tracker.models import Contact, Dept
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


def set_contacts(*, session: Session, dept_code: str | None, emails: Sequence[str]) -> list[str]:
    """Replace a unit's contacts (or the finance bureau's when `dept_code` is None) with `emails`."""
    kind = FINANCE if dept_code is None else UNIT
    code = dept_code or ""
    if dept_code is not None and session.get(Dept, dept_code) is None:
        raise NotFound(f"单位{dept_code}不存在")
    wanted = normalise_emails(emails)
    existing = session.exec(select(Contact).where(Contact.kind == kind, Contact.dept_code == code)).all()
    for row in existing:
        if row.email not in wanted:
            session.delete(row)
    have = {row.email for row in existing}
    for email in wanted:
        if email not in have:
            session.add(Contact(kind=kind, dept_code=code, email=email))
    session.flush()
    return wanted


def get_contacts(*, session: Session, dept_code: str | None) -> list[str]:
    """A unit's contacts, or the finance bureau's when `dept_code` is None."""
    kind = FINANCE if dept_code is None else UNIT
    query = select(Contact.email).where(Contact.kind == kind, Contact.dept_code == (dept_code or ""))
    return list(session.exec(query.order_by(col(Contact.id))))


def unit_contacts(*, session: Session, dept_codes: Iterable[str]) -> dict[str, list[str]]:
    """Contacts of many units at once; a unit without any maps to an empty list."""
    codes = sorted(set(dept_codes))
    out: dict[str, list[str]] = defaultdict(list)
    if codes:
        query = select(Contact).where(Contact.kind == UNIT, col(Contact.dept_code).in_(codes))
        for row in session.exec(query.order_by(col(Contact.id))):
            out[row.dept_code].append(row.email)
    return {code: out.get(code, []) for code in codes}


def contacts_overview(*, session: Session, scope: Scope) -> tuple[list[str], list[tuple[str, str, list[str]]]]:
    """The finance bureau's addresses (all-seeing scope only) and every visible unit with its addresses."""
    depts = session.exec(scope.filter(select(Dept), Dept.code).order_by(col(Dept.code))).all()
    emails = unit_contacts(session=session, dept_codes=[d.code for d in depts])
    finance = get_contacts(session=session, dept_code=None) if scope.dept_codes is None else []
    return finance, [(d.code, d.name, emails.get(d.code, [])) for d in depts]
