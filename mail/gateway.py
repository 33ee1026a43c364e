"""Sending one e-mail over SMTP (the standard library's smtplib), behind a Protocol.

The outbox message id travels as the mail's Message-ID, so the mail of one event has one
identity however often a delivery is attempted. Errors are the adapters' typed errors: a
server that cannot be reached or answers 4xx is transient (retry); a 5xx refusal of the
mail or its recipient is a rejection (no retry)."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from core.http_adapters import RejectedError, TransientError

MESSAGE_ID_DOMAIN = "eec-onestop"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    lang: str = "th"


@dataclass(frozen=True)
class MailReceipt:
    message_id: str  # the Message-ID header, <...@eec-onestop>


class Mailer(Protocol):
    def send(self, message_id: str, mail: Mail) -> MailReceipt: ...

    def close(self) -> None: ...


def message_id_header(message_id: str) -> str:
    return f"<{message_id}@{MESSAGE_ID_DOMAIN}>"


def compose(message_id: str, mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id_header(message_id)
    message.set_content(mail.body)  # UTF-8, so Thai reads as Thai in every mail client
    message["Content-Language"] = mail.lang  # after set_content, which clears Content-*
    return message


class SmtpMailer:
    """smtp://host:port (plain, as the development sink speaks), smtp+starttls://user:pass@host:port
    or smtps://user:pass@host:port (production relays). One connection a mail: notifications
    are few, and a connection left open would outlive a relay's idle timeout."""

    def __init__(self, url: str, sender: str, timeout_s: float = 10.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps", "smtp+starttls") or not parts.hostname:
            raise ValueError(f"not an SMTP URL: {parts.scheme}://{parts.hostname or ''}")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or (465 if parts.scheme == "smtps" else 25)
        self.username = unquote(parts.username or "")
        self.password = unquote(parts.password or "")
        self.sender = sender
        self.timeout_s = timeout_s

    def _connect(self) -> smtplib.SMTP:
        if self.scheme == "smtps":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout_s)
        client = smtplib.SMTP(self.host, self.port, timeout=self.timeout_s)
        if self.scheme == "smtp+starttls":
            client.starttls()
        return client

    def send(self, message_id: str, mail: Mail) -> MailReceipt:
        message = compose(message_id, mail, self.sender)
        try:
            client = self._connect()
            try:
                if self.username:
                    client.login(self.username, self.password)
                client.send_message(message)
            finally:
                _quit(client)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _text in exc.recipients.values()]
            error = RejectedError if all(code >= 500 for code in codes) else TransientError
            raise error(f"SMTP refused the recipient ({', '.join(map(str, codes))})") from exc
        except smtplib.SMTPResponseException as exc:
            error = RejectedError if exc.smtp_code >= 500 else TransientError
            raise error(f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}") from exc
        except (smtplib.SMTPException, OSError) as exc:  # OSError: refused, timed out
            raise TransientError(f"SMTP server unreachable: {type(exc).__name__}") from exc
        return MailReceipt(message_id_header(message_id))

    def close(self) -> None:
        """Nothing stays open between mails."""


class Claims(Protocol):
    """What OnceMailer needs of Redis (redis.Redis has it)."""

    def set(self, name: str, value: str, *, ex: int | None = None,
            nx: bool = False) -> Any: ...

    def get(self, name: str) -> Any: ...

    def delete(self, *names: str) -> Any: ...


class OnceMailer:
    """SMTP has no idempotency key, so a delivery that runs twice (its lease ran out while the
    first was still sending, or a task came back after a Redis restart) would send the mail
    twice. Before sending, a delivery claims the message id in Redis; after the send the claim
    becomes a "sent" mark kept for SENT_MEMORY_S. A delivery that finds the mark reports the
    mail sent without sending it; one that finds a live claim (another worker is sending it
    now) is retried later; a send that fails frees the claim for the retry. What is left is a
    worker killed between the server's "250 OK" and the mark: then the same Message-ID goes
    out again, and mail clients that see it twice show it once."""

    CLAIM_S = 120  # longer than any send: a connect, a login and DATA, each with its timeout
    SENT_MEMORY_S = 30 * 24 * 3600

    def __init__(self, inner: Mailer, claims: Claims) -> None:
        self.inner = inner
        self.claims = claims

    def send(self, message_id: str, mail: Mail) -> MailReceipt:
        key = f"mail:once:{message_id}"
        try:
            claimed = self.claims.set(key, "sending", ex=self.CLAIM_S, nx=True)
            done = not claimed and self.claims.get(key) == b"sent"
        except Exception as exc:  # noqa: BLE001 - Redis down or restarting: try again later
            raise TransientError(f"cannot claim the mail: {type(exc).__name__}") from exc
        if done:
            return MailReceipt(message_id_header(message_id))
        if not claimed:
            raise TransientError("another delivery of this mail is being sent")
        try:
            receipt = self.inner.send(message_id, mail)
        except BaseException:
            self._forget(key)
            raise
        try:
            self.claims.set(key, "sent", ex=self.SENT_MEMORY_S)
        except Exception:  # noqa: BLE001 - the mail is sent; the outbox row will say so
            log.warning("mail %s sent, but its mark could not be kept in Redis", message_id)
        return receipt

    def _forget(self, key: str) -> None:
        try:
            self.claims.delete(key)
        except Exception:  # noqa: BLE001 - the claim runs out by itself (CLAIM_S)
            log.warning("could not free the claim %s", key)

    def close(self) -> None:
        self.inner.close()


def _quit(client: smtplib.SMTP) -> None:
    """Says goodbye; once the server has taken the mail, a goodbye that fails changes nothing
    (raising then would retry, and send, a mail that was sent)."""
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def _text(raw: bytes | str) -> str:
    return (raw.decode(errors="replace") if isinstance(raw, bytes) else raw)[:200]
