"""The complaint desk's queries: the inbox's filter fields and conditions (reading the query,
sorting and paging are the shared ones of `core.inbox`) and the dashboard's counts, always
limited to the tickets the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from complaints import routing
from complaints.models import OPEN_STATUSES, Ticket, TicketStatus
from core import inbox
from core.accounts.models import User


def resolve_late_condition(at: datetime) -> Any:
    """Open past the resolve target; a stopped clock (waiting for the complainant) counts
    up to the moment it stopped, as complaints.clock.resolve_late."""
    return and_(col(Ticket.status).in_(OPEN_STATUSES), or_(
        and_(col(Ticket.sla_paused_at).is_(None), col(Ticket.resolve_due_at) < at),
        and_(col(Ticket.sla_paused_at).is_not(None),
             col(Ticket.resolve_due_at) < col(Ticket.sla_paused_at))))


def ack_late_condition(at: datetime) -> Any:
    return and_(col(Ticket.status).in_(OPEN_STATUSES), col(Ticket.acknowledged_at).is_(None),
                col(Ticket.ack_due_at) < at)


def overdue_condition(at: datetime) -> Any:
    """Open and past a due time: not acknowledged in time, or not resolved in time (as
    complaints.clock.is_overdue)."""
    return or_(ack_late_condition(at), resolve_late_condition(at))


@dataclass
class TicketFilter(inbox.InboxFilter):
    SORTS: ClassVar[dict[str, Any]] = inbox.sorts(Ticket, due=Ticket.resolve_due_at)

    status: str = ""
    estate: str = ""
    category: str = ""
    environment: bool = False

    @classmethod
    def allowed(cls, name: str, value: str) -> bool:
        return name != "status" or value in TicketStatus.__members__


def search(session: Session, user: User, f: TicketFilter,
           at: datetime | None = None) -> inbox.InboxPage[Ticket]:
    at = at or datetime.now(UTC)
    scope = routing.visible_to(user)
    conditions = [scope, *f.matching(status=Ticket.status, estate=Ticket.estate_id,
                                     category=Ticket.category)]
    if f.mine:
        conditions.append(Ticket.assignee_id == user.id)
    if f.environment:
        conditions.append(Ticket.eec_environment == True)  # noqa: E712
    if f.overdue:
        conditions.append(overdue_condition(at))
    return inbox.search(session, Ticket, f, conditions, [scope, overdue_condition(at)])


@dataclass(frozen=True)
class Bar:
    code: str
    count: int
    percent: int  # of the largest bar in the chart, for its width


@dataclass(frozen=True)
class Dashboard:
    total: int
    open: int
    by_estate: list[Bar]
    by_category: list[Bar]
    by_status: list[Bar]
    ack_breached: int  # open, not acknowledged, past the acknowledgement target
    resolve_breached: int  # open past the resolution target
    closed_late: int  # closed after the resolution target


def _bars(rows: list[tuple[str, int]]) -> list[Bar]:
    top = max((count for _code, count in rows), default=0) or 1
    return [Bar(code, count, round(100 * count / top))
            for code, count in sorted(rows, key=lambda r: (-r[1], r[0]))]


def dashboard(session: Session, user: User, at: datetime | None = None) -> Dashboard:
    at = at or datetime.now(UTC)
    scope = routing.visible_to(user)

    def grouped(column: Any) -> list[tuple[str, int]]:
        return [(str(code), count) for code, count in session.exec(
            select(column, func.count(col(Ticket.id))).where(scope).group_by(column)).all()]

    def count(*conditions: Any) -> int:
        return session.exec(select(func.count(col(Ticket.id))).where(scope, *conditions)).one()

    return Dashboard(
        total=count(),
        open=count(col(Ticket.status).in_(OPEN_STATUSES)),
        by_estate=_bars(grouped(Ticket.estate_id)),
        by_category=_bars(grouped(Ticket.category)),
        by_status=_bars(grouped(Ticket.status)),
        ack_breached=count(ack_late_condition(at)),
        resolve_breached=count(resolve_late_condition(at)),
        closed_late=count(col(Ticket.status) != TicketStatus.duplicate,
                          col(Ticket.closed_at).is_not(None),
                          col(Ticket.closed_at) > col(Ticket.resolve_due_at)),
    )
