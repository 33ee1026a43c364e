"""The words for a ticket's state, in one place: its status and whether the estate has
acknowledged it (ตอบรับเรื่อง). The complaint desk, the public status and filing pages, the
ticket API (and so the chat assistant, which shows the API's `status_label`) and the history
lines all take them from here, so a ticket reads the same wherever it is shown.

Thai keeps two verbs apart: the portal has received a complaint (รับเรื่องแล้ว, the status
"Received") as soon as it is filed; the estate acknowledges it (ตอบรับเรื่อง) when an officer
first responds."""

from __future__ import annotations

from core.errors import MESSAGES, N_, register_messages
from core.i18n import LOCALES, message, translations
from core.options import Option

STATUS_LABELS = {
    "confirmed": N_("Received"),
    "investigating": N_("Investigating"),
    "in_progress": N_("In progress"),
    "action_scheduled": N_("Action scheduled"),
    "info_requested": N_("Waiting for the complainant"),
    "fixed": N_("Fixed"),
    "closed": N_("Closed"),
    "duplicate": N_("Duplicate"),
    "not_responsible": N_("Not the estate's responsibility"),
}
register_messages({
    **{f"ticket.status.{code}": text for code, text in STATUS_LABELS.items()},
    "ticket.ack.pending": N_("Not acknowledged"),
})


def status_key(status: str) -> str:
    return f"ticket.status.{status}"


def label(status: str) -> str:
    """The status's name in the request's language."""
    return message(status_key(status))


def labels(status: str) -> dict[str, str]:
    """The status's name in every language, whatever the request's ({"th": …, "en": …})."""
    msgid = MESSAGES.get(status_key(status))
    if msgid is None:
        return {lang: status for lang in LOCALES}
    return {lang: translations(lang).gettext(msgid) for lang in LOCALES}


def not_acknowledged_label() -> str:
    """Beside the status of an open ticket no officer has responded to yet."""
    return message("ticket.ack.pending")


def options(*, leave_out: tuple[str, ...] = ()) -> list[Option]:
    return [Option(code, label(code)) for code in STATUS_LABELS if code not in leave_out]
