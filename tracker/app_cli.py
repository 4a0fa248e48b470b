"""The application's own commands: `tracker db upgrade` and `tracker serve`."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.console import err, load_rules

db_app = typer.Typer(help="数据库", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema."""
    from tracker import migrate

    migrate.upgrade()
    err.print("数据库已是最新结构")


def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    workers: Annotated[int, typer.Option(help="web worker processes (PostgreSQL)")] = 1,
) -> None:
    """Serve the web pages and the API."""
    import uvicorn

    from tracker.config import get_settings

    load_rules()  # a bad rules file stops the start here, exit 2 naming the key (each worker loads it again)

    # a client address from X-Forwarded-For only when it comes from a configured proxy: anyone else
    # could rotate it to dodge the sign-in limit. Our logging (text or JSON lines, with request ids)
    # instead of uvicorn's, in every worker (the factory sets it up); the access line is ours too.
    proxies = get_settings().trusted_proxies
    uvicorn.run(
        "tracker.main:served",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
        log_config=None,
        access_log=False,
    )
