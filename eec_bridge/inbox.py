"""The officers' case inbox: its filter fields and the conditions they stand for; reading the
query, sorting and paging are the shared ones of `core.inbox`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import and_, or_
from sqlmodel import Session, col

from core import inbox
from eec_bridge import search as case_search
from eec_bridge.models import FINAL_STATUSES, Case, CaseStatus

OPEN_STATUSES = [s for s in CaseStatus if s not in FINAL_STATUSES and s != CaseStatus.registered]
CLOSED_STATUSES = [s for s in CaseStatus if s not in OPEN_STATUSES]
# The desk's tabs: cases still waiting for someone, and cases that have ended.
VIEWS = ("open", "closed", "all")


@dataclass
class CaseFilter(inbox.InboxFilter):
    SORTS: ClassVar[dict[str, Any]] = inbox.sorts(Case, due=Case.sla_due_at)

    q: str = ""
    view: str = "open"
    status: str = ""
    kind: str = ""
    province: str = ""
    estate: str = ""
    industry: str = ""

    @classmethod
    def allowed(cls, name: str, value: str) -> bool:
        return value in VIEWS if name == "view" else len(value) <= 200

    @classmethod
    def from_query(cls, query: Any) -> CaseFilter:
        f = super().from_query(query)
        f.view = f.view or "open"  # the open cases, unless the closed ones are asked for
        return f


def search(session: Session, f: CaseFilter, officer_id: int | None = None,
           at: datetime | None = None) -> inbox.InboxPage[Case]:
    at = at or datetime.now(UTC)
    conditions = f.matching(status=Case.status, kind=Case.kind, province=Case.province_code,
                            estate=Case.estate_id, industry=Case.target_industry)
    if f.q.strip():
        conditions.append(case_search.matching(f.q))
    if f.view == "open":
        conditions.append(col(Case.status).in_(OPEN_STATUSES))
    elif f.view == "closed":
        conditions.append(col(Case.status).in_(CLOSED_STATUSES))
    if f.mine and officer_id is not None:
        conditions.append(Case.assignee_id == officer_id)
    # As workflow.is_overdue: a stopped clock counts up to the moment it stopped.
    overdue = [col(Case.status).in_(OPEN_STATUSES), or_(
        and_(col(Case.sla_paused_at).is_(None), col(Case.sla_due_at) < at),
        and_(col(Case.sla_paused_at).is_not(None),
             col(Case.sla_due_at) < col(Case.sla_paused_at)))]
    if f.overdue:
        conditions += overdue
    return inbox.search(session, Case, f, conditions, overdue)
