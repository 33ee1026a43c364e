"""The officers' inbox query: filters, sorting, paging and the overdue count."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from eec_bridge.models import FINAL_STATUSES, Case, CaseStatus
from core import paging

PAGE_SIZE = paging.PAGE_SIZE
SORTS = {"due": col(Case.sla_due_at).asc(), "newest": col(Case.created_at).desc(),
         "updated": col(Case.updated_at).desc()}
OPEN_STATUSES = [s for s in CaseStatus if s not in FINAL_STATUSES and s != CaseStatus.registered]


@dataclass
class InboxFilter:
    status: str = ""
    kind: str = ""
    province: str = ""
    estate: str = ""
    industry: str = ""
    overdue: bool = False
    mine: bool = False
    sort: str = "due"
    page: int = 1

    @classmethod
    def from_query(cls, q: Any) -> "InboxFilter":
        return cls(status=q.get("status", ""), kind=q.get("kind", ""),
                   province=q.get("province", ""), estate=q.get("estate", ""),
                   industry=q.get("industry", ""), overdue=paging.flag(q, "overdue"),
                   mine=paging.flag(q, "mine"),
                   sort=q.get("sort", "due") if q.get("sort") in SORTS else "due",
                   page=paging.page_number(q))

    def query_string(self, **changes: Any) -> str:
        return paging.query_string(self.__dict__, **changes)


@dataclass
class InboxPage:
    cases: list[Case]
    total: int
    overdue: int
    pages: int
    filters: InboxFilter = field(default_factory=InboxFilter)


def search(session: Session, f: InboxFilter, officer_id: int | None = None,
           at: datetime | None = None) -> InboxPage:
    at = at or datetime.now(UTC)
    conditions = []
    if f.status:
        conditions.append(Case.status == f.status)
    if f.kind:
        conditions.append(Case.kind == f.kind)
    if f.province:
        conditions.append(Case.province_code == f.province)
    if f.estate:
        conditions.append(Case.estate_id == f.estate)
    if f.industry:
        conditions.append(Case.target_industry == f.industry)
    if f.mine and officer_id is not None:
        conditions.append(Case.assignee_id == officer_id)
    overdue_condition = [col(Case.status).in_(OPEN_STATUSES), col(Case.sla_due_at) < at]
    if f.overdue:
        conditions += overdue_condition
    total = session.exec(select(func.count(Case.id)).where(*conditions)).one()
    overdue = session.exec(select(func.count(Case.id)).where(*overdue_condition)).one()
    rows = session.exec(select(Case).where(*conditions).order_by(SORTS[f.sort], col(Case.id))
                        .offset((f.page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return InboxPage(cases=list(rows), total=total, overdue=overdue,
                     pages=paging.page_count(total, PAGE_SIZE), filters=f)
