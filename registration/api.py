"""The registration JSON API (/api/v1). Same services and checks as the wizard; errors are
RFC 9457 problem details with message keys. Unsafe methods need the X-CSRF-Token header,
which GET /api/v1/session returns to a signed-in browser or client."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from pydantic import BaseModel, Field
from sqlmodel import Session

from registration import service
from registration.models import Application, PersonRole
from registration.routes import stored_values
from registration.steps import STEP_NAMES
from core.accounts.deps import CurrentUser, OptionalUser
from core.accounts.models import User
from core.db import RowId, SessionDep, parse_row_id
from core.errors import NotFound
from core.i18n import get_locale, message
from core.problems import problems
from core.security import csrf_token

router = APIRouter(prefix="/api/v1", tags=["registration-api"])
EDITABLE_STEPS = [s for s in STEP_NAMES if s not in ("documents", "review")]


class NameIn(BaseModel):
    name_th: str = Field(default="", max_length=2000)
    name_en: str = Field(default="", max_length=2000)


class NameCheckIn(NameIn):
    entity_type: str


class ReservationIn(BaseModel):
    entity_type: str
    names: list[NameIn] = Field(min_length=1, max_length=service.MAX_CANDIDATES)


class SubmitIn(BaseModel):
    declaration: bool = False


def _flatten(data: dict[str, Any]) -> dict[str, Any]:
    """JSON lists of people become the wizard's flat field names (people-0-full_name …)."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, list) and key in ("people", "directors", "witnesses"):
            for i, row in enumerate(value):
                if isinstance(row, dict):
                    flat.update({f"{key}-{i}-{k}": v for k, v in row.items()})
        elif isinstance(value, bool):
            flat[key] = "yes" if value else "no"
        elif value is not None and not isinstance(value, (dict, list)):
            flat[key] = value
    return flat


def application_json(session: SessionDep, application: Application) -> dict[str, Any]:
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
            for e in service.timeline(session, application)
        ],
    }


@router.get("/session")
def session_info(request: Request, user: OptionalUser) -> dict[str, Any]:
    return {"signed_in": user is not None, "csrf_token": csrf_token(request),
            "lang": get_locale()}


@router.post("/names/check", responses=problems(400, 401, 403, 413, 422))
def check_name(body: NameCheckIn, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    result = service.check_name(session, body.entity_type, body.name_th, body.name_en)
    return {
        "available": result.ok,
        "errors": [{"field": e.field, "key": e.key, "message": message(e.key, e.params)}
                   for e in result.errors],
        "conflicts": [{"name_th": c.name_th, "name_en": c.name_en, "score": round(c.score, 1),
                       "identical": c.identical, "source": c.source} for c in result.conflicts],
    }


@router.post("/reservations", status_code=201,
             responses=problems(400, 401, 403, 413, 422))
def reserve(body: ReservationIn, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    reservation, application = service.reserve_name(
        session, user, body.entity_type, [(n.name_th, n.name_en) for n in body.names])
    session.commit()
    return {"reservation": {"id": reservation.id, "name_th": reservation.name_th,
                            "name_en": reservation.name_en, "rank": reservation.rank,
                            "expires_at": reservation.expires_at.isoformat()},
            "application": application_json(session, application)}


@router.get("/applications", responses=problems(401))
def list_applications(session: SessionDep, user: CurrentUser) -> list[dict[str, Any]]:
    return [{"id": a.id, "status": a.status, "reference": a.reference, "name_th": a.name_th,
             "name_en": a.name_en} for a in service.applications_of(session, user)]


@router.get("/applications/{application_id}", responses=problems(401, 404))
def get_application(application_id: RowId, session: SessionDep, user: CurrentUser):
    return application_json(session, service.get_application(session, user, application_id))


@router.get("/applications/{application_id}/{step}", responses=problems(401, 404))
def get_step(application_id: RowId, step: str, session: SessionDep, user: CurrentUser):
    application = service.get_application(session, user, application_id)
    if step not in EDITABLE_STEPS:
        raise NotFound()
    return stored_values(session, application, step)


@router.put("/applications/{application_id}/{step}",
            responses=problems(400, 401, 403, 404, 413, 422))
def put_step(application_id: RowId, step: str, body: dict[str, Any], session: SessionDep,
             user: CurrentUser) -> dict[str, Any]:
    application = service.own_application(session, user, application_id)
    if step not in EDITABLE_STEPS:
        raise NotFound()
    service.save_step(session, application, step, _flatten(body))
    session.commit()
    return application_json(session, application)


@router.post("/applications/{application_id}/documents", status_code=201,
             responses=problems(400, 401, 403, 404, 413, 422))
async def upload_document(application_id: RowId, request: Request, session: SessionDep,
                          user: CurrentUser) -> dict[str, Any]:
    application = service.own_application(session, user, application_id)
    form = await request.form()
    upload = form.get("file")
    document = service.add_document(
        session, application, kind=str(form.get("kind", "")),
        person_id=parse_row_id(form.get("person_id")),
        filename=upload.filename if isinstance(upload, UploadFile) else None,
        content=await upload.read() if isinstance(upload, UploadFile) else None)
    session.commit()
    return {"id": document.id, "sha256": document.sha256, "kind": document.kind,
            "filename": document.filename, "person_id": document.person_id}


@router.get("/applications/{application_id}/people/{role}",
            responses=problems(401, 404))
def list_people(application_id: RowId, role: PersonRole, session: SessionDep,
                user: CurrentUser) -> list[dict[str, Any]]:
    from core.thai_ids import mask_pin

    application = service.get_application(session, user, application_id)
    return [{"id": p.id, "full_name": p.full_name, "nationality": p.nationality,
             "thai_id_masked": mask_pin(p.thai_id) if p.thai_id else "",
             "shares": p.shares, "is_promoter": p.is_promoter}
            for p in service.people_of(session, application, role)]


@router.post("/applications/{application_id}/submit",
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
            "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None}


def _submit(session: Session, user: User, application_id: int, declared: bool) -> Application:
    application, reservation = service.get_application_and_reservation(session, user,
                                                                       application_id)
    service.submit_application(session, application, declared=declared, reservation=reservation)
    session.commit()
    return application
