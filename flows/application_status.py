"""The applicant's status page: the submitted application's timeline beside its case, and the
answer to a request for more information (the file is registration's, the answer the case's).
Composed here because it needs both contexts; included before the wizard's router, whose
/registration/{id}/{step} would otherwise take these paths."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import UploadFile

from core.accounts.deps import CurrentUser
from core.db import RowId, SessionDep
from core.errors import DomainError, Invalid
from core.forms import form_dict, localized_errors
from core.templating import is_htmx, render
from eec_bridge import actions
from flows.submission import case_of
from registration import repository, service
from registration.models import Application

router = APIRouter(prefix="/registration", tags=["registration"])


def _status_context(session: SessionDep, application: Application) -> dict[str, Any]:
    case = case_of(session, application)
    request_open = actions.open_request(session, case) if case is not None else None
    info_request = request_open if case is not None and case.status == "info_requested" \
        else None
    return {"application": application, "case": case,
            "events": repository.timeline(session, application),
            "info_request": info_request, "form_on_page": info_request is not None}


@router.get("/{application_id}/status")
def status_page(application_id: RowId, request: Request, session: SessionDep, user: CurrentUser,
                form: str = ""):
    application = service.get_application(session, user, application_id)
    ctx = _status_context(session, application)
    if not service.can_change(user, application):  # staff get no answer form
        ctx["info_request"], ctx["form_on_page"] = None, False
    if is_htmx(request):
        # A poll refreshes only the timeline, which links to the answer form unless the page
        # around it shows the form already (the poll's URL says which).
        ctx["form_on_page"] = form == "1"
    return render(request, "registration/status.html", {**ctx, "values": {}, "errors": {}},
                  block="timeline")


@router.post("/{application_id}/answer")
async def answer_request(application_id: RowId, request: Request, session: SessionDep,
                         user: CurrentUser):
    """The applicant answers a request for more information, optionally with a file."""
    application = service.own_application(session, user, application_id)
    case = case_of(session, application)
    if case is None:
        raise DomainError("error.not_found", status=404)
    form = await request.form()
    values = form_dict(form)
    upload = form.get("file")
    try:
        documents = []
        if isinstance(upload, UploadFile) and upload.filename:
            doc = service.add_document(session, application, kind="other", person_id=None,
                                       filename=upload.filename, content=await upload.read(),
                                       answering=True)
            documents.append({"id": doc.id, "sha256": doc.sha256, "kind": doc.kind,
                              "filename": doc.filename})
        actions.answer_info_request(session, case, str(values.get("answer", "")), documents)
    except Invalid as exc:
        session.rollback()
        return render(request, "registration/status.html",
                      {**_status_context(session, application), "values": values,
                       "errors": localized_errors(exc.errors)}, status_code=422)
    session.commit()
    return RedirectResponse(f"/registration/{application.id}/status", status_code=303)
