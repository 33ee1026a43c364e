"""The complaint desk's queries: the inbox (filters, overdue first, paging) and the
dashboard's counts, always limited to the tickets the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from complaints import routing
from complaints.models import OPEN_STATUSES, Ticket, TicketStatus
from core import paging
from core.accounts.models import User

PAGE_SIZE = paging.PAGE_SIZE
SORTS = {"due": col(Ticket.resolve_due_at).asc(), "newest": col(Ticket.created_at).desc(),
         "updated": col(Ticket.updated_at).desc()}


def overdue_condition(at: datetime) -> Any:
    """Open and past a due time: not acknowledged in time, or not resolved in time."""
    return and_(col(Ticket.status).in_(OPEN_STATUSES), or_(
        col(Ticket.resolve_due_at) < at,
        and_(col(Ticket.acknowledged_at).is_(None), col(Ticket.ack_due_at) < at)))


@dataclass
class TicketFilter:
    status: str = ""
    estate: str = ""
    category: str = ""
    overdue: bool = False
    mine: bool = False
    environment: bool = False
    sort: str = "due"
    page: int = 1

    @classmethod
    def from_query(cls, q: Any) -> "TicketFilter":
        status = q.get("status", "")
        return cls(status=status if status in TicketStatus.__members__ else "",
                   estate=q.get("estate", ""), category=q.get("category", ""),
                   overdue=paging.flag(q, "overdue"), mine=paging.flag(q, "mine"),
                   environment=paging.flag(q, "environment"),
                   sort=q.get("sort", "due") if q.get("sort") in SORTS else "due",
                   page=paging.page_number(q))

    def query_string(self, **changes: Any) -> str:
        return paging.query_string(self.__dict__, **changes)


@dataclass
class TicketPage:
    tickets: list[Ticket]
    total: int
    overdue: int
    pages: int
    filters: TicketFilter = field(default_factory=TicketFilter)


def search(session: Session, user: User, f: TicketFilter,
           at: datetime | None = None) -> TicketPage:
    at = at or datetime.now(UTC)
    scope = routing.visible_to(user)
    conditions = [scope]
    if f.status:
        conditions.append(Ticket.status == f.status)
    if f.estate:
        conditions.append(Ticket.estate_id == f.estate)
    if f.category:
        conditions.append(Ticket.category == f.category)
    if f.mine:
        conditions.append(Ticket.assignee_id == user.id)
    if f.environment:
        conditions.append(Ticket.eec_environment == True)  # noqa: E712
    if f.overdue:
        conditions.append(overdue_condition(at))
    total = session.exec(select(func.count(Ticket.id)).where(*conditions)).one()
    overdue = session.exec(select(func.count(Ticket.id)).where(scope, overdue_condition(at))).one()
    rows = session.exec(select(Ticket).where(*conditions).order_by(SORTS[f.sort], col(Ticket.id))
                        .offset((f.page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return TicketPage(tickets=list(rows), total=total, overdue=overdue,
                      pages=paging.page_count(total, PAGE_SIZE), filters=f)


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
            select(column, func.count(Ticket.id)).where(scope).group_by(column)).all()]

    def count(*conditions: Any) -> int:
        return session.exec(select(func.count(Ticket.id)).where(scope, *conditions)).one()

    return Dashboard(
        total=count(),
        open=count(col(Ticket.status).in_(OPEN_STATUSES)),
        by_estate=_bars(grouped(Ticket.estate_id)),
        by_category=_bars(grouped(Ticket.category)),
        by_status=_bars(grouped(Ticket.status)),
        ack_breached=count(col(Ticket.status).in_(OPEN_STATUSES),
                           col(Ticket.acknowledged_at).is_(None), col(Ticket.ack_due_at) < at),
        resolve_breached=count(col(Ticket.status).in_(OPEN_STATUSES),
                               col(Ticket.resolve_due_at) < at),
        closed_late=count(col(Ticket.status) != TicketStatus.duplicate,
                          col(Ticket.closed_at).is_not(None),
                          col(Ticket.closed_at) > col(Ticket.resolve_due_at)),
    )
