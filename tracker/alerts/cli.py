"""`tracker alerts resend (ID… / --failed)`: put messages back in the queue (INTERFACE.md)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from tracker.alerts.service import resend
from tracker.db import session_scope
from tracker.errors import DomainError
from tracker.scope import Scope

alerts_app = typer.Typer(help="预警消息", no_args_is_help=True)
err = Console(stderr=True)


@alerts_app.command("resend")
def alerts_resend(
    ids: Annotated[list[int] | None, typer.Argument(help="消息编号（GET /api/v1/alerts 或“预警”页面中的编号）")] = None,
    failed: Annotated[bool, typer.Option("--failed", help="重发全部发送失败的消息")] = False,
) -> None:
    """Put failed (or named) messages back in the queue; the next `tracker jobs run alerts` sends them."""
    try:
        with session_scope() as session:
            done = resend(session=session, scope=Scope.everything(), actor=None, ids=ids or [], failed=failed)
    except DomainError as exc:
        err.print(f"[red]错误：[/red]{exc.detail}", highlight=False)
        raise typer.Exit(2) from None
    if done:
        print(f"已放回发送队列：{len(done)}条消息（{'、'.join(str(i) for i in done)}），下次运行预警任务时发送")
    else:
        print("没有需要重发的消息")
