"""The CLI starts fast (issue 14 item 4): a command imports only what it uses, so --help loads no heavy library."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("fastapi", "starlette", "pandas", "sqlmodel", "sqlalchemy", "openpyxl", "xlsxwriter", "httpx", "alembic")

# Runs the console entry point with the given arguments, then prints which top-level packages got imported.
PROBE = """
import json, sys
from tracker.cli import main
sys.argv = ["tracker", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
sys.__stderr__.write("\\nMODULES " + json.dumps(sorted({m.split(".")[0] for m in sys.modules})) + "\\n")
"""


def loaded_packages(*args: str, env: dict[str, str] | None = None) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120, check=False, env=env
    )
    line = next(ln for ln in done.stderr.splitlines() if ln.startswith("MODULES "))
    return set(json.loads(line.removeprefix("MODULES ")))


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
    loaded = loaded_packages(*args)
    assert "tracker" in loaded and "typer" in loaded  # the probe did run the CLI
    assert not loaded & set(HEAVY), f"tracker {' '.join(args)} imported {sorted(loaded & set(HEAVY))}"


def test_a_database_command_still_loads_what_it_needs(tmp_path: Path) -> None:
    """The probe is not blind: a command that lists users does import the database layer."""
    env = {**os.environ, "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}", "TRACKER_VAR_DIR": str(tmp_path)}
    assert {"sqlalchemy", "sqlmodel"} <= loaded_packages("users", "list", env=env)
