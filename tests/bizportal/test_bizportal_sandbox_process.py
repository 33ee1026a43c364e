"""The sandbox as `make run` starts it: `uvicorn bizportal.sandbox:app`, configured by its
environment variables."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest

from tests.bizportal.conftest import make_gateway, message_id, registration_payload
from tests.conftest import _free_port


@pytest.fixture
def sandbox_process():
    port = _free_port()
    env = {**os.environ, "BIZPORTAL_SANDBOX_API_KEY": "from-env",
           "BIZPORTAL_SANDBOX_DECISION_DELAY_S": "0.5",
           "BIZPORTAL_SANDBOX_CALLBACK_URL": "http://127.0.0.1:9/from-env"}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "bizportal.sandbox:app",
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


def test_the_sandbox_reads_its_environment(sandbox_process):
    assert httpx.get(f"{sandbox_process}/_sandbox/config").json()["decision_delay_s"] == 0.5
    with make_gateway(sandbox_process, api_key="from-env") as gw:
        receipt = gw.submit_registration(message_id(), registration_payload())
        assert receipt.registration_id.startswith("BP-REG-")
    refused = httpx.post(f"{sandbox_process}/api/v1/registrations", json={},
                         headers={"Authorization": "Bearer dev-only-not-a-secret",
                                  "Idempotency-Key": message_id()})
    assert refused.status_code == 401
