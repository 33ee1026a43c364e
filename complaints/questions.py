"""The desk's question to the complainant and the complainant's answer: the two ends of the
stopped clock (complaints.clock). Asking is a public note and the status "Waiting for the
complainant"; the answer, given on the public status page with the ticket's access code, is a
note only the desk reads, and puts the ticket back where it was. Services never commit."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlmodel import Session

from complaints import repository, service
from complaints.models import Ticket, TicketNote, TicketStatus
from core.accounts.models import User
from core.db import stored_id
from core.errors import N_, Conflict, Invalid, register_messages
from core.forms import Reader

MAX_QUESTION = service.MAX_NOTE
MAX_ANSWER = 2000
# Who answered, in the history (the complainant has no account).
COMPLAINANT = "complainant"
# Where an answered ticket goes back to; from anywhere else (it was only received) the desk
# is now looking into it.
RESUMABLE = (TicketStatus.investigating, TicketStatus.in_progress, TicketStatus.action_scheduled)

register_messages({
    "ticket.question_required": N_("Write the question for the complainant."),
    "ticket.question_closed": N_("A closed ticket cannot wait for the complainant."),
    "ticket.question_pending": N_(
        "The ticket already waits for the complainant's answer; add a public note to ask "
        "more."),
    "ticket.answer_required": N_("Write your answer."),
    "ticket.not_waiting": N_(
        "The estate is not waiting for an answer on this complaint, so nothing was sent."),
    "ticket.event.answered": N_("The complainant answered: {text}"),
    "ticket.actor.complainant": N_("The complainant"),
})


def ask_complainant(session: Session, ticket: Ticket, actor: User, question: str, *,
                    at: datetime | None = None) -> TicketNote:
    """The question goes out as a public note (which acknowledges the ticket) and the
    ticket waits for the complainant, its resolve clock stopped."""
    r = Reader({"question": question})
    text = r.text("question", required=False, max_len=MAX_QUESTION)
    if not text:
        r.error("question", "ticket.question_required")
    if r.errors:
        raise Invalid(r.errors)
    if not ticket.is_open:
        raise Conflict("ticket.question_closed")
    if ticket.status == TicketStatus.info_requested:
        raise Conflict("ticket.question_pending")
    note = service.add_note(session, ticket, actor, text, public=True)
    service.set_status(session, ticket, TicketStatus.info_requested, actor, at=at)
    return note


def answer_question(session: Session, ticket: Ticket, values: Mapping[str, Any], *,
                    at: datetime | None = None) -> TicketNote:
    """The complainant's answer (`values["answer"]`): kept for the desk, the clock runs again
    with the resolve target moved on by the working time it stood still, and the ticket goes
    back to the status it had before the question. The caller has proven the complainant
    (service.is_complainant)."""
    if ticket.status != TicketStatus.info_requested:
        raise Conflict("ticket.not_waiting")
    r = Reader(values)
    text = r.text("answer", required=False, max_len=MAX_ANSWER)
    if not text:
        r.error("answer", "ticket.answer_required")
    if r.errors:
        raise Invalid(r.errors)
    note = TicketNote(ticket_id=stored_id(ticket.id), public=False, from_complainant=True,
                      author_name=ticket.contact_name, text=text)
    session.add(note)
    service.record(session, ticket, "answered", "ticket.event.answered", actor=COMPLAINANT,
                   text=text)
    before = repository.status_before(session, ticket, TicketStatus.info_requested)
    back_to = TicketStatus(before) if before in RESUMABLE else TicketStatus.investigating
    service.set_status(session, ticket, back_to, COMPLAINANT, at=at)
    return note
