"""The lookups' key arrays packed with numpy (tracker/actuals/lookups.pg_array) reach PostgreSQL as the
values they stand for: numbers of any sign and size an amount may have, dates on either side of
PostgreSQL's day 0 (2000-01-01) and leap days; a text that is no date is refused by the server, as a
value psycopg sent would be."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import Engine

from tracker.actuals.lookups import _Packed, _packed_dumper, pg_array

NUMBERS = [0, 1, -1, 2**31, -(2**31) - 1, 2**63 - 1, -(2**63), 1_234_567_890_123]
DAYS = ["2024-02-29", "2000-01-01", "1999-12-31", "1970-01-01", "2099-12-31", "2024-03-01"]


@pytest.fixture
def cursor(pg_engine: Engine) -> Iterator[Any]:
    with pg_engine.connect() as conn:
        raw = conn.connection.driver_connection
        with raw.cursor() as cur:  # type: ignore[union-attr]
            cur.adapters.register_dumper(_Packed, _packed_dumper())
            yield cur


def test_packed_numbers_and_dates_are_the_values_they_stand_for(cursor: Any) -> None:
    numbers, days = pg_array("bigint", NUMBERS), pg_array("date", DAYS)
    assert isinstance(numbers, _Packed) and isinstance(days, _Packed)
    got = cursor.execute("SELECT CAST(%b AS bigint[]), CAST(%b AS date[])", [numbers, days]).fetchone()
    assert got == (NUMBERS, [date.fromisoformat(d) for d in DAYS])


def test_dates_given_as_dates_pack_as_their_text_does(cursor: Any) -> None:
    as_dates = pg_array("date", [date.fromisoformat(d) for d in DAYS])
    assert (cursor.execute("SELECT CAST(%b AS date[])", [as_dates]).fetchone()[0]
            == [date.fromisoformat(d) for d in DAYS])  # fmt: skip


def test_a_text_that_is_no_date_is_left_to_the_server_to_refuse(cursor: Any) -> None:
    column = pg_array("date", ["2024-03-01", "不是日期"])
    assert column == ["2024-03-01", "不是日期"]  # not packed
    with pytest.raises(psycopg.errors.DataError, match="date"):
        cursor.execute("SELECT CAST(%b AS date[])", [column])


def test_other_kinds_are_left_to_psycopg(cursor: Any) -> None:
    assert pg_array("text", ["B1-2", "凭证"]) == ["B1-2", "凭证"]
