"""Payment rows (支出): vectorised checks per chunk, running budget totals across chunks, bulk insert.

Rules that depend on a value (unit, project, date, lock) are decided once per distinct value and mapped
onto the rows, so a 100,000-row file costs a few hundred Python calls plus column operations.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, col

from tracker import limits
from tracker.actuals.chunks import Chunk
from tracker.actuals.context import Context, parse_day
from tracker.actuals.report import Issues, RowIssue
from tracker.bulk import matching
from tracker.core.money import FEN_PER_WAN, wan_str
from tracker.models import Payment

_SEP = "\x1f"
_AMOUNT = re.compile(r"([+-]?)(\d+)(?:\.(\d+))?")
VALID = ["project_id", "paid_on", "amount_fen", "note", "row"]


def amount_fen(text: str) -> tuple[int, str | None]:
    """Integer fen of an amount written in 万元, or why it is not one: a number above 0, at most 1 fen precise."""
    match = _AMOUNT.fullmatch(text.replace(",", "").replace("，", ""))
    if match is None:
        return 0, f"金额“{limits.shorten(text)}”不是数字"
    sign, whole, frac = match[1], match[2], (match[3] or "").rstrip("0")
    if len(frac) > limits.AMOUNT_DECIMALS:
        return 0, f"金额“{limits.shorten(text)}”精度超过1分（万元最多6位小数）"
    if len(whole.lstrip("0")) > limits.AMOUNT_WAN_DIGITS:
        return 0, f"金额“{limits.shorten(text)}”超出上限（最大 999,999,999.999999 万元）"
    fen = int(whole) * FEN_PER_WAN + int(frac.ljust(6, "0"))
    if sign == "-" or fen == 0:
        return 0, "金额应大于0"
    return fen, None


_GROUP_HEAD = re.compile(r"[+-]?\d{1,3}")
_GROUP_TAIL = re.compile(r"\d{3}(?:\.\d*)?")
_SPLIT_AMOUNT = (
    "金额含千分位逗号却没有加英文引号（如 1,000.00 被拆成金额“1”和备注“000.00”）：请给金额加引号，或去掉千分位逗号"
)


def _split_amount(amount: np.ndarray, note: np.ndarray) -> np.ndarray:
    """Rows whose amount and note read as one number cut at its thousands comma (a CSV field too many)."""
    return np.array(
        [bool(_GROUP_HEAD.fullmatch(a) and _GROUP_TAIL.fullmatch(n)) for a, n in zip(amount, note, strict=True)],
        dtype=bool,
    )


def _decide(values: np.ndarray, rule: Callable[[str], str | None]) -> np.ndarray | None:
    """A rule applied once per distinct non-empty value, answered per row (None where fine; None if all are)."""
    answers = {v: m for v in set(values.tolist()) if v and (m := rule(v)) is not None}
    if not answers:
        return None
    return np.array([answers.get(v) for v in values.tolist()], dtype=object)


def _texts(frame: pd.DataFrame, name: str) -> np.ndarray:
    return np.array([v.strip() for v in frame[name].tolist()], dtype=object)


def _joined(*parts: np.ndarray) -> np.ndarray:
    out = parts[0]
    for part in parts[1:]:
        out = out + _SEP + part
    return out


class _Findings:
    """Marks bad rows of one chunk and lists them (as far as the listing limit allows)."""

    def __init__(self, chunk: Chunk, issues: Issues) -> None:
        self.rows = chunk.frame["row"].to_numpy()
        self.headers, self.sheet, self.issues = chunk.headers, chunk.sheet, issues
        self.bad = np.zeros(len(self.rows), dtype=bool)

    def add(self, messages: np.ndarray | str | None, column: str, where: np.ndarray) -> None:
        """Report the rows inside `where` whose message is given (one text for all, or one per row)."""
        if messages is None:
            return
        hit = where if isinstance(messages, str) else where & pd.notna(messages)
        if not hit.any():
            return
        self.bad |= hit
        at = np.flatnonzero(hit)
        shown = at[: self.issues.room()]
        texts = [messages] * len(shown) if isinstance(messages, str) else messages[shown].tolist()
        self.issues.add_rows(self.rows[at].tolist(), self.headers.get(column, column), texts, self.sheet)


@dataclass(slots=True)
class PaymentCheck:
    """Checks payment chunks in file order, keeping only totals and a digest per row for duplicates."""

    ctx: Context
    existing: dict[int, int]  # live cumulative paid per project before this file, read as projects appear
    paid_before: Callable[[list[int]], dict[int, int]] | None = None  # reads `existing` for new projects
    running: dict[int, int] = field(default_factory=dict)
    over: set[int] = field(default_factory=set)
    periods: set[tuple[str, str, int, int]] = field(default_factory=set)  # (region, unit, year, quarter)
    rows: int = 0
    skipped: int = 0
    digests: list[pd.DataFrame] = field(default_factory=list)
    where: tuple[str | None, str] = (None, "amount_wan")  # sheet and amount header, for warnings

    def check(self, chunk: Chunk) -> pd.DataFrame:
        """The chunk's good rows as VALID columns; every bad row goes to ctx.errors."""
        f, ctx = chunk.frame, self.ctx
        self.where = (chunk.sheet, chunk.headers.get("amount_wan", "amount_wan"))
        if f.empty:
            return pd.DataFrame(columns=VALID)
        dept, code, day, amount, note = (
            _texts(f, name) for name in ("dept_code", "project_code", "paid_on", "amount_wan", "note")
        )
        ctx.load(depts=set(dept.tolist()), codes=set(code.tolist()))
        live = (day != "") | (amount != "") | (note != "")
        self.skipped += len(f) - int(live.sum())
        self.rows += int(live.sum())
        found = _Findings(chunk, ctx.errors)
        for name, values in (("dept_code", dept), ("project_code", code), ("paid_on", day), ("amount_wan", amount)):
            found.add("必填，不能为空", name, live & (values == ""))

        dept_msg = _decide(dept, ctx.dept_problem)
        found.add(dept_msg, "dept_code", live)
        known = live & (dept != "") & (code != "") & (pd.isna(dept_msg) if dept_msg is not None else True)
        pair = _joined(dept, code)
        pair_msg = _decide(pair, lambda k: ctx.project_problem(*k.split(_SEP)))
        found.add(pair_msg, "project_code", known)
        days = {t: parse_day(t, ctx.today) for t in set(day.tolist()) if t}
        found.add(_decide(day, lambda t: days[t][1]), "paid_on", live)
        amounts = {a: amount_fen(a) for a in set(amount.tolist()) if a}
        found.add(_decide(amount, lambda a: amounts[a][1]), "amount_wan", live)
        if chunk.sheet is None:  # CSV: an unquoted 1,000.00 splits into amount 1 and note 000.00
            found.add(_SPLIT_AMOUNT, "amount_wan", live & _split_amount(amount, note))

        # the project of the date's year and the quarter's lock need only unit, project and date
        iso_of = {t: d.isoformat() for t, (d, _) in days.items() if d is not None}
        iso = np.array([iso_of.get(t, "") for t in day.tolist()], dtype=object)
        known &= (iso != "") & (pd.isna(pair_msg) if pair_msg is not None else True)
        year_key = np.where(known, _joined(pair, np.array([i[:4] for i in iso.tolist()], dtype=object)), "")
        refs = {
            k: ctx.project_in_year(d, c, int(y)) for k in set(year_key.tolist()) if k for d, c, y in [k.split(_SEP)]
        }
        found.add(_decide(year_key, lambda k: refs[k][1]), "paid_on", known)
        ids = {k: ref.id for k, (ref, _) in refs.items() if ref is not None}
        project_id = np.array([ids.get(k, 0) for k in year_key.tolist()], dtype=np.int64)
        known &= project_id != 0
        if ctx.withheld:
            pid_text = np.array([str(i) for i in project_id.tolist()], dtype=object)
            found.add(_decide(pid_text, lambda i: ctx.withheld_problem(int(i))), "project_code", known)
        quarter = np.array([_QUARTER.get(i[5:7], "") for i in iso.tolist()], dtype=object)
        places = {k: ref.region_code for k, (ref, _) in refs.items() if ref is not None}
        region = np.array([places.get(k, "") for k in year_key.tolist()], dtype=object)
        years = np.array([i[:4] for i in iso.tolist()], dtype=object)
        period = np.where(known, _joined(_joined(region, dept), years, quarter), "")
        found.add(_decide(period, lambda k: ctx.lock_problem(*_period(k))), "paid_on", known)

        ok = live & ~found.bad
        self.periods.update(_period(k) for k in set(period[ok].tolist()))
        fen = np.array([amounts[a][0] if a else 0 for a in amount.tolist()], dtype=np.int64)
        good = pd.DataFrame(
            {
                "project_id": project_id[ok],
                "paid_on": iso[ok],
                "amount_fen": fen[ok],
                "note": note[ok],
                "row": found.rows[ok].astype(np.int64),
            },
            columns=VALID,
        )
        self._budget(good, chunk)
        self.digests.append(pd.DataFrame({"digest": _digest(good), "row": good["row"].to_numpy()}))
        return good

    def _budget(self, good: pd.DataFrame, chunk: Chunk) -> None:
        """Report the first row at which a project's cumulative payments pass its budget."""
        if good.empty:
            return
        budget = self.ctx.budgets
        pid = good["project_id"]
        unread = sorted(set(pid.tolist()) - self.existing.keys())
        if unread and self.paid_before is not None:
            self.existing.update(self.paid_before(unread))
        carry = {p: self.existing.get(p, 0) + self.running.get(p, 0) for p in set(pid.tolist())}
        total = good.groupby("project_id")["amount_fen"].cumsum() + pid.map(carry)
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


_QUARTER = {f"{m:02d}": str((m - 1) // 3 + 1) for m in range(1, 13)}


def _period(key: str) -> tuple[str, str, int, int]:
    region, dept, year, quarter = key.split(_SEP)
    return region, dept, int(year), int(quarter)


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
    ).where(col(Payment.withdrawn) == False)  # noqa: E712
    rows = (
        r
        for among in matching(session, col(Payment.project_id), project_ids)
        for r in session.execute(query.where(among)).tuples()
    )
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
