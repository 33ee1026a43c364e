"""The one Settings object: every configurable value of the portal, read from the environment."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import SplitResult, urlsplit

from pydantic import AliasChoices, Field, IPvAnyNetwork, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from core import dev_secrets

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
# Production refuses shorter secrets; the development ones are 43 characters.
MIN_SECRET_CHARS = 16
# Where `make run` starts the development mail sink (mail/sink.py), which keeps mail.
DEV_SMTP_URL = "smtp://127.0.0.1:8025"
SMTP_SCHEMES = ("smtp", "smtps", "smtp+starttls")


def is_local_host(host: str | None) -> bool:
    """This machine: localhost, a loopback or unspecified address."""
    if not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def smtp_parts(url: str) -> SplitResult | None:
    """The parts of an SMTP URL the mailer takes (mail/gateway.py), or None."""
    try:
        parts = urlsplit(url)
        valid = parts.scheme in SMTP_SCHEMES and bool(parts.hostname) and parts.port != 0
    except ValueError:  # a port that is not a number, or past 65535
        return None
    return parts if valid else None


class Settings(BaseSettings):
    # A refusal is printed and logged: it must not repeat the values (secrets, passwords in URLs).
    model_config = SettingsConfigDict(env_prefix="EEC_", env_file=".env", extra="ignore",
                                      hide_input_in_errors=True)

    environment: Literal["development", "test", "production"] = "development"
    # Local state: the SQLite database, uploads, the embedded Redis and the development secrets.
    var_dir: Path = VAR
    # DATABASE_URL / REDIS_URL are the conventional names; EEC_-prefixed ones work too.
    database_url: str = Field(
        default_factory=lambda data: f"sqlite:///{data['var_dir'] / 'eec.db'}",
        validation_alias=AliasChoices("DATABASE_URL", "EEC_DATABASE_URL"),
    )
    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("REDIS_URL", "EEC_REDIS_URL")
    )
    # Secrets: none has a default in the code. Left empty, a development or test process takes
    # them from var_dir/secrets.json (core/dev_secrets.py); production refuses to start.
    secret_key: SecretStr = SecretStr("")
    base_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8000
    # The reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For is
    # believed. None by default: even a proxy on this machine must be named (127.0.0.1).
    trusted_proxies: Annotated[list[IPvAnyNetwork], NoDecode] = []

    # Bodies larger than these are refused from Content-Length, or while they stream in,
    # before any work is done on them. JSON nested deeper than json_max_depth is refused.
    body_max_bytes: int = 1024 * 1024
    api_body_max_bytes: int = 64 * 1024
    webhook_body_max_bytes: int = 5_000_000
    json_max_depth: int = 32

    upload_dir: Path = Field(default_factory=lambda data: data["var_dir"] / "uploads")
    upload_max_bytes: int = 5 * 1024 * 1024
    # Per application (documents attached, and their distinct files' total size), and per
    # account and hour, so that one applicant cannot fill the disk.
    upload_max_documents: int = 30
    upload_max_total_bytes: int = 50 * 1024 * 1024
    uploads_per_hour: int = 60
    reservation_days: int = 30

    # Outside systems. Each sandbox stands in for the real one; only the URLs change.
    bizportal_url: str = "http://127.0.0.1:8101"
    bizportal_api_key: SecretStr = SecretStr("")
    bizportal_webhook_secret: SecretStr = SecretStr("")
    eec_oss_url: str = "http://127.0.0.1:8102"
    eec_oss_client_id: str = "eec-onestop"
    eec_oss_client_secret: SecretStr = SecretStr("")
    eec_oss_webhook_secret: SecretStr = SecretStr("")
    http_timeout_s: float = 5.0
    # E-mail to applicants goes out through this SMTP server: smtp://host:port (plain),
    # smtp+starttls://user:password@host:587 or smtps://user:password@host:465. The default
    # is the development mail sink (`make run` starts it; python -m mail.sink), which keeps
    # every mail in mail_sink_dir for the /dev/mail page instead of passing it on.
    smtp_url: str = DEV_SMTP_URL
    # Production sends mail over TLS (smtps://, smtp+starttls://). Plain smtp:// to another
    # machine is refused there unless the operator allows it: a relay on a private network.
    smtp_plain_allowed: bool = False
    mail_from: str = "EEC Business One-Stop <no-reply@eec-onestop.example>"
    # An SMTP server may take seconds to answer DATA (filtering); a client that gives up
    # first cannot tell whether the mail went, and its retry would send it twice.
    smtp_timeout_s: float = 30.0
    mail_sink_dir: Path = Field(default_factory=lambda data: data["var_dir"] / "mail")

    # Delivery: retries with exponential backoff and jitter, then the message is parked.
    delivery_max_attempts: int = 8
    delivery_backoff_base_s: float = 1.0
    delivery_backoff_max_s: float = 60.0
    # Messages per delivery task: their calls go out side by side, their outcomes commit
    # together.
    delivery_batch_size: int = Field(default=20, ge=1, le=200)
    # The relay looks for due messages this often, and at once when a commit wakes it.
    relay_interval_s: float = 0.5
    relay_lease_s: float = 30.0
    feed_poll_interval_s: float = 5.0

    # The complaint assistant: Rasa's REST channel, reached only through the portal. `make run`
    # leaves the assistant's two processes out when it is not enabled (the chat says so).
    rasa_url: str = "http://127.0.0.1:5005"
    chatbot_enabled: bool = True
    chat_messages_per_minute: int = 20
    # Per client address as well, since a fresh session is one GET away; wider, because an
    # office behind NAT shares one address.
    chat_messages_per_address_per_minute: int = 60
    chat_max_chars: int = 500
    chat_max_payload_chars: int = 200
    # The widget shows a browser session's last exchanges with the assistant after a page load
    # (web/chat.py keeps them in Redis no longer than the session can live).
    chat_history_max_exchanges: int = 40
    # The assistant's action server. Where Rasa keeps conversations is derived from the
    # portal's database and Redis (web/launch.py, chatbot/endpoints.yml).
    rasa_actions_url: str = "http://127.0.0.1:5055"

    # Complaints: the chatbot's bearer token for /api/v1/tickets, and the Open311 api_keys
    # (comma-separated) of the clients allowed to POST requests.json.
    chatbot_service_token: SecretStr = SecretStr("")
    # The portal's bearer token for Rasa's REST channel (chatbot/portal_channel.py): only the
    # portal may talk to the assistant, so only the portal names the conversation.
    rasa_channel_token: SecretStr = SecretStr("")
    open311_api_keys: SecretStr = SecretStr("")

    sign_in_attempts: int = 5
    sign_in_window_s: int = 15 * 60
    # Accounts one address may create per hour (an office behind NAT shares one address).
    sign_ups_per_address_per_hour: int = 10
    # Complaints one address may file per hour through the anonymous web form.
    complaints_per_address_per_hour: int = 5
    # Wrong complaint access codes tolerated per hour from one address (over all tickets) and
    # for one ticket (from all addresses), on the status page and the ticket API.
    access_code_failures_per_address: int = 10
    access_code_failures_per_ticket: int = 20
    access_code_window_s: int = 3600
    session_max_age_s: int = 8 * 3600
    # Idle or not, a sign-in lasts this long: a stolen cookie in constant use still runs out.
    session_absolute_max_age_s: int = 12 * 3600

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _real_secrets(self) -> Settings:
        """Production refuses missing or short secrets and the development mail sink;
        elsewhere a missing secret comes from the development secrets file, the same for
        every process that shares var_dir."""
        missing = [name for name in dev_secrets.SECRET_FIELDS
                   if not any(value.strip() for value in self._values(name))]
        if self.environment == "production":
            weak = [name for name in dev_secrets.SECRET_FIELDS if name not in missing
                    and any(len(value) < MIN_SECRET_CHARS for value in self._values(name))]
            problems = [f"{dev_secrets.env_name(name)} must be set" for name in missing]
            problems += [f"{dev_secrets.env_name(name)} must be at least {MIN_SECRET_CHARS} "
                         "random characters" for name in weak]
            problems += self._mail_problems()
            if problems:
                raise ValueError("production needs real secrets and a real mail relay: "
                                 + "; ".join(problems))
        elif missing:
            stored = dev_secrets.load_or_create(self.var_dir)
            for name in missing:
                setattr(self, name, SecretStr(stored[name]))
        return self

    def _mail_problems(self) -> list[str]:
        """A production portal never sends applicants' mail to the development sink, which
        keeps it, nor in clear text across a network unless the operator says so."""
        tls = "smtps://user:password@relay:465 or smtp+starttls://user:password@relay:587"
        if "smtp_url" not in self.model_fields_set:
            return [f"EEC_SMTP_URL must be set (to {tls}): the default is the development "
                    "mail sink, which keeps applicants' mail instead of sending it"]
        parts = smtp_parts(self.smtp_url)
        if parts is None:
            return [f"EEC_SMTP_URL must be an SMTP URL, {tls}"]
        if is_local_host(parts.hostname) and not parts.username:
            return [f"EEC_SMTP_URL points at this machine ({parts.hostname}) without a user and "
                    "password, as the development mail sink is reached: name the real mail "
                    f"relay, {tls}"]
        if parts.scheme == "smtp" and not is_local_host(parts.hostname) \
                and not self.smtp_plain_allowed:
            return [f"EEC_SMTP_URL sends mail to {parts.hostname} without TLS (smtp://): use "
                    f"{tls}, or set EEC_SMTP_PLAIN_ALLOWED=true for a relay on a private "
                    "network"]
        return []

    def _values(self, name: str) -> list[str]:
        value = getattr(self, name).get_secret_value()
        return sorted(self.open311_keys()) if name == "open311_api_keys" else [value]

    def open311_keys(self) -> set[str]:
        return {key.strip() for key in self.open311_api_keys.get_secret_value().split(",")
                if key.strip()}

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
