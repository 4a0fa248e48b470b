"""The `tracker` command as operators script it (INTERFACE.md), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from tracker.cli import app
from tracker.models import Project

runner = CliRunner()
DATA = Path(__file__).resolve().parent.parent / "data" / "changli-2024-targets.txt"


def projects_in(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.exec(select(func.count()).select_from(Project)).one())


def test_import_then_show_prints_the_interface_object(committed_db: Engine) -> None:
    result = runner.invoke(app, ["targets", "import", str(DATA)])
    assert result.exit_code == 0, result.output
    assert "44 个项目" in result.output and "405 个指标" in result.output and "24596.12" in result.output
    shown = runner.invoke(app, ["targets", "show", "--year", "2024", "--format", "json"])
    assert shown.exit_code == 0
    projects = json.loads(shown.stdout)
    assert len(projects) == 44
    first = projects[0]
    assert list(first) == [
        "year", "dept_code", "dept_name", "code", "name", "budget_wan", "fiscal_wan", "other_wan",
        "purpose", "objectives", "plan", "incomplete", "indicators",
    ]  # fmt: skip
    assert first["budget_wan"] == "180.00" and first["other_wan"] == "0.00"
    assert first["plan"][0] == {"month": 3, "cumulative_pct": 25.0}
    ind = first["indicators"][0]
    assert {k: ind[k] for k in ("seq", "target_text", "kind", "comparator", "value", "unit", "basis")} == {
        "seq": 1, "target_text": "≥2500人", "kind": "quantitative", "comparator": "ge", "value": 2500,
        "unit": "人", "basis": "调查结果",
    }  # fmt: skip
    dept = runner.invoke(app, ["targets", "show", "--dept", "360004", "--format", "json"])
    assert [p["dept_code"] for p in json.loads(dept.stdout)] == ["360004", "360004"]


def test_import_twice_gives_no_duplicates(committed_db: Engine) -> None:
    assert runner.invoke(app, ["targets", "import", str(DATA)]).exit_code == 0
    second = runner.invoke(app, ["targets", "import", str(DATA)])
    assert second.exit_code == 0 and "未变 44" in second.output
    assert projects_in(committed_db) == 44


@pytest.mark.parametrize("content", [b"", b"\x00\x01garbage\xff\xfe" * 50, "随便写点什么\n第二行\n".encode()])
def test_unreadable_file_exits_2_names_the_line_and_writes_nothing(
    committed_db: Engine, tmp_path: Path, content: bytes
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    result = runner.invoke(app, ["targets", "import", str(bad)])
    assert result.exit_code == 2
    assert "行" in result.output
    assert projects_in(committed_db) == 0


def test_missing_file_exits_2(committed_db: Engine, tmp_path: Path) -> None:
    assert runner.invoke(app, ["targets", "import", str(tmp_path / "nope.txt")]).exit_code == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("≥2500人", {"kind": "quantitative", "comparator": "ge", "value": 2500, "unit": "人"}),
        ("≤1152元", {"kind": "quantitative", "comparator": "le", "value": 1152, "unit": "元"}),
        ("≥95％", {"kind": "quantitative", "comparator": "ge", "value": 95, "unit": "%"}),
        ("不低于90百分比", {"kind": "quantitative", "comparator": "ge", "value": 90, "unit": "%"}),
        ("36.5元/人*月", {"kind": "quantitative", "comparator": "eq", "value": 36.5, "unit": "元/人*月"}),
        ("较上年提高", {"kind": "qualitative", "comparator": None, "value": None, "unit": None}),
    ],
)
def test_parse_value_prints_the_interface_json(text: str, expected: dict[str, object]) -> None:
    result = runner.invoke(app, ["targets", "parse-value", text])
    assert result.exit_code == 0
    out = json.loads(result.stdout)
    assert {k: out[k] for k in expected} == expected


@pytest.mark.parametrize(
    ("text", "extra"),
    [
        ("10-20人", {"comparator": "eq", "value": 10, "low": 10, "high": 20, "approximate": False, "zero": False}),
        ("1000人左右", {"comparator": "eq", "value": 1000, "high": None, "approximate": True, "tolerance": 0.1}),
        ("无重大安全事故", {"kind": "quantitative", "comparator": "eq", "value": 0, "zero": True}),
        ("≥2500人", {"low": None, "high": None, "approximate": False, "tolerance": None, "zero": False}),
    ],
)
def test_parse_value_adds_keys_for_ranges_approximate_values_and_zero_targets(
    text: str, extra: dict[str, object]
) -> None:
    # DOMAIN.md §2; INTERFACE.md's four keys stay, these come beside them
    out = json.loads(runner.invoke(app, ["targets", "parse-value", text]).stdout)
    assert {k: out[k] for k in extra} == extra


def test_a_database_behind_the_code_gets_a_sentence_and_exit_2_not_a_traceback(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from alembic import command

    from tracker import migrate

    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(migrate.alembic_config(url), "46f7088c1c31")  # the first revision: no users table yet
    env = {**os.environ, "TRACKER_DATABASE_URL": url, "TRACKER_VAR_DIR": str(tmp_path / "var")}
    result = subprocess.run(
        [sys.executable, "-m", "tracker.cli", "users", "list"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "tracker db upgrade" in result.stderr and "Traceback" not in result.stderr
