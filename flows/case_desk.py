"""The officer's case page: the application as submitted (flows.case_view) with its files
shown inline beside the decision, and a second tab with the timeline the applicant also reads
and the messages exchanged with the other systems; the officer's actions on the case, each
confirmed by a message after the redirect. Composed here because it reads both contexts; the
rest of the desk is eec_bridge/desk.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse
from sqlmodel import col, select

from core import eec
from core.accounts.deps import require_roles
from core.accounts.models import Role, User
from core.db import RowId, SessionDep, stored_id
from core.errors import (
    N_,
    DomainError,
    FieldError,
    Forbidden,
    Invalid,
    NotFound,
    register_messages,
)
from core.flash import flash
from core.forms import form_dict, localized_errors
from core.i18n import message
from core.options import Option
from core.templating import render
from eec_bridge import actions, exchange_log, workflow
from eec_bridge.delivery import lock_case
from eec_bridge.models import Case, InfoRequest, OutboxMessage
from flows.case_view import submitted_application
from registration.documents import ALLOWED_TYPES, blob_path
from registration.models import ApplicationEvent, Document, StoredFile

register_messages({
    "role.applicant": N_("Applicant"),
    "role.officer": N_("EEC officer"),
    "role.admin": N_("Administrator"),
    "role.estate_operator": N_("Estate operator"),
    "desk.flash.assigned_to_me": N_("The case is now assigned to you."),
    "desk.flash.assigned": N_("The case is now assigned to {name}."),
    "desk.flash.info_requested": N_(
        "Your question was sent. The applicant sees it on the application's status page."),
    "desk.flash.approved": N_("The case was approved and is on its way to EEC OSS."),
    "desk.flash.rejected": N_("The case was rejected. The applicant sees the reason."),
    **{f"outbox.state.{k}": v for k, v in {
        "pending": N_("Waiting to be sent"), "sent": N_("Sent"),
        "rejected": N_("Refused by the other system"), "parked": N_("Parked"),
    }.items()},
    "desk.assignee_invalid": N_("Choose an active EEC officer or administrator."),
    "desk.assign_admins_only": N_("Only an administrator can assign a case to someone else."),
})
TABS = ("application", "history")
# The file, shown in a frame of the case page and nowhere else: no scripts, no other origin.
DOCUMENT_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; " \
    "frame-ancestors 'self'"

Officer = Annotated[User, Depends(require_roles(Role.officer, Role.admin))]
router = APIRouter(prefix="/desk", tags=["desk"],
                   dependencies=[Depends(require_roles(Role.officer, Role.admin))])


def _back(case_id: int) -> RedirectResponse:
    return RedirectResponse(f"/desk/cases/{case_id}", status_code=303)


def _staff(session: SessionDep) -> dict[int, User]:
    return {stored_id(u.id): u for u in session.exec(select(User).where(col(User.role).in_(
        [Role.officer, Role.admin])).order_by(col(User.full_name))).all()}


def _case_context(session: SessionDep, case: Case, viewer: User,
                  tab: str = "application") -> dict:
    """The first tab: the application and the decision; the second: timeline and exchanges.
    Once the case is on its way to EEC OSS the decision is made: the page says so and offers
    none."""
    users = _staff(session)
    base = {"case": case, "tab": tab, "users": users, "values": {}, "errors": {},
            "assign_options": [Option(str(u.id), f"{u.full_name} ({message(f'role.{u.role}')})")
                               for u in users.values() if u.is_active],
            "overdue": workflow.is_overdue(case), "estate": eec.estates().get(case.estate_id),
            "shown_status": actions.shown_status(session, case),
            "decided": actions.handed_to_oss(session, case),
            "assigned_to_viewer": case.assignee_id == viewer.id}
    if tab == "history":
        return {**base, **_history(session, case)}
    requests = session.exec(select(InfoRequest).where(InfoRequest.case_id == case.id)
                            .order_by(col(InfoRequest.asked_at))).all()
    # The files the applicant sent with an answer, so the officer knows there is evidence.
    attached_ids = {i for r in requests for i in (r.answer_document_ids or [])}
    attachments = {d.id: d for d in session.exec(select(Document).where(
        col(Document.id).in_(attached_ids))).all()} if attached_ids else {}
    return {**base, "requests": requests, "attachments": attachments,
            "application": submitted_application(session, case)}


def _history(session: SessionDep, case: Case) -> dict:
    events = session.exec(select(ApplicationEvent).where(
        (col(ApplicationEvent.case_id) == case.id) |
        ((col(ApplicationEvent.application_id) == case.application_id) &
         col(ApplicationEvent.application_id).is_not(None)))
        .order_by(col(ApplicationEvent.at), col(ApplicationEvent.id))).all()
    return {
        "events": events,
        "exchanges": exchange_log.entries_for_case(session, stored_id(case.id)),
        "messages": session.exec(select(OutboxMessage).where(OutboxMessage.aggregate_id == case.id)
                                 .order_by(col(OutboxMessage.created_at))).all(),
    }


@router.get("/cases/{case_id}")
def case_page(case_id: RowId, request: Request, session: SessionDep, officer: Officer,
              tab: str = "application"):
    case = workflow.get_case(session, case_id)
    return render(request, "desk/case.html",
                  _case_context(session, case, officer, tab if tab in TABS else "application"))


def _assign(session: SessionDep, case: Case, officer: User, assignee_id: str) -> str:
    """Assigns the case to the officer, or (an administrator only) to the officer chosen;
    returns the key of the message that confirms it."""
    if not assignee_id.strip() or assignee_id.strip() == str(officer.id):
        actions.assign(session, case, officer)
        return "desk.flash.assigned_to_me"
    if officer.role != Role.admin:
        raise Forbidden("desk.assign_admins_only")
    wanted = assignee_id.strip()
    assignee = session.get(User, int(wanted)) if wanted.isdigit() and len(wanted) < 10 else None
    if assignee is None or not assignee.is_active or not assignee.is_staff:
        raise Invalid([FieldError("assignee_id", "desk.assignee_invalid")])
    actions.assign(session, case, assignee, by=officer)
    return "desk.flash.assigned"


@router.post("/cases/{case_id}/{action}")
async def case_action(case_id: RowId, action: str, request: Request, session: SessionDep,
                      officer: Officer):
    values = form_dict(await request.form())
    case = lock_case(session, case_id)
    if case is None:
        raise NotFound()
    params: dict[str, str] = {}
    try:
        if action == "assign":
            done = _assign(session, case, officer, str(values.get("assignee_id", "")))
            assignee = session.get(User, case.assignee_id) if case.assignee_id else None
            params = {"name": assignee.full_name if assignee else ""}
        elif action == "request-info":
            actions.request_info(session, case, officer, str(values.get("question", "")))
            done = "desk.flash.info_requested"
        elif action == "approve":
            actions.approve(session, case, officer)
            done = "desk.flash.approved"
        elif action == "reject":
            actions.reject(session, case, officer, str(values.get("reason", "")))
            done = "desk.flash.rejected"
        else:
            raise NotFound()
    except (Invalid, DomainError) as exc:
        session.rollback()
        case = workflow.get_case(session, case_id)
        ctx = _case_context(session, case, officer)
        errors = exc.errors if isinstance(exc, Invalid) else []
        ctx.update(values=values, errors=localized_errors(errors),
                   action_error=None if errors else message(exc.key, exc.params))
        return render(request, "desk/case.html", ctx, status_code=exc.status)
    session.commit()
    flash(request, done, **params)
    return _back(case_id)


@router.get("/cases/{case_id}/documents/{document_id}")
def case_document(case_id: RowId, document_id: RowId, session: SessionDep, officer: Officer):
    """A file the applicant attached to this case's application, for the officer to read:
    inline (in a frame of the case page) when it is one of the accepted types, checked by its
    content on upload; anything else only as a download."""
    case = workflow.get_case(session, case_id)
    document = session.get(Document, document_id)
    if document is None or case.application_id is None or \
            document.application_id != case.application_id:
        raise NotFound()
    stored = session.get(StoredFile, document.sha256)
    content_type = stored.content_type if stored is not None else ""
    viewable = content_type in ALLOWED_TYPES
    return FileResponse(blob_path(document.sha256),
                        media_type=content_type if viewable else "application/octet-stream",
                        filename=document.filename,
                        content_disposition_type="inline" if viewable else "attachment",
                        headers={"Cache-Control": "private, no-store",
                                 "X-Content-Type-Options": "nosniff",
                                 "X-Frame-Options": "SAMEORIGIN",
                                 "Content-Security-Policy": DOCUMENT_CSP})
