"""Payment rows (支出): vectorised checks per chunk, running budget totals across chunks, bulk insert.

Rules that depend on a value (unit, project, date, lock) are decided once per distinct value and mapped
onto the rows, so a 100,000-row file costs a few hundred Python calls plus column operations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tracker.actuals.cellrules import SEP, Findings, amount_fen, answered, decide, per_row, signed_fen, texts
from tracker.actuals.chunks import Chunk
from tracker.actuals.columns import normalise_header
from tracker.actuals.context import Context, parse_day
from tracker.actuals.identity import (
    CHANGED,
    NEW,
    SAME,
    VOUCHER_LENGTH,
    Identities,
    Resolved,
    is_refund_identity,
    refund_identity,
)
from tracker.actuals.payment_rows import (
    QUARTERS,
    SPLIT_AMOUNT,
    VALID,
    Rows,
    fine,
    good_rows,
    old_periods,
    period,
    period_prefix,
    source_problem,
    split_amount,
)
from tracker.actuals.repeats import Repeats
from tracker.actuals.report import RowIssue
from tracker.actuals.treasury import load_mapping
from tracker.actuals.writing import insert
from tracker.core.money import wan_str

__all__ = ["PaymentCheck", "amount_fen", "insert"]  # amount_fen: bench/_install reads 万元 with it


@dataclass(slots=True)
class PaymentCheck:
    """Checks payment chunks in file order, keeping only totals and a digest per row for duplicates."""

    ctx: Context
    existing: dict[int, int]  # live cumulative paid per project before this file, read as projects appear
    paid_before: Callable[[list[int]], dict[int, int]]  # reads `existing` for projects met the first time
    identities: Identities
    running: dict[int, int] = field(default_factory=dict)
    over: set[int] = field(default_factory=set)
    period_keys: set[str] = field(default_factory=set)  # the periods written (keys: period_prefix), read by `periods`
    refunds: dict[tuple[int, str], int] = field(default_factory=dict)  # refunds met per (project, voucher)
    rows: int = 0
    skipped: int = 0
    recorded: int = 0  # rows that are payments already recorded (by voucher): booked once, not again
    updated: int = 0  # rows that change a recorded payment's date or amount
    repeats: Repeats = field(default_factory=Repeats)  # the file's rows equal to one another (warned)
    where: tuple[str | None, str] = (None, "amount_wan")  # sheet and amount header, for warnings
    words: dict[str, str] = field(default_factory=lambda: load_mapping().source_words())

    @property
    def periods(self) -> set[tuple[str, str, int, int]]:
        """The (region, unit, year, quarter) the checked rows write into, each distinct key read once."""
        return {period(k) for k in self.period_keys if k}

    def check(self, chunk: Chunk) -> pd.DataFrame:
        """The chunk's good rows to write as VALID columns; every bad row goes to ctx.errors."""
        self.where = (chunk.sheet, chunk.headers.get("amount_wan", "amount_wan"))
        if chunk.frame.empty:
            return pd.DataFrame(columns=VALID)
        r = self._read(chunk)
        self._required(r, chunk)
        self._project(r)
        self._date_and_amount(r, chunk)
        self._project_of_year(r)
        self._refund_identity(r)
        status, resolved = self._identity(r)
        old_period = old_periods(r, status, resolved)
        self._withheld_and_locked(r, status != SAME, old_period)
        ok = r.live & ~r.found.bad
        self.recorded += int((ok & (status == SAME)).sum())
        write = ok & (status != SAME)
        self.updated += int((write & (status == CHANGED)).sum())
        # an update writes into the quarter of its old date too: the batch's withdrawal is guarded by both locks
        self.period_keys.update(r.period[write].tolist(), old_period[write].tolist())
        good = good_rows(r, write, resolved)
        self._budget(good, chunk)
        fresh = good[(good["payment_id"] == 0) & (good["voucher"] == "")]
        self.repeats.add(fresh)
        return good

    def _read(self, chunk: Chunk) -> Rows:
        f = chunk.frame
        cells = {name: texts(f, name) for name in ("dept_code", "project_code", "paid_on", "amount_wan", "note")}
        blank = np.full(len(f), "", dtype=object)
        voucher = texts(f, "voucher") if "voucher" in f.columns else blank
        source = texts(f, "source") if "source" in f.columns else blank
        self.ctx.load(depts=set(cells["dept_code"].tolist()), codes=set(cells["project_code"].tolist()))
        day, amount, note = cells["paid_on"], cells["amount_wan"], cells["note"]
        live = (day != "") | (amount != "") | (note != "")
        self.skipped += len(f) - int(live.sum())
        self.rows += int(live.sum())
        found = Findings(chunk, self.ctx.errors)
        return Rows(cells["dept_code"], cells["project_code"], day, amount, note, voucher, source, live, found)

    def _required(self, r: Rows, chunk: Chunk) -> None:
        needed = [("dept_code", r.dept), ("project_code", r.code), ("paid_on", r.day), ("amount_wan", r.amount)]
        if chunk.export:  # a treasury export: the voucher is every payment's identity
            needed.append(("voucher", r.voucher))
        for name, values in needed:
            r.found.add("必填，不能为空", name, r.live & (values == ""))
        words = self.words
        at, distinct = pd.factorize(r.source)  # each distinct word read once
        problems = [source_problem(w, words) if w else None for w in distinct.tolist()]
        r.found.add(answered(at, problems), "source", r.live)
        r.source = per_row(at, [words.get(normalise_header(w), "") for w in distinct.tolist()])

    def _project(self, r: Rows) -> None:
        """The unit is the caller's to write to, and has a project under the code (in some year)."""
        ctx = self.ctx
        dept_msg = decide(r.dept, ctx.dept_problem)
        r.found.add(dept_msg, "dept_code", r.live)
        r.known = r.live & (r.dept != "") & (r.code != "") & fine(dept_msg)
        dept_at, depts = pd.factorize(r.dept)
        code_at, codes = pd.factorize(r.code)
        r.pair, pairs = pd.factorize(dept_at * len(codes) + code_at)  # a number per distinct (unit, code)
        r.pairs = [(depts[k // len(codes)], codes[k % len(codes)]) for k in pairs.tolist()]
        pair_msg = answered(r.pair, [ctx.project_problem(d, c) for d, c in r.pairs])
        r.found.add(pair_msg, "project_code", r.known)
        r.known &= fine(pair_msg)

    def _date_and_amount(self, r: Rows, chunk: Chunk) -> None:
        r.day_at, distinct = pd.factorize(r.day)  # each distinct date and amount read once
        days = [parse_day(t, self.ctx.today) if t else (None, None) for t in distinct.tolist()]
        r.found.add(answered(r.day_at, [m for _, m in days]), "paid_on", r.live)
        amount_at, distinct = pd.factorize(r.amount)
        texts = distinct.tolist()
        amounts = [signed_fen(a, chunk.unit) if a else (0, None) for a in texts]
        r.found.add(answered(amount_at, [m for _, m in amounts]), "amount_wan", r.live)
        if chunk.sheet is None:  # CSV: an unquoted 1,000.00 splits into amount 1 and note 000.00
            r.found.add(SPLIT_AMOUNT, "amount_wan", r.live & split_amount(amount_at, texts, r.note))
        r.fen = per_row(amount_at, [fen for fen, _ in amounts], np.int64)
        # a negative amount is a refund: a treasury export's, or one listed with its voucher in the template
        r.found.add("金额应大于0", "amount_wan", r.live & (r.fen < 0) & (r.voucher == "") & (not chunk.export))
        r.days = [d for d, _ in days]
        r.iso = per_row(r.day_at, [d.isoformat() if d is not None else "" for d in r.days])
        r.known &= r.iso != ""

    def _project_of_year(self, r: Rows) -> None:
        """The unit's project of the date's year; its region and quarter name the period written."""
        ctx = self.ctx
        year = per_row(r.day_at, [d.year if d is not None else 0 for d in r.days], np.int64)
        quarter = per_row(r.day_at, [(d.month - 1) // 3 if d is not None else 0 for d in r.days], np.int64)
        # a number per distinct (unit, code, year): the year is below 10,000
        key_at, distinct = pd.factorize(np.where(r.known, r.pair * 10_000 + year, -1))
        keys: list[int] = distinct.tolist()
        refs = [ctx.project_in_year(*r.pairs[k // 10_000], year=k % 10_000) if k >= 0 else (None, None) for k in keys]
        r.found.add(answered(key_at, [m for _, m in refs]), "paid_on", r.known)
        r.project_id = per_row(key_at, [ref.id if ref is not None else 0 for ref, _ in refs], np.int64)
        r.known &= r.project_id != 0
        # the period of each known row: region, unit, year, quarter, built once per distinct one
        period_at, periods = pd.factorize(np.where(r.known, key_at * 4 + quarter, -1))
        prefix = [period_prefix(ref) for ref, _ in refs]  # region, unit, year: once per distinct key
        r.period = per_row(period_at, [prefix[k >> 2] + QUARTERS[k & 3] if k >= 0 else "" for k in periods.tolist()])

    def _refund_identity(self, r: Rows) -> None:
        """A refund (negative amount) under a voucher is its own payment: voucher + 退回 mark (refund_identity)."""
        at = np.flatnonzero(r.known & (r.fen < 0) & (r.voucher != ""))
        if not at.size:
            return
        voucher, too_long = r.voucher.copy(), np.full(len(r.live), None, dtype=object)
        for i in at.tolist():
            key = (int(r.project_id[i]), str(r.voucher[i]))
            if is_refund_identity(key[1]):
                continue  # the template lists a recorded refund under its own identity
            self.refunds[key] = self.refunds.get(key, 0) + 1
            voucher[i] = refund_identity(key[1], self.refunds[key])
            if len(voucher[i]) > VOUCHER_LENGTH:
                too_long[i] = f"退回的身份“{voucher[i]}”超过{VOUCHER_LENGTH}个字符：支付凭证号过长"
        r.voucher = voucher
        r.found.add(too_long if pd.notna(too_long).any() else None, "voucher", r.known)
        r.known &= ~r.found.bad

    def _identity(self, r: Rows) -> tuple[np.ndarray, Resolved | None]:
        """New, recorded (by voucher) or changed; unvouchered duplicates of recorded payments refused."""
        status = np.full(len(r.live), NEW, dtype=np.int8)
        r.cand = r.known & ~r.found.bad
        if not r.cand.any():
            return status, None
        at = np.flatnonzero(r.cand)
        self._read_existing(r.project_id[at])  # also tells the lookups how many payments each project has
        resolved = self.identities.resolve(
            pd.DataFrame(
                {
                    "project_id": r.project_id[at],
                    "paid_on": r.iso[at],
                    "amount_fen": r.fen[at],
                    "note": r.note[at],
                    "voucher": r.voucher[at],
                    "row": r.found.rows[at],
                }
            )
        )
        status[at] = resolved.status
        errors = np.full(len(r.live), None, dtype=object)
        errors[at] = resolved.errors
        column = "voucher" if "voucher" in r.found.headers else "amount_wan"
        r.found.add(errors if pd.notna(errors).any() else None, column, r.cand)
        warned = np.flatnonzero(pd.notna(resolved.warnings))
        sheet, header = self.where
        self.ctx.warnings.add_rows(r.found.rows[at[warned]].tolist(), header, resolved.warnings[warned].tolist(), sheet)
        return status, resolved

    def _withheld_and_locked(self, r: Rows, writes: np.ndarray, old_period: np.ndarray) -> None:
        """A project under 暂缓拨款, or a quarter locked by approval, takes no new payment (nor a change).

        A change of a recorded payment also changes the quarter of its old date (moving a payment out of a
        locked quarter changes that quarter's figures): that quarter's lock refuses it too.
        """
        ctx, where = self.ctx, r.known & writes
        if ctx.withheld:
            at, ids = pd.factorize(r.project_id)
            r.found.add(answered(at, [ctx.withheld_problem(i) for i in ids.tolist()]), "project_code", where)
        if not ctx.locks:  # no quarter of the file's units is locked
            return
        r.found.add(decide(r.period, lambda k: ctx.lock_problem(*period(k))), "paid_on", where)

        def old_locked(key: str) -> str | None:
            problem = ctx.lock_problem(*period(key))
            day = key.split(SEP)[-1]
            return None if problem is None else f"已记录的这笔支付原日期为 {day}，更改它就改动了所在季度：{problem}"

        r.found.add(decide(old_period, old_locked), "paid_on", where & ~r.found.bad)

    def _read_existing(self, pid: np.ndarray) -> None:
        """`existing` for the projects met the first time."""
        unread = sorted(set(pid.tolist()) - self.existing.keys())
        if unread:
            self.existing.update(self.paid_before(unread))

    def _budget(self, good: pd.DataFrame, chunk: Chunk) -> None:
        """Report the first row at which a project's cumulative payments pass its budget."""
        if good.empty:
            return
        budget = self.ctx.budgets
        pid = good["project_id"]
        self._read_existing(pid.to_numpy())
        carry = {p: self.existing.get(p, 0) + self.running.get(p, 0) for p in set(pid.tolist())}
        delta = good["amount_fen"] - good["old_fen"]  # an update adds its change, a new payment its amount
        total = delta.groupby(pid).cumsum() + pid.map(carry)
        crossing = good.assign(total=total)[total > pid.map(budget)].groupby("project_id").head(1)
        for p, row, cum in zip(crossing["project_id"], crossing["row"], crossing["total"], strict=True):
            if p in self.over:
                continue
            self.over.add(int(p))
            before = self.existing.get(int(p), 0)
            message = (
                f"累计支付 {wan_str(int(cum))} 万元超过项目预算 {wan_str(budget[p])} 万元"
                f"（预算含已记录的调整；系统中已有 {wan_str(before)} 万元，"
                f"本文件截至此行 {wan_str(int(cum) - before)} 万元）"
            )
            self.ctx.errors.add(RowIssue(int(row), chunk.headers.get("amount_wan", "amount_wan"), message, chunk.sheet))
        sums = delta.groupby(pid).sum()
        for p, amount in zip(sums.index.tolist(), sums.tolist(), strict=True):
            self.running[p] = self.running.get(p, 0) + amount

    def duplicates(self) -> None:
        """Warn (never refuse) about unvouchered payments equal to another row of the file."""
        sheet, header = self.where
        self.repeats.warn(self.ctx.warnings, header, sheet)
