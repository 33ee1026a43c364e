"""The complaint desk (HTML, TH/EN) for EEC officers, admins and estate operators: the inbox,
a ticket with its full history and actions (including a question to the complainant, which
stops the clock, and the public summary that Open311 may publish once an officer approved
it), and the dashboard. The role check sits on the router; an estate operator only ever sees
the tickets of their own estate."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session, col, select

from complaints import clock, contacts, inbox, questions, repository, routing, service, statuses
from complaints.categories import category_label, category_options, estate_label
from complaints.models import Channel, Ticket, TicketEvent, TicketStatus
from core import eec
from core.accounts.deps import require_roles
from core.accounts.models import User
from core.clock import utcnow
from core.db import SessionDep
from core.errors import DomainError, FieldError, Forbidden, Invalid, NotFound
from core.forms import form_dict, localized_errors
from core.i18n import message
from core.options import Option
from core.templating import render

DeskUser = Annotated[User, Depends(require_roles(*routing.DESK_ROLES))]
router = APIRouter(prefix="/desk/tickets", tags=["complaints-desk"],
                   dependencies=[Depends(require_roles(*routing.DESK_ROLES))])


def helpers() -> dict[str, Any]:
    return {"category_label": category_label, "estate_label": estate_label,
            "team_label": routing.team_label, "masked_contact": contacts.masked_contact,
            "is_overdue": clock.is_overdue, "is_anonymous": service.is_anonymous,
            "sla_countdown": clock.sla_countdown, "next_due": clock.next_due,
            "status_label": statuses.label,
            "not_acknowledged_label": statuses.not_acknowledged_label}


def _status_options() -> list[Option]:
    return statuses.options()


def _estate_options(user: User) -> list[Option]:
    options = eec.estate_options()
    return options if routing.sees_all(user) else [o for o in options if o.code == user.estate_id]


@router.get("")
def inbox_page(request: Request, session: SessionDep, user: DeskUser):
    filters = inbox.TicketFilter.from_query(request.query_params)
    page = inbox.search(session, user, filters)
    return render(request, "complaints/desk/inbox.html",
                  {"page": page, "f": filters, "status_options": _status_options(),
                   "estate_options": _estate_options(user),
                   "category_options": category_options(), **helpers()}, block="results")


@router.get("/dashboard")
def dashboard_page(request: Request, session: SessionDep, user: DeskUser):
    return render(request, "complaints/desk/dashboard.html",
                  {"d": inbox.dashboard(session, user), **helpers()})


def visible_ticket(session: Session, user: User, number: str, *, lock: bool = False) -> Ticket:
    ticket = (repository.lock_ticket if lock else repository.get_ticket)(session, number)
    if not routing.can_handle(user, ticket):
        raise Forbidden()
    return ticket


def _ticket_context(session: Session, ticket: Ticket) -> dict[str, Any]:
    people_ids = {ticket.assignee_id, ticket.public_summary_approved_by_id}
    events = repository.history(session, ticket)
    people_ids |= {e.actor_id for e in events}
    users = {u.id: u for u in session.exec(select(User).where(
        col(User.id).in_([i for i in people_ids if i is not None])))}
    duplicates = session.exec(select(Ticket).where(Ticket.duplicate_of_id == ticket.id)
                              .order_by(col(Ticket.id))).all()
    original = session.get(Ticket, ticket.duplicate_of_id) if ticket.duplicate_of_id else None
    at = utcnow()

    def actor_label(event: TicketEvent) -> str:
        if event.actor_id in users:
            return users[event.actor_id].full_name
        if event.actor in Channel.__members__:
            return message(f"ticket.channel.{event.actor}")
        if event.actor == questions.COMPLAINANT:
            return message("ticket.actor.complainant")
        return event.actor

    return {
        "ticket": ticket, "events": events, "notes": repository.notes(session, ticket),
        "users": users, "actor_label": actor_label, "duplicates": duplicates,
        "original": original, "summary_draft": service.summary_draft(ticket),
        "phone": contacts.format_phone(ticket.contact_phone),
        "ack_late": clock.ack_late(ticket, at), "resolve_late": clock.resolve_late(ticket, at),
        "clock": clock.sla_countdown(ticket, at),
        # A duplicate is merged, and the wait for the complainant starts with a question.
        "status_options": statuses.options(leave_out=(TicketStatus.duplicate,
                                                      TicketStatus.info_requested)),
        "values": {"public": "on"}, "errors": {}, "action_error": None, **helpers(),
    }


@router.get("/{number}")
def ticket_page(number: str, request: Request, session: SessionDep, user: DeskUser):
    ticket = visible_ticket(session, user, number)
    return render(request, "complaints/desk/ticket.html", _ticket_context(session, ticket))


def _apply(session: Session, user: User, ticket: Ticket, action: str,
           values: dict[str, Any]) -> None:
    public = str(values.get("public", "")) in ("on", "1", "true")
    if action == "assign":
        service.assign(session, ticket, user, user)
    elif action == "acknowledge":
        service.acknowledge(session, ticket, user)
    elif action == "status":
        service.change_status(session, ticket, user, str(values.get("status", "")),
                              note=str(values.get("note", "")), public=public)
    elif action == "note":
        service.add_note(session, ticket, user, str(values.get("note", "")), public=public)
    elif action == "ask":
        questions.ask_complainant(session, ticket, user, str(values.get("question", "")))
    elif action == "summary":
        service.approve_public_summary(session, ticket, user,
                                       str(values.get("public_summary", "")))
    elif action == "withdraw-summary":
        service.withdraw_public_summary(session, ticket, user)
    elif action == "merge":
        original_number = str(values.get("original", "")).strip()
        if not original_number:
            raise Invalid([FieldError("original", "field.required")])
        try:
            original = visible_ticket(session, user, original_number)
        except (NotFound, Forbidden) as exc:
            raise Invalid([FieldError("original", "ticket.not_found")]) from exc
        service.merge_duplicate(session, ticket, original, user)
    else:
        raise NotFound()


@router.post("/{number}/{action}")
async def ticket_action(number: str, action: str, request: Request, session: SessionDep,
                        user: DeskUser):
    values = form_dict(await request.form())
    ticket = visible_ticket(session, user, number, lock=True)
    try:
        _apply(session, user, ticket, action, values)
    except (Invalid, DomainError) as exc:
        if isinstance(exc, NotFound):
            raise
        session.rollback()
        ctx = _ticket_context(session, repository.get_ticket(session, number))
        errors = exc.errors if isinstance(exc, Invalid) else []
        ctx.update(values={**values, "form": action}, errors=localized_errors(errors),
                   action_error=None if errors else message(exc.key, exc.params))
        return render(request, "complaints/desk/ticket.html", ctx, status_code=exc.status)
    session.commit()
    return RedirectResponse(f"/desk/tickets/{ticket.number}", status_code=303)
