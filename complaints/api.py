"""The ticket API the chatbot's actions call (/api/v1/tickets). Server to server: a bearer
token (Settings.chatbot_service_token) instead of a session and CSRF; errors are RFC 9457
problem details with message keys.

POST /api/v1/tickets         TicketCreate as JSON, optional Idempotency-Key header
                             → 201 {number, access_code, status, status_label{th,en}, …}
GET  /api/v1/tickets/{number}?conversation_id=…
                             → 200 {number, status, status_label, latest_public_note,
                                    updated_at, is_complainant, private (complainant only)}

The service token lets the chatbot in; it does not make every caller the complainant.
Private details need proof (complaints.access): the ticket's access code in the
`Ticket-Access-Code` header, or the portal's proof for the conversation that filed the ticket
in `Conversation-Proof`. A filing's conversation_id is recorded only with its proof.
"""

from __future__ import annotations

import hmac
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse

from complaints import access, repository, service, statuses
from complaints.models import Channel, TicketCreate
from complaints.schemas import TicketFiled, TicketStatus
from core.db import SessionDep
from core.errors import N_, DomainError, register_messages
from core.i18n import get_locale
from core.limits import parse_json
from core.problems import problems
from core.runtime import get_settings
from core.security import access_code_allowed, access_code_failed, client_address

log = logging.getLogger("complaints.api")

register_messages({
    "ticket_api.unauthorized": N_("A valid service token is required."),
    "ticket_api.bad_json": N_("The request body must be a JSON object, nested at most "
                              "{max_depth} levels deep."),
})


class ServiceTokenRequired(DomainError):
    status = 401
    headers = {"WWW-Authenticate": 'Bearer realm="tickets"'}

    def __init__(self) -> None:
        super().__init__("ticket_api.unauthorized")


def require_service_token(authorization: Annotated[str, Header()] = "") -> None:
    scheme, _sep, token = authorization.partition(" ")
    expected = get_settings().chatbot_service_token.get_secret_value()
    if scheme.lower() != "bearer" or not token or not hmac.compare_digest(
            token.strip().encode(), expected.encode()):
        raise ServiceTokenRequired()


router = APIRouter(prefix="/api/v1/tickets", tags=["tickets-api"],
                   dependencies=[Depends(require_service_token)], responses=problems(401))


def filed_json(filing: service.Filing) -> dict[str, Any]:
    ticket = filing.ticket
    return {
        "number": ticket.number,
        "access_code": filing.access_code,
        "status": ticket.status.value,
        "open311_status": "open" if ticket.is_open else "closed",
        "status_label": statuses.labels(ticket.status),
        "estate_id": ticket.estate_id,
        "category": ticket.category,
        "created_at": service.iso(ticket.created_at),
        "ack_due_at": service.iso(ticket.ack_due_at),
        "resolve_due_at": service.iso(ticket.resolve_due_at),
    }


def status_json(view: service.StatusView) -> dict[str, Any]:
    ticket, note = view.ticket, view.latest_note
    return {
        "number": ticket.number,
        "status": ticket.status.value,
        "open311_status": view.open311_status,
        "status_label": statuses.labels(ticket.status),
        "category": ticket.category,
        "estate_id": ticket.estate_id,
        "duplicate_of": view.duplicate_of,
        "latest_public_note": ({"text": note.public_text, "at": service.iso(note.created_at)}
                               if note else None),
        "updated_at": service.iso(ticket.updated_at),
        "is_complainant": view.is_complainant,
        "private": view.private(),
    }


REQUEST_BODY = {"required": True,
                "content": {"application/json": {"schema": TicketCreate.model_json_schema()}}}


FILED_HEADERS = {
    "Location": {"description": "The ticket's status URL", "schema": {"type": "string"}},
    "Idempotent-Replayed": {"description": "true when a retry found the ticket it filed before",
                            "schema": {"type": "string", "enum": ["true"]}},
}


# The body is read by hand, after the token and a depth check (so the model only documents it);
# the answer is sent as built, with its headers, and its model documents it too.
@router.post("", status_code=201, openapi_extra={"requestBody": REQUEST_BODY},
             response_model=TicketFiled, responses={201: {"headers": FILED_HEADERS},
                                                    **problems(400, 409, 413, 422)})
async def create_ticket(request: Request, session: SessionDep,
                        idempotency_key: Annotated[str | None, Header()] = None,
                        conversation_proof: Annotated[str | None, Header()] = None):
    # The token was checked (the router's dependency) before this reads or parses the body.
    max_depth = get_settings().json_max_depth
    try:
        data = parse_json(await request.body() or b"null", max_depth)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise DomainError("ticket_api.bad_json", status=400, max_depth=max_depth)
    claimed = data.get("conversation_id")
    if claimed and not access.proven_conversation(str(claimed), conversation_proof):
        # Filed all the same (the complainant gets the access code), but no conversation
        # gains the right to see it by naming itself.
        log.warning("ticket filed without proof for its conversation; conversation not kept")
        data = {**data, "conversation_id": None}
    # A chat user who declines PDPA consent still files, anonymously (no personal data).
    filing = service.file_ticket(session, data, channel=Channel.chatbot, language=get_locale(),
                                 idempotency_key=idempotency_key, allow_anonymous=True)
    session.commit()
    headers = {"Location": f"/api/v1/tickets/{filing.ticket.number}"}
    if not filing.created:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(filed_json(filing), status_code=201, headers=headers)


@router.get("/{number}", response_model=TicketStatus,
            responses=problems(400, 404, 422, 429))
def ticket_status(request: Request, number: str, session: SessionDep,
                  conversation_id: str | None = None,
                  conversation_proof: Annotated[str | None, Header()] = None,
                  ticket_access_code: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    """Wrong access codes are counted per ticket and per client (as on the status page);
    past the limit a code is not checked at all (429). The chatbot's conversations all
    come from the action server's address, so a conversation the portal proved counts as
    the client, and one guesser does not lock the assistant's other users out."""
    code = (ticket_access_code or "").strip() or None
    conversation = access.proven_conversation(conversation_id, conversation_proof)
    client = f"conversation:{conversation}" if conversation else client_address(request)
    if code and not access_code_allowed(repository.normalise_number(number), client):
        raise DomainError("ticket.access_code_throttled", status=429)
    view = service.lookup_status(session, number, access_code=code,
                                 conversation_id=conversation)
    if code and not access.code_matches(view.ticket.access_code_hash, code):
        access_code_failed(view.ticket.number, client)
    return status_json(view)
