"""`tracker demo generate`: files in the published layout that import, upload and light as chosen."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from tests.actuals.helpers import ADMIN
from tracker.actuals import service as actuals
from tracker.cli import app
from tracker.core.lights import Light
from tracker.demo.generate import Options, generate, region_of
from tracker.monitoring.service import project_variances
from tracker.rules import load_rules
from tracker.scope import Scope
from tracker.targets.importer import parse_file
from tracker.targets.service import import_targets


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_same_seed_writes_the_same_bytes_and_another_seed_other_ones(tmp_path: Path) -> None:
    options = Options(counties=2, seed=7, projects=12)
    generate(options=options, out=tmp_path / "a")
    generate(options=options, out=tmp_path / "b")
    generate(options=Options(counties=2, seed=8, projects=12), out=tmp_path / "c")
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a")["targets/130150.txt"] != _files(tmp_path / "c")["targets/130150.txt"]


def test_each_county_file_reads_back_with_its_own_region_units_and_codes(tmp_path: Path) -> None:
    manifest = generate(options=Options(counties=3, seed=1, projects=20), out=tmp_path)
    units: set[str] = set()
    for county in manifest["counties"]:  # type: ignore[attr-defined]
        parsed = parse_file((tmp_path / county["targets"]).read_bytes())
        assert parsed.warnings == []
        assert len(parsed.projects) == 20
        assert parsed.region_name == county["region_name"]
        assert {p.code[:6] for p in parsed.projects} == {county["region_code"]}
        assert len({p.code for p in parsed.projects}) == 20
        assert all(p.plan[-1].cumulative_pct == 100 and p.indicators and p.budget_fen > 0 for p in parsed.projects)
        county_units = {p.dept_code for p in parsed.projects}
        assert not units & county_units  # unit codes never repeat across counties
        units |= county_units
    assert len({region_of(k)[0] for k in range(550)}) == 550


def test_the_chosen_share_of_projects_lags_and_the_rest_keeps_to_plan(session: Session, tmp_path: Path) -> None:
    manifest = generate(options=Options(counties=2, seed=3, projects=10, lagging_share=0.3), out=tmp_path)
    lagging: set[str] = set()
    for county in manifest["counties"]:  # type: ignore[attr-defined]
        import_targets(session=session, data=(tmp_path / county["targets"]).read_bytes(), filename="t.txt")
        for kind in ("payments", "results"):
            actuals.upload(
                rules=load_rules(),
                session=session,
                source=tmp_path / county[kind],
                filename=f"{kind}.csv",
                principal=ADMIN,
            )
        lagging |= set(county["lagging"])
    assert len(lagging) == 6
    found = project_variances(
        rules=load_rules(), session=session, scope=Scope.everything(), year=2024, as_of=date(2024, 12, 31)
    )
    assert len(found) == 20
    assert {v.code for v in found if v.spend.light == Light.RED} == lagging
    assert {v.spend.light for v in found if v.code not in lagging} == {Light.GREEN}


def test_the_command_writes_a_manifest_and_refuses_a_share_above_one(tmp_path: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(
        app, ["demo", "generate", "--counties", "2", "--seed", "5", "--projects", "4", "--out", str(tmp_path)]
    )
    assert done.exit_code == 0, done.output
    assert json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))["projects"] == 8
    refused = runner.invoke(app, ["demo", "generate", "--counties", "2", "--seed", "5", "--lagging-share", "1.5",
                                  "--out", str(tmp_path / "x")])  # fmt: skip
    assert refused.exit_code == 2
    assert "滞后项目比例" in refused.output
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("counties", [0, 551])
def test_a_county_count_outside_the_codes_available_is_refused(counties: int, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="县的个数"):
        generate(options=Options(counties=counties, seed=1), out=tmp_path)
