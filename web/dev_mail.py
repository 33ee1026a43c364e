"""/dev/mail: the mail the development sink caught (mail/sink.py), so that someone trying the
portal reads the e-mails it sends. It does not exist in production (404), where mail goes to
a real relay and nothing is kept."""

from __future__ import annotations

from fastapi import APIRouter, Request

from core.accounts.deps import OptionalUser
from core.errors import NotFound
from core.runtime import get_settings
from core.templating import render
from mail.sink import caught

router = APIRouter(prefix="/dev", tags=["development"])


@router.get("/mail")
def caught_mail(request: Request, user: OptionalUser):
    settings = get_settings()
    if settings.environment == "production":
        raise NotFound()
    return render(request, "dev_mail.html", {"mails": caught(settings.mail_sink_dir),
                                             "smtp_url": settings.smtp_url})
