"""The officer's case page: the case beside the registration it came from (the timeline the
applicant also reads, the files sent with answers), and the officer's actions on it. Composed
here because it reads both contexts; the rest of the desk is eec_bridge/desk.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse
from sqlmodel import col, select

from core import eec
from core.accounts.deps import require_roles
from core.accounts.models import Role, User
from core.db import RowId, SessionDep, stored_id
from core.errors import DomainError, Invalid, NotFound
from core.forms import form_dict, localized_errors
from core.i18n import message
from core.templating import render
from eec_bridge import actions, exchange_log, workflow
from eec_bridge.delivery import lock_case
from eec_bridge.models import Case, InfoRequest, OutboxMessage
from registration.documents import blob_path
from registration.models import ApplicationEvent, Document, StoredFile

Officer = Annotated[User, Depends(require_roles(Role.officer, Role.admin))]
router = APIRouter(prefix="/desk", tags=["desk"],
                   dependencies=[Depends(require_roles(Role.officer, Role.admin))])


def _back(case_id: int) -> RedirectResponse:
    return RedirectResponse(f"/desk/cases/{case_id}", status_code=303)


def _case_context(session: SessionDep, case: Case) -> dict:
    events = session.exec(select(ApplicationEvent).where(
        (col(ApplicationEvent.case_id) == case.id) |
        ((col(ApplicationEvent.application_id) == case.application_id) &
         col(ApplicationEvent.application_id).is_not(None)))
        .order_by(col(ApplicationEvent.at), col(ApplicationEvent.id))).all()
    users = {u.id: u for u in session.exec(select(User).where(col(User.role).in_(
        [Role.officer, Role.admin]))).all()}
    requests = session.exec(select(InfoRequest).where(InfoRequest.case_id == case.id)
                            .order_by(col(InfoRequest.asked_at))).all()
    # The files the applicant sent with an answer, so the officer knows there is evidence.
    attached_ids = {i for r in requests for i in (r.answer_document_ids or [])}
    attachments = {d.id: d for d in session.exec(select(Document).where(
        col(Document.id).in_(attached_ids))).all()} if attached_ids else {}
    return {
        "case": case, "events": events, "users": users,
        "exchanges": exchange_log.entries_for_case(session, stored_id(case.id)),
        "requests": requests, "attachments": attachments,
        "messages": session.exec(select(OutboxMessage).where(OutboxMessage.aggregate_id == case.id)
                                 .order_by(col(OutboxMessage.created_at))).all(),
        "overdue": workflow.is_overdue(case), "estate": eec.estates().get(case.estate_id),
        "values": {}, "errors": {},
    }


@router.get("/cases/{case_id}")
def case_page(case_id: RowId, request: Request, session: SessionDep, officer: Officer):
    case = workflow.get_case(session, case_id)
    return render(request, "desk/case.html", _case_context(session, case))


@router.post("/cases/{case_id}/{action}")
async def case_action(case_id: RowId, action: str, request: Request, session: SessionDep,
                      officer: Officer):
    values = form_dict(await request.form())
    case = lock_case(session, case_id)
    if case is None:
        raise NotFound()
    try:
        if action == "assign":
            actions.assign(session, case, officer)
        elif action == "request-info":
            actions.request_info(session, case, officer, str(values.get("question", "")))
        elif action == "approve":
            actions.approve(session, case, officer)
        elif action == "reject":
            actions.reject(session, case, officer, str(values.get("reason", "")))
        else:
            raise NotFound()
    except (Invalid, DomainError) as exc:
        session.rollback()
        case = workflow.get_case(session, case_id)
        ctx = _case_context(session, case)
        errors = exc.errors if isinstance(exc, Invalid) else []
        ctx.update(values=values, errors=localized_errors(errors),
                   action_error=None if errors else message(exc.key, exc.params))
        return render(request, "desk/case.html", ctx, status_code=exc.status)
    session.commit()
    return _back(case_id)


@router.get("/cases/{case_id}/documents/{document_id}")
def case_document(case_id: RowId, document_id: RowId, session: SessionDep, officer: Officer):
    """A file the applicant attached to this case's application, for the officer to read."""
    case = workflow.get_case(session, case_id)
    document = session.get(Document, document_id)
    if document is None or case.application_id is None or \
            document.application_id != case.application_id:
        raise NotFound()
    stored = session.get(StoredFile, document.sha256)
    return FileResponse(blob_path(document.sha256), media_type=stored.content_type if stored
                        else "application/octet-stream", filename=document.filename,
                        headers={"Cache-Control": "private, no-store",
                                 "X-Content-Type-Options": "nosniff"})
