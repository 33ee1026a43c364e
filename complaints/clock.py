"""A ticket's service clock: what is due next, the countdown the desk shows, whether the ticket
is late, and the stopped clock (หยุดนับเวลา) while the desk waits for the complainant's answer,
as a government service charter stops it and as registration cases do (eec_bridge.workflow).

A stopped clock counts up to the moment it stopped: a ticket asked about before its target
is not late however long the answer takes, and one already late when the question went out
stays late (asking a question does not undo a breach)."""

from __future__ import annotations

from datetime import datetime

from complaints import policy
from complaints.models import Ticket
from core.clock import utcnow
from core.working_days import Countdown, stopped


def next_due(ticket: Ticket) -> datetime:
    """The next target still to meet: the acknowledgement until it is done, then the fix."""
    if ticket.acknowledged_at is not None:
        return ticket.resolve_due_at
    return min(ticket.ack_due_at, ticket.resolve_due_at)


def is_stopped(ticket: Ticket) -> bool:
    return ticket.sla_paused_at is not None


def sla_countdown(ticket: Ticket, at: datetime | None = None) -> Countdown | None:
    """The countdown to `next_due`; "clock stopped" while the ticket waits for the
    complainant; None once the ticket is closed."""
    if not ticket.is_open:
        return None
    if ticket.sla_paused_at is not None:
        return stopped(waiting_for="complainant")
    return policy.countdown_to(ticket.category, next_due(ticket), at or utcnow())


def ack_late(ticket: Ticket, at: datetime | None = None) -> bool:
    return ticket.is_open and ticket.acknowledged_at is None and ticket.ack_due_at < (
        at or utcnow())


def resolve_late(ticket: Ticket, at: datetime | None = None) -> bool:
    """Open past the resolve target, counted up to the moment a stopped clock stopped."""
    clock = ticket.sla_paused_at or at or utcnow()
    return ticket.is_open and ticket.resolve_due_at < clock


def is_overdue(ticket: Ticket, at: datetime | None = None) -> bool:
    """Open and past a due time: not acknowledged in time, or not resolved in time. As
    complaints.inbox.overdue_condition, which asks the database the same."""
    return ack_late(ticket, at) or resolve_late(ticket, at)


def stop(ticket: Ticket, at: datetime) -> None:
    if ticket.sla_paused_at is None:
        ticket.sla_paused_at = at


def restart(ticket: Ticket, at: datetime) -> None:
    """The resolve target moves on by exactly the time the clock stood still (policy
    .resumed_due: working time, or every hour for an emergency)."""
    if ticket.sla_paused_at is None:
        return
    ticket.resolve_due_at = policy.resumed_due(ticket.category, ticket.resolve_due_at,
                                               ticket.sla_paused_at, at)
    ticket.sla_paused_at = None
