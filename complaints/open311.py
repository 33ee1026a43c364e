"""Open311 GeoReport v2 (JSON) at /open311/v2/: the service list (one service per complaint
category), requests with the spec's filters, one request, and posting a request with an
api_key. Errors are the spec's array of {"code", "description"}.

What a request shows is public: the estate, the category, the status, the dates, public notes
and, as its description, the summary an officer approved on the desk (FixMyStreet moderates
for the same reason). The complainant's own words, the location they gave, their coordinates
and their contact never leave here."""

from __future__ import annotations

import hmac
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlmodel import Session, col, select

from complaints import repository, routing, service
from complaints.categories import categories, category_label, estate_label, find_estate
from complaints.models import CLOSED_STATUSES, OPEN_STATUSES, Channel, Ticket, open311_status
from complaints.schemas import Open311Created, Open311Request, Open311RequestIn, Open311Service
from core.db import SessionDep
from core.errors import N_, DomainError, Invalid, register_messages
from core.i18n import format_datetime, get_locale, message
from core.limits import parse_json
from core.problems import problems
from core.runtime import get_settings
from core.thai_dates import BANGKOK

DEFAULT_RANGE = timedelta(days=90)
MAX_RESULTS = 1000

# Spelled out for search; the names in both languages are added to these.
KEYWORDS: dict[str, str] = {
    "wastewater": "wastewater,effluent,water pollution,canal",
    "air_pollution": "air,dust,smoke,PM2.5,emissions",
    "odor": "odour,odor,smell,stench",
    "noise": "noise,vibration,loud",
    "power_outage": "power,electricity,blackout,outage",
    "water_supply": "water supply,tap water,pressure",
    "flooding": "flood,drainage,drain",
    "road_traffic": "road,traffic,pothole,truck",
    "waste": "waste,garbage,industrial waste,dumping",
    "chemical_fire": "chemical,leak,fire,explosion",
    "security": "security,safety,theft",
    "estate_service": "estate,administration,service",
    "other": "other",
}

register_messages({
    "open311.service_description": N_("{name}. Handled by the {unit} of the industrial estate."),
    "open311.service_description_env": N_(
        "{name}. Handled by the {unit} of the industrial estate and flagged to the EEC Office "
        "environment unit."),
    "open311.service_notice": N_("Ticket {number}. Acknowledgement expected by {ack}; solution "
                                 "expected by {resolve}"),
    "open311.duplicate_of": N_("Duplicate of {number}."),
    "open311.api_key_invalid": N_("api_key is missing or not valid."),
    "open311.required": N_("{field} is required."),
    "open311.invalid": N_("{field} is not valid."),
    "open311.service_code_unknown": N_("service_code {code} was not found."),
    "open311.estate_missing": N_("Name the industrial estate: send attribute[estate] with an "
                                 "estate id, or an address_string that names the estate."),
    "open311.date_invalid": N_(
        "{field} must be a W3C date and time, like 2026-01-01T00:00:00+07:00."),
    "open311.date_out_of_range": N_("{field} is too far in the past or the future."),
    "open311.range_too_long": N_("start_date and end_date may not span more than 90 days."),
    "open311.request_not_found": N_("Service request {id} was not found."),
})

# Our field names → the Open311 parameter a client sent them as.
PARAMETER = {"estate_id": "attribute[estate]", "category": "service_code",
             "description": "description", "location": "address_string",
             "contact_name": "first_name", "contact_phone": "phone", "contact_email": "email",
             "lat": "lat", "long": "long", "consent": "api_key"}

router = APIRouter(prefix="/open311/v2", tags=["open311"])


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(descriptions)
        self.status = status
        self.descriptions = descriptions


class Open311ErrorItem(BaseModel):
    """One of the errors an Open311 client gets, as an array, for a request it cannot have."""

    code: int
    description: str


def open311_errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: these statuses answer the spec's array of errors."""
    return {status: {"model": list[Open311ErrorItem], "description": HTTPStatus(status).phrase}
            for status in statuses}


def errors_response(exc: Open311Error) -> JSONResponse:
    return JSONResponse([{"code": exc.status, "description": d} for d in exc.descriptions],
                        status_code=exc.status)


# --- Services -------------------------------------------------------------------------------


def service_json(category_id: str) -> dict[str, Any]:
    category = categories()[category_id]
    unit = routing.CATEGORY_UNIT.get(category_id, "administration")
    key = "open311.service_description_env" \
        if category_id in routing.ENVIRONMENTAL_CATEGORIES else "open311.service_description"
    return {
        "service_code": category.id,
        "service_name": category.label(),
        "description": message(key, {"name": category.label(),
                                     "unit": message(f"team.unit.{unit}")}),
        "metadata": False,
        "type": "realtime",
        "keywords": ",".join([KEYWORDS.get(category.id, category.id), category.name_en,
                              category.name_th]),
        "group": message(f"team.unit.{unit}"),
    }


@router.get("/services.json", response_model=list[Open311Service])
def services() -> list[dict[str, Any]]:
    return [service_json(code) for code in categories()]


# --- Requests -------------------------------------------------------------------------------


def request_json(ticket: Ticket, session: Session) -> dict[str, Any]:
    note = repository.latest_public_note(session, ticket)
    notes = note.public_text if note else None
    if notes is None and ticket.duplicate_of_id:
        original = session.get(Ticket, ticket.duplicate_of_id)
        notes = message("open311.duplicate_of", {"number": original.number if original else ""})
    summary = ticket.public_summary if ticket.public_summary_approved_at else ""
    closed = ticket.status in CLOSED_STATUSES
    return {
        "service_request_id": ticket.number,
        "status": open311_status(ticket.status),
        "status_notes": notes,
        "service_name": category_label(ticket.category),
        "service_code": ticket.category,
        "description": summary,
        "agency_responsible": routing.team_label(ticket.team),
        "service_notice": None,
        "requested_datetime": service.iso(ticket.created_at),
        "updated_datetime": service.iso(ticket.closed_at if closed and ticket.closed_at
                                else ticket.updated_at),
        # Unknown while the clock waits for the complainant: the answer moves it on.
        "expected_datetime": None if ticket.sla_paused_at else service.iso(ticket.resolve_due_at),
        "address": estate_label(ticket.estate_id),
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def _csv(value: str | None) -> list[str]:
    parts = (value or "").replace("\x00", "").split(",")  # PostgreSQL refuses NUL in a query
    return [part.strip() for part in parts if part.strip()]


def _w3c_param(name: str, value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace(" ", "+"))
    except ValueError as exc:
        raise Open311Error(400, message("open311.date_invalid", {"field": name})) from exc
    # A time without an offset is read as Bangkok's, the jurisdiction's own clock.
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=BANGKOK)
    try:  # the search shifts it by the default range, and to UTC: all must stay in the calendar
        for moment in (parsed, parsed.astimezone(UTC)):
            moment - DEFAULT_RANGE, moment + DEFAULT_RANGE  # noqa: B018
    except OverflowError as exc:
        raise Open311Error(400, message("open311.date_out_of_range", {"field": name})) from exc
    return parsed


def search_requests(session: Session, params: Any, at: datetime | None = None) -> list[Ticket]:
    ids = _csv(params.get("service_request_id"))
    if ids:  # overrides every other argument, as the spec says
        numbers = [repository.normalise_number(i) for i in ids][:MAX_RESULTS]
        return list(session.exec(select(Ticket).where(col(Ticket.number).in_(numbers))
                                 .order_by(col(Ticket.created_at).desc())).all())
    at = at or datetime.now(UTC)
    start = _w3c_param("start_date", params.get("start_date"))
    end = _w3c_param("end_date", params.get("end_date"))
    if start and end and end - start > DEFAULT_RANGE:
        raise Open311Error(400, message("open311.range_too_long"))
    if start is None and end is None:
        start, end = at - DEFAULT_RANGE, at
    elif start is None and end is not None:
        start = end - DEFAULT_RANGE
    elif end is None and start is not None:
        end = start + DEFAULT_RANGE
    query = select(Ticket).where(col(Ticket.created_at) >= start, col(Ticket.created_at) <= end)
    codes = _csv(params.get("service_code"))
    if codes:
        query = query.where(col(Ticket.category).in_(codes))
    statuses = _csv(params.get("status"))
    if any(s not in ("open", "closed") for s in statuses):
        raise Open311Error(400, message("open311.invalid", {"field": "status"}))
    if statuses and set(statuses) != {"open", "closed"}:
        wanted = OPEN_STATUSES if statuses[0] == "open" else CLOSED_STATUSES
        query = query.where(col(Ticket.status).in_(wanted))
    return list(session.exec(query.order_by(col(Ticket.created_at).desc(), col(Ticket.id).desc())
                             .limit(MAX_RESULTS)).all())


@router.get("/requests.json", response_model=list[Open311Request],
            responses=open311_errors(400))
def list_requests(request: Request, session: SessionDep):
    try:
        found = search_requests(session, request.query_params)
    except Open311Error as exc:
        return errors_response(exc)
    return [request_json(ticket, session) for ticket in found]


@router.get("/requests/{request_id}.json", response_model=list[Open311Request],
            responses=open311_errors(404))
def one_request(request_id: str, session: SessionDep):
    ticket = session.exec(select(Ticket).where(
        Ticket.number == repository.normalise_number(request_id))).first()
    if ticket is None:
        return errors_response(Open311Error(
            404, message("open311.request_not_found", {"id": request_id})))
    return [request_json(ticket, session)]


# --- Posting a request ----------------------------------------------------------------------


def _api_key_valid(given: str) -> bool:
    return any(hmac.compare_digest(given.encode(), key.encode())
               for key in get_settings().open311_keys()) if given else False


def _to_ticket_data(form: Any) -> dict[str, Any]:
    """The Open311 parameters in the service's vocabulary. The estate comes from
    attribute[estate] or, failing that, from an address_string that names one."""
    code = (form.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, message("open311.required", {"field": "service_code"}))
    if code not in categories():
        raise Open311Error(404, message("open311.service_code_unknown", {"code": code}))
    address = (form.get("address_string") or "").strip()
    estate_id = (form.get("attribute[estate]") or "").strip()
    if not estate_id:
        named = find_estate(address)
        estate_id = named.id if named else ""
    if not estate_id:
        raise Open311Error(400, message("open311.estate_missing"))
    name = " ".join(part.strip() for part in (form.get("first_name") or "",
                                               form.get("last_name") or "") if part.strip())
    return {"estate_id": estate_id, "category": code,
            "description": form.get("description") or "", "location": address,
            "contact_name": name, "contact_phone": form.get("phone") or "",
            "contact_email": form.get("email") or "",
            "lat": form.get("lat") or "", "long": form.get("long") or ""}


# The spec's POST is form-encoded; a JSON body is read too. The route reads the body itself
# (an api_key in the query string is checked first), so the model only documents it.
_POSTED = Open311RequestIn.model_json_schema(by_alias=True)
POST_BODY = {"required": True, "content": {
    media_type: {"schema": _POSTED}
    for media_type in ("application/x-www-form-urlencoded", "application/json")}}


# A body past its limit is refused before any route runs: that 413 is the portal's problem
# details, like every other API's, not Open311's error array.
@router.post("/requests.json", status_code=201, response_model=list[Open311Created],
             openapi_extra={"requestBody": POST_BODY},
             responses={**open311_errors(400, 403, 404), **problems(413)})
async def post_request(request: Request, session: SessionDep):
    # An api_key in the query string is checked before the body is read. One in the body
    # is checked once the body (at most Settings.api_body_max_bytes) is parsed, no deeper
    # than Settings.json_max_depth.
    query_key = request.query_params.get("api_key")
    if query_key is not None and not _api_key_valid(query_key):
        return errors_response(Open311Error(403, message("open311.api_key_invalid")))
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            form = parse_json(await request.body())
        except ValueError:
            form = None
        if not isinstance(form, dict):
            return errors_response(Open311Error(400, message("open311.invalid",
                                                             {"field": "body"})))
    else:
        form = await request.form()
    try:
        if not _api_key_valid(query_key or str(form.get("api_key") or "")):
            raise Open311Error(403, message("open311.api_key_invalid"))
        data = _to_ticket_data(form)
        # The api_key holder collects the complainant's PDPA consent under its key agreement.
        filing = service.file_ticket(session, data, channel=Channel.api, language=get_locale(),
                                     consent_given=True)
    except Open311Error as exc:
        return errors_response(exc)
    except Invalid as exc:
        return errors_response(Open311Error(400, *(
            f"{PARAMETER.get(e.field, e.field)}: {message(e.key, e.params)}"
            for e in exc.errors)))
    except DomainError as exc:
        return errors_response(Open311Error(400, message(exc.key, exc.params)))
    session.commit()
    ticket = filing.ticket
    notice = message("open311.service_notice", {"number": ticket.number,
                                                "ack": format_datetime(ticket.ack_due_at),
                                                "resolve": format_datetime(ticket.resolve_due_at)})
    return JSONResponse([{"service_request_id": ticket.number, "service_notice": notice,
                          "account_id": None}], status_code=201)
