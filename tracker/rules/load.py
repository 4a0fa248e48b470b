"""Reading config/rules.yaml once, at the start of the app, the scheduler, a job run or a command.

A key the rules do not know, a value of the wrong kind or an override of something that does not vary
by place stops the start with one message naming the file and every key path at fault.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tracker.config import Settings, get_settings
from tracker.errors import InvalidInput
from tracker.rules.model import PLACE_ALERT_KEYS, PLACE_SECTIONS, Rules, deep_merge, merged, place_layers
from tracker.shared.config_file import YAMLError, load_yaml

MESSAGES = {"extra_forbidden": "未知配置项", "missing": "缺少此项"}


class RulesError(InvalidInput):
    """The rules file cannot be used; the message names the file and the keys."""


def load_rules(settings: Settings | None = None, *, name: str = "rules.yaml") -> Rules:
    """The rules file under the configured config directory, read and checked (call once per start)."""
    path = Path((settings or get_settings()).config_dir) / name
    try:
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
    except (OSError, YAMLError) as exc:
        raise RulesError(f"规则文件 {path} 无法读取：{exc}") from exc
    if not isinstance(data, Mapping):
        raise RulesError(f"规则文件 {path} 有误：顶层应为映射")
    return parse_rules(data, source=str(path))


def parse_rules(data: Mapping[str, Any], *, source: str = "config/rules.yaml") -> Rules:
    """The rules from a mapping as loaded from YAML, overrides per region and year checked too."""
    problems: list[str] = []
    shaped = _shape_places(_migrate(data), problems)
    rules = _validate(shaped, source, problems)
    for where, layers in _places(rules):
        try:
            merged(rules, layers)
        except ValidationError as exc:
            problems += _explain(exc, prefix=where)
    if problems:
        raise RulesError(f"规则文件 {source} 有误：{'；'.join(problems)}")
    return rules


def _validate(data: Mapping[str, Any], source: str, problems: list[str]) -> Rules:
    try:
        return Rules.model_validate(data)
    except ValidationError as exc:
        raise RulesError(f"规则文件 {source} 有误：{'；'.join(problems + _explain(exc, prefix=''))}") from exc


def _explain(exc: ValidationError, *, prefix: str) -> list[str]:
    out = []
    for e in exc.errors():
        path = prefix + ".".join(str(p) for p in e["loc"])
        if e["type"] == "rules_key":
            out.append(f"{path}.{e['ctx']['detail']}" if path else str(e["ctx"]["detail"]))
        else:
            out.append(f"{path}: {MESSAGES.get(e['type'], e['msg'])}（实为{e['input']!r}）")
    return out


def _migrate(data: Mapping[str, Any]) -> dict[str, Any]:
    """The earlier form `key_monitoring.regions.<code>.{tiers, years}` as the general `regions` overrides."""
    out = dict(data)
    section = out.get("key_monitoring")
    if not isinstance(section, Mapping) or "regions" not in section:
        return out
    old = section.get("regions") or {}
    out["key_monitoring"] = {k: v for k, v in section.items() if k != "regions"}
    moved: dict[str, Any] = {}
    for code, region in old.items() if isinstance(old, Mapping) else []:
        entry: dict[str, Any] = {}
        if isinstance(region, Mapping) and "tiers" in region:
            entry["key_monitoring"] = {"tiers": region["tiers"]}
        if isinstance(region, Mapping):
            years = region.get("years") or {}
            entry["years"] = {y: {"key_monitoring": {"tiers": t}} for y, t in years.items()}
        moved[str(code)] = entry
    out["regions"] = deep_merge(moved, {str(k): v for k, v in (out.get("regions") or {}).items()})
    return out


def _shape_places(data: dict[str, Any], problems: list[str]) -> dict[str, Any]:
    """Region codes as text and years as numbers; overrides only of what may vary by place."""
    regions: dict[str, Any] = {}
    for code, region in (data.get("regions") or {}).items():
        where = f"regions.{code}"
        if not (str(code).isdigit() and len(str(code)) == 6):
            problems.append(f"{where}: 行政区划代码应为6位数字")
        if not isinstance(region, Mapping):
            problems.append(f"{where}: 应为映射")
            continue
        years = {_year(y, f"{where}.years.{y}", problems): v for y, v in (region.get("years") or {}).items()}
        for year, layer in years.items():
            _check_layer(layer, f"{where}.years.{year}", problems)
        _check_layer({k: v for k, v in region.items() if k != "years"}, where, problems)
        regions[str(code)] = {**region, "years": years}
    years = {_year(y, f"years.{y}", problems): v for y, v in (data.get("years") or {}).items()}
    for year, layer in years.items():
        _check_layer(layer, f"years.{year}", problems)
    return {**data, "regions": regions, "years": years}


def _year(raw: Any, where: str, problems: list[str]) -> int:
    if not str(raw).isdigit() or not 2000 <= int(str(raw)) <= 2100:
        problems.append(f"{where}: 年度应为2000–2100之间的整数")
        return 0
    return int(str(raw))


def _check_layer(layer: Any, where: str, problems: list[str]) -> None:
    if not isinstance(layer, Mapping):
        problems.append(f"{where}: 应为映射")
        return
    for key, value in layer.items():
        if key not in PLACE_SECTIONS:
            problems.append(f"{where}.{key}: 不能按地区或年度设置（可设置：{', '.join(PLACE_SECTIONS)}）")
        elif key == "alerts" and isinstance(value, Mapping):
            problems += [
                f"{where}.alerts.{k}: 不能按地区或年度设置（可设置：{', '.join(PLACE_ALERT_KEYS)}）"
                for k in value
                if k not in PLACE_ALERT_KEYS
            ]


def _places(rules: Rules) -> list[tuple[str, list[Mapping[str, Any]]]]:
    """Every place and year the file names, with where to point when its merged rules are wrong."""
    out: list[tuple[str, list[Mapping[str, Any]]]] = []
    named_years = set(rules.years)
    for year in rules.years:
        out.append((f"years.{year}.", place_layers(rules, region_code=None, year=year)))
    for code, region in rules.regions.items():
        own_years = set(region.get("years") or {})
        out.append((f"regions.{code}.", place_layers(rules, region_code=code, year=0)))
        for year in sorted(own_years | named_years):
            where = f"regions.{code}.years.{year}." if year in own_years else f"regions.{code}+years.{year}."
            out.append((where, place_layers(rules, region_code=code, year=year)))
    return out
