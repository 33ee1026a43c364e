"""What an applicant sees of their applications: the list ("My applications") and the status
page, each with the application's real state (draft, submitted, information requested,
approved, registered, rejected) and the one next action; and the answer to a request for more
information (the file is registration's, the answer the case's). Composed here because the
state needs both the application (registration) and its case (eec_bridge); included before
the wizard's router, whose /registration/{id}/{step} would otherwise take these paths."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session, col, select
from starlette.datastructures import UploadFile

from core.accounts.deps import CurrentUser
from core.db import RowId, SessionDep, stored_id
from core.errors import N_, DomainError, Invalid, register_messages
from core.flash import flash
from core.forms import form_dict, localized_errors
from core.templating import is_htmx, render
from eec_bridge import actions
from eec_bridge.models import Case, CaseStatus, InfoRequest
from flows.certificate import certificate_path
from flows.submission import case_of
from registration import repository, service
from registration.models import Application, ApplicationStatus, Document

router = APIRouter(prefix="/registration", tags=["registration"])

register_messages({
    "applicant.state.draft": N_("Draft"),
    "applicant.state.submitted": N_("Submitted"),
    "applicant.state.info_requested": N_("Information requested"),
    "applicant.state.approved": N_("Approved"),
    "applicant.state.registered": N_("Registered"),
    "applicant.state.rejected": N_("Rejected"),
    "applicant.action.continue": N_("Continue the application"),
    "applicant.action.status": N_("View status"),
    "applicant.action.answer": N_("Answer the officer's request"),
    "applicant.action.certificate": N_("Download certificate"),
    "applicant.action.reason": N_("See the reason"),
    "applicant.flash.answered.officer": N_("Your answer was sent to the officer."),
    "applicant.flash.answered.eec_oss": N_("Your answer was sent to EEC OSS."),
})

_REJECTED = {CaseStatus.rejected, CaseStatus.bizportal_rejected}


# Stable codes: the JSON API (flows/application_api.py) hands them to its clients as they are.
StateCode = Literal["draft", "submitted", "info_requested", "approved", "registered", "rejected"]
ActionCode = Literal["continue", "status", "answer", "certificate", "reason"]


@dataclass(frozen=True)
class ApplicantState:
    """Where an application stands for its applicant, and the one thing to do next."""

    state: StateCode
    action: ActionCode
    action_url: str

    @property
    def state_key(self) -> str:
        return f"applicant.state.{self.state}"

    @property
    def action_key(self) -> str:
        return f"applicant.action.{self.action}"


def applicant_state(application: Application, case: Case | None) -> ApplicantState:
    status_url = f"/registration/{application.id}/status"
    if application.status == ApplicationStatus.draft:
        return ApplicantState("draft", "continue", f"/registration/{application.id}")
    if case is None:  # never for long: submitting opens the case in the same transaction
        return ApplicantState("submitted", "status", status_url)
    certificate = certificate_path(stored_id(application.id))
    if case.status == CaseStatus.info_requested:
        return ApplicantState("info_requested", "answer", f"{status_url}#info-request")
    if case.status in _REJECTED:
        return ApplicantState("rejected", "reason", status_url)
    if case.status == CaseStatus.approved:
        return (ApplicantState("approved", "certificate", certificate)
                if case.juristic_number else
                ApplicantState("approved", "status", status_url))
    # A company registered while its EEC leg is still under way is registered to its
    # applicant: the certificate is theirs to download while the EEC Office decides the rest.
    if case.juristic_number:
        return ApplicantState("registered", "certificate", certificate)
    return ApplicantState("submitted", "status", status_url)


def cases_by_application(session: Session, applications: list[Application]
                         ) -> dict[int, Case]:
    """The cases of several applications in one query."""
    ids = [a.id for a in applications if a.id is not None]
    if not ids:
        return {}
    cases = session.exec(select(Case).where(col(Case.application_id).in_(ids))).all()
    return {c.application_id: c for c in cases if c.application_id is not None}


@router.get("")
def my_applications(request: Request, session: SessionDep, user: CurrentUser):
    """"My applications": each with its state and its next action."""
    applications = repository.applications_of(session, user)
    cases = cases_by_application(session, applications)
    rows = [(a, applicant_state(a, cases.get(stored_id(a.id)))) for a in applications]
    return render(request, "registration/dashboard.html", {"rows": rows})


def answered_requests(session: Session, case: Case | None
                      ) -> tuple[list[InfoRequest], dict[int, str]]:
    """The requests for information the applicant has answered, oldest first, and the names
    of the files sent with the answers (by document id)."""
    if case is None:
        return [], {}
    requests = list(session.exec(select(InfoRequest).where(
        InfoRequest.case_id == case.id, col(InfoRequest.answered_at).is_not(None))
        .order_by(col(InfoRequest.asked_at), col(InfoRequest.id))).all())
    ids = {i for r in requests for i in (r.answer_document_ids or [])}
    names = {stored_id(d.id): d.filename for d in session.exec(select(Document).where(
        col(Document.id).in_(ids), Document.application_id == case.application_id)).all()} \
        if ids else {}
    return requests, names


def _status_context(session: SessionDep, application: Application) -> dict[str, Any]:
    case = case_of(session, application)
    request_open = actions.open_request(session, case) if case is not None else None
    info_request = request_open if case is not None and case.status == "info_requested" \
        else None
    answered, attachments = answered_requests(session, case)
    return {"application": application, "case": case,
            "state": applicant_state(application, case),
            # The desk's word too: an approved case on its way to EEC OSS says so.
            "case_status": actions.shown_status(session, case) if case is not None else None,
            "events": repository.timeline(session, application),
            "info_request": info_request, "form_on_page": info_request is not None,
            "answered_requests": answered, "attachments": attachments}


@router.get("/{application_id}/status")
def status_page(application_id: RowId, request: Request, session: SessionDep, user: CurrentUser,
                form: str = ""):
    application = service.get_application(session, user, application_id)
    ctx = _status_context(session, application)
    if not service.can_change(user, application):  # staff get no answer form
        ctx["info_request"], ctx["form_on_page"] = None, False
    if is_htmx(request):
        # A poll refreshes the timeline, which links to the answer form unless the page
        # around it shows the form already (the poll's URL says which), and the box above.
        ctx["form_on_page"] = form == "1"
        ctx["polled"] = True
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
        answered = actions.answer_info_request(session, case, str(values.get("answer", "")),
                                               documents)
    except Invalid as exc:
        session.rollback()
        return render(request, "registration/status.html",
                      {**_status_context(session, application), "values": values,
                       "errors": localized_errors(exc.errors)}, status_code=422)
    session.commit()
    flash(request, f"applicant.flash.answered.{answered.origin}")
    return RedirectResponse(f"/registration/{application.id}/status", status_code=303)
