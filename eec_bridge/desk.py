"""The EEC officers' case desk (HTML, TH/EN). The role check sits on the router, so it runs
on every route here."""

from __future__ import annotations


from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlmodel import col, select

from eec_bridge import cases, exchange_log, inbox
from eec_bridge.models import Case, CaseKind, CaseStatus, InfoRequest, OutboxMessage, OutboxState
from core import eec
from registration.models import ApplicationEvent, Document
from core.accounts.deps import OfficerUser, require_roles
from core.accounts.models import Role, User
from core.db import RowId, SessionDep
from core.errors import DomainError, Invalid, NotFound
from core.forms import form_dict, localized_errors
from core.i18n import message
from core.templating import render
from core.options import Option

router = APIRouter(prefix="/desk", tags=["desk"],
                   dependencies=[Depends(require_roles(Role.officer, Role.admin))])


def _back(case_id: int) -> RedirectResponse:
    return RedirectResponse(f"/desk/cases/{case_id}", status_code=303)


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
                  {"page": page, "f": filters, "is_overdue": cases.is_overdue,
                   "estates": eec.estates(), **_filter_options()}, block="results")


def _case_context(session: SessionDep, case: Case) -> dict:
    events = session.exec(select(ApplicationEvent).where(
        (ApplicationEvent.case_id == case.id) |
        ((ApplicationEvent.application_id == case.application_id) &
         col(ApplicationEvent.application_id).is_not(None)))
        .order_by(ApplicationEvent.at, ApplicationEvent.id)).all()  # type: ignore[arg-type]
    users = {u.id: u for u in session.exec(select(User).where(col(User.role).in_(
        [Role.officer, Role.admin]))).all()}
    requests = session.exec(select(InfoRequest).where(InfoRequest.case_id == case.id)
                            .order_by(InfoRequest.asked_at)).all()  # type: ignore[arg-type]
    # The files the applicant sent with an answer, so the officer knows there is evidence.
    attached_ids = {i for r in requests for i in (r.answer_document_ids or [])}
    attachments = {d.id: d for d in session.exec(select(Document).where(
        col(Document.id).in_(attached_ids))).all()} if attached_ids else {}
    return {
        "case": case, "events": events, "users": users,
        "exchanges": exchange_log.entries_for_case(session, case.id),
        "requests": requests, "attachments": attachments,
        "messages": session.exec(select(OutboxMessage).where(OutboxMessage.aggregate_id == case.id)
                                 .order_by(OutboxMessage.created_at)).all(),  # type: ignore[arg-type]
        "overdue": cases.is_overdue(case), "estate": eec.estates().get(case.estate_id),
        "values": {}, "errors": {},
    }


@router.get("/cases/{case_id}")
def case_page(case_id: RowId, request: Request, session: SessionDep, officer: OfficerUser):
    case = cases.get_case(session, case_id)
    return render(request, "desk/case.html", _case_context(session, case))


@router.post("/cases/{case_id}/{action}")
async def case_action(case_id: RowId, action: str, request: Request, session: SessionDep,
                      officer: OfficerUser):
    from eec_bridge.delivery import lock_case

    values = form_dict(await request.form())
    case = lock_case(session, case_id)
    if case is None:
        raise NotFound()
    try:
        if action == "assign":
            cases.assign(session, case, officer)
        elif action == "request-info":
            cases.request_info(session, case, officer, str(values.get("question", "")))
        elif action == "approve":
            cases.approve(session, case, officer)
        elif action == "reject":
            cases.reject(session, case, officer, str(values.get("reason", "")))
        else:
            raise NotFound()
    except (Invalid, DomainError) as exc:
        session.rollback()
        case = cases.get_case(session, case_id)
        ctx = _case_context(session, case)
        errors = exc.errors if isinstance(exc, Invalid) else []
        ctx.update(values=values, errors=localized_errors(errors),
                   action_error=None if errors else message(exc.key, exc.params))
        return render(request, "desk/case.html", ctx, status_code=exc.status)
    session.commit()
    return _back(case_id)


@router.get("/cases/{case_id}/documents/{document_id}")
def case_document(case_id: RowId, document_id: RowId, session: SessionDep, officer: OfficerUser):
    """A file the applicant attached to this case's application, for the officer to read."""
    from fastapi.responses import FileResponse

    from registration.documents import blob_path
    from registration.models import Document, StoredFile

    case = cases.get_case(session, case_id)
    document = session.get(Document, document_id)
    if document is None or case.application_id is None or \
            document.application_id != case.application_id:
        raise NotFound()
    stored = session.get(StoredFile, document.sha256)
    return FileResponse(blob_path(document.sha256), media_type=stored.content_type if stored
                        else "application/octet-stream", filename=document.filename,
                        headers={"Cache-Control": "private, no-store",
                                 "X-Content-Type-Options": "nosniff"})


@router.get("/dead-letters")
def dead_letters(request: Request, session: SessionDep, officer: OfficerUser):
    parked = session.exec(select(OutboxMessage).where(col(OutboxMessage.state).in_(
        [OutboxState.parked, OutboxState.rejected])).order_by(col(OutboxMessage.created_at).desc())
        .limit(200)).all()
    return render(request, "desk/dead_letters.html", {"messages": parked})


@router.post("/dead-letters/{message_id}/replay")
def replay(message_id: str, session: SessionDep, officer: OfficerUser):
    message_row = session.get(OutboxMessage, message_id)
    if message_row is None:
        raise NotFound()
    cases.replay(session, message_row, officer)
    session.commit()
    return RedirectResponse("/desk/dead-letters?replayed=1", status_code=303)
