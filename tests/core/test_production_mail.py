"""A production portal never sends applicants' mail into the development sink: it refuses to
start while EEC_SMTP_URL is the default, points at this machine without a user and password
(as the sink is reached), or is not an SMTP URL; plain smtp:// to another machine only when
the operator allows it (EEC_SMTP_PLAIN_ALLOWED). `make run` starts no sink in production,
and /dev/mail is not there (tests/web/test_dev_mail.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from pydantic import ValidationError

from core.dev_secrets import SECRET_FIELDS, env_name
from core.settings import DEV_SMTP_URL, Settings
from tests.conftest import ROOT
from web.launch import sink_wanted

SECRETS = {field: f"production-{field}-0123456789abcdef" for field in SECRET_FIELDS}
RELAY_PASSWORD = "relay-pass-5f2c9a"


def production(**values: object) -> Settings:
    return Settings(environment="production", **SECRETS, **values)  # type: ignore[arg-type]


def refusal(**values: object) -> str:
    with pytest.raises(ValidationError) as refused:
        production(**values)
    return str(refused.value)


def test_the_default_is_refused_as_the_development_sink():
    message = refusal()
    assert "EEC_SMTP_URL must be set" in message and "development mail sink" in message
    assert "EEC_SMTP_URL" in refusal(smtp_url=DEV_SMTP_URL)  # the same value, given


@pytest.mark.parametrize("url", ["smtp://127.0.0.1:8025", "smtp://localhost:25",
                                 "smtp://[::1]:2525", "smtp://127.0.0.2:25",
                                 "smtp://0.0.0.0:8025", "smtps://127.0.0.1:465",
                                 "smtp+starttls://localhost:587"])
def test_this_machine_without_credentials_is_refused(url):
    message = refusal(smtp_url=url)
    assert "points at this machine" in message and "development mail sink" in message


@pytest.mark.parametrize("url", ["http://relay.example.org", "smtp://", "relay.example.org:465",
                                 f"smtps://user:{RELAY_PASSWORD}@relay.example.org:port"])
def test_what_is_not_an_smtp_url_is_refused(url):
    message = refusal(smtp_url=url)
    assert "EEC_SMTP_URL must be an SMTP URL" in message
    assert RELAY_PASSWORD not in message


def test_plain_smtp_to_another_machine_needs_the_operators_word():
    url = f"smtp://portal:{RELAY_PASSWORD}@relay.internal:25"
    message = refusal(smtp_url=url)
    assert "without TLS" in message and "EEC_SMTP_PLAIN_ALLOWED=true" in message
    assert RELAY_PASSWORD not in message  # the refusal is logged: it names no password
    assert "input_value" not in message and SECRETS["secret_key"] not in message
    assert production(smtp_url=url, smtp_plain_allowed=True).smtp_url == url


@pytest.mark.parametrize("url", [f"smtps://portal:{RELAY_PASSWORD}@smtp.example.org:465",
                                 f"smtp+starttls://portal:{RELAY_PASSWORD}@smtp.example.org:587",
                                 f"smtp://portal:{RELAY_PASSWORD}@127.0.0.1:25"])
def test_a_real_relay_is_taken_and_no_sink_is_started_for_it(url):
    settings = production(smtp_url=url)
    assert settings.smtp_url == url
    assert not sink_wanted(settings)


def test_development_keeps_the_sink():
    settings = Settings(environment="development", **SECRETS)  # type: ignore[arg-type]
    assert settings.smtp_url == DEV_SMTP_URL and sink_wanted(settings)
    assert Settings(environment="test", smtp_url="smtp://relay.internal:25",  # type: ignore[arg-type]
                    **SECRETS).smtp_url == "smtp://relay.internal:25"


def test_the_portal_does_not_start_and_says_why(tmp_path):
    """As an operator starts it: real secrets, no EEC_SMTP_URL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EEC_")}
    env.update({env_name(field): value for field, value in SECRETS.items()},
               EEC_ENVIRONMENT="production", EEC_VAR_DIR=str(tmp_path / "var"))
    done = subprocess.run([sys.executable, "-c", "from web.main import app"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "EEC_SMTP_URL must be set" in done.stderr
    assert "must be set" not in done.stderr.replace("EEC_SMTP_URL must be set", "")  # secrets ok
    done = subprocess.run([sys.executable, "-c", "from web.main import app"], cwd=ROOT,
                          env={**env, "EEC_SMTP_URL": f"smtps://portal:{RELAY_PASSWORD}@"
                                                      "smtp.example.org:465"},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
