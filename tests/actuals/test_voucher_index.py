"""uq_payment_project_id_voucher (DOMAIN.md §7): a voucher is one live payment's identity within its project.

The model declares the index's condition in `info["where"]` (not as a dialect option, which would load that
dialect in every command); the migrated database must hold the index partial on exactly that condition.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from tracker.models import Payment, UploadBatch
from tracker.models.actuals import LIVE_VOUCHER

INDEX = "uq_payment_project_id_voucher"


def _plain(where: str) -> str:
    """A condition as written, without the casts and parentheses PostgreSQL adds when it prints one back."""
    return " ".join(re.sub(r"::\w+|[()]", "", where).split())


def test_the_model_declares_the_index_unique_on_project_and_voucher() -> None:
    index = next(i for i in Payment.__table__.indexes if i.name == INDEX)  # type: ignore[attr-defined]
    assert index.unique and [c.name for c in index.columns] == ["project_id", "voucher"]
    assert index.info["where"] == LIVE_VOUCHER


def test_the_migrated_index_is_partial_on_the_models_condition(db: Session) -> None:
    found = {i["name"]: i for i in sa.inspect(db.connection()).get_indexes("payment")}
    index = found[INDEX]
    where = index.get("dialect_options", {}).get(f"{db.connection().dialect.name}_where")
    assert index["unique"] and index["column_names"] == ["project_id", "voucher"]
    assert where is not None and _plain(str(where)) == _plain(LIVE_VOUCHER)


def _payment(db: Session, batch_id: int, voucher: str, *, withdrawn: bool = False) -> Payment:
    project_id = db.connection().exec_driver_sql("SELECT min(id) FROM project").scalar_one()
    return Payment(
        project_id=project_id, batch_id=batch_id, paid_on=date(2024, 3, 1), amount_fen=100, row_no=2, voucher=voucher,
        withdrawn=withdrawn,
    )  # fmt: skip


def test_a_voucher_names_one_live_payment_and_blank_or_withdrawn_ones_are_outside_the_index(db: Session) -> None:
    batch = UploadBatch(filename="t.csv", sha256="0" * 64, payments=0)
    db.add(batch)
    db.flush()
    assert batch.id is not None
    db.add_all([_payment(db, batch.id, ""), _payment(db, batch.id, "")])  # no voucher: not in the index
    db.add_all([_payment(db, batch.id, "V1", withdrawn=True), _payment(db, batch.id, "V1")])  # one withdrawn
    db.flush()
    with pytest.raises(IntegrityError), db.begin_nested():  # a second live payment under V1
        db.add(_payment(db, batch.id, "V1"))
        db.flush()
