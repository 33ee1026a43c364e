"""The EEC officers' desk (HTML, TH/EN): the inbox of cases, dead letters and staff accounts.
The case page itself, which shows the registration beside the case, is composed in
flows/case_desk.py. The role check sits on the router, so it runs on every route here."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlmodel import col, select

from eec_bridge import actions, inbox, workflow
from eec_bridge.models import CaseKind, CaseStatus, OutboxMessage, OutboxState
from registration import eec
from web.accounts.deps import require_roles
from web.accounts.models import Role, User
from web.db import RowId, SessionDep
from web.errors import Invalid, NotFound
from web.forms import form_dict, localized_errors
from web.i18n import message
from web.templating import render

Officer = Annotated[User, Depends(require_roles(Role.officer, Role.admin))]
Admin = Annotated[User, Depends(require_roles(Role.admin))]
router = APIRouter(prefix="/desk", tags=["desk"],
                   dependencies=[Depends(require_roles(Role.officer, Role.admin))])


def _filter_options() -> dict:
    return {
        "status_options": [eec.Option(s.value, message(f"case.status.{s.value}")) for s in CaseStatus],
        "kind_options": [eec.Option(k.value, message(f"case.kind.{k.value}")) for k in CaseKind],
        "province_options": eec.province_options(),
        "estate_options": eec.estate_options(),
        "industry_options": eec.industry_options(),
    }


@router.get("")
def inbox_page(request: Request, session: SessionDep, officer: Officer):
    filters = inbox.InboxFilter.from_query(request.query_params)
    page = inbox.search(session, filters, officer.id)
    return render(request, "desk/inbox.html",
                  {"page": page, "f": filters, "is_overdue": workflow.is_overdue,
                   "estates": eec.estates(), **_filter_options()}, block="results")


@router.get("/dead-letters")
def dead_letters(request: Request, session: SessionDep, officer: Officer):
    parked = session.exec(select(OutboxMessage).where(col(OutboxMessage.state).in_(
        [OutboxState.parked, OutboxState.rejected])).order_by(col(OutboxMessage.created_at).desc())
        .limit(200)).all()
    return render(request, "desk/dead_letters.html", {"messages": parked})


@router.post("/dead-letters/{message_id}/replay")
def replay(message_id: str, session: SessionDep, officer: Officer):
    message_row = session.get(OutboxMessage, message_id)
    if message_row is None:
        raise NotFound()
    actions.replay(session, message_row, officer)
    session.commit()
    return RedirectResponse("/desk/dead-letters?replayed=1", status_code=303)


@router.get("/officers")
def officers_page(request: Request, session: SessionDep, admin: Admin):
    return render(request, "desk/officers.html", {"staff": _staff(session), "values": {},
                                                  "errors": {}, "estate_options": eec.estate_options()})


STAFF_ROLES = [Role.officer, Role.admin, Role.estate_operator]


def _staff(session: SessionDep) -> list[User]:
    return list(session.exec(select(User).where(col(User.role).in_(STAFF_ROLES))
                             .order_by(User.email)).all())  # type: ignore[arg-type]


@router.post("/officers/{user_id}/sign-out-everywhere")
def sign_out_everywhere(user_id: RowId, session: SessionDep, admin: Admin):
    """Ends every session of an account (the admin's own included, if it is theirs)."""
    from web.accounts import service as accounts

    user = session.get(User, user_id)
    if user is None:
        raise NotFound()
    accounts.end_sessions(session, user)
    session.commit()
    return RedirectResponse("/desk/officers?signed_out=1", status_code=303)


@router.post("/officers")
async def create_officer(request: Request, session: SessionDep, admin: Admin):
    from web.accounts import service as accounts

    values = form_dict(await request.form())
    role = {"admin": Role.admin, "estate_operator": Role.estate_operator}.get(
        str(values.get("role", "")), Role.officer)
    try:
        accounts.sign_up(session, email=str(values.get("email", "")),
                         full_name=str(values.get("full_name", "")),
                         password=str(values.get("password", "")),
                         password_confirm=str(values.get("password", "")), consent=True,
                         lang=str(values.get("lang", "th")), role=role,
                         estate_id=str(values.get("estate_id", "")) or None)
    except Invalid as exc:
        values.pop("password", None)
        return render(request, "desk/officers.html", {
            "staff": _staff(session), "values": values, "errors": localized_errors(exc.errors),
            "estate_options": eec.estate_options()}, status_code=422)
    session.commit()
    return RedirectResponse("/desk/officers?created=1", status_code=303)
