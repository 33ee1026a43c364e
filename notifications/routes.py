"""The applicant's notifications in the portal: the list, and marking them read. Thin: the
rules are in notifications.service. Each user sees only their own."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from core.accounts.deps import SESSION_USER_KEY, CurrentUser
from core.db import RowId, SessionDep, parse_row_id
from core.runtime import get_engine
from core.templating import render
from notifications import service

router = APIRouter(prefix="/notifications", tags=["notifications"])


@router.get("")
def notification_list(request: Request, session: SessionDep, user: CurrentUser):
    items = [(n, service.wording(n)) for n in service.notifications_of(session, user)]
    return render(request, "notifications/list.html", {"items": items})


@router.post("/read")
def read_all(session: SessionDep, user: CurrentUser):
    service.mark_all_read(session, user)
    session.commit()
    return RedirectResponse("/notifications", status_code=303)


@router.post("/{notification_id}/read")
def read_one(notification_id: RowId, session: SessionDep, user: CurrentUser):
    """Marks it read and does what its button says: opens the application it is about, or
    downloads the certificate."""
    notification = service.mark_read(session, user, notification_id)
    session.commit()
    return RedirectResponse(service.target(notification), status_code=303)


def unread_for(request: Request) -> int:
    """The header's count for the signed-in user (a template global: base.html asks for it
    only when someone is signed in). The error page renders the header too, also when the
    database is what failed: then there is no count, not a second error."""
    user_id = parse_row_id(request.session.get(SESSION_USER_KEY))
    if user_id is None:
        return 0
    try:
        with Session(get_engine()) as session:
            return service.unread_count(session, user_id)
    except SQLAlchemyError:
        return 0
