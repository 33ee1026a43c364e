"""Complaint tickets and their schema family: the ticket, its notes (public or private), its
full history, and the per-year counter behind ticket numbers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlalchemy import Enum as SAEnum
from sqlmodel import Field, SQLModel

from complaints.contacts import scrub_text
from core.clock import utcnow


class TicketStatus(StrEnum):
    """Internal states in the FixMyStreet style; Open311 sees only open or closed."""

    confirmed = "confirmed"
    investigating = "investigating"
    in_progress = "in_progress"
    action_scheduled = "action_scheduled"
    # The desk asked the complainant a question: the resolve clock stops until they answer.
    info_requested = "info_requested"
    fixed = "fixed"
    closed = "closed"
    duplicate = "duplicate"
    not_responsible = "not_responsible"


OPEN_STATUSES = (TicketStatus.confirmed, TicketStatus.investigating, TicketStatus.in_progress,
                 TicketStatus.action_scheduled, TicketStatus.info_requested)
CLOSED_STATUSES = (TicketStatus.fixed, TicketStatus.closed, TicketStatus.duplicate,
                   TicketStatus.not_responsible)


def open311_status(status: str) -> str:
    return "open" if status in OPEN_STATUSES else "closed"


class Channel(StrEnum):
    chatbot = "chatbot"
    web = "web"
    api = "api"  # Open311 clients


class TicketBase(SQLModel):
    """What a complainant tells us; the same field names in the web form, the ticket API
    and the service's field errors."""

    estate_id: str = Field(max_length=60, index=True)
    category: str = Field(max_length=40, index=True)
    description: str = Field(max_length=4000)
    location: str = Field(default="", max_length=500)
    contact_name: str = Field(max_length=200)
    # E.164 (+66…); the national form is derived for display and masking.
    contact_phone: str = Field(default="", max_length=20)
    contact_email: str = Field(default="", max_length=254)


class TicketCreate(SQLModel):
    """The ticket API's request body (POST /api/v1/tickets), as documented in OpenAPI. The
    service validates it, so every field is loose here and errors carry message keys."""

    estate_id: str = ""
    category: str = ""
    description: str = ""
    location: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    consent: bool = False
    language: str = "th"
    conversation_id: str | None = None


class Ticket(TicketBase, table=True):
    __tablename__ = "tickets"
    # An idempotency key is unique per channel: a retried chatbot call finds its ticket.
    __table_args__ = (UniqueConstraint("channel", "idempotency_key"),)

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True, index=True)  # CMP-2026-000123
    latitude: float | None = None
    longitude: float | None = None
    consent: bool = False
    consent_at: datetime | None = None
    channel: Channel = Field(sa_type=SAEnum(Channel, name="ticket_channel"))
    language: str = Field(default="th", max_length=5)
    conversation_id: str | None = Field(default=None, max_length=120, index=True)
    idempotency_key: str | None = Field(default=None, max_length=120)
    idempotency_hash: str | None = Field(default=None, max_length=64)
    status: TicketStatus = Field(default=TicketStatus.confirmed, index=True,
                                 sa_type=SAEnum(TicketStatus, name="ticket_status"))
    duplicate_of_id: int | None = Field(default=None, foreign_key="tickets.id")
    team: str = Field(max_length=80, index=True)
    # Environmental complaints are also flagged to the EEC Office's environment unit.
    eec_environment: bool = Field(default=False, index=True)
    assignee_id: int | None = Field(default=None, foreign_key="users.id")
    acknowledged_at: datetime | None = None
    ack_due_at: datetime
    resolve_due_at: datetime
    # When the resolve clock stopped to wait for the complainant's answer (None: it runs).
    # The answer moves resolve_due_at on by the working time it stood still.
    sla_paused_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow, index=True)
    updated_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None
    # SHA-256 of the access code the complainant was given: with the number it shows the
    # private details (the code itself is shown once and never stored).
    access_code_hash: str | None = Field(default=None, max_length=64)
    # What Open311 publishes instead of the complainant's words, once an officer approved it.
    public_summary: str = Field(default="", max_length=1000)
    public_summary_approved_at: datetime | None = None
    public_summary_approved_by_id: int | None = Field(default=None, foreign_key="users.id")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class TicketNote(SQLModel, table=True):
    """A note on a ticket: public notes reach the complainant and Open311, private ones stay
    on the desk."""

    __tablename__ = "ticket_notes"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="tickets.id", index=True)
    public: bool = False
    author_id: int | None = Field(default=None, foreign_key="users.id")
    author_name: str = Field(default="", max_length=200)
    # The complainant's answer to a question from the desk (never public: it may name people).
    from_complainant: bool = False
    text: str = Field(max_length=4000)
    created_at: datetime = Field(default_factory=utcnow)

    @property
    def public_text(self) -> str:
        """What may be published: public notes are scrubbed when they are written
        (service.add_note); scrubbing again here covers notes written before that."""
        return scrub_text(self.text)


class TicketEvent(SQLModel, table=True):
    """One line of a ticket's history; `key` is a message key rendered in the reader's
    language. `actor` names a system channel when no person acted."""

    __tablename__ = "ticket_events"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="tickets.id", index=True)
    # filed, status, assigned, acknowledged, note, merged, summary, answered
    kind: str = Field(max_length=20)
    key: str = Field(max_length=80)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str | None = Field(default=None, max_length=20)
    public: bool = False
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    actor: str = Field(default="", max_length=200)
    at: datetime = Field(default_factory=utcnow)


class TicketCounter(SQLModel, table=True):
    """The last ticket number given out in a year; incremented in place, so the row lock
    serialises concurrent filings."""

    __tablename__ = "ticket_counters"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last: int = 0
