"""`tracker units contact`: who receives a unit's alerts, and the finance bureau's escalations."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.console import fail, run

units_app = typer.Typer(help="预算单位", no_args_is_help=True)


@units_app.command("contact")
def units_contact(
    args: Annotated[list[str] | None, typer.Argument(help="CODE EMAIL…，或与 --finance 一起只给 EMAIL…")] = None,
    finance: Annotated[bool, typer.Option("--finance", help="设置财政局（红灯升级）的联系人")] = False,
) -> None:
    """Set who receives a unit's alerts, or (--finance) the finance bureau's escalations; no address shows them."""
    from tracker.alerts.contacts import get_contacts, set_contacts
    from tracker.db import session_scope

    values = list(args or [])
    if not finance and not values:
        fail("请给出单位编码：tracker units contact CODE EMAIL…", 2)
    code = None if finance else values.pop(0)
    who = "财政局" if code is None else f"单位{code}"
    with session_scope() as session:
        if values:
            emails = run(lambda: set_contacts(session=session, dept_code=code, emails=values), code=2)
        else:
            emails = run(lambda: get_contacts(session=session, dept_code=code), code=2)
    print(f"{who}的联系人：{'、'.join(emails) if emails else '（未设置）'}")
