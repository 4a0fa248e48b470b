"""The CLI starts fast (issue 14 item 4): a command imports only what it uses, so --help loads no heavy library."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("fastapi", "starlette", "pandas", "sqlmodel", "sqlalchemy", "openpyxl", "xlsxwriter", "httpx", "alembic")
# Settings and rules: pydantic-settings (with dotenv) and PyYAML cost about as much as typer's own --help.
CONFIG = ("pydantic_settings", "dotenv", "yaml")
# tracker's modules that pull those in: settings, the clock (reads the time zone setting), rules, the database.
CONFIG_MODULES = ("tracker.config", "tracker.clock", "tracker.rules", "tracker.db", "tracker.models")

# Runs the console entry point with the given arguments, then prints which top-level packages got imported.
PROBE = """
import json, sys
from tracker.cli import main
sys.argv = ["tracker", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
sys.__stderr__.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n")
"""


def loaded_modules(*args: str, env: dict[str, str] | None = None) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120, check=False, env=env
    )
    line = next(ln for ln in done.stderr.splitlines() if ln.startswith("MODULES "))
    return set(json.loads(line.removeprefix("MODULES ")))


def loaded_packages(*args: str, env: dict[str, str] | None = None) -> set[str]:
    return {m.split(".")[0] for m in loaded_modules(*args, env=env)}


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["actuals", "--help"],
        ["actuals", "upload", "--help"],
        ["export", "monitoring", "--help"],
        ["jobs", "run", "--help"],
        ["targets", "parse-value", "≥95%"],
    ],
)
def test_help_and_pure_commands_import_no_web_database_or_dataframe_library(args: list[str]) -> None:
    modules = loaded_modules(*args)
    loaded = {m.split(".")[0] for m in modules}
    assert "tracker" in loaded and "typer" in loaded  # the probe did run the CLI
    command = f"tracker {' '.join(args)}"
    assert not loaded & set(HEAVY), f"{command} imported {sorted(loaded & set(HEAVY))}"
    assert not loaded & set(CONFIG), f"{command} imported {sorted(loaded & set(CONFIG))}"
    assert not modules & set(CONFIG_MODULES), f"{command} imported {sorted(modules & set(CONFIG_MODULES))}"


def test_top_level_help_imports_no_pydantic() -> None:
    """Typer itself loads pydantic once it parses a command's parameters, but never for `tracker --help`."""
    loaded = loaded_packages("--help")
    assert "typer" in loaded
    assert "pydantic" not in loaded, "something at import time of tracker.cli loads pydantic"


def test_an_approximate_value_still_reads_the_rules() -> None:
    """parse-value reads rules.yaml only for an approximate value (its tolerance): the probe sees it happen."""
    modules = loaded_modules("targets", "parse-value", "约95%")
    assert "tracker.rules" in modules and "yaml" in {m.split(".")[0] for m in modules}


def test_a_database_command_still_loads_what_it_needs(tmp_path: Path) -> None:
    """The probe is not blind: a command that lists users does import the database layer."""
    env = {**os.environ, "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}", "TRACKER_VAR_DIR": str(tmp_path)}
    assert {"sqlalchemy", "sqlmodel"} <= loaded_packages("users", "list", env=env)


def test_a_command_that_prints_no_message_imports_no_rich_console() -> None:
    """The stderr console (tracker.console.stderr) is made on first message: plain JSON out needs no rich."""
    modules = loaded_modules("targets", "parse-value", "≥95%")
    assert "tracker.core.value_parsing" in modules  # the command did run
    assert "rich.console" not in modules


def _migrated_sqlite(tmp_path: Path) -> dict[str, str]:
    from tracker import migrate

    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    migrate.upgrade(url)
    return {**os.environ, "TRACKER_DATABASE_URL": url, "TRACKER_VAR_DIR": str(tmp_path)}


def test_a_scripted_upload_loads_no_progress_bar_and_only_the_tables_it_uses(tmp_path: Path) -> None:
    """`tracker actuals upload` from a script (stderr not a terminal) draws no bar, so rich.progress is never
    imported even for a large file; and naming a table builds its module's tables only, never the alert, user,
    job-run or pending-file tables (issue 14: the whole process is measured against a bare pandas load)."""
    from tracker.actuals.cli import PROGRESS_FROM_BYTES

    env = _migrated_sqlite(tmp_path)
    path = tmp_path / "q1.csv"
    rows = "".join(f"999,X{n:05d},2024-01-01,1.5,第{n}笔\n" for n in range(50_000))  # unknown unit: refused
    path.write_text("单位编码,项目编码,支付日期,金额（万元）,备注\n" + rows, encoding="utf-8")
    assert path.stat().st_size >= PROGRESS_FROM_BYTES  # a terminal would have shown the bar
    modules = loaded_modules("actuals", "upload", str(path), env=env)
    assert {"tracker.actuals.service", "tracker.models.actuals"} <= modules  # the upload did run
    assert "rich.progress" not in modules
    unused = {"tracker.models.alerts", "tracker.models.auth", "tracker.models.monitoring", "tracker.models.pending"}
    assert not modules & unused, sorted(modules & unused)


def test_load_all_registers_every_table_the_migrations_create(tmp_path: Path) -> None:
    """tracker.models imports a module on first use; load_all() (Alembic's env, the tests) must still give the
    whole schema: run in a fresh interpreter, where nothing else has imported a table module."""
    env = _migrated_sqlite(tmp_path)
    code = (
        "import json, os, sqlalchemy as sa, tracker.models\n"
        "tables = set(tracker.models.load_all().tables)\n"
        "stored = set(sa.inspect(sa.create_engine(os.environ['TRACKER_DATABASE_URL'])).get_table_names())\n"
        "print(json.dumps([sorted(tables), sorted(stored - {'alembic_version'})]))\n"
    )
    command = [sys.executable, "-c", code]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True, env=env)
    tables, stored = json.loads(done.stdout)
    assert tables == stored


OTHER_GROUPS = ("tracker.demo.cli", "tracker.budget.cli", "tracker.reports.cli", "jobs.cli", "tracker.auth.cli")


def test_a_run_assembles_only_the_group_it_names() -> None:
    """`tracker actuals …` builds the actuals group alone (tracker.cli.build): no other group's module is
    imported, where every group's commands used to be turned into click commands on each run."""
    modules = loaded_modules("actuals", "upload", "--help")
    assert "tracker.actuals.cli" in modules
    assert not modules & set(OTHER_GROUPS), sorted(modules & set(OTHER_GROUPS))
    assert set(OTHER_GROUPS) <= loaded_modules("--help")  # the listing of every group does load them


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["serve", "--help"], "--port"),  # a lone command keeps its name (the app stays a group)
        (["targets", "--help"], "review"),  # the target review, registered from evaluation
        (["export", "--help"], "self-evaluation"),  # assembled from two features
    ],
)
def test_a_group_assembled_alone_is_the_same_as_in_the_whole_command(args: list[str], shown: str) -> None:
    code = f"import sys; sys.argv = ['tracker', *{args!r}]; from tracker.cli import main; main()"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert shown in done.stdout
