"""The registration JSON API (/api/v1). Same services and checks as the wizard, and the same
step models (registration.schemas); errors are RFC 9457 problem details with message keys.
Unsafe methods need the X-CSRF-Token header, which GET /api/v1/session returns to a
signed-in browser or client. Reading applications, with their live state, is
flows/application_api.py's: the state needs the case as well."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, File, Form, Path, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import WithJsonSchema
from sqlmodel import Session

from core.accounts.deps import CurrentUser, OptionalUser
from core.accounts.models import User
from core.db import RowId, SessionDep, parse_row_id
from core.i18n import get_locale, message
from core.problems import problems
from core.security import csrf_token
from core.thai_ids import mask_pin
from registration import repository, service
from registration.models import Application, PersonRole
from registration.schemas import (
    STEP_FORMS,
    ApplicationOut,
    CapitalForm,
    DirectorsForm,
    DocumentOut,
    EecForm,
    NameCheckIn,
    NameCheckOut,
    OfficeForm,
    PeopleForm,
    PersonOut,
    ReceiptOut,
    ReservationIn,
    ReservedOut,
    SessionOut,
    SubmitIn,
)

router = APIRouter(prefix="/api/v1", tags=["registration-api"])

# The step named in the path picks the body's model; each model's schema is in the document.
StepName = Annotated[str, Path(description="A wizard step with a form",
                               json_schema_extra={"enum": list(STEP_FORMS)})]
StepBody = Annotated[dict[str, Any], Body(description="The model of the step in the path"),
                     WithJsonSchema({"anyOf": [{"$ref": f"#/components/schemas/{form.__name__}"}
                                               for form in STEP_FORMS.values()]})]
StepOut = OfficeForm | CapitalForm | PeopleForm | DirectorsForm | EecForm


def application_json(session: SessionDep, application: Application) -> dict[str, Any]:
    """The application as ApplicationOut. GET /api/v1/applications/{id} adds its live state
    (flows/application_api.py), which needs the case as well."""
    return {
        "id": application.id,
        "status": application.status,
        "status_label": message(f"status.{application.status}"),
        "reference": application.reference,
        "entity_type": application.entity_type,
        "name_th": application.name_th,
        "name_en": application.name_en,
        "completed_steps": application.completed_steps,
        "fees_total_baht": str(service.quote_fees(application).total),
        "foreign_share_percent": str(service.foreign_share_percent(session, application)),
        "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None,
        "timeline": [
            {"status": e.status, "key": e.key, "text": message(e.key, e.params),
             "at": e.at.isoformat()}
            for e in repository.timeline(session, application)
        ],
    }


@router.get("/session", response_model=SessionOut)
def session_info(request: Request, user: OptionalUser) -> dict[str, Any]:
    return {"signed_in": user is not None, "csrf_token": csrf_token(request),
            "lang": get_locale()}


@router.post("/names/check", response_model=NameCheckOut,
             responses=problems(400, 401, 403, 413, 422))
def check_name(body: NameCheckIn, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    result = service.check_name(session, body.entity_type, body.name_th, body.name_en)
    return {
        "available": result.ok,
        "errors": [{"field": e.field, "key": e.key, "message": message(e.key, e.params)}
                   for e in result.errors],
        "conflicts": [{"name_th": c.name_th, "name_en": c.name_en, "score": round(c.score, 1),
                       "identical": c.identical, "source": c.source} for c in result.conflicts],
    }


@router.post("/reservations", status_code=201, response_model=ReservedOut,
             responses=problems(400, 401, 403, 413, 422))
def reserve(body: ReservationIn, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    reservation, application = service.reserve_name(
        session, user, body.entity_type, [(n.name_th, n.name_en) for n in body.names])
    session.commit()
    return {"reservation": {"id": reservation.id, "name_th": reservation.name_th,
                            "name_en": reservation.name_en, "rank": reservation.rank,
                            "expires_at": reservation.expires_at.isoformat()},
            "application": application_json(session, application)}


@router.get("/applications/{application_id}/{step}", response_model=StepOut,
            responses=problems(401, 404))
def get_step(application_id: RowId, step: StepName, session: SessionDep,
             user: CurrentUser) -> JSONResponse:
    """The step's draft, in the shape its PUT takes."""
    application = service.get_application(session, user, application_id)
    # Sent as is: validating it against the union of all steps would pick the wrong model.
    return JSONResponse(service.saved_step(session, application, step).model_dump(mode="json"))


@router.put("/applications/{application_id}/{step}", response_model=ApplicationOut,
            responses=problems(400, 401, 403, 404, 413, 422))
def put_step(application_id: RowId, step: StepName, body: StepBody, session: SessionDep,
             user: CurrentUser) -> dict[str, Any]:
    """Saves a whole step: its model as JSON (the form's flat field names are read too)."""
    application = service.own_application(session, user, application_id)
    service.save_step(session, application, step, body)
    session.commit()
    return application_json(session, application)


@router.post("/applications/{application_id}/documents", status_code=201,
             response_model=DocumentOut, responses=problems(400, 401, 403, 404, 413, 422))
async def upload_document(application_id: RowId, session: SessionDep, user: CurrentUser,
                          kind: Annotated[str, Form()] = "",
                          person_id: Annotated[str | None, Form()] = None,
                          file: Annotated[UploadFile | None, File()] = None) -> dict[str, Any]:
    application = service.own_application(session, user, application_id)
    document = service.add_document(
        session, application, kind=kind, person_id=parse_row_id(person_id),
        filename=file.filename if file is not None else None,
        content=await file.read() if file is not None else None)
    session.commit()
    return {"id": document.id, "sha256": document.sha256, "kind": document.kind,
            "filename": document.filename, "person_id": document.person_id}


@router.get("/applications/{application_id}/people/{role}", response_model=list[PersonOut],
            responses=problems(401, 404))
def list_people(application_id: RowId, role: PersonRole, session: SessionDep,
                user: CurrentUser) -> list[dict[str, Any]]:
    application = service.get_application(session, user, application_id)
    return [{"id": p.id, "full_name": p.full_name, "nationality": p.nationality,
             "thai_id_masked": mask_pin(p.thai_id) if p.thai_id else "",
             "shares": p.shares, "is_promoter": p.is_promoter}
            for p in repository.people_of(session, application, role)]


@router.post("/applications/{application_id}/submit", response_model=ReceiptOut,
             responses=problems(400, 401, 403, 404, 409, 413, 422))
async def submit(application_id: RowId, body: SubmitIn, session: SessionDep,
                 user: CurrentUser) -> dict[str, Any]:
    """Returns the receipt only; GET the application for its full state and timeline.

    The busiest write of the portal makes one trip to a worker thread for all its database
    work. (A plain `def` endpoint would make a second one, to check its own response.)"""
    application = await run_in_threadpool(_submit, session, user, application_id,
                                          body.declaration)
    return {"id": application.id, "status": application.status,
            "status_label": message(f"status.{application.status}"),
            "reference": application.reference,
            "submitted_at": (application.submitted_at.isoformat()
                             if application.submitted_at else None)}


def _submit(session: Session, user: User, application_id: int, declared: bool) -> Application:
    application, reservation = service.get_application_and_reservation(session, user,
                                                                       application_id)
    service.submit_application(session, application, declared=declared, reservation=reservation)
    session.commit()
    return application
