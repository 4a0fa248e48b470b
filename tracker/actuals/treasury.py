"""Treasury payment exports (国库集中支付, DOMAIN.md §7): told by their columns, read through config/treasury.yaml.

An export becomes a payments chunk like a template's 支出 sheet: the unit and project codes are cut out of
code-and-name cells, a row flagged 退回 gets a negative amount, 资金性质 stays a word (PaymentCheck maps it
to a funding source), and the amount stays text in the export's money unit (PaymentCheck converts it to
fen exactly). Another province's column names need only another mapping file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from tracker.actuals.chunks import finish_frame, read_header
from tracker.actuals.columns import Kind, detect_kind, normalise_header
from tracker.config import ROOT, get_settings
from tracker.core.budget import FundingSource
from tracker.errors import InvalidInput
from tracker.shared.config_file import YAMLError, load_yaml

FILENAME = "treasury.yaml"
REQUIRED = ("voucher", "dept_code", "project_code", "amount", "paid_on")
HEADER_ROWS = 10  # an export's title, date-range and blank lines come before its header, within these rows
_CODE = re.compile(r"\s*([0-9A-Za-z][0-9A-Za-z._-]*)(?:[\s:：/|-]+\S.*)?", re.S)
_DAY = re.compile(r"(\d{4})(\d{2})(\d{2})")


class Columns(BaseModel):
    """Each field's accepted header spellings; the first one found in the file is read."""

    model_config = ConfigDict(extra="forbid")

    voucher: list[str]
    dept_code: list[str]
    project_code: list[str]
    amount: list[str]
    paid_on: list[str]
    source: list[str] = []
    doc_no: list[str] = []
    function_class: list[str] = []
    economic_class: list[str] = []
    note: list[str] = []
    refund: list[str] = []

    @field_validator("voucher", "dept_code", "project_code", "amount", "paid_on")
    @classmethod
    def _named(cls, names: list[str]) -> list[str]:
        if not [n for n in names if str(n).strip()]:
            raise ValueError("至少需要一个列名")
        return names


class Mapping(BaseModel):
    """config/treasury.yaml, validated: a wrong key or value is named in the error."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    columns: Columns
    money_unit: Literal["元", "万元"] = "元"
    refund_marks: list[str] = ["退回"]
    sources: dict[FundingSource, list[str]] = {}

    def source_words(self) -> dict[str, str]:
        """Every written 资金性质 (folded) → its funding source; the sources' own names always included."""
        words = {normalise_header(s.value): s.value for s in FundingSource}
        for source, spellings in self.sources.items():
            words.update({normalise_header(w): source.value for w in spellings})
        return words

    def lookup(self) -> dict[str, str]:
        """Folded header → field name."""
        out: dict[str, str] = {}
        for name, spellings in self.columns.model_dump().items():
            for spelling in spellings:
                out.setdefault(normalise_header(spelling), name)
        return out


def load_mapping(path: Path | None = None) -> Mapping:
    """The mapping in the configured folder (or `path`); InvalidInput naming the bad key."""
    where = path or Path(get_settings().config_dir) / FILENAME
    if not where.exists():  # a settings folder holding only rules.yaml reads the product's default mapping
        where = ROOT / "config" / FILENAME
    stamp = where.stat().st_mtime_ns
    return _load(str(where), stamp)


@lru_cache(maxsize=8)
def _load(where: str, _stamp: int) -> Mapping:
    try:
        data = load_yaml(Path(where).read_text(encoding="utf-8")) or {}
    except YAMLError as exc:
        raise InvalidInput(f"{Path(where).name} 不是有效的 YAML：{exc}") from None
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(f"{Path(where).name} 配置有误：{key}：{first['msg']}") from None


@dataclass(frozen=True, slots=True)
class Reading:
    """How a sheet's rows become a chunk: which kind, which columns, which money unit."""

    kind: Kind
    positions: dict[int, str]  # column position -> canonical name
    unit: str = "万元"
    mapping: Mapping | None = None  # set for a treasury export
    written: dict[str, str] = field(default_factory=dict)

    def finish(self, frame: pd.DataFrame, first_row: int) -> pd.DataFrame:
        """Canonical payment columns (codes cut out, refunds negative), plus the row numbers."""
        if self.mapping is not None:
            frame = _as_payments(frame, self.mapping)
        return finish_frame(self.kind, frame, first_row)


def reading_for(headers: list[str], sheet: str | None, named: Kind | None = None) -> Reading:
    """A treasury export when every required column of the mapping is there; else the template's columns."""
    mapping = load_mapping()
    positions = _treasury_positions(headers, mapping) if named is not Kind.RESULTS else None
    if positions is not None:
        written = {name: headers[pos] for pos, name in positions.items()}
        return Reading(Kind.PAYMENTS, positions, mapping.money_unit, mapping, written)
    kind, positions = read_header(named or detect_kind(headers), headers, sheet)
    return Reading(kind, positions, written={name: headers[pos] for pos, name in positions.items()})


def header_at(rows: list[list[str]]) -> int:
    """Which of a sheet's first rows is its header: the first holding every required column of the mapping.

    Treasury exports (国库集中支付明细) start with a title, a date range or blank lines; a sheet where no
    such row is found is read from its first row (the template, or a file whose header is wrong).
    """
    mapping = load_mapping()
    for at, headers in enumerate(rows[:HEADER_ROWS]):
        if _treasury_positions([h.strip() for h in headers], mapping) is not None:
            return at
    return 0


def _treasury_positions(headers: list[str], mapping: Mapping) -> dict[int, str] | None:
    lookup = mapping.lookup()
    positions: dict[int, str] = {}
    for pos, header in enumerate(headers):
        name = lookup.get(normalise_header(header))
        if name is not None and name not in positions.values():
            positions[pos] = "amount_wan" if name == "amount" else name
    found = {"amount" if n == "amount_wan" else n for n in positions.values()}
    return positions if all(name in found for name in REQUIRED) else None


def code_of(cell: str) -> str:
    """The code of a code-and-name cell (`314001 昌黎县民政局本级` → `314001`); other text as it is."""
    match = _CODE.fullmatch(cell)
    return match[1] if match else cell.strip()


def _day(text: str) -> str:
    """Treasury dates carry a time or no dashes: `2024-03-05 10:20:00`, `20240305` → `2024-03-05`."""
    text = text.strip()
    if match := _DAY.fullmatch(text):
        return f"{match[1]}-{match[2]}-{match[3]}"
    head, _, tail = text.partition(" ")
    return head if tail and re.fullmatch(r"\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?", tail) else text


def _as_payments(frame: pd.DataFrame, mapping: Mapping) -> pd.DataFrame:
    codes = {c: code_of(c) for name in ("dept_code", "project_code") for c in set(frame[name].tolist())}
    out = frame.copy()
    for name in ("dept_code", "project_code"):
        out[name] = [codes[c] for c in frame[name].tolist()]
    days = {t: _day(t) for t in set(frame["paid_on"].tolist())}
    out["paid_on"] = [days[t] for t in frame["paid_on"].tolist()]
    if "refund" in frame.columns:
        marks = {normalise_header(m) for m in mapping.refund_marks}
        flagged = np.array([normalise_header(v) in marks for v in frame["refund"].tolist()], dtype=bool)
        amounts = frame["amount_wan"].str.strip()
        negate = flagged & (amounts != "") & ~amounts.str.startswith("-").to_numpy()
        out["amount_wan"] = np.where(negate, "-" + amounts, amounts)
    return out
