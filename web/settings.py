"""The one Settings object: every configurable value of the portal, read from the environment."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
DEV_SECRET = "dev-only-not-a-secret"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EEC_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    # DATABASE_URL / REDIS_URL are the conventional names; EEC_-prefixed ones work too.
    database_url: str = Field(
        default=f"sqlite:///{VAR / 'eec.db'}",
        validation_alias=AliasChoices("DATABASE_URL", "EEC_DATABASE_URL"),
    )
    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("REDIS_URL", "EEC_REDIS_URL")
    )
    secret_key: SecretStr = SecretStr(DEV_SECRET)
    base_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8000

    upload_dir: Path = VAR / "uploads"
    upload_max_bytes: int = 5 * 1024 * 1024
    reservation_days: int = 30
    name_similarity_threshold: int = 88

    # Outside systems. Each sandbox stands in for the real one; only the URLs change.
    bizportal_url: str = "http://127.0.0.1:8101"
    bizportal_api_key: SecretStr = SecretStr(DEV_SECRET)
    bizportal_webhook_secret: SecretStr = SecretStr(DEV_SECRET)
    eec_oss_url: str = "http://127.0.0.1:8102"
    eec_oss_client_id: str = "eec-onestop"
    eec_oss_client_secret: SecretStr = SecretStr(DEV_SECRET)
    eec_oss_webhook_secret: SecretStr = SecretStr(DEV_SECRET)
    http_timeout_s: float = 5.0

    # Delivery: retries with exponential backoff and jitter, then the message is parked.
    delivery_max_attempts: int = 8
    delivery_backoff_base_s: float = 1.0
    delivery_backoff_max_s: float = 60.0
    # Messages per delivery task: their calls go out side by side, their outcomes commit
    # together.
    delivery_batch_size: int = Field(20, ge=1, le=200)
    # The relay looks for due messages this often, and at once when a commit wakes it.
    relay_interval_s: float = 0.5
    relay_lease_s: float = 30.0
    feed_poll_interval_s: float = 5.0

    # The complaint assistant: Rasa's REST channel, reached only through the portal.
    rasa_url: str = "http://127.0.0.1:5005"
    chat_messages_per_minute: int = 20
    chat_max_chars: int = 500

    # Complaints: the chatbot's bearer token for /api/v1/tickets, and the Open311 api_keys
    # (comma-separated) of the clients allowed to POST requests.json.
    chatbot_service_token: SecretStr = SecretStr(DEV_SECRET)
    # The portal's bearer token for Rasa's REST channel (chatbot/portal_channel.py): only the
    # portal may talk to the assistant, so only the portal names the conversation.
    rasa_channel_token: SecretStr = SecretStr(DEV_SECRET)
    open311_api_keys: SecretStr = SecretStr(DEV_SECRET)

    sign_in_attempts: int = 5
    sign_in_window_s: int = 15 * 60
    session_max_age_s: int = 8 * 3600

    @model_validator(mode="after")
    def _no_placeholder_secrets_in_production(self) -> "Settings":
        if self.environment != "production":
            return self
        for name in ("secret_key", "bizportal_api_key", "bizportal_webhook_secret",
                     "eec_oss_client_secret", "eec_oss_webhook_secret",
                     "chatbot_service_token", "rasa_channel_token"):
            if getattr(self, name).get_secret_value() == DEV_SECRET:
                raise ValueError(f"EEC_{name.upper()} must be set in production")
        if DEV_SECRET in self.open311_keys():
            raise ValueError("EEC_OPEN311_API_KEYS must be set in production")
        return self

    def open311_keys(self) -> set[str]:
        return {key.strip() for key in self.open311_api_keys.get_secret_value().split(",")
                if key.strip()}

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
