"""Reading and locking tickets, their history and notes, and drawing ticket numbers: every query
the complaint service, the desk and the APIs make. Functions take the session; none commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from complaints.models import Channel, Ticket, TicketCounter, TicketEvent, TicketNote
from core.clock import utcnow
from core.errors import NotFound
from core.thai_dates import to_bangkok

NUMBER_PREFIX = "CMP"


def next_number(session: Session, at: datetime) -> str:
    """CMP-YYYY-NNNNNN, running per Bangkok calendar year. One upsert both creates the year's
    counter and increments it: PostgreSQL holds the row lock and SQLite the write lock until
    the caller commits, so two filings never draw the same number."""
    year = to_bangkok(at).year
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" \
        else sqlite.insert
    statement = insert(TicketCounter).values(year=year, last=1).on_conflict_do_update(
        index_elements=[col(TicketCounter.year)], set_={"last": col(TicketCounter.last) + 1},
    ).returning(col(TicketCounter.last))
    last = session.execute(statement).scalar_one()
    return f"{NUMBER_PREFIX}-{year}-{last:06d}"


def find_by_key(session: Session, channel: Channel, key: str) -> Ticket | None:
    return session.exec(select(Ticket).where(Ticket.channel == channel,
                                             Ticket.idempotency_key == key)).first()


def history(session: Session, ticket: Ticket, *, public_only: bool = False) -> list[TicketEvent]:
    query = select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
    if public_only:
        query = query.where(TicketEvent.public == True)  # noqa: E712
    return list(session.exec(query.order_by(col(TicketEvent.at), col(TicketEvent.id))).all())


def notes(session: Session, ticket: Ticket, *, public_only: bool = False) -> list[TicketNote]:
    query = select(TicketNote).where(TicketNote.ticket_id == ticket.id)
    if public_only:
        query = query.where(TicketNote.public == True)  # noqa: E712
    return list(session.exec(query.order_by(col(TicketNote.created_at),
                                            col(TicketNote.id))).all())


def latest_public_note(session: Session, ticket: Ticket) -> TicketNote | None:
    return session.exec(select(TicketNote).where(
        TicketNote.ticket_id == ticket.id, TicketNote.public == True)  # noqa: E712
        .order_by(col(TicketNote.created_at).desc(), col(TicketNote.id).desc())).first()


def status_before(session: Session, ticket: Ticket, status: str) -> str | None:
    """The status the ticket had when it last moved into `status` (from its history)."""
    return session.exec(select(TicketEvent.from_status).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "status",
        TicketEvent.to_status == status)
        .order_by(col(TicketEvent.at).desc(), col(TicketEvent.id).desc())).first()


def normalise_number(number: str) -> str:
    # NUL names no ticket, and PostgreSQL refuses it in a query.
    return "".join((number or "").replace("\x00", "").split()).upper()


def get_ticket(session: Session, number: str) -> Ticket:
    ticket = session.exec(select(Ticket).where(Ticket.number == normalise_number(number))).first()
    if ticket is None:
        raise NotFound("ticket.not_found")
    return ticket


def lock_ticket(session: Session, number: str) -> Ticket:
    """Row lock on PostgreSQL, write lock on SQLite, then a fresh read: two officers acting
    on one ticket never overwrite each other's change."""
    number = normalise_number(number)
    session.exec(update(Ticket).where(col(Ticket.number) == number)
                 .values(updated_at=utcnow()))
    ticket = session.exec(select(Ticket).where(Ticket.number == number)
                          .execution_options(populate_existing=True)).first()
    if ticket is None:
        raise NotFound("ticket.not_found")
    return ticket
