"""The registration wizard in HTML: thin handlers over registration.service.

Every POST works without JavaScript (full page, errors next to fields, everything typed kept);
with htmx, the name check and the address cascade update fragments in place."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from core import eec
from core.accounts.deps import CurrentUser
from core.db import RowId, SessionDep, parse_row_id
from core.errors import DomainError, FieldError, Invalid
from core.flash import flash
from core.forms import form_dict, localized_errors
from core.i18n import format_number, get_locale, message
from core.i18n import gettext as _
from core.options import Option
from core.runtime import get_resources
from core.templating import render
from core.thai_ids import mask_pin
from registration import (
    address,
    identity,
    names,
    repository,
    schemas,
    service,
    steps,
    typed_resume,
)
from registration.documents import DOCUMENT_KINDS, IDENTITY_KINDS
from registration.fees import format_baht
from registration.models import Application, ApplicationStatus, Person, PersonRole

router = APIRouter(prefix="/registration", tags=["registration"])
BLANK_PEOPLE_ROWS = {"people": 2, "directors": 1}
MAX_SHOWN_CAPITAL = 10**13  # baht; the capital step refuses more
RETURN_TO_CHECK = "check"  # ?return=check: a "Change" link from "check your answers"


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# --- Name reservation -------------------------------------------------------------------------


def _entity_options() -> list[Option]:
    return [Option(e.value, message(names.entity_label_key(e))) for e in names.EntityType]


def _candidates(values: dict[str, Any]) -> list[tuple[str, str]]:
    return [(str(values.get(f"names-{i}-name_th", "")), str(values.get(f"names-{i}-name_en", "")))
            for i in range(service.MAX_CANDIDATES)]


@router.get("/names")
def names_form(request: Request, user: CurrentUser):
    return render(request, "registration/names.html",
                  {"values": {"entity_type": "limited_company"}, "errors": {},
                   "entities": _entity_options(), "checks": {}})


@router.post("/names/check")
async def names_check(request: Request, session: SessionDep, user: CurrentUser, row: int = 0):
    """htmx: checks one ranked name while the user types and returns its feedback fragment."""
    values = form_dict(await request.form())
    row = max(0, min(row, service.MAX_CANDIDATES - 1))
    name_th, name_en = _candidates(values)[row]
    result = None
    if name_th.strip() or name_en.strip():
        result = service.check_name(session, str(values.get("entity_type", "")), name_th,
                                    name_en, f"names-{row}-")
    return render(request, "registration/name_check.html",
                  {"row": row, "result": result,
                   "messages": localized_errors(result.errors) if result else {}})


@router.post("/names")
async def reserve(request: Request, session: SessionDep, user: CurrentUser):
    values = form_dict(await request.form())
    try:
        _reservation, application = service.reserve_name(
            session, user, str(values.get("entity_type", "")), _candidates(values))
    except Invalid as exc:
        return render(request, "registration/names.html",
                      {"values": values, "errors": localized_errors(exc.errors),
                       "entities": _entity_options(), "checks": {}}, status_code=422)
    session.commit()
    return _redirect(f"/registration/{application.id}/office")


# --- Wizard steps -----------------------------------------------------------------------------


def _row_count(values: dict[str, Any], group: str, extra: int = 0) -> int:
    used = {int(k.split("-")[1]) for k in values if k.startswith(f"{group}-")
            and k.split("-")[1].isdecimal()}
    base = max(used) + 1 if used else 0
    return min(steps.MAX_PEOPLE_ROWS, max(base, BLANK_PEOPLE_ROWS.get(group, 0)) + extra)


def step_context(session: SessionDep, application: Application, step: str,
                 values: dict[str, Any], errors: dict[str, str], extra_row: str = "") -> dict:
    lang = get_locale()
    ctx: dict[str, Any] = {
        "application": application, "step": step, "steps": schemas.STEPS,
        "values": values, "errors": errors, "is_company": steps.is_company(application.entity_type),
        "reservation": service.reservation_of(session, application),
        # Documents are done once the promoters are known and each has an identity document.
        "done_steps": set(application.completed_steps) | (
            {"documents"} if "people" in application.completed_steps
            and not service.missing_documents(session, application) else set()),
    }
    if step == "office":
        ctx["postal_codes"] = address.postal_codes(str(values.get("subdistrict_code") or "")) \
            if values.get("subdistrict_code") else []
        ctx["provinces"] = address.provinces(lang)
        ctx["districts"] = address.districts(values.get("province_code") or "", lang) \
            if values.get("province_code") else []
        ctx["subdistricts"] = address.subdistricts(values.get("district_code") or "", lang) \
            if values.get("district_code") else []
    if step in ("people", "directors"):
        ctx["nationalities"] = identity.nationalities(lang)
        for group in ("people", "directors"):
            ctx[f"{group}_rows"] = _row_count(values, group, 1 if extra_row == group else 0)
    if step == "directors":
        ctx["promoters"] = schemas.promoters_of(repository.people_by_role(session, application))
    if step == "capital":
        ctx["capital_total"] = _capital_total(values, lang)
    if step == "eec":
        ctx["eec_provinces"] = eec.province_options()
        ctx["estates"] = eec.estate_options(values.get("eec_province_code") or None)
        ctx["industries"] = eec.industry_options()
    if step == "documents":
        ctx.update(_documents_context(session, application))
    if step == "review":
        ctx.update(_review_context(session, application))
    return ctx


def _capital_total(values: dict[str, Any], lang: str) -> str:
    """Shares × par value as the form shows it; empty until both read as numbers."""
    try:
        shares = Decimal(str(values.get("share_count", "")).replace(",", "").strip())
        par = Decimal(str(values.get("par_value", "")).replace(",", "").strip())
        total = shares * par
    except ArithmeticError:  # not a number, or one too large to multiply (1e999999999)
        return ""
    if not total.is_finite() or not 0 < total <= MAX_SHOWN_CAPITAL:
        return ""
    return format_number(total, lang)


def _documents_context(session: SessionDep, application: Application) -> dict[str, Any]:
    people, seen = [], set()
    for p in repository.people_of(session, application, PersonRole.shareholder) + \
            repository.people_of(session, application, PersonRole.director):
        key = p.thai_id or f"{p.nationality}:{p.passport_no}" or p.full_name
        if key not in seen:  # a promoter who is also a director is one person
            seen.add(key)
            people.append(p)
    missing = service.people_missing_identity(session, application)
    return {
        "documents": repository.documents_of(session, application),
        "doc_kinds": [Option(k, message(f"doc.kind.{k}")) for k in DOCUMENT_KINDS],
        "identity_kinds": " ".join(sorted(IDENTITY_KINDS)),
        "doc_people": [Option(str(p.id), p.full_name) for p in people],
        "people_by_id": {p.id: p for p in people},
        "missing_list": [message("doc.missing_identity", {"name": p.full_name})
                         for p in missing],
        # A form posted back keeps its choices; a fresh one starts with what is still needed.
        "next_document": _next_document(missing),
    }


def _next_document(missing: list[Person]) -> dict[str, str]:
    """The first promoter's identity document still missing (their kind of document, and
    them as its owner); once none is, any other attachment of the company's."""
    if not missing:
        return {"kind": "other", "person_id": ""}
    person = missing[0]
    kind = "id_copy" if person.nationality == identity.THAILAND else "passport_copy"
    return {"kind": kind, "person_id": str(person.id)}


def _review_context(session: SessionDep, application: Application) -> dict[str, Any]:
    lang = get_locale()
    quote = service.quote_fees(application)
    return {
        "fees": [(message(line.key), format_baht(line.amount, lang)) for line in quote.lines],
        "fee_total": format_baht(quote.total, lang),
        "foreign_percent": service.foreign_share_percent(session, application),
        "foreign_threshold": steps.FOREIGN_MAJORITY_PERCENT,
        "shareholders": repository.people_of(session, application, PersonRole.shareholder),
        "directors": repository.people_of(session, application, PersonRole.director),
        "witnesses": repository.people_of(session, application, PersonRole.witness),
        "documents": repository.documents_of(session, application),
        "problems": [message(e.key, e.params)
                     for e in service.incomplete_steps(session, application)],
        "office_line": address.describe_address(
            application.house_no, application.street, application.subdistrict_code,
            application.district_code, application.province_code, application.postal_code, lang)
        if application.subdistrict_code else "",
        "estate": eec.estates().get(application.estate_id),
        "mask_pin": mask_pin,
        "mask_passport": identity.mask_passport,
        "nationality": lambda code: identity.nationality_name(code, lang),
        "entity_label": message(names.entity_label_key(names.EntityType(application.entity_type))),
    }


@router.get("/{application_id}")
def resume(application_id: RowId, session: SessionDep, user: CurrentUser):
    application = service.get_application(session, user, application_id)
    if application.status != ApplicationStatus.draft:
        return _redirect(f"/registration/{application.id}/status")
    step = next((s for s in schemas.STEP_NAMES if s not in application.completed_steps), "review")
    return _redirect(f"/registration/{application.id}/{step}")


@router.get("/{application_id}/submit")
def submit_page(application_id: RowId, session: SessionDep, user: CurrentUser):
    """A refused submission is shown at /submit: reloading or bookmarking that address opens
    "check your answers" again (whoever may read the review; a submitted one shows status)."""
    application = service.get_application(session, user, application_id)
    return _redirect(f"/registration/{application.id}/review")


@router.get("/{application_id}/{step}")
def step_form(application_id: RowId, step: str, request: Request, session: SessionDep,
              user: CurrentUser):
    application = service.get_application(session, user, application_id)
    if step not in schemas.STEP_NAMES:
        raise DomainError("error.not_found", status=404)
    if application.status != ApplicationStatus.draft:
        return _redirect(f"/registration/{application.id}/status")
    values = service.saved_step(session, application, step).form_values() \
        if step in schemas.STEP_FORMS else {}
    if step == "eec" and application.operates_in_eec is None \
            and application.province_code in eec.EEC_PROVINCES:
        # Not answered yet: the head office's province is the likely answer. The province
        # carries into the company's own fields only; a person's address is their own.
        values["eec_province_code"] = application.province_code
    ctx = step_context(session, application, step, values, {})
    ctx["read_only"] = not service.can_change(user, application)  # staff reading a draft
    ctx["return_to"] = RETURN_TO_CHECK if request.query_params.get("return") == RETURN_TO_CHECK \
        else ""
    restored = restore_typed(request, application, step) \
        if service.can_change(user, application) else None
    if restored is not None:  # what was typed when the session expired, back in the form
        ctx.update(step_context(session, application, step, restored, {}))
        ctx["restored"] = True
    return render(request, f"registration/step_{step}.html", ctx)


def restore_typed(request: Request, application: Application, step: str
                  ) -> dict[str, Any] | None:
    """?restore=<token> after signing in again: what was typed when the session expired."""
    token = request.query_params.get("restore")
    if not token:
        return None
    return typed_resume.take(get_resources(request), token, request.cookies.get(
        typed_resume.COOKIE), f"/registration/{application.id}/{step}")


def _next_step(step: str) -> str:
    i = schemas.STEP_NAMES.index(step)
    return schemas.STEP_NAMES[min(i + 1, len(schemas.STEP_NAMES) - 1)]


@router.post("/{application_id}/documents")
async def documents_action(application_id: RowId, request: Request, session: SessionDep,
                           user: CurrentUser):
    application = service.own_application(session, user, application_id)
    form = await request.form()
    values = form_dict(form)
    action = str(values.get("action", "upload"))
    person_id = parse_row_id(values.get("person_id"))
    document_id = parse_row_id(values.get("document_id"))
    kind = str(values.get("kind", ""))
    try:
        if action == "continue":
            return _redirect(f"/registration/{application.id}/review")
        if action in ("remove", "reuse") and document_id is None:
            raise Invalid([FieldError("document_id", "field.choice")])
        if action == "remove" and document_id is not None:
            done = service.remove_document(session, application, document_id)
            said = "doc.removed"
        elif action == "reuse" and document_id is not None:
            done = service.reuse_document(session, application, document_id=document_id,
                                          kind=kind, person_id=person_id)
            said = "doc.attached_again"
        else:
            upload = form.get("file")
            content = await upload.read() if isinstance(upload, UploadFile) else None
            filename = upload.filename if isinstance(upload, UploadFile) else None
            done = service.add_document(session, application, kind=kind, person_id=person_id,
                                        filename=filename, content=content)
            said = "doc.uploaded"
    except Invalid as exc:
        session.rollback()
        ctx = step_context(session, application, "documents", values, localized_errors(exc.errors))
        return render(request, "registration/step_documents.html",
                      ctx | {"doc_action": action}, status_code=422)
    session.commit()
    flash(request, said, filename=done.filename)
    return _redirect(f"/registration/{application.id}/documents")


@router.post("/{application_id}/submit")
async def submit(application_id: RowId, request: Request, session: SessionDep, user: CurrentUser):
    application = service.own_application(session, user, application_id)
    values = form_dict(await request.form())
    try:
        service.submit_application(session, application, declared=values.get("declaration") == "on")
    except (Invalid, DomainError) as exc:
        session.rollback()
        errors = exc.errors if isinstance(exc, Invalid) else [
            FieldError("review", exc.key, exc.params)]
        # The declaration's error sits next to its box; the rest are listed once above.
        ctx = step_context(session, application, "review", values,
                           localized_errors(e for e in errors if e.field == "declaration"))
        ctx["submit_errors"] = [message(e.key, e.params) for e in errors
                                if e.field != "declaration"]
        return render(request, "registration/step_review.html", ctx, status_code=422)
    session.commit()
    return _redirect(f"/registration/{application.id}/status")


@router.post("/{application_id}/{step}")
async def step_save(application_id: RowId, step: str, request: Request, session: SessionDep,
                    user: CurrentUser):
    application = service.own_application(session, user, application_id)
    if step not in schemas.STEP_FORMS:
        raise DomainError("error.not_found", status=404)
    values = form_dict(await request.form())
    action = str(values.pop("action", "next"))
    return_to = RETURN_TO_CHECK if values.pop("return_to", "") == RETURN_TO_CHECK else ""
    if action.startswith("add_"):
        # "Add another person": show one more empty row; nothing is validated or lost.
        ctx = step_context(session, application, step, values, {},
                           extra_row=action.removeprefix("add_"))
        return render(request, f"registration/step_{step}.html", ctx | {"return_to": return_to})
    try:
        result = service.save_step(session, application, step, values, partial=True)
    except Invalid as exc:  # a shape no form sends (an object for a field): nothing is saved
        session.rollback()
        errors = exc.errors
    else:
        session.commit()
        errors = result.errors
    if errors and action != "draft":
        ctx = step_context(session, application, step, values, localized_errors(errors))
        return render(request, f"registration/step_{step}.html", ctx | {"return_to": return_to},
                      status_code=422)
    if action == "draft":
        return _redirect("/registration?saved=1")
    if return_to == RETURN_TO_CHECK:  # changed from "check your answers": back there
        return _redirect(f"/registration/{application.id}/review#answer-{step}")
    return _redirect(f"/registration/{application.id}/{_next_step(step)}")


# --- Address and estate cascades (htmx) -------------------------------------------------------

address_router = APIRouter(prefix="/address", tags=["address"])


@address_router.get("/districts")
def district_options(request: Request, province_code: str = "") -> Response:
    options = address.districts(province_code, get_locale()) if province_code else []
    return render(request, "registration/options.html",
                  {"options": options, "placeholder": _("Choose a district")})


@address_router.get("/subdistricts")
def subdistrict_options(request: Request, district_code: str = "") -> Response:
    options = address.subdistricts(district_code, get_locale()) if district_code else []
    return render(request, "registration/options.html",
                  {"options": options, "placeholder": _("Choose a subdistrict")})


@address_router.get("/postal-code")
def postal_code(request: Request, subdistrict_code: str = "") -> Response:
    """One postal code fills the field; a subdistrict with two (Map Ta Phut: 21000 and 21150)
    offers both to choose from."""
    codes = address.postal_codes(subdistrict_code) if subdistrict_code else []
    return render(request, "registration/postal_input.html",
                  {"value": codes[0] if len(codes) == 1 else "", "codes": codes})


@address_router.get("/estates")
def estate_options_fragment(request: Request, eec_province_code: str = "") -> Response:
    return render(request, "registration/options.html",
                  {"options": eec.estate_options(eec_province_code or None),
                   "placeholder": _("Not in an industrial estate")})

