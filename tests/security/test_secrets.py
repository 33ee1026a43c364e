"""No public secrets: the repository holds none, a development checkout makes its own (random,
0600, kept across restarts), a key that was once public opens nothing, and production refuses
to start without real ones."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner

from core.dev_secrets import SECRET_FIELDS, env_name
from tests.conftest import ROOT, Browser, create_officer, fresh_resources, sign_in

# The placeholder every secret had until December 2026, assembled so that it appears nowhere.
OLD_PLACEHOLDER = "-".join(("dev", "only", "not", "a", "secret"))
SECRET_ENV = [env_name(field) for field in SECRET_FIELDS]
# Dumps what each process of the stack would use: the portal, both sandboxes, the actions.
DUMP = """
import importlib.util, json, sys
from core.runtime import get_settings
from bizportal.sandbox import BizPortalSandboxSettings
from eec_bridge.oss.sandbox import OssSandboxSettings
spec = importlib.util.spec_from_file_location("chatbot_settings", "chatbot/actions/settings.py")
chatbot = sys.modules["chatbot_settings"] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(chatbot)
s = get_settings()
print(json.dumps({
    "portal": {f: getattr(s, f).get_secret_value() for f in SECRET_FIELDS},
    "bizportal": BizPortalSandboxSettings().model_dump(include={"api_key", "webhook_secret"}),
    "oss": OssSandboxSettings().model_dump(include={"client_secret", "webhook_secret"}),
    "actions": chatbot.get_settings().service_token,
}))
""".replace("SECRET_FIELDS", repr(SECRET_FIELDS))


def unconfigured_env(var_dir: Path, environment: str = "development") -> dict[str, str]:
    """This machine's environment with no secret set, as a new developer's shell."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("EEC_", "BIZPORTAL_SANDBOX_", "OSS_SANDBOX_"))}
    return {**env, "EEC_ENVIRONMENT": environment, "EEC_VAR_DIR": str(var_dir)}


def start_and_dump(var_dir: Path) -> dict:
    """A fresh process's secrets, as `make run` would start it on `var_dir`."""
    done = subprocess.run([sys.executable, "-c", DUMP], cwd=ROOT, env=unconfigured_env(var_dir),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_old_placeholder_is_nowhere_in_the_repository():
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout
    found = []
    for name in listed.splitlines():
        path = ROOT / name
        if path.is_file() and OLD_PLACEHOLDER.encode() in path.read_bytes():
            found.append(name)
    assert found == []
    # Nor any other secret: every secret setting starts empty.
    from core.settings import Settings

    for field in SECRET_FIELDS:
        assert Settings.model_fields[field].default.get_secret_value() == "", field


def test_a_fresh_checkout_makes_private_random_secrets_that_every_process_shares(tmp_path):
    first = start_and_dump(tmp_path / "one" / "var")
    secrets_file = tmp_path / "one" / "var" / "secrets.json"
    assert secrets_file.stat().st_mode & 0o777 == 0o600
    portal = first["portal"]
    assert all(len(value) >= 43 for value in portal.values())  # 32 random bytes each
    assert len(set(portal.values())) == len(SECRET_FIELDS)
    assert OLD_PLACEHOLDER not in portal.values()
    # The sandboxes and the action server hold the same values as the portal.
    assert first["bizportal"] == {"api_key": portal["bizportal_api_key"],
                                  "webhook_secret": portal["bizportal_webhook_secret"]}
    assert first["oss"] == {"client_secret": portal["eec_oss_client_secret"],
                            "webhook_secret": portal["eec_oss_webhook_secret"]}
    assert first["actions"] == portal["chatbot_service_token"]

    assert start_and_dump(tmp_path / "one" / "var") == first  # a restart keeps them
    other = start_and_dump(tmp_path / "two" / "var")["portal"]
    assert set(other.values()).isdisjoint(portal.values())  # another checkout has its own


def test_a_secrets_file_with_a_loose_mode_is_made_private(tmp_path):
    var_dir = tmp_path / "var"
    first = start_and_dump(var_dir)
    (var_dir / "secrets.json").chmod(0o644)  # copied with a careless umask
    assert start_and_dump(var_dir) == first
    assert (var_dir / "secrets.json").stat().st_mode & 0o777 == 0o600


def test_production_refuses_to_start_without_real_secrets(tmp_path):
    env = unconfigured_env(tmp_path / "var", "production")
    done = subprocess.run([sys.executable, "-c", "from web.main import app"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    for name in SECRET_ENV:
        assert f"{name} must be set" in done.stderr
    assert not (tmp_path / "var" / "secrets.json").exists()  # never made up in production

    weak = {**env, **{name: "x" * 43 for name in SECRET_ENV}, "EEC_SECRET_KEY": "short"}
    done = subprocess.run([sys.executable, "-c", "from web.main import app"], cwd=ROOT,
                          env=weak, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "EEC_SECRET_KEY must be at least" in done.stderr


@pytest.fixture
def unconfigured_portal(database_url, tmp_path, monkeypatch):
    """The portal as a new developer runs it: no secret configured, a var/ of its own."""
    for name in SECRET_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EEC_ENVIRONMENT", "development")
    monkeypatch.setenv("EEC_VAR_DIR", str(tmp_path / "var"))
    from web.app import create_app

    with fresh_resources() as resources, \
            TestClient(create_app(resources), base_url="http://testserver") as client:
        yield Browser(client)
    monkeypatch.undo()


def resigned(cookie: str, key: str) -> str:
    """The same session content, signed with `key` (Starlette's SessionMiddleware format)."""
    content = cookie.split(".")[0]
    json.loads(base64.b64decode(content + "=" * (-len(content) % 4)))  # it is a session
    return TimestampSigner(key).sign(content.encode()).decode()


def test_nothing_opens_with_the_old_placeholder(unconfigured_portal, session):
    portal = unconfigured_portal
    admin = create_officer(session, role="admin")
    sign_in(portal, admin)
    cookie = portal.client.cookies["eec_session"]
    assert portal.get("/desk/officers").status_code == 200

    # A stranger's client on the same app, with the admin's session signed by the old key.
    forger = TestClient(portal.client.app, base_url="http://testserver")
    forger.cookies.set("eec_session", resigned(cookie, OLD_PLACEHOLDER))
    forged = forger.get("/desk/officers", follow_redirects=False)
    forger.cookies.clear()
    assert forged.status_code in (302, 303, 401) and "/sign-in" in forged.headers.get(
        "location", forged.text)

    def wrong_keys_agree(call) -> None:
        """The placeholder gets what any wrong key gets: a refusal."""
        placeholder, random_key = call(OLD_PLACEHOLDER), call("x" + os.urandom(16).hex())
        assert placeholder.status_code == random_key.status_code
        assert placeholder.status_code in (401, 403), placeholder.text

    wrong_keys_agree(lambda key: forger.get("/api/v1/tickets/CMP-2026-000001",
                                            headers={"Authorization": f"Bearer {key}"}))
    wrong_keys_agree(lambda key: forger.post("/open311/v2/requests.json", data={
        "api_key": key, "service_code": "wastewater", "description": "Black water in the canal",
        "address_string": "Map Ta Phut", "lat": "12.7", "long": "101.1"}))
    from core.http_adapters import signature_headers

    body = json.dumps({"events": []}).encode()
    wrong_keys_agree(lambda key: forger.post(
        "/webhooks/bizportal", content=body,
        headers={"Content-Type": "application/json", **signature_headers(key, body)}))
