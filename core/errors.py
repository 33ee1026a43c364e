"""Typed errors that carry a gettext message key, rendered per locale by the web layer."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


def N_(message: str) -> str:
    """Mark a message for Babel extraction; it is translated later, at render time."""
    return message


@dataclass(frozen=True)
class FieldError:
    """One invalid field: the form/JSON field name, a message key and its parameters."""

    field: str
    key: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)


class DomainError(Exception):
    """An error a user can act on. `key` is a registered message key, `status` the HTTP status."""

    status: int = 400

    def __init__(self, key: str, status: int | None = None, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
        if status is not None:
            self.status = status


class Invalid(DomainError):
    """Input failed validation; `errors` lists each field with its own message key."""

    status = 422

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("error.invalid_input")
        self.errors = errors


class NotFound(DomainError):
    status = 404

    def __init__(self, key: str = "error.not_found", **params: Any) -> None:
        super().__init__(key, **params)


class Forbidden(DomainError):
    status = 403

    def __init__(self, key: str = "error.forbidden", **params: Any) -> None:
        super().__init__(key, **params)


class Conflict(DomainError):
    status = 409


# Every message key maps to an English msgid; the th catalog translates it.
MESSAGES: dict[str, str] = {
    "error.invalid_input": N_("Some fields need your attention."),
    "error.not_found": N_("We could not find that page or record."),
    "error.forbidden": N_("You do not have access to this."),
    "error.csrf": N_("Your form expired. Please submit it again."),
    "error.rate_limited": N_("Too many attempts. Please wait a few minutes and try again."),
    "error.server": N_("Something went wrong on our side. Your data is safe; please try again."),
    "error.server_title": N_("Something went wrong"),
    "error.bad_request": N_("The request could not be read. Please check it and send it again."),
    "error.page_invalid": N_("That page number is not valid. Go back to the first page of the "
                             "list."),
    "error.sign_in_required": N_("Please sign in to continue."),
    "error.too_large": N_("What you sent is too large. Please send less, or a smaller file."),
    "error.bad_request_title": N_("We could not read that request"),
    "error.method_not_allowed": N_("This address does not accept that kind of request. Go back "
                                   "and use the page's own buttons and links."),
    "error.method_not_allowed_title": N_("Not available this way"),
    "error.too_large_title": N_("Too large to accept"),
    "error.rate_limited_title": N_("Too many attempts"),
    "error.refused_title": N_("This could not be done"),
}


def register_messages(messages: dict[str, str]) -> None:
    """Add a bounded context's message keys to the one registry the renderer reads."""
    clash = {k for k in messages if k in MESSAGES and MESSAGES[k] != messages[k]}
    if clash:
        raise ValueError(f"message keys registered twice: {sorted(clash)}")
    MESSAGES.update(messages)
