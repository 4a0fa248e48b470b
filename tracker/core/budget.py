"""The effective budget (DOMAIN.md §3): 年初 + carry-over + the adjustments in force on a date.

Pure: standard library only. Every part of the product that needs "the budget" asks a `Budget`
for it, so there is one definition: the published 年初 figure, plus every carry-over (上年结转, money
of last year that is there from the start of the year, whatever day it was recorded), plus every
adjustment or transfer (预算调整/调剂, up or down) whose effective date is on or before the day.
Money is integer fen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class ChangeKind(StrEnum):
    """What kind of budget change: 预算调整, 调剂 (a transfer between projects) or 上年结转."""

    ADJUSTMENT = "adjustment"
    TRANSFER = "transfer"
    CARRYOVER = "carryover"


CHANGE_KIND_NAMES: dict[ChangeKind, str] = {
    ChangeKind.ADJUSTMENT: "预算调整",
    ChangeKind.TRANSFER: "预算调剂",
    ChangeKind.CARRYOVER: "上年结转",
}


class FundingSource(StrEnum):
    """Where the money comes from; the rows of the self-evaluation's 项目资金 block (DOMAIN.md §5)."""

    CURRENT = "本年财政拨款"
    CARRYOVER = "上年结转"
    OTHER = "其他资金"


FUNDING_SOURCES: tuple[FundingSource, ...] = tuple(FundingSource)
DEFAULT_SOURCE = FundingSource.CURRENT

# Words a treasury export or a person may use for a source, beyond the three names themselves.
_SOURCE_WORDS: dict[str, FundingSource] = {
    "本年财政拨款": FundingSource.CURRENT,
    "财政拨款": FundingSource.CURRENT,
    "本年": FundingSource.CURRENT,
    "当年财政拨款": FundingSource.CURRENT,
    "一般公共预算": FundingSource.CURRENT,
    "上年结转": FundingSource.CARRYOVER,
    "上年结转资金": FundingSource.CARRYOVER,
    "结转": FundingSource.CARRYOVER,
    "结转资金": FundingSource.CARRYOVER,
    "其他资金": FundingSource.OTHER,
    "其他": FundingSource.OTHER,
    "自筹资金": FundingSource.OTHER,
}


def parse_source(text: str | None) -> FundingSource:
    """A funding source from its name or a common synonym; blank is 本年财政拨款; else ValueError."""
    raw = (text or "").strip().replace(" ", "")
    if raw == "":
        return DEFAULT_SOURCE
    found = _SOURCE_WORDS.get(raw)
    if found is None:
        names = "、".join(FUNDING_SOURCES)
        raise ValueError(f"资金来源“{text}”无法识别，应为 {names}")
    return found


def parse_kind(text: str | None) -> ChangeKind:
    """A change kind from its English or Chinese name; blank is an adjustment; else ValueError."""
    raw = (text or "").strip()
    if raw == "":
        return ChangeKind.ADJUSTMENT
    for kind, name in CHANGE_KIND_NAMES.items():
        if raw in (kind.value, name, name.removeprefix("预算")):
            return kind
    raise ValueError(f"变动类型“{text}”无法识别，应为 adjustment、transfer 或 carryover")


@dataclass(frozen=True, slots=True)
class BudgetChange:
    """One recorded change: signed amount in fen, in force from `on` (a carry-over from the year's start)."""

    kind: ChangeKind
    on: date
    amount_fen: int
    source: FundingSource = DEFAULT_SOURCE
    doc: str = ""
    reason: str = ""
    by: str | None = None

    def in_force(self, day: date) -> bool:
        """Carry-over is last year's money, there all year; an adjustment counts from its date."""
        return self.kind == ChangeKind.CARRYOVER or self.on <= day


@dataclass(frozen=True, slots=True)
class Budget:
    """A project's budget versions: the published 年初 split (fiscal/other) and its changes."""

    initial_fen: int
    initial_fiscal_fen: int = 0
    initial_other_fen: int = 0
    changes: tuple[BudgetChange, ...] = field(default_factory=tuple)

    @classmethod
    def of(
        cls,
        *,
        initial_fen: int,
        fiscal_fen: int | None = None,
        other_fen: int = 0,
        changes: Iterable[BudgetChange] = (),
    ) -> Budget:
        """A budget with its changes in date order (ties keep the order given)."""
        fiscal = initial_fen - other_fen if fiscal_fen is None else fiscal_fen
        ordered = tuple(sorted(changes, key=lambda c: c.on)) if changes else ()  # most projects have none
        return cls(initial_fen, fiscal, other_fen, ordered)

    def on(self, day: date) -> int:
        """The effective budget on `day` in fen."""
        if not self.changes:  # most projects: an upload asks thousands of them
            return self.initial_fen
        return self.initial_fen + sum(c.amount_fen for c in self.changes if c.in_force(day))

    def year_end(self, year: int) -> int:
        """全年预算数: the effective budget on 31 December."""
        return self.on(date(year, 12, 31))

    def initial_by_source(self) -> dict[FundingSource, int]:
        """年初预算数 per funding source: fiscal money is 本年财政拨款, the rest 其他资金."""
        out = dict.fromkeys(FUNDING_SOURCES, 0)
        out[FundingSource.CURRENT] = self.initial_fiscal_fen
        out[FundingSource.OTHER] = self.initial_fen - self.initial_fiscal_fen
        return out

    def by_source(self, day: date) -> dict[FundingSource, int]:
        """The effective budget on `day` per funding source (sums to `on(day)`)."""
        out = self.initial_by_source()
        for c in self.changes:
            if c.in_force(day):
                out[c.source] += c.amount_fen
        return out

    def after(self, change: BudgetChange) -> Budget:
        """This budget with one more change."""
        return Budget.of(
            initial_fen=self.initial_fen,
            fiscal_fen=self.initial_fiscal_fen,
            other_fen=self.initial_other_fen,
            changes=[*self.changes, change],
        )

    def changes_on(self, day: date) -> list[BudgetChange]:
        """The changes in force on `day`."""
        return [c for c in self.changes if c.in_force(day)]
