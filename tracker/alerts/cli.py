"""`tracker units contact` (who receives a unit's alerts) and `tracker alerts resend` (INTERFACE.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.console import fail, run

units_app = typer.Typer(help="预算单位", no_args_is_help=True)
alerts_app = typer.Typer(help="预警消息", no_args_is_help=True)


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


@alerts_app.command("resend")
def alerts_resend(
    ids: Annotated[list[int] | None, typer.Argument(help="消息编号（GET /api/v1/alerts 或“预警”页面中的编号）")] = None,
    failed: Annotated[bool, typer.Option("--failed", help="重发全部发送失败的消息")] = False,
) -> None:
    """Put failed (or named) messages back in the queue; the next `tracker jobs run alerts` sends them."""
    from tracker.alerts.service import resend
    from tracker.db import session_scope
    from tracker.scope import Scope

    with session_scope() as session:
        done = run(
            lambda: resend(session=session, scope=Scope.everything(), actor=None, ids=ids or [], failed=failed), code=2
        )
    if done:
        print(f"已放回发送队列：{len(done)}条消息（{'、'.join(str(i) for i in done)}），下次运行预警任务时发送")
    else:
        print("没有需要重发的消息")
