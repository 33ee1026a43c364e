"""The action server's configuration, read once from the environment (EEC_ prefix, as the
portal's Settings). The action server runs in its own Python (Rasa needs 3.10), so it cannot
import the portal's pydantic-settings class; this is its one place for os.environ."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEV_TOKEN = "dev-only-not-a-secret"


@dataclass(frozen=True)
class ChatbotSettings:
    portal_url: str = "http://127.0.0.1:8000"
    # The address users open in a browser (the privacy notice); the API may be internal.
    portal_public_url: str = ""
    service_token: str = DEV_TOKEN
    http_timeout_s: float = 5.0
    submit_attempts: int = 3
    backoff_base_s: float = 0.5
    locale_dir: Path = PROJECT_DIR / "web" / "locale"

    @property
    def privacy_url(self) -> str:
        return (self.portal_public_url or self.portal_url).rstrip("/") + "/privacy"


@lru_cache
def get_settings() -> ChatbotSettings:
    env = os.environ
    return ChatbotSettings(
        portal_url=env.get("EEC_PORTAL_URL", ChatbotSettings.portal_url),
        portal_public_url=env.get("EEC_PORTAL_PUBLIC_URL", ""),
        service_token=env.get("EEC_CHATBOT_SERVICE_TOKEN", DEV_TOKEN),
        http_timeout_s=float(env.get("EEC_CHATBOT_HTTP_TIMEOUT_S", ChatbotSettings.http_timeout_s)),
        submit_attempts=int(env.get("EEC_CHATBOT_SUBMIT_ATTEMPTS", ChatbotSettings.submit_attempts)),
        backoff_base_s=float(env.get("EEC_CHATBOT_BACKOFF_S", ChatbotSettings.backoff_base_s)),
    )
