"""How the pages show things: 万元 with two decimals, Chinese dates, percentages, light names."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache

from markupsafe import Markup

from tracker.config import get_settings
from tracker.core.money import wan_str

LIGHT_NAMES = {"green": "正常", "yellow": "滞后", "red": "严重滞后", None: "未到节点"}
LIGHT_ORDER = ("red", "yellow", "green", None)


def wan(fen: int | None) -> str:
    """1400000000 → '1,400.00' (万元, two decimals, thousands separated); None → '—'."""
    if fen is None:
        return "—"
    text = wan_str(fen)
    sign = "-" if text.startswith("-") else ""
    whole, _, cents = text.lstrip("-").partition(".")
    return f"{sign}{int(whole):,}.{cents}"


def cn_date(day: date | datetime | None) -> str:
    """2024-03-31 → '2024年3月31日'; a timestamp is shown in the configured time zone."""
    if day is None:
        return "—"
    if isinstance(day, datetime):
        day = local(day).date()
    return f"{day.year}年{day.month}月{day.day}日"


def cn_datetime(moment: datetime | None) -> str:
    """A timestamp as '2024年3月31日 14:05' in the configured time zone."""
    if moment is None:
        return "—"
    t = local(moment)
    return f"{cn_date(t.date())} {t:%H:%M}"


def local(moment: datetime) -> datetime:
    tz = get_settings().tz
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz)


def pct(value: Decimal | float | None, places: int = 2) -> str:
    """Percent points with two decimals: Decimal('25') → '25.00%'."""
    if value is None:
        return "—"
    return f"{Decimal(value):.{places}f}%"


def ratio_pct(value: Decimal | None) -> str:
    """A ratio (1 = 100%) as a percentage: Decimal('0.8125') → '81.25%'."""
    return "—" if value is None else pct(Decimal(value) * 100)


def light_name(light: str | None) -> str:
    return LIGHT_NAMES.get(light, str(light))


@lru_cache(maxsize=64)  # a handful of lights and labels
def lamp(light: str | None, label: str | None = None) -> Markup:
    """A light as the `light` macro of _macros.html writes it, as a filter: the dashboard has three a row."""
    name = light_name(light)
    return Markup('<span class="light {}" title="{}">{}</span>').format(light or "none", name, label or name)


ACTIONS = {
    "payment.add": "新增支付",
    "result.set": "填报指标",
    "batch.withdraw": "撤回批次",
    "period.submitted": "报送季度",
    "period.approved": "审核通过",
    "period.returned": "退回",
    "period.unlocked": "解锁",
}


def action_name(action: str) -> str:
    return ACTIONS.get(action, action)
