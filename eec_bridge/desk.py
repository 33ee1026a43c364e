"""The EEC officers' desk (HTML, TH/EN): the inbox of cases, dead letters and staff accounts.
The case page itself, which shows the registration beside the case, is composed in
flows/case_desk.py. The role check sits on the router, so it runs on every route here."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlmodel import col, select

from core import eec
from core.accounts.deps import OfficerUser, require_roles
from core.accounts.models import Role
from core.db import SessionDep
from core.errors import N_, NotFound, register_messages
from core.flash import flash
from core.i18n import message
from core.options import Option
from core.templating import render
from eec_bridge import actions, inbox, workflow
from eec_bridge.models import CaseKind, CaseStatus, OutboxMessage, OutboxState

register_messages({
    "desk.flash.replayed": N_("The message is back in line and will be delivered again."),
})
router = APIRouter(prefix="/desk", tags=["desk"],
                   dependencies=[Depends(require_roles(Role.officer, Role.admin))])


def _filter_options() -> dict:
    return {
        "status_options": [Option(s.value, message(f"case.status.{s.value}")) for s in CaseStatus],
        "kind_options": [Option(k.value, message(f"case.kind.{k.value}")) for k in CaseKind],
        "province_options": eec.province_options(),
        "estate_options": eec.estate_options(),
        "industry_options": eec.industry_options(),
    }


@router.get("")
def inbox_page(request: Request, session: SessionDep, officer: OfficerUser):
    filters = inbox.CaseFilter.from_query(request.query_params)
    page = inbox.search(session, filters, officer.id)
    return render(request, "desk/inbox.html",
                  {"page": page, "f": filters, "is_overdue": workflow.is_overdue,
                   "shown": actions.shown_statuses(session, list(page.rows)),
                   "sla_countdown": workflow.sla_countdown,
                   "estates": eec.estates(), **_filter_options()}, block="results")


@router.get("/dead-letters")
def dead_letters(request: Request, session: SessionDep, officer: OfficerUser):
    parked = session.exec(select(OutboxMessage).where(col(OutboxMessage.state).in_(
        [OutboxState.parked, OutboxState.rejected])).order_by(col(OutboxMessage.created_at).desc())
        .limit(200)).all()
    return render(request, "desk/dead_letters.html", {"messages": parked})


@router.post("/dead-letters/{message_id}/replay")
def replay(message_id: str, request: Request, session: SessionDep, officer: OfficerUser):
    message_row = session.get(OutboxMessage, message_id)
    if message_row is None:
        raise NotFound()
    actions.replay(session, message_row, officer)
    session.commit()
    flash(request, "desk.flash.replayed")
    return RedirectResponse("/desk/dead-letters", status_code=303)
