"""Treasury exports and confirmed duplicates through every edge: `tracker actuals upload`, the API, the page."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from tests.actuals.helpers import DEPT, PAY_ZH, csv_bytes, pay
from tests.actuals.treasury_files import H1, Q1, export_csv, export_xls
from tests.signin import api_client, load_changli, page_client
from tracker.cli import app
from tracker.models import Payment

runner = CliRunner()
LINE = re.compile(r"^row (\d+), column (.+?): (.+)$")


def live_payments(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.exec(select(func.count()).select_from(Payment).where(Payment.withdrawn == False)).one())  # noqa: E712


def test_cli_books_overlapping_exports_once_and_confirms_duplicates_with_a_flag(
    committed_db: Engine, tmp_path: Path
) -> None:
    load_changli()
    q1, h1 = tmp_path / "q1.xls", tmp_path / "h1.csv"
    q1.write_bytes(export_xls(Q1))
    h1.write_bytes(export_csv(H1))
    assert runner.invoke(app, ["actuals", "upload", str(q1)]).exit_code == 0
    result = runner.invoke(app, ["actuals", "upload", str(h1)])
    assert (
        result.exit_code == 0
        and "更新已记录的支付 1 笔" in result.stdout
        and "2 笔已记录的支付未重复计入" in result.stdout
    )
    assert live_payments(committed_db) == 6
    typed = tmp_path / "typed.csv"
    typed.write_bytes(csv_bytes(PAY_ZH, [pay(day="2024-01-15", amount="10", note="1月救助金")]))
    refused = runner.invoke(app, ["actuals", "upload", str(typed)])
    assert refused.exit_code == 1
    lines = [m.groups() for line in refused.stdout.splitlines() if (m := LINE.match(line))]
    assert [(row, column) for row, column, _ in lines] == [("2", "金额（万元）")] and "疑似重复" in lines[0][2]
    assert runner.invoke(app, ["actuals", "upload", str(typed), "--allow-duplicates"]).exit_code == 0
    assert live_payments(committed_db) == 7


def test_api_takes_an_export_and_allow_duplicates_as_a_form_field(committed_db: Engine) -> None:
    load_changli()
    client: TestClient = api_client()

    def post(data: bytes, name: str, **form: str) -> dict[str, object]:
        response = client.post("/api/v1/actuals/uploads", files={"file": (name, data, "text/csv")}, data=form)
        return {"http": response.status_code, **response.json()}

    first = post(export_csv(Q1), "q1.csv")
    assert (first["http"], first["payments"]) == (201, 3)
    second = post(export_csv(H1), "h1.csv")
    assert (second["payments"], second["payments_recorded"], second["payments_updated"]) == (4, 2, 1)
    typed = csv_bytes(PAY_ZH, [pay(day="2024-01-15", amount="10", note="1月救助金")])
    refused = post(typed, "typed.csv")
    assert refused["http"] == 422
    assert [(r["row"], r["column"]) for r in refused["rows"]] == [(2, "金额（万元）")]  # type: ignore[attr-defined]
    assert post(typed, "typed.csv", allow_duplicates="true")["http"] == 201
    assert live_payments(committed_db) == 7


def test_upload_page_has_the_checkbox_and_carries_it_to_the_confirmation(committed_db: Engine) -> None:
    load_changli()
    client = page_client("mz", "department", (DEPT,))
    assert 'name="allow_duplicates"' in client.get("/upload").text
    form = {"csrf_token": client.csrf, "mode": "apply"}  # type: ignore[attr-defined]
    done = client.post("/upload", data=form, files={"file": ("zf.csv", export_csv(Q1), "text/csv")})
    assert done.status_code == 303 and live_payments(committed_db) == 3
    typed = csv_bytes(PAY_ZH, [pay(day="2024-01-15", amount="10", note="1月救助金")])
    refused = client.post("/upload", data=form, files={"file": ("typed.csv", typed, "text/csv")})
    assert refused.status_code == 422 and "疑似重复" in refused.text
    check = form | {"mode": "check", "allow_duplicates": "true"}
    checked = client.post("/upload", data=check, files={"file": ("typed.csv", typed, "text/csv")})
    assert checked.status_code == 200 and '<input type="hidden" name="allow_duplicates" value="true">' in checked.text
    token = re.search(r'name="token" value="([^"]+)"', checked.text).group(1)  # type: ignore[union-attr]
    confirm = {"csrf_token": client.csrf, "token": token, "allow_duplicates": "true"}  # type: ignore[attr-defined]
    assert client.post("/upload/confirm", data=confirm).status_code == 303
    assert live_payments(committed_db) == 4
