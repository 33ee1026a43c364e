"""The public complaint pages (HTML, TH/EN, no JavaScript needed): the complaint form for
people who would rather not chat, its confirmation (which shows the access code once), and
the status lookup: by number the public status, with the access code the private details and
the answer to a question from the estate."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from complaints import questions, repository, service
from complaints.categories import category_label, category_options, estate_label
from complaints.models import Channel
from core import eec
from core.accounts.deps import OptionalUser
from core.db import SessionDep
from core.errors import N_, DomainError, Invalid, NotFound, register_messages
from core.flash import flash
from core.forms import form_dict, localized_errors
from core.i18n import get_locale, message
from core.runtime import get_settings
from core.security import (
    access_code_allowed,
    access_code_failed,
    client_address,
    session_secret,
    within_limit,
)
from core.templating import render

router = APIRouter(prefix="/complaints", tags=["complaints"])

# The form's one-time key: a double click or a resent form files the complaint once.
FORM_KEY = "form_key"
# The access code on its way from the filing to the confirmation page, which takes it out.
JUST_FILED = "complaint_just_filed"

register_messages({
    "ticket.access_code_wrong": N_(
        "This access code does not match the complaint. Check the code you were given when "
        "you filed it; the public status is shown below."),
    "ticket.access_code_throttled": N_(
        "Too many wrong access codes were tried. Please wait an hour and try again; the "
        "public status is shown below."),
    "ticket.answer_needs_code": N_(
        "Only the complainant can answer: enter the complaint's number and the access code "
        "you were given when you filed it."),
    "ticket.answer_sent": N_(
        "Thank you: your answer reached the estate, and the complaint is being handled "
        "again."),
    "complaint.rate_limited": N_(
        "Several complaints were sent from your connection in a short time. Please wait an "
        "hour and try again, or call the industrial estate."),
})


def helpers() -> dict[str, Any]:
    return {"category_label": category_label, "estate_label": estate_label}


def _form(request: Request, values: dict[str, Any], errors: dict[str, str],
          status_code: int = 200, form_error: str = ""):
    return render(request, "complaints/new.html",
                  {"values": values, "errors": errors, "form_error": form_error,
                   "estate_options": eec.estate_options(),
                   "category_options": category_options()}, status_code=status_code)


def _form_key_seal(request: Request, nonce: str) -> str:
    return hmac.new(session_secret(request).encode(), nonce.encode(),
                    hashlib.sha256).hexdigest()[:24]


def new_form_key(request: Request) -> str:
    """A one-time key sealed to this browser's session, so that a resent form can tell
    whether it comes from the browser that filed the complaint."""
    nonce = uuid.uuid4().hex
    return nonce + _form_key_seal(request, nonce)


def form_key_is_ours(request: Request, key: str | None) -> bool:
    nonce, seal = (key or "")[:32], (key or "")[32:]
    return len(nonce) == 32 and bool(seal) and hmac.compare_digest(
        seal, _form_key_seal(request, nonce))


@router.get("/new")
def complaint_form(request: Request, user: OptionalUser):
    return _form(request, {FORM_KEY: new_form_key(request)}, {})


@router.post("/new")
async def file_complaint(request: Request, session: SessionDep, user: OptionalUser):
    """Files the complaint once per form key. Only the browser the form was given to gets
    an access code again when it resends the form; another browser resending it (a copied
    form, a shared computer) sees the public status, and the complainant's code stays
    valid. Each address may file Settings.complaints_per_address_per_hour complaints."""
    values = form_dict(await request.form())
    key = str(values.get(FORM_KEY, ""))[:120] or None
    ours = form_key_is_ours(request, key)
    try:
        service.validate(values, language=get_locale())
    except Invalid as exc:
        return _form(request, values, localized_errors(exc.errors), status_code=422)
    settings = get_settings()
    if not within_limit("complaint-form", settings.complaints_per_address_per_hour, 3600,
                        client_address(request)):
        return _form(request, values, {}, status_code=429,
                     form_error=message("complaint.rate_limited"))
    try:
        try:
            filing = service.file_ticket(session, values, channel=Channel.web,
                                         language=get_locale(), idempotency_key=key,
                                         replay_code=ours)
        except DomainError as exc:
            if exc.key != "complaint.idempotency_reused":
                raise
            # Back to an already-sent form and changed it: that is a new complaint.
            filing = service.file_ticket(session, values, channel=Channel.web,
                                         language=get_locale())
    except Invalid as exc:
        session.rollback()
        return _form(request, values, localized_errors(exc.errors), status_code=422)
    session.commit()
    number = filing.ticket.number
    if not filing.access_code:
        return RedirectResponse(f"/complaints/status?number={number}", status_code=303)
    request.session[JUST_FILED] = {"number": number, "code": filing.access_code}
    return RedirectResponse(f"/complaints/filed/{number}", status_code=303)


@router.get("/filed/{number}")
def filed(number: str, request: Request, session: SessionDep, user: OptionalUser):
    """The public facts of the ticket, and its access code only on the first view by the
    browser that filed it."""
    ticket = repository.get_ticket(session, number)
    just_filed = request.session.get(JUST_FILED) or {}
    access_code = None
    if just_filed.get("number") == ticket.number:
        access_code = request.session.pop(JUST_FILED)["code"]
    return render(request, "complaints/filed.html",
                  {"ticket": ticket, "access_code": access_code, **helpers()})


def _status_context(request: Request, session: SessionDep, number: str,
                    access_code: str = "") -> tuple[dict[str, Any], int]:
    """What the status page shows, and its HTTP status: a wrong access code is counted
    (and, too many of them, throttled) and shows the public status only."""
    context: dict[str, Any] = {"number": number, "view": None, "not_found": False,
                               "code_wrong": False, "access_code": "", "answer_values": {},
                               "answer_errors": {}, "answer_error": "",
                               "max_answer": questions.MAX_ANSWER, **helpers()}
    status_code = 200
    if number.strip():
        code = access_code.strip() or None
        address = client_address(request)
        try:
            throttled = bool(code) and not access_code_allowed(
                repository.normalise_number(number), address)
            view = service.lookup_status(session, number,
                                         access_code=None if throttled else code)
        except NotFound:
            context["not_found"] = message("ticket.not_found")
            status_code = 404
        else:
            context["view"] = view
            if throttled:
                context["code_wrong"] = message("ticket.access_code_throttled")
                status_code = 429
            elif code and not view.is_complainant:
                access_code_failed(view.ticket.number, address)
                context["code_wrong"] = message("ticket.access_code_wrong")
                status_code = 403
            elif view.is_complainant:
                # Sent back with the answer form, which proves the complainant again.
                context["access_code"] = access_code.strip()
    return context, status_code


def _status_page(request: Request, session: SessionDep, number: str, access_code: str = ""):
    context, status_code = _status_context(request, session, number, access_code)
    return render(request, "complaints/status.html", context, status_code=status_code)


@router.get("/status")
def status(request: Request, session: SessionDep, user: OptionalUser, number: str = ""):
    """Anyone with the number sees the public status and the latest public note; the
    description and the contact stay private."""
    return _status_page(request, session, number)


@router.post("/status")
async def status_with_code(request: Request, session: SessionDep, user: OptionalUser):
    """The number and the access code (posted, so the code stays out of URLs and logs): the
    complainant's own view, with the description, the location and the contact."""
    values = form_dict(await request.form())
    return _status_page(request, session, str(values.get("number", ""))[:40],
                        str(values.get("access_code", ""))[:40])


@router.post("/status/answer")
async def answer_question(request: Request, session: SessionDep, user: OptionalUser):
    """The complainant answers the desk's question: proven by the number and the access code
    as on the status page (wrong codes counted alike), the answer kept on a form error."""
    values = form_dict(await request.form())
    number = str(values.get("number", ""))[:40]
    access_code = str(values.get("access_code", ""))[:40]
    context, status_code = _status_context(request, session, number, access_code)
    view = context["view"]
    if view is None or not view.is_complainant:
        if status_code == 200:  # no number, or no code: only the complainant may answer
            status_code = 404 if view is None else 403
            context["code_wrong"] = message("ticket.answer_needs_code")
        return render(request, "complaints/status.html", context, status_code=status_code)
    ticket = repository.lock_ticket(session, number)
    try:
        questions.answer_question(session, ticket, values)
    except DomainError as exc:
        session.rollback()
        context, _status = _status_context(request, session, number, access_code)
        errors = exc.errors if isinstance(exc, Invalid) else []
        context.update(answer_values=values, answer_errors=localized_errors(errors),
                       answer_error="" if errors else message(exc.key, exc.params))
        return render(request, "complaints/status.html", context, status_code=exc.status)
    session.commit()
    flash(request, "ticket.answer_sent")
    return RedirectResponse(f"/complaints/status?number={quote(ticket.number)}",
                            status_code=303)
