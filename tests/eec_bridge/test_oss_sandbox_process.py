"""The sandbox as `make run` starts it: `uvicorn eec_bridge.oss.sandbox:app`, configured by
its environment variables."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import _free_port


@pytest.fixture
def oss_process():
    port = _free_port()
    env = {**os.environ, "OSS_SANDBOX_CLIENT_ID": "env-client",
           "OSS_SANDBOX_CLIENT_SECRET": "env-secret", "OSS_SANDBOX_POLICY": "reject",
           "OSS_SANDBOX_TOKEN_TTL_S": "120"}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "eec_bridge.oss.sandbox:app",
                             "--host", "127.0.0.1", "--port", str(port),
                             "--log-level", "warning"], env=env)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            httpx.get(f"{base_url}/_sandbox/config", timeout=1)
            break
        except httpx.TransportError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.05)
    yield base_url
    proc.terminate()
    proc.wait(timeout=10)


def test_the_sandbox_reads_its_environment(oss_process):
    config = httpx.get(f"{oss_process}/_sandbox/config").json()
    assert (config["policy"], config["token_ttl_s"]) == ("reject", 120)
    form = {"grant_type": "client_credentials", "client_id": "env-client"}
    token = httpx.post(f"{oss_process}/oauth/token", data={**form, "client_secret": "env-secret"})
    assert token.status_code == 200 and token.json()["expires_in"] == 120
    wrong = httpx.post(f"{oss_process}/oauth/token",
                       data={**form, "client_secret": "dev-only-not-a-secret"})
    assert wrong.status_code == 401 and wrong.json() == {"error": "invalid_client"}
