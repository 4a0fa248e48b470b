"""Alert tests run against a real SMTP server and a real webhook receiver on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import Engine

from tests.support import MailServer, lagging_first_quarter
from tracker.alerts.contacts import set_contacts
from tracker.config import ROOT, get_settings
from tracker.db import session_scope

MZ, JY, TY, CZ = "mz@example.cn", "jy@example.cn", "ty@example.cn", "cz@example.cn"


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    server = MailServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def use(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Set TRACKER_* settings for the rest of the test (and for subprocesses it starts)."""

    def apply(**values: Any) -> None:
        for key, value in values.items():
            monkeypatch.setenv(f"TRACKER_{key.upper()}", str(value))
        get_settings.cache_clear()

    return apply


@pytest.fixture
def rules(tmp_path: Path, use: Callable[..., None]) -> Callable[..., None]:
    """Override sections of config/rules.yaml, e.g. rules(alerts={"send_lease_seconds": 1})."""

    def apply(**sections: dict[str, Any]) -> None:
        data = yaml.safe_load((ROOT / "config" / "rules.yaml").read_text(encoding="utf-8"))
        for name, values in sections.items():
            data.setdefault(name, {}).update(values)
        folder = tmp_path / "config"
        folder.mkdir(exist_ok=True)
        (folder / "rules.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        use(config_dir=folder)

    return apply


@pytest.fixture
def quarter(committed_db: Engine, smtp: MailServer, use: Callable[..., None]) -> Engine:
    """The lagging first quarter, committed, with contacts for 314001, 360001, 320001 and the finance bureau.

    361001 (a red project) has no contact on purpose. Mail goes to the test SMTP server.
    """
    use(smtp_host="127.0.0.1", smtp_port=smtp.port, mail_from="tracker@czj.example.cn")
    with session_scope() as session:
        lagging_first_quarter(session)
        set_contacts(session=session, dept_code="314001", emails=[MZ])
        set_contacts(session=session, dept_code="360001", emails=[JY])
        set_contacts(session=session, dept_code="320001", emails=[TY])
        set_contacts(session=session, dept_code=None, emails=[CZ])
    return committed_db
