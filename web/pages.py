"""Public pages: home, privacy notice, health check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import text

from web.accounts.deps import OptionalUser
from web.db import SessionDep
from web.templating import render

router = APIRouter(tags=["pages"])


@router.get("/")
def home(request: Request, user: OptionalUser):
    return render(request, "home.html")


@router.get("/privacy")
def privacy(request: Request, user: OptionalUser):
    return render(request, "privacy.html")


@router.get("/healthz")
def health(session: SessionDep) -> dict[str, str]:
    session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    return {"status": "ok"}
