"""Fixtures for the actions' tests: the chatbot folder on sys.path, a fake ticket API over
real HTTP, a Tracker builder and a runner for async actions."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import pytest

CHATBOT = Path(__file__).resolve().parents[3] / "chatbot"
sys.path.insert(0, str(CHATBOT))
os.environ.setdefault("PYTHAINLP_DATA", str(CHATBOT.parent / "var" / "pythainlp"))

from fake_portal import FakePortal  # noqa: E402


@pytest.fixture
def portal(monkeypatch) -> Any:
    """A ticket API on a free port; the actions' settings point at it."""
    with FakePortal() as server:
        monkeypatch.setenv("EEC_PORTAL_URL", server.url)
        monkeypatch.setenv("EEC_CHATBOT_SERVICE_TOKEN", FakePortal.TOKEN)
        monkeypatch.setenv("EEC_CHATBOT_BACKOFF_S", "0.01")
        monkeypatch.setenv("EEC_CHATBOT_HTTP_TIMEOUT_S", "1")
        yield server


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)
