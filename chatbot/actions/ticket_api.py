"""The portal's ticket API (/api/v1/tickets), the only way the actions reach the portal.

HTTP only: the actions decide what to say. A `TicketAPI` protocol with one client over httpx;
tests run the client against a real HTTP server. Errors are typed:

- `TicketInvalid`      422 problem details: the fields the portal refused, with message keys
- `TicketNotFound`     404: no ticket with that number
- `TicketApiRejected`  another 4xx (a wrong service token): retrying will not help
- `TicketApiUnavailable`  no answer, a timeout or a 5xx after every retry

Filing is retried with exponential backoff. It is safe because every filing carries an
Idempotency-Key: the portal returns the ticket it already filed for a repeated key.

The service token is not a right to anyone's complaint: the portal shows private details
only for the ticket's access code (`Ticket-Access-Code`) or for the conversation that filed
it, proven by the proof the portal gave Rasa with the user's message (`Conversation-Proof`).
The actions pass both on as they got them; they cannot make either.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

import httpx

from actions.settings import ChatbotSettings, get_settings

log = logging.getLogger(__name__)


class TicketApiError(Exception):
    """Any failure of the ticket API."""


class TicketApiUnavailable(TicketApiError):
    """The portal did not answer, or answered with a server error, after every retry."""


class TicketApiRejected(TicketApiError):
    """The portal refused the call itself (authentication, a malformed request)."""

    def __init__(self, status: int, key: str = "") -> None:
        super().__init__(f"ticket API refused the call: HTTP {status} {key}".strip())
        self.status = status
        self.key = key


class TicketNotFound(TicketApiError):
    def __init__(self, number: str) -> None:
        super().__init__(f"no ticket {number}")
        self.number = number


@dataclass(frozen=True)
class FieldProblem:
    field: str
    key: str
    message: str = ""


class TicketInvalid(TicketApiError):
    """422: `key` is the problem's message key, `errors` the fields at fault."""

    def __init__(self, key: str, errors: list[FieldProblem]) -> None:
        super().__init__(f"ticket refused: {key} {[e.field for e in errors]}")
        self.key = key
        self.errors = errors


@dataclass(frozen=True)
class NewTicket:
    """What a complainant is told when a complaint is filed (POST → 201)."""

    number: str
    status: str
    status_label: dict[str, str]
    ack_due_at: str | None = None
    resolve_due_at: str | None = None
    access_code: str | None = None  # shown to the complainant once


@dataclass(frozen=True)
class TicketStatus:
    """A status lookup (GET → 200). `private` is only there for the complainant."""

    number: str
    status: str
    status_label: dict[str, str]
    latest_public_note: dict[str, Any] | None = None
    updated_at: str | None = None
    is_complainant: bool = False
    private: dict[str, Any] | None = None
    duplicate_of: str | None = None


@dataclass(frozen=True)
class ComplaintFiling:
    """The body of POST /api/v1/tickets."""

    estate_id: str
    category: str
    description: str
    contact_name: str
    language: str
    conversation_id: str
    location: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    consent: bool = True
    channel: str = "chatbot"
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "estate_id": self.estate_id, "category": self.category,
            "description": self.description, "location": self.location,
            "contact_name": self.contact_name, "contact_phone": self.contact_phone,
            "contact_email": self.contact_email, "language": self.language,
            "channel": self.channel, "conversation_id": self.conversation_id,
            "consent": self.consent, **self.extra,
        }


class TicketAPI(Protocol):
    async def file_ticket(self, filing: ComplaintFiling, idempotency_key: str, *,
                          conversation_proof: str | None = None) -> NewTicket: ...

    async def ticket_status(self, number: str, *, conversation_id: str | None = None,
                            conversation_proof: str | None = None,
                            access_code: str | None = None,
                            language: str = "th") -> TicketStatus: ...


def _label(body: dict[str, Any]) -> dict[str, str]:
    label = body.get("status_label")
    if isinstance(label, dict):
        return {k: str(v) for k, v in label.items()}
    # The contract's first draft had flat fields; accept both.
    return {"th": str(body.get("status_label_th") or body.get("status", "")),
            "en": str(body.get("status_label_en") or body.get("status", ""))}


def _problem(response: httpx.Response) -> tuple[str, list[FieldProblem]]:
    try:
        body = response.json()
    except ValueError:
        return "", []
    if not isinstance(body, dict):
        return "", []
    errors = [FieldProblem(str(e.get("field", "")), str(e.get("key", "")),
                           str(e.get("message", "")))
              for e in body.get("errors") or [] if isinstance(e, dict)]
    return str(body.get("key", "")), errors


@lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    """Loading the CA bundle costs 20-40 ms; a client per call would pay it every time."""
    return ssl.create_default_context()


class HttpTicketAPI:
    """The ticket API over HTTP with the chatbot's service token."""

    def __init__(self, settings: ChatbotSettings | None = None,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings or get_settings()
        self._transport = transport
        if not self.settings.service_token:
            log.error("EEC_CHATBOT_SERVICE_TOKEN is not set and there is no var/secrets.json: "
                      "the portal will refuse every ticket call")

    def _client(self, language: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.settings.portal_url.rstrip("/"),
            timeout=httpx.Timeout(self.settings.http_timeout_s),
            headers={"Authorization": f"Bearer {self.settings.service_token}",
                     "Accept": "application/json", "Accept-Language": language},
            transport=self._transport,
            verify=_tls_context(),
        )

    async def file_ticket(self, filing: ComplaintFiling, idempotency_key: str, *,
                          conversation_proof: str | None = None) -> NewTicket:
        attempts = max(1, self.settings.submit_attempts)
        headers = {"Idempotency-Key": idempotency_key}
        if conversation_proof:
            headers["Conversation-Proof"] = conversation_proof
        last_error: Exception | None = None
        async with self._client(filing.language) as client:
            for attempt in range(1, attempts + 1):
                try:
                    response = await client.post("/api/v1/tickets", json=filing.as_json(),
                                                 headers=headers)
                except httpx.TransportError as exc:  # refused, reset, timed out
                    last_error = exc
                    log.warning("ticket API unreachable (attempt %s/%s): %s",
                                attempt, attempts, exc)
                else:
                    if response.status_code in (200, 201):
                        body = response.json()
                        return NewTicket(number=body["number"], status=body.get("status", ""),
                                         status_label=_label(body),
                                         ack_due_at=body.get("ack_due_at"),
                                         resolve_due_at=body.get("resolve_due_at"),
                                         access_code=body.get("access_code"))
                    if response.status_code == 422:
                        raise TicketInvalid(*_problem(response))
                    if response.status_code < 500 and response.status_code != 429:
                        raise TicketApiRejected(response.status_code, _problem(response)[0])
                    last_error = TicketApiUnavailable(f"HTTP {response.status_code}")
                    log.warning("ticket API answered %s (attempt %s/%s)",
                                response.status_code, attempt, attempts)
                if attempt < attempts:
                    await asyncio.sleep(self.settings.backoff_base_s * 2 ** (attempt - 1))
        raise TicketApiUnavailable(str(last_error)) from last_error

    async def ticket_status(self, number: str, *, conversation_id: str | None = None,
                            conversation_proof: str | None = None,
                            access_code: str | None = None,
                            language: str = "th") -> TicketStatus:
        params = {"conversation_id": conversation_id} if conversation_id else {}
        headers = {k: v for k, v in {"Conversation-Proof": conversation_proof,
                                     "Ticket-Access-Code": access_code}.items() if v}
        async with self._client(language) as client:
            try:
                response = await client.get(f"/api/v1/tickets/{number}", params=params,
                                            headers=headers)
            except httpx.TransportError as exc:
                raise TicketApiUnavailable(str(exc)) from exc
        if response.status_code == 404:
            raise TicketNotFound(number)
        if response.status_code >= 500 or response.status_code == 429:
            raise TicketApiUnavailable(f"HTTP {response.status_code}")
        if response.status_code != 200:
            raise TicketApiRejected(response.status_code, _problem(response)[0])
        body = response.json()
        return TicketStatus(number=body.get("number", number), status=body.get("status", ""),
                            status_label=_label(body),
                            latest_public_note=body.get("latest_public_note"),
                            updated_at=body.get("updated_at"),
                            is_complainant=bool(body.get("is_complainant")),
                            private=body.get("private"),
                            duplicate_of=body.get("duplicate_of"))


def ticket_api() -> TicketAPI:
    """The API the actions use; tests point EEC_PORTAL_URL at their own server."""
    return HttpTicketAPI()
