"""`tracker demo generate`: county target files in the published layout and a year of uploads.

The shapes come from the real 昌黎县 file (its projects, indicators, plans and texts); each county
gets its own region code (13xxxx), unit codes, project codes, budgets, plans and target values,
a chosen share of its projects paying far behind plan, and upload CSVs in the INTERFACE.md formats.
Everything follows from the seed: one random stream per county, so the same seed writes the same bytes.
"""

from __future__ import annotations

import csv
import json
import random
import re
import string
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from tracker.core.money import FEN_PER_WAN
from tracker.core.project import ProjectData
from tracker.core.values import Kind
from tracker.demo.layout import IndicatorText, TableText, county_text

SOURCE = Path(__file__).resolve().parents[2] / "data" / "changli-2024-targets.txt"
SOURCE_COUNTY = "昌黎县"
CITIES = (
    "石家庄市",
    "唐山市",
    "秦皇岛市",
    "邯郸市",
    "邢台市",
    "保定市",
    "张家口市",
    "承德市",
    "沧州市",
    "廊坊市",
    "衡水市",
)
NAME_CHARS = "安宁丰平青河清源兴隆阳泉新乐永定长武东西南北山川"
FIRST_COUNTY = 50  # county digits 50-99: no clash with 昌黎县 (130322) or the other real codes
MAX_COUNTIES = len(CITIES) * (100 - FIRST_COUNTY)
PAYMENT_HEADER = ["单位编码", "项目编码", "支付日期", "金额（万元）", "备注"]
RESULT_HEADER = ["单位编码", "项目编码", "指标序号", "截至日期", "实际完成值"]
_NUMBER = re.compile(r"^(\D*?)(\d+(?:\.\d+)?)(.*)$")
_ALNUM = string.digits + string.ascii_uppercase


class GenerateError(ValueError):
    """Options the generator cannot satisfy (said in Chinese for the command line)."""


@dataclass(frozen=True, slots=True)
class Options:
    counties: int
    seed: int
    projects: int = 44  # per county
    lagging_share: float = 0.2
    year: int = 2024
    as_of: date | None = None  # the last day with payments and results; the year's end when None


@dataclass(frozen=True, slots=True)
class CountyFiles:
    region_code: str
    region_name: str
    projects: int
    lagging: list[str]  # project codes paying far behind plan
    targets: str
    payments: str
    results: str
    payment_rows: int
    result_rows: int


Progress = Callable[[int, int], None]


def templates(source: Path = SOURCE) -> list[ProjectData]:
    """The complete projects of the real file, the shapes every generated project is drawn from."""
    from tracker.targets.parsing import decode, parse_text

    parsed = parse_text(decode(source.read_bytes()))
    return [p for p in parsed.projects if not p.incomplete and p.plan and p.indicators]


def check(options: Options) -> date:
    """The options' last day of data, or GenerateError saying which option is out of range."""
    if not 1 <= options.counties <= MAX_COUNTIES:
        raise GenerateError(f"县的个数应在 1 到 {MAX_COUNTIES} 之间")
    if options.projects < 1:
        raise GenerateError("每县项目数至少为 1")
    if not 0 <= options.lagging_share <= 1:
        raise GenerateError("滞后项目比例应在 0 到 1 之间")
    as_of = options.as_of or date(options.year, 12, 31)
    if as_of.year != options.year:
        raise GenerateError(f"截至日期 {as_of.isoformat()} 不在 {options.year} 年内")
    return as_of


def generate(*, options: Options, out: Path, progress: Progress | None = None) -> dict[str, object]:
    """Write every county's three files under `out` and a manifest.json; answers the manifest."""
    as_of = check(options)
    shapes = templates()
    for sub in ("targets", "payments", "results"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    counties = []
    for k in range(options.counties):
        counties.append(_county(k, options, as_of, shapes, out))
        if progress is not None:
            progress(k + 1, options.counties)
    manifest: dict[str, object] = {
        "seed": options.seed,
        "year": options.year,
        "as_of": as_of.isoformat(),
        "lagging_share": options.lagging_share,
        "projects": sum(c.projects for c in counties),
        "payments": sum(c.payment_rows for c in counties),
        "results": sum(c.result_rows for c in counties),
        "counties": [asdict(c) for c in counties],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def region_of(k: int) -> tuple[str, str]:
    """The k-th county's code and name (130150 石家庄市安安县 …), distinct for every k below MAX_COUNTIES."""
    city, county = k % len(CITIES), FIRST_COUNTY + k // len(CITIES)
    first, second = divmod(k // len(CITIES), len(NAME_CHARS))
    name = NAME_CHARS[first % len(NAME_CHARS)] + NAME_CHARS[second] + "县"
    return f"13{city + 1:02d}{county:02d}", CITIES[city] + name


def _county(k: int, o: Options, as_of: date, shapes: list[ProjectData], out: Path) -> CountyFiles:
    rng = random.Random(f"tracker-demo:{o.seed}:{k}")
    region, region_name = region_of(k)
    county = region_name[len(CITIES[k % len(CITIES)]) :]
    units = _units(k, max(1, o.projects // 6), shapes, county)
    lagging = set(rng.sample(range(o.projects), round(o.projects * o.lagging_share)))
    tables: list[tuple[TableText, bool]] = []
    seen: dict[str, int] = {}
    for n in range(o.projects):
        unit_code, unit_name = units[rng.randrange(len(units))]
        tables.append((_table(rng, shapes, region, o.year, n, unit_code, unit_name, county, seen), n in lagging))
    tables.sort(key=lambda t: t[0].dept_code)  # a unit's projects together, as the bureaus publish them
    files = CountyFiles(region, region_name, o.projects, sorted(t.code for t, lag in tables if lag),
                        f"targets/{region}.txt", f"payments/{region}.csv", f"results/{region}.csv", 0, 0)  # fmt: skip
    (out / files.targets).write_text(county_text(region_name, o.year, (t for t, _ in tables)), encoding="utf-8")
    payments = results = 0
    with (
        (out / files.payments).open("w", encoding="utf-8", newline="") as pf,
        (out / files.results).open("w", encoding="utf-8", newline="") as rf,
    ):
        pay, res = csv.writer(pf), csv.writer(rf)
        pay.writerow(PAYMENT_HEADER)
        res.writerow(RESULT_HEADER)
        for table, lag in tables:
            for row in _payments(rng, table, as_of, lag):
                pay.writerow(row)
                payments += 1
            for row in _results(rng, table, as_of, lag):
                res.writerow(row)
                results += 1
    return replace(files, payment_rows=payments, result_rows=results)


def _units(k: int, count: int, shapes: list[ProjectData], county: str) -> list[tuple[str, str]]:
    """Unit codes unique across counties (county number, then the unit's), names from the real units."""
    names = sorted({p.dept_name for p in shapes})
    out = []
    for j in range(count):
        base = names[j % len(names)].replace(SOURCE_COUNTY, county)
        out.append((f"{k + 1:03d}{j + 1:03d}", base if j < len(names) else f"{base}第{j // len(names) + 1}分部"))
    return out


def _table(
    rng: random.Random,
    shapes: list[ProjectData],
    region: str,
    year: int,
    n: int,
    unit_code: str,
    unit_name: str,
    county: str,
    seen: dict[str, int],
) -> TableText:
    shape = rng.choice(shapes)
    name = shape.name.replace(SOURCE_COUNTY, county)
    seen[name] = seen.get(name, 0) + 1
    if seen[name] > 1:
        name = f"{name}（{seen[name]}）"
    scale = min(max(rng.lognormvariate(0, 0.6), 0.1), 20.0)
    budget = max(10 * FEN_PER_WAN, round(shape.budget_fen * scale / 10_000) * 10_000)  # whole 0.01 万元
    other = round(budget * rng.uniform(0.1, 0.4) / 10_000) * 10_000 if rng.random() < 0.15 else 0
    tag = "".join(_ALNUM[(int(unit_code) * 7 + i * 13) % 36] for i in range(6))
    code = f"{region}{year % 100:02d}P{tag}{n + 1:05d}{rng.choice(_ALNUM)}"
    text = (shape.purpose or name).replace(SOURCE_COUNTY, county)
    objectives = [o.replace(SOURCE_COUNTY, county) for o in shape.objectives] or [f"完成{name}年度任务"]
    return TableText(
        dept_code=unit_code, dept_name=unit_name, code=code, name=name, budget_fen=budget,
        fiscal_fen=budget - other, other_fen=other, purpose=text, plan=_plan(rng, rng.choice(shapes)),
        objectives=objectives,
        indicators=[_indicator(rng, i.level1, i.level2, i.level3, i.description, i.target.text, i.basis, scale, county)
                    for i in shape.indicators],
    )  # fmt: skip


def _plan(rng: random.Random, shape: ProjectData) -> list[tuple[int, int]]:
    """A real plan's checkpoints, the intermediate ones moved a little, still rising and ending at 100%."""
    points = [(c.month, int(c.cumulative_pct)) for c in shape.plan]
    out: list[tuple[int, int]] = []
    for i, (month, pct) in enumerate(points):
        if i < len(points) - 1 and 0 < pct < 100:
            pct = min(100, max(pct + rng.randint(-5, 5), out[-1][1] if out else 1))
        out.append((month, pct))
    if out[-1][0] == 12:
        out[-1] = (12, 100)
    return out


def _indicator(
    rng: random.Random, l1: str, l2: str, l3: str, desc: str, target: str, basis: str, scale: float, county: str
) -> IndicatorText:
    """The real indicator with its count, amount or cost target scaled with the project's budget."""
    match = _NUMBER.match(target)
    if match and match[1] and match[1] not in ("=", "＝") and not match[3].startswith(("%", "％")):
        value = Decimal(match[2]) * Decimal(str(round(scale * rng.uniform(0.8, 1.2), 2)))
        number = str(max(1, round(value))) if "." not in match[2] else f"{value:.2f}"
        target = f"{match[1]}{number}{match[3]}"
    return IndicatorText(l1, l2, l3.replace(SOURCE_COUNTY, county), desc.replace(SOURCE_COUNTY, county), target,
                         basis.replace(SOURCE_COUNTY, county))  # fmt: skip


def planned_pct(plan: list[tuple[int, int]], month: int) -> float:
    """The plan's cumulative % at the end of `month`, straight lines between checkpoints from 0 on 1 January."""
    previous_month, previous_pct = 0, 0
    for m, pct in plan:
        if month <= m:
            return previous_pct + (pct - previous_pct) * (month - previous_month) / (m - previous_month)
        previous_month, previous_pct = m, pct
    return float(previous_pct)


def _payments(rng: random.Random, t: TableText, as_of: date, lagging: bool) -> list[list[str]]:
    """Monthly payments following the plan: on track at 92-100% of it, lagging at 25-50%."""
    factor = rng.uniform(0.25, 0.5) if lagging else rng.uniform(0.92, 1.0)
    rows, paid = [], 0
    for month in range(1, as_of.month + 1):
        cumulative = round(t.budget_fen * planned_pct(t.plan, month) / 100 * factor / 100) * 100  # whole 元
        amount = cumulative - paid
        if amount <= 0:
            continue
        last = as_of.day if month == as_of.month else (date(as_of.year, month % 12 + 1, 1) - timedelta(days=1)).day
        day = date(as_of.year, month, min(last, rng.randint(5, 28)))
        rows.append([t.dept_code, t.code, day.isoformat(), _wan6(amount), f"{month}月拨付"])
        paid = cumulative
    return rows


def _wan6(fen: int) -> str:
    whole, rest = divmod(fen, FEN_PER_WAN)
    return f"{whole}.{rest:06d}"


def _results(rng: random.Random, t: TableText, as_of: date, lagging: bool) -> list[list[str]]:
    """One result per indicator at `as_of`: targets met when on track, well short when lagging."""
    from tracker.core.value_parsing import parse_value

    rows = []
    for seq, ind in enumerate(t.indicators, start=1):
        target = parse_value(ind.target_text)
        if target.kind is Kind.QUALITATIVE or target.value is None:
            actual = "部分达成年度指标并具有一定效果" if lagging else "达成年度指标"
        else:
            actual = _actual(rng, ind.target_text, target.comparator.value if target.comparator else "eq", lagging)
        rows.append([t.dept_code, t.code, str(seq), as_of.isoformat(), actual])
    return rows


def _actual(rng: random.Random, target: str, comparator: str, lagging: bool) -> str:
    match = _NUMBER.match(target)
    assert match is not None
    value, unit = Decimal(match[2]), match[3]
    lower_is_better = comparator in ("le", "lt")
    if lagging:
        factor = rng.uniform(1.3, 1.6) if lower_is_better else rng.uniform(0.4, 0.6)
    else:
        factor = rng.uniform(0.9, 1.0) if lower_is_better else rng.uniform(1.0, 1.08)
    actual = value * Decimal(str(round(factor, 3)))
    if unit.startswith(("%", "％")):
        actual = min(actual, Decimal(100))
    text = str(round(actual)) if "." not in match[2] and actual >= 1 else f"{actual:.2f}"
    return text + unit
