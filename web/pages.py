"""Public pages: home, privacy notice, health check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import text

from core.accounts.deps import OptionalUser
from core.db import SessionDep
from core.templating import render

router = APIRouter(tags=["pages"])


@router.get("/")
def home(request: Request, user: OptionalUser):
    return render(request, "home.html")


@router.get("/privacy")
def privacy(request: Request, user: OptionalUser):
    return render(request, "privacy.html")


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> RedirectResponse:
    """For clients that ask without reading the pages' icon link (a 404 would log an error)."""
    return RedirectResponse("/static/favicon.svg", status_code=301)


@router.get("/healthz")
def health(session: SessionDep) -> dict[str, str]:
    session.connection().execute(text("SELECT 1"))
    return {"status": "ok"}
