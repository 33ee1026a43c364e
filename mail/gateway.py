"""Sending one e-mail over SMTP (the standard library's smtplib), behind a Protocol.

The outbox message id travels as the mail's Message-ID, so the mail of one event has one
identity however often a delivery is attempted. Errors are the adapters' typed errors: a
server that cannot be reached or answers 4xx is transient (retry); a 5xx refusal of the
mail or its recipient is a rejection (no retry)."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol
from urllib.parse import unquote, urlsplit

from core.http_adapters import RejectedError, TransientError

MESSAGE_ID_DOMAIN = "eec-onestop"


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


def _quit(client: smtplib.SMTP) -> None:
    """Says goodbye; once the server has taken the mail, a goodbye that fails changes nothing
    (raising then would retry, and send, a mail that was sent)."""
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def _text(raw: bytes | str) -> str:
    return (raw.decode(errors="replace") if isinstance(raw, bytes) else raw)[:200]
