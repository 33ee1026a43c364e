"""The sandbox as `make run` starts it: `uvicorn bizportal.sandbox:app`, configured by its
environment variables."""

from __future__ import annotations

import os

import httpx
import pytest

from tests.bizportal.conftest import make_gateway, message_id, registration_payload
from tests.stack import served


@pytest.fixture
def sandbox_process(tmp_path):
    env = {"BIZPORTAL_SANDBOX_API_KEY": "from-env",
           "BIZPORTAL_SANDBOX_DECISION_DELAY_S": "0.5",
           "BIZPORTAL_SANDBOX_CALLBACK_URL": "http://127.0.0.1:9/from-env"}
    with served("bizportal.sandbox:app", env, tmp_path) as base_url:
        yield base_url


def test_the_sandbox_reads_its_environment(sandbox_process):
    assert httpx.get(f"{sandbox_process}/_sandbox/config").json()["decision_delay_s"] == 0.5
    with make_gateway(sandbox_process, api_key="from-env") as gw:
        receipt = gw.submit_registration(message_id(), registration_payload())
        assert receipt.registration_id.startswith("BP-REG-")
    # The key of its environment replaces the portal's, which it would take by default.
    portal_key = os.environ["EEC_BIZPORTAL_API_KEY"]
    refused = httpx.post(f"{sandbox_process}/api/v1/registrations", json={},
                         headers={"Authorization": f"Bearer {portal_key}",
                                  "Idempotency-Key": message_id()})
    assert refused.status_code == 401
