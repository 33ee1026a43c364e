"""The public complaint pages (HTML, TH/EN, no JavaScript needed): the complaint form for
people who would rather not chat, its confirmation, and the status lookup by number."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from complaints import service
from complaints.categories import category_label, category_options, estate_label
from complaints.models import Channel
from registration import eec
from web.accounts.deps import OptionalUser
from web.db import SessionDep
from web.errors import DomainError, Invalid, NotFound
from web.forms import form_dict, localized_errors
from web.i18n import get_locale, message
from web.templating import render

router = APIRouter(prefix="/complaints", tags=["complaints"])

# The form's one-time key: a double click or a resent form files the complaint once.
FORM_KEY = "form_key"


def helpers() -> dict[str, Any]:
    return {"category_label": category_label, "estate_label": estate_label}


def _form(request: Request, values: dict[str, Any], errors: dict[str, str],
          status_code: int = 200):
    return render(request, "complaints/new.html",
                  {"values": values, "errors": errors, "estate_options": eec.estate_options(),
                   "category_options": category_options()}, status_code=status_code)


@router.get("/new")
def complaint_form(request: Request, user: OptionalUser):
    return _form(request, {FORM_KEY: uuid.uuid4().hex}, {})


@router.post("/new")
async def file_complaint(request: Request, session: SessionDep, user: OptionalUser):
    values = form_dict(await request.form())
    key = str(values.get(FORM_KEY, ""))[:120] or None
    try:
        try:
            filing = service.file_ticket(session, values, channel=Channel.web,
                                         language=get_locale(), idempotency_key=key)
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
    return RedirectResponse(f"/complaints/filed/{filing.ticket.number}", status_code=303)


@router.get("/filed/{number}")
def filed(number: str, request: Request, session: SessionDep, user: OptionalUser):
    ticket = service.get_ticket(session, number)
    return render(request, "complaints/filed.html", {"ticket": ticket, **helpers()})


@router.get("/status")
def status(request: Request, session: SessionDep, user: OptionalUser, number: str = ""):
    """Anyone with the number sees the public status and the latest public note; the
    description and the contact stay private."""
    context: dict[str, Any] = {"number": number, "view": None, "not_found": False, **helpers()}
    status_code = 200
    if number.strip():
        try:
            context["view"] = service.lookup_status(session, number)
        except NotFound:
            context["not_found"] = message("ticket.not_found")
            status_code = 404
    return render(request, "complaints/status.html", context, status_code=status_code)
