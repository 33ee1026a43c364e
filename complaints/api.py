"""The ticket API the chatbot's actions call (/api/v1/tickets). Server to server: a bearer
token (Settings.chatbot_service_token) instead of a session and CSRF; errors are RFC 9457
problem details with message keys.

POST /api/v1/tickets         TicketCreate as JSON, optional Idempotency-Key header
                             → 201 {number, status, status_label{th,en}, ack/resolve due …}
GET  /api/v1/tickets/{number}?conversation_id=…&contact=…
                             → 200 {number, status, status_label, latest_public_note,
                                    updated_at, is_complainant, private (complainant only)}
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse

from complaints import service
from complaints.models import Channel, Ticket, TicketCreate
from web.db import SessionDep
from web.errors import DomainError, N_, register_messages
from web.i18n import get_locale
from web.limits import parse_json
from web.problems import problems
from web.settings import get_settings

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


def filed_json(ticket: Ticket) -> dict[str, Any]:
    return {
        "number": ticket.number,
        "status": ticket.status.value,
        "open311_status": "open" if ticket.is_open else "closed",
        "status_label": service.status_labels(ticket.status),
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
        "status_label": service.status_labels(ticket.status),
        "category": ticket.category,
        "estate_id": ticket.estate_id,
        "duplicate_of": view.duplicate_of,
        "latest_public_note": ({"text": note.text, "at": service.iso(note.created_at)}
                               if note else None),
        "updated_at": service.iso(ticket.updated_at),
        "is_complainant": view.is_complainant,
        "private": view.private(),
    }


REQUEST_BODY = {"required": True,
                "content": {"application/json": {"schema": TicketCreate.model_json_schema()}}}


@router.post("", status_code=201, openapi_extra={"requestBody": REQUEST_BODY},
             responses=problems(400, 409, 413, 422))
async def create_ticket(request: Request, session: SessionDep,
                        idempotency_key: Annotated[str | None, Header()] = None):
    # The token was checked (the router's dependency) before this reads or parses the body.
    max_depth = get_settings().json_max_depth
    try:
        data = parse_json(await request.body() or b"null", max_depth)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise DomainError("ticket_api.bad_json", status=400, max_depth=max_depth)
    filing = service.file_ticket(session, data, channel=Channel.chatbot, language=get_locale(),
                                 idempotency_key=idempotency_key)
    session.commit()
    headers = {"Location": f"/api/v1/tickets/{filing.ticket.number}"}
    if not filing.created:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(filed_json(filing.ticket), status_code=201, headers=headers)


@router.get("/{number}", responses=problems(400, 404, 422))
def ticket_status(number: str, session: SessionDep, conversation_id: str | None = None,
                  contact: str | None = None) -> dict[str, Any]:
    return status_json(service.lookup_status(session, number, conversation_id=conversation_id,
                                             contact=contact))
