"""Payment rows (支出): vectorised checks per chunk, running budget totals across chunks, bulk insert.

Rules that depend on a value (unit, project, date, lock) are decided once per distinct value and mapped
onto the rows, so a 100,000-row file costs a few hundred Python calls plus column operations.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, col

from tracker.actuals.context import Context, parse_day
from tracker.actuals.parsing import Chunk
from tracker.actuals.report import Issues, RowIssue
from tracker.core.money import FEN_PER_WAN, wan_str
from tracker.models import Payment

_SEP = "\x1f"
_AMOUNT = r"[+-]?\d+(?:\.\d+)?"
_MAX_WAN_DIGITS = 10  # 99.99 亿万元 is far beyond any county budget
VALID = ["project_id", "paid_on", "amount_fen", "note", "row"]


class _Findings:
    """Marks bad rows of one chunk and lists them (as far as the listing limit allows)."""

    def __init__(self, chunk: Chunk, issues: Issues) -> None:
        self.rows, self.headers, self.sheet, self.issues = chunk.frame["row"], chunk.headers, chunk.sheet, issues
        self.bad = pd.Series(False, index=chunk.frame.index)

    def add(self, mask: pd.Series, column: str, messages: pd.Series | str) -> None:
        mask = mask.reindex(self.bad.index, fill_value=False).astype(bool)
        if not mask.any():
            return
        self.bad |= mask
        rows = self.rows[mask].tolist()
        texts = [messages] * len(rows) if isinstance(messages, str) else messages.reindex(self.bad.index)[mask].tolist()
        self.issues.add_rows(rows, self.headers.get(column, column), texts, self.sheet)


def _decide(values: pd.Series, rule: Callable[[str], str | None]) -> pd.Series:
    """Apply a rule once per distinct non-empty value; NaN where the value is fine."""
    answers = {v: m for v in values.unique() if v and (m := rule(v)) is not None}
    return values.map(answers)


@dataclass(slots=True)
class PaymentCheck:
    """Checks payment chunks in file order, keeping only totals and a digest per row for duplicates."""

    ctx: Context
    existing: dict[int, int]  # live cumulative paid per project before this file
    running: dict[int, int] = field(default_factory=dict)
    over: set[int] = field(default_factory=set)
    periods: set[tuple[str, int, int]] = field(default_factory=set)
    rows: int = 0
    skipped: int = 0
    digests: list[pd.DataFrame] = field(default_factory=list)
    where: tuple[str | None, str] = (None, "amount_wan")  # sheet and amount header, for warnings

    def check(self, chunk: Chunk) -> pd.DataFrame:
        """The chunk's good rows as VALID columns; every bad row goes to ctx.errors."""
        f, ctx = chunk.frame, self.ctx
        if f.empty:
            return pd.DataFrame(columns=VALID)
        self.where = (chunk.sheet, chunk.headers.get("amount_wan", "amount_wan"))
        found = _Findings(chunk, ctx.errors)
        dept, code = f["dept_code"].str.strip(), f["project_code"].str.strip()
        day_text, amount_text, note = f["paid_on"].str.strip(), f["amount_wan"].str.strip(), f["note"].str.strip()
        live = ~((day_text == "") & (amount_text == "") & (note == ""))
        self.skipped += int((~live).sum())
        self.rows += int(live.sum())
        for name, values in (("dept_code", dept), ("project_code", code), ("paid_on", day_text)):
            found.add(live & (values == ""), name, "必填，不能为空")
        found.add(live & (amount_text == ""), "amount_wan", "必填，不能为空")

        dept_msg = _decide(dept, ctx.dept_problem)
        found.add(live & dept_msg.notna(), "dept_code", dept_msg)
        pair = dept + _SEP + code
        pair_msg = _decide(pair, lambda k: ctx.project_problem(*k.split(_SEP)))
        found.add(live & (dept != "") & (code != "") & dept_msg.isna() & pair_msg.notna(), "project_code", pair_msg)

        days = {t: parse_day(t, ctx.today) for t in day_text[live].unique() if t}
        found.add(live & day_text.map({t: m for t, (_, m) in days.items() if m}).notna(), "paid_on",
                  day_text.map({t: m for t, (_, m) in days.items() if m}))  # fmt: skip
        iso = day_text.map({t: d.isoformat() for t, (d, _) in days.items() if d}).astype("string")
        fen, amount_msg = _amounts(amount_text)
        found.add(live & (amount_text != "") & amount_msg.notna(), "amount_wan", amount_msg)

        # the project of the date's year and the quarter's lock need only unit, project and date
        ok = live & (dept != "") & dept_msg.isna() & (code != "") & pair_msg.isna() & iso.notna()
        key = (pair + _SEP + iso.str[:4])[ok]
        refs = {k: ctx.project_in_year(d, c, int(y)) for k in key.unique() for d, c, y in [k.split(_SEP)]}
        project_id = key.map({k: r.id for k, (r, _) in refs.items() if r})
        found.add(project_id.isna(), "paid_on", key.map({k: m for k, (_, m) in refs.items() if m}))
        ok &= project_id.notna().reindex(ok.index, fill_value=False)
        month = pd.to_numeric(iso[ok].str[5:7])
        period = dept[ok] + _SEP + iso[ok].str[:4] + _SEP + ((month - 1) // 3 + 1).astype(str)
        locks = {k: ctx.lock_problem(d, int(y), int(q)) for k in period.unique() for d, y, q in [k.split(_SEP)]}
        found.add(period.map({k: m for k, m in locks.items() if m}).notna(), "paid_on",
                  period.map({k: m for k, m in locks.items() if m}))  # fmt: skip
        ok &= ~found.bad
        idx = ok[ok].index
        self.periods.update((d, int(y), int(q)) for k in period.loc[idx].unique() for d, y, q in [k.split(_SEP)])
        good = pd.DataFrame(
            {
                "project_id": project_id.loc[idx].astype("int64"),
                "paid_on": iso.loc[idx].astype(object),
                "amount_fen": fen.loc[idx].astype("int64"),
                "note": note.loc[idx].astype(object),
                "row": f.loc[idx, "row"].astype("int64"),
            },
            columns=VALID,
        ).reset_index(drop=True)
        self._budget(good, chunk)
        self.digests.append(pd.DataFrame({"digest": _digest(good), "row": good["row"].to_numpy()}))
        return good

    def _budget(self, good: pd.DataFrame, chunk: Chunk) -> None:
        """Report the first row at which a project's cumulative payments pass its budget."""
        if good.empty:
            return
        budget = {ref.id: ref.budget_fen for ref in self.ctx.projects.values()}
        pid = good["project_id"]
        carry = pid.map(lambda p: self.existing.get(p, 0) + self.running.get(p, 0))
        total = good.groupby("project_id")["amount_fen"].cumsum() + carry
        crossing = good.assign(total=total)[total > pid.map(budget)].groupby("project_id").head(1)
        for p, row, cum in zip(crossing["project_id"], crossing["row"], crossing["total"], strict=True):
            if p in self.over:
                continue
            self.over.add(int(p))
            before = self.existing.get(int(p), 0)
            message = (
                f"累计支付 {wan_str(int(cum))} 万元超过项目预算 {wan_str(budget[p])} 万元"
                f"（系统中已有 {wan_str(before)} 万元，本文件截至此行 {wan_str(int(cum) - before)} 万元）"
            )
            self.ctx.errors.add(RowIssue(int(row), chunk.headers.get("amount_wan", "amount_wan"), message, chunk.sheet))
        sums = good.groupby("project_id")["amount_fen"].sum()
        for p, amount in zip(sums.index.tolist(), sums.tolist(), strict=True):
            self.running[p] = self.running.get(p, 0) + amount

    def duplicates(self, session: Session) -> None:
        """Warn (never refuse) about payments equal to another row, or to a payment already stored."""
        if not self.digests:
            return
        sheet, header = self.where
        seen = pd.concat(self.digests, ignore_index=True)
        first = seen.drop_duplicates("digest").set_index("digest")["row"]
        again = seen[seen["digest"].duplicated()]
        messages = [
            f"与第{first[d]}行完全相同（同一项目、日期、金额、备注）；两笔相同的支付可能属实，请核对"
            for d in again["digest"].head(self.ctx.warnings.room())
        ]
        self.ctx.warnings.add_rows(again["row"].tolist(), header, messages, sheet)
        stored = _stored(session, list(self.running))
        if stored.empty:
            return
        where = dict(zip(_digest(stored), zip(stored["batch_id"], stored["row"], strict=True), strict=True))
        for digest, row in zip(seen["digest"], seen["row"], strict=True):
            if digest in where:
                batch, at = where[digest]
                message = f"与已上传的支付相同（批次 {batch} 第{at}行）；如为重复上传，请先撤回原批次"
                self.ctx.warnings.add(RowIssue(int(row), header, message, sheet))


def _amounts(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Integer fen and a message per cell (NaN when fine): 万元 above 0, at most 1 fen precise."""
    clean = text.str.replace(",", "", regex=False).str.replace("，", "", regex=False)
    number = clean.str.fullmatch(_AMOUNT).fillna(False).astype(bool)
    negative = clean.str.startswith("-").fillna(False).astype(bool)
    parts = clean.where(number, "0").str.lstrip("+-").str.partition(".")
    whole, frac = parts[0], parts[2].str.rstrip("0")
    too_precise = number & (frac.str.len() > 6)
    too_big = number & (whole.str.lstrip("0").str.len() > _MAX_WAN_DIGITS)
    usable = number & ~too_precise & ~too_big
    fen = pd.Series(0, index=text.index, dtype="int64")
    if usable.any():
        fen[usable] = pd.to_numeric(whole[usable]).astype("int64") * FEN_PER_WAN + pd.to_numeric(
            frac[usable].str.ljust(6, "0")
        ).astype("int64")
    message: pd.Series = pd.Series(np.nan, index=text.index, dtype=object)
    for mask, suffix in ((~number, "”不是数字"), (too_precise, "”精度超过1分（万元最多6位小数）"), (too_big, "”过大")):
        message.loc[mask] = ("金额“" + text[mask] + suffix).astype(object)
    message.loc[usable & (negative | (fen == 0))] = "金额应大于0"
    return fen, message


def _digest(frame: pd.DataFrame) -> np.ndarray:
    keyed = pd.DataFrame(
        {
            "project_id": frame["project_id"].astype("int64").to_numpy(),
            "paid_on": frame["paid_on"].astype(object).to_numpy(),
            "amount_fen": frame["amount_fen"].astype("int64").to_numpy(),
            "note": frame["note"].astype(object).to_numpy(),
        }
    )
    return pd.util.hash_pandas_object(keyed, index=False).to_numpy()


def _stored(session: Session, project_ids: list[int]) -> pd.DataFrame:
    columns = ["project_id", "paid_on", "amount_fen", "note", "batch_id", "row"]
    if not project_ids:
        return pd.DataFrame(columns=columns)
    query = sa.select(
        col(Payment.project_id),
        col(Payment.paid_on),
        col(Payment.amount_fen),
        col(Payment.note),
        col(Payment.batch_id),
        col(Payment.row_no),
    ).where(col(Payment.project_id).in_(project_ids), col(Payment.withdrawn) == False)  # noqa: E712
    rows = session.execute(query).tuples()
    return pd.DataFrame([(p, d.isoformat(), a, n, b, r) for p, d, a, n, b, r in rows], columns=columns)


def insert(session: Session, frame: pd.DataFrame, batch_id: int) -> None:
    """Bulk insert in the caller's transaction: COPY on PostgreSQL, executemany elsewhere."""
    if frame.empty:
        return
    conn = session.connection()
    columns = "project_id, batch_id, paid_on, amount_fen, note, row_no, withdrawn"
    if conn.dialect.name == "postgresql":
        out = frame.assign(batch_id=batch_id, withdrawn="f")
        buffer = io.StringIO()
        out[["project_id", "batch_id", "paid_on", "amount_fen", "note", "row", "withdrawn"]].to_csv(
            buffer, header=False, index=False
        )
        raw = conn.connection.driver_connection
        sql = f"COPY payment ({columns}) FROM STDIN (FORMAT csv, FORCE_NOT_NULL (note))"
        with raw.cursor() as cur, cur.copy(sql) as copy:  # type: ignore[union-attr]
            copy.write(buffer.getvalue())
        return
    rows = list(
        zip(
            frame["project_id"].tolist(),
            [batch_id] * len(frame),
            frame["paid_on"].tolist(),
            frame["amount_fen"].tolist(),
            frame["note"].tolist(),
            frame["row"].tolist(),
            [False] * len(frame),
            strict=True,
        )
    )
    marks = ", ".join(["?"] * 7) if conn.dialect.paramstyle == "qmark" else ", ".join(["%s"] * 7)
    conn.exec_driver_sql(f"INSERT INTO payment ({columns}) VALUES ({marks})", rows)
