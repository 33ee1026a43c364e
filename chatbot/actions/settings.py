"""The action server's configuration, read once from the environment (EEC_ prefix, as the
portal's Settings). The action server runs in its own Python (Rasa needs 3.10), so it cannot
import the portal's pydantic-settings class; this is its one place for os.environ."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class ChatbotSettings:
    portal_url: str = "http://127.0.0.1:8000"
    # The address users open in a browser (the privacy notice); the API may be internal.
    portal_public_url: str = ""
    # No default in the code: the environment's, or the portal's development one.
    service_token: str = ""
    http_timeout_s: float = 5.0
    submit_attempts: int = 3
    backoff_base_s: float = 0.5
    locale_dir: Path = PROJECT_DIR / "web" / "locale"

    @property
    def privacy_url(self) -> str:
        return (self.portal_public_url or self.portal_url).rstrip("/") + "/privacy"


def development_service_token(env: os._Environ[str] | dict[str, str]) -> str:
    """The token the portal made for itself in development (core/dev_secrets.py keeps it in
    var/secrets.json), so a bare `rasa run actions` on the same checkout needs no setting."""
    var_dir = Path(env.get("EEC_VAR_DIR") or PROJECT_DIR / "var")
    try:
        stored = json.loads((var_dir / "secrets.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    token = stored.get("chatbot_service_token", "") if isinstance(stored, dict) else ""
    return token if isinstance(token, str) else ""


def get_settings() -> ChatbotSettings:
    """Read from the environment on every call (a handful of lookups per chat turn), so a
    test sets the environment and nothing is cached to reset."""
    env = os.environ
    return ChatbotSettings(
        portal_url=env.get("EEC_PORTAL_URL", ChatbotSettings.portal_url),
        portal_public_url=env.get("EEC_PORTAL_PUBLIC_URL", ""),
        service_token=(env.get("EEC_CHATBOT_SERVICE_TOKEN")
                       or development_service_token(env)),
        http_timeout_s=float(env.get("EEC_CHATBOT_HTTP_TIMEOUT_S",
                                     ChatbotSettings.http_timeout_s)),
        submit_attempts=int(env.get("EEC_CHATBOT_SUBMIT_ATTEMPTS",
                                    ChatbotSettings.submit_attempts)),
        backoff_base_s=float(env.get("EEC_CHATBOT_BACKOFF_S", ChatbotSettings.backoff_base_s)),
    )
