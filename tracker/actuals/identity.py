"""Which checked payment rows are new, already recorded, or a change of a recorded payment (DOMAIN.md §7).

The voucher (支付凭证号) is a payment's identity within its project: a row whose voucher is recorded with
the same date and amount is that payment (booked once, never twice); with another date or amount it is
an update. A row without a voucher that equals a recorded payment (project, date, amount, note) is a
likely duplicate: refused unless the upload confirms duplicates. A refund (a row flagged 退回, or a negative
amount) under a voucher is a payment of its own, "{voucher}-退回" (the second refund of the voucher in one
file "{voucher}-退回2", …): it never collides with the payment it returns, and an export read again finds it
recorded. A refund recorded before this rule, under the bare voucher with a negative amount, is still it.
Every lookup is SQL over the chunk's own values, in statements of bounded size (tracker/bulk.py); only the
days with payments of projects a large file names many times are read whole, up to a bound (known.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, col

from tracker.actuals.known import KnownPayments
from tracker.actuals.lookups import by_keys, plain_rows
from tracker.bulk import matching
from tracker.core.money import wan_str
from tracker.models import Payment

NEW, SAME, CHANGED = 0, 1, 2
REFUND = "-退回"  # a refund's identity: the voucher it came back under, then this mark (and its ordinal)
VOUCHER_LENGTH = 60  # Payment.voucher
_REFUND_ID = re.compile(r".+" + REFUND + r"\d*")


def refund_identity(voucher: str, nth: int = 1) -> str:
    """The identity of the `nth` refund in a file under `voucher` (DOMAIN.md §7, config/treasury.yaml)."""
    return f"{voucher}{REFUND}{nth if nth > 1 else ''}"


def is_refund_identity(voucher: str) -> bool:
    return _REFUND_ID.fullmatch(voucher) is not None


def _bare(voucher: str) -> str:
    return voucher[: voucher.rindex(REFUND)] if is_refund_identity(voucher) else voucher


_Key = tuple[int, str, int, str]  # project id, date (ISO), amount in fen, note
_Found = tuple[str, int, int]  # voucher, batch, row of the recorded payment


@dataclass(slots=True)
class Resolved:
    """Per candidate row: its status, the recorded payment (id, date, amount) and a refusal or warning."""

    status: np.ndarray
    payment_id: np.ndarray
    old_paid_on: np.ndarray
    old_fen: np.ndarray
    old_source: np.ndarray  # object: the recorded payment's 资金性质
    errors: np.ndarray  # object: a message or None
    warnings: np.ndarray  # object: a message or None


@dataclass(slots=True)
class Identities:
    """Resolves the rows of one upload, chunk by chunk; remembers the vouchers met so far in the file."""

    session: Session
    allow_duplicates: bool = False
    seen: dict[tuple[int, str], int] = field(default_factory=dict)  # (project, voucher) -> first row
    known: KnownPayments = field(default_factory=KnownPayments)  # days with payments, for unvouchered rows

    def resolve(self, rows: pd.DataFrame) -> Resolved:
        """`rows`: project_id, paid_on (ISO text), amount_fen, note, voucher, row."""
        n = len(rows)
        out = Resolved(
            status=np.full(n, NEW, dtype=np.int8),
            payment_id=np.zeros(n, dtype=np.int64),
            old_paid_on=np.full(n, "", dtype=object),
            old_fen=np.zeros(n, dtype=np.int64),
            old_source=np.full(n, "", dtype=object),
            errors=np.full(n, None, dtype=object),
            warnings=np.full(n, None, dtype=object),
        )
        if n == 0:
            return out
        vouchered = (rows["voucher"] != "").to_numpy()
        self._repeated(rows, vouchered, out)
        self._recorded(rows, vouchered, out)
        self._equal(rows, ~vouchered, out)
        return out

    def _repeated(self, rows: pd.DataFrame, vouchered: np.ndarray, out: Resolved) -> None:
        """A voucher twice in the file (same project) names one payment twice."""
        given = np.flatnonzero(vouchered)  # only these rows are looked at
        part = rows.iloc[given]
        keys = zip(part["project_id"].tolist(), part["voucher"].tolist(), part["row"].tolist(), strict=True)
        for at, (pid, voucher, row) in zip(given.tolist(), keys, strict=True):
            first = self.seen.setdefault((int(pid), voucher), int(row))
            if first != row:
                out.errors[at] = f"支付凭证号“{voucher}”与第{first}行重复：一张凭证只能是一笔支付"

    def _recorded(self, rows: pd.DataFrame, vouchered: np.ndarray, out: Resolved) -> None:
        """The recorded payment of each (project, voucher), looked up through uq_payment_project_id_voucher."""
        given = set(zip(rows["project_id"][vouchered].tolist(), rows["voucher"][vouchered].tolist(), strict=True))
        pairs = sorted(given | {(p, _bare(v)) for p, v in given if is_refund_identity(v)})  # and legacy refunds
        stored: dict[tuple[int, str], tuple[int, str, int, str]] = {}
        # the partial index's own condition, written as it is, so that SQLite and PostgreSQL use the index
        found = by_keys(
            self.session,
            "p.id, p.project_id, p.voucher, p.paid_on, p.amount_fen, p.source",
            [("project_id", "bigint"), ("voucher", "text")],
            [[p for p, _ in pairs], [v for _, v in pairs]],
            "p.voucher <> '' AND NOT p.withdrawn",
        )
        for pid, project, voucher, day, fen, source in found:
            stored[(project, voucher)] = (pid, _iso(day), int(fen), source)
        if not stored:
            return
        keys = zip(rows["project_id"].tolist(), rows["voucher"].tolist(), strict=True)
        days, fens = rows["paid_on"].tolist(), rows["amount_fen"].tolist()
        for at, (project_id, voucher_text) in enumerate(keys):
            hit = stored.get((int(project_id), voucher_text)) if vouchered[at] else None
            if hit is None and vouchered[at] and is_refund_identity(voucher_text):
                legacy = stored.get((int(project_id), _bare(voucher_text)))  # a refund stored under its voucher
                hit = legacy if legacy is not None and legacy[2] < 0 else None
            if hit is None:
                continue
            out.payment_id[at], out.old_paid_on[at], out.old_fen[at], out.old_source[at] = hit
            out.status[at] = SAME if (hit[1], hit[2]) == (days[at], int(fens[at])) else CHANGED

    def _equal(self, rows: pd.DataFrame, unvouchered: np.ndarray, out: Resolved) -> None:
        """Unvouchered rows equal to a recorded payment: refused, or a warning when duplicates are confirmed.

        Rows of a project whose days with payments are known (known.py) are looked up only on those days.
        """
        if not unvouchered.any():
            return
        at = np.flatnonzero(unvouchered)
        part = rows.iloc[at]
        pid, fen = part["project_id"].to_numpy(dtype=np.int64), part["amount_fen"].to_numpy(dtype=np.int64)
        day, note = part["paid_on"].to_numpy(dtype=object), part["note"].to_numpy(dtype=object)
        counted = self.known.looked_up(pid[~self.known.holds(pid)])  # to look up, unless their days are read now
        self._read_known(counted)
        held = self.known.holds(pid)
        ask = np.flatnonzero(~held)
        if held.any():
            mine = np.flatnonzero(held)
            ask = np.sort(np.concatenate([ask, mine[self.known.paid_that_day(pid[mine], day[mine])]]))
        found = self._look_up(pid[ask], day[ask], fen[ask]) if ask.size else {}
        for i in ask.tolist() if found else []:
            hit = found.get((int(pid[i]), day[i], int(fen[i]), note[i]))
            if hit is None:
                continue
            voucher, batch, row = hit
            same = (
                f"与已记录的支付相同（支付凭证号 {voucher}，批次 {batch} 第{row}行："
                f"项目、日期、金额 {wan_str(int(fen[i]))} 万元、备注均相同）"
            )
            if self.allow_duplicates:
                out.warnings[at[i]] = f"{same}；已按确认的重复支付写入"
            else:
                out.errors[at[i]] = (
                    f"{same}，疑似重复上传；如确为另一笔支付，请勾选“允许重复支付”（--allow-duplicates）后再上传"
                )

    def _look_up(self, pid: np.ndarray, day: np.ndarray, fen: np.ndarray) -> dict[_Key, _Found]:
        """The recorded live payments of these (project, date, amount) keys: one per key and note (on SQLite
        the first by id)."""
        # the distinct keys, deduplicated on numbers (the date as its code in date order) and looked up in
        # index order: SQLite then finds neighbouring keys on pages it has just read
        day_at, days = pd.factorize(day, sort=True)
        first = np.flatnonzero(~pd.DataFrame({"p": pid, "d": day_at, "a": fen}).duplicated().to_numpy())
        first = first[np.lexsort((fen[first], day_at[first], pid[first]))]
        found: dict[_Key, _Found] = {}
        rows_found = by_keys(
            self.session,
            "p.project_id, p.paid_on, p.amount_fen, p.note, p.voucher, p.batch_id, p.row_no",
            [("project_id", "bigint"), ("paid_on", "date"), ("amount_fen", "bigint")],
            [pid[first], days[day_at[first]], fen[first]],
            "NOT p.withdrawn",
        )
        for p, d, a, note, voucher, batch, row in rows_found:
            found.setdefault((p, _iso(d), int(a), note), (voucher, batch, row))
        return found

    def _read_known(self, counted: list[int]) -> None:
        """Read the days with payments of the projects whose lookups made that worth it (known.py): from
        the (project_id, paid_on) index alone, withdrawn payments' days included."""
        projects = self.known.worth_reading(counted)
        if not projects:
            return
        paid: list[tuple[int, Any]] = []
        query = sa.select(col(Payment.project_id), col(Payment.paid_on))
        conn = self.session.connection()
        for among in matching(self.session, col(Payment.project_id), projects):
            paid += plain_rows(conn.execute(query.where(among)))
        pid, day = zip(*paid, strict=True) if paid else ((), ())
        self.known.add(projects, np.array(pid, dtype=np.int64), np.array(day, dtype=object))


@dataclass(frozen=True, slots=True)
class Recorded:
    """A live payment as the template lists it."""

    project_id: int
    paid_on: date
    amount_fen: int
    note: str
    voucher: str


def recorded(session: Session, project_ids: list[int]) -> dict[int, list[Recorded]]:
    """The live payments of the projects, by date, each with its voucher (the template lists them)."""
    out: dict[int, list[Recorded]] = {}
    query = sa.select(
        col(Payment.project_id), col(Payment.paid_on), col(Payment.amount_fen), col(Payment.note), col(Payment.voucher)
    ).where(col(Payment.withdrawn) == False)  # noqa: E712
    for among in matching(session, col(Payment.project_id), project_ids):
        for pid, day, fen, note, voucher in session.execute(query.where(among)).tuples():
            out.setdefault(pid, []).append(Recorded(pid, day, int(fen), note, voucher))
    for payments in out.values():
        payments.sort(key=lambda p: (p.paid_on, p.voucher))
    return out


def _iso(day: Any) -> str:
    return day.isoformat() if isinstance(day, date) else str(day)


def yuan_str(fen: int) -> str:
    """Exact 元 with two decimals: an update of a few fen must show in the audit trail."""
    sign, fen = ("-" if fen < 0 else ""), abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def _date(iso: str) -> date:
    return date.fromisoformat(iso)


def update(session: Session, changed: pd.DataFrame) -> None:
    """New date and amount of recorded payments (rows with payment_id), one executemany."""
    if changed.empty:
        return
    set_payments(
        session,
        [
            {"pid": int(p), "day": _date(d), "fen": int(a), "src": s}
            for p, d, a, s in zip(
                changed["payment_id"], changed["paid_on"], changed["amount_fen"], changed["source"], strict=True
            )
        ],
    )


def set_payments(session: Session, params: list[dict[str, Any]]) -> None:
    """Date, amount and 资金性质 of payments by id (`pid`, `day`, `fen`, `src` per payment), one executemany.

    An upload's update writes the new values; a withdrawal of its batch (batches._restore) puts back the old.
    """
    table = sa.table("payment", sa.column("id"), sa.column("paid_on"), sa.column("amount_fen"), sa.column("source"))
    stmt = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("pid"))
        .values(paid_on=sa.bindparam("day"), amount_fen=sa.bindparam("fen"), source=sa.bindparam("src"))
    )
    session.execute(stmt, params)


def update_entries(changed: pd.DataFrame, actor: str, batch_id: int) -> list[dict[str, Any]]:
    """Audit entries of the changed payments: amount and date, old → new, under the voucher."""
    entries: list[dict[str, Any]] = []
    columns = ("payment_id", "project_id", "voucher", "row", "old_fen", "amount_fen", "old_paid_on", "paid_on",
               "old_source", "source")  # fmt: skip
    for pid, project, voucher, row, old_fen, fen, old_day, day, old_source, source in zip(
        *(changed[c].tolist() for c in columns), strict=True
    ):
        base = {"actor": actor, "action": "payment.update", "entity": "payment", "entity_id": pid,
                "batch_id": batch_id, "project_id": project,
                "note": f"支付凭证号 {voucher}：批次 {batch_id} 第{row}行更新了已记录的支付"}  # fmt: skip
        entries.append(base | {"field": "amount_yuan", "old": yuan_str(old_fen), "new": yuan_str(fen)})
        entries.append(base | {"field": "paid_on", "old": old_day, "new": day})
        entries.append(base | {"field": "source", "old": old_source, "new": source})  # so a withdrawal restores it
    return entries
