"""The sandbox as `make run` starts it: `uvicorn eec_bridge.oss.sandbox:app`, configured by
its environment variables."""

from __future__ import annotations

import os

import httpx
import pytest

from tests.stack import served


@pytest.fixture
def oss_process(tmp_path):
    env = {"OSS_SANDBOX_CLIENT_ID": "env-client",
           "OSS_SANDBOX_CLIENT_SECRET": "env-secret", "OSS_SANDBOX_POLICY": "reject",
           "OSS_SANDBOX_TOKEN_TTL_S": "120"}
    with served("eec_bridge.oss.sandbox:app", env, tmp_path) as base_url:
        yield base_url


def test_the_sandbox_reads_its_environment(oss_process):
    config = httpx.get(f"{oss_process}/_sandbox/config").json()
    assert (config["policy"], config["token_ttl_s"]) == ("reject", 120)
    form = {"grant_type": "client_credentials", "client_id": "env-client"}
    token = httpx.post(f"{oss_process}/oauth/token", data={**form, "client_secret": "env-secret"})
    assert token.status_code == 200 and token.json()["expires_in"] == 120
    # The secret of its environment replaces the portal's, which it would take by default.
    wrong = httpx.post(f"{oss_process}/oauth/token",
                       data={**form, "client_secret": os.environ["EEC_EEC_OSS_CLIENT_SECRET"]})
    assert wrong.status_code == 401 and wrong.json() == {"error": "invalid_client"}
