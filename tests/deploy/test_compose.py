"""The container files say what the README promises (checked here without docker: there is none in CI).

One slim non-root image, multi-stage; compose with PostgreSQL, a one-shot migration that web and the
scheduler wait for, one scheduler, a mail catcher; the health check asks /ready.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

DOCKER = Path(__file__).resolve().parents[2] / "docker"
pytestmark = pytest.mark.deploy


def compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((DOCKER / "compose.yaml").read_text(encoding="utf-8"))


def test_the_image_is_multi_stage_slim_and_runs_as_a_user_that_is_not_root() -> None:
    lines = (DOCKER / "Dockerfile").read_text(encoding="utf-8").splitlines()
    stages = [line.split()[1] for line in lines if line.startswith("FROM ")]
    assert len(stages) == 2 and all(s.startswith("python:3.11-slim") for s in stages)
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert any("COPY --from=build" in line for line in lines)
    assert any(line.startswith("HEALTHCHECK") for line in lines) and "/ready" in "\n".join(lines)
    assert 'ENTRYPOINT ["tracker-entrypoint"]' in lines


def test_compose_has_the_database_a_one_shot_migration_web_one_scheduler_and_a_mail_catcher() -> None:
    services = compose()["services"]
    assert set(services) == {"db", "migrate", "web", "scheduler", "mail"}
    assert services["migrate"]["command"] == ["migrate"] and services["migrate"]["restart"] == "no"
    for name in ("web", "scheduler"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert services[name]["depends_on"]["db"] == {"condition": "service_healthy"}
    images = {services[n]["image"] for n in ("migrate", "web", "scheduler")}
    assert images == {"tracker:latest"}, "web, scheduler and migration share one image"
    assert services["scheduler"]["command"] == ["scheduler"] and "deploy" not in services["scheduler"]
    assert "/ready" in " ".join(services["web"]["healthcheck"]["test"])
    env = services["web"]["environment"]
    assert env["TRACKER_SMTP_HOST"].endswith(":-mail}") and env["TRACKER_DATABASE_URL"].endswith("@db:5432/tracker")
    assert env["TRACKER_SECRET_KEY"].startswith("${TRACKER_SECRET_KEY:?"), "no default secret in the file"


def test_every_setting_compose_passes_is_one_the_service_reads() -> None:
    from tracker.config import Settings

    known = {f"TRACKER_{name.upper()}" for name in Settings.model_fields}
    passed = set(compose()["services"]["web"]["environment"]) - {"WEB_WORKERS"}
    assert passed <= known, passed - known


def test_the_entrypoint_is_a_posix_script_knowing_web_scheduler_and_migrate() -> None:
    script = DOCKER / "entrypoint.sh"
    assert script.stat().st_mode & 0o111, "not executable"
    text = script.read_text(encoding="utf-8")
    assert text.startswith("#!/bin/sh\n")
    assert set(re.findall(r"^  (\w+)\)$", text, re.M)) == {"web", "scheduler", "migrate"}
    assert subprocess.run(["sh", "-n", str(script)], check=False).returncode == 0


@pytest.mark.skipif(shutil.which("docker") is None, reason="docker is not installed")
def test_docker_compose_accepts_the_file_where_it_is_installed() -> None:
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("docker has no compose plugin here")
    env = {"TRACKER_SECRET_KEY": "x" * 48, "PATH": "/usr/bin:/bin:/usr/local/bin"}
    done = subprocess.run(
        ["docker", "compose", "-f", str(DOCKER / "compose.yaml"), "config", "--quiet"], env=env, check=False
    )
    assert done.returncode == 0
