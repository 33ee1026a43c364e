"""Turning submitted forms into values and field errors into localized messages."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from starlette.datastructures import FormData

from core.errors import N_, FieldError, register_messages
from core.i18n import message
from core.text import clean_text

register_messages(
    {
        "field.required": N_("This field is required."),
        "field.too_long": N_("Use at most {max} characters."),
        "field.integer": N_("Enter a whole number, like 1000."),
        "field.number": N_("Enter a number, like 1000 or 10.50."),
        "field.min": N_("Enter {min} or more."),
        "field.max": N_("Enter {max} or less."),
        "field.choice": N_("Choose one of the options."),
    }
)


def localized_errors(errors: Iterable[FieldError]) -> dict[str, str]:
    """First error per field, in the current language, for display next to the field."""
    out: dict[str, str] = {}
    for err in errors:
        out.setdefault(err.field, message(err.key, err.params))
    return out


def _without_nul(value: Any) -> Any:
    return value.replace("\x00", "") if isinstance(value, str) else value


def form_dict(form: FormData | Mapping[str, Any]) -> dict[str, Any]:
    """Flat form values; repeated keys become lists. The CSRF field is dropped, and so is
    any NUL character: no one types it, and PostgreSQL's text refuses it."""
    if isinstance(form, FormData):
        out: dict[str, Any] = {}
        for key in form.keys():
            values = [_without_nul(v) for v in form.getlist(key)]
            out[key] = values if len(values) > 1 else values[0]
        out.pop("csrf_token", None)
        return out
    return dict(form)


# The largest number an INTEGER column holds (PostgreSQL's; SQLite's end at 2^63 - 1): an
# integer field with no bound of its own stops here, so a typed number never overflows a
# column (a 500) when a draft is saved.
INTEGER_MAX = 2**31 - 1


def _finite_decimal(raw: str) -> Decimal:
    value = Decimal(raw)
    if not value.is_finite():
        raise InvalidOperation
    return value


N = TypeVar("N", int, Decimal)


class Reader:
    """Reads typed values out of submitted data, collecting field errors instead of raising."""

    def __init__(self, data: Mapping[str, Any], prefix: str = "") -> None:
        self.data = data
        self.prefix = prefix
        self.errors: list[FieldError] = []

    def _raw(self, name: str) -> str:
        value = self.data.get(name)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "on" if value else ""
        return str(value).strip()

    def error(self, name: str, key: str, **params: Any) -> None:
        self.errors.append(FieldError(self.prefix + name, key, params))

    def text(self, name: str, *, required: bool = True, max_len: int = 500) -> str:
        value = clean_text(self._raw(name))
        if required and not value:
            self.error(name, "field.required")
        elif len(value) > max_len:
            self.error(name, "field.too_long", max=max_len)
        return value[:max_len]

    def integer(self, name: str, *, required: bool = True, min: int | None = None,
                max: int | None = INTEGER_MAX) -> int | None:
        return self._number(name, int, "field.integer", required, min, max)

    def decimal(self, name: str, *, required: bool = True, min: Decimal | None = None,
                max: Decimal | None = None) -> Decimal | None:
        return self._number(name, _finite_decimal, "field.number", required, min, max)

    def _number(self, name: str, parse: Callable[[str], N], key: str, required: bool,
                min: N | None, max: N | None) -> N | None:
        """A number typed with or without thousands separators, or a field error."""
        raw = self._raw(name).replace(",", "").replace(" ", "")
        if not raw:
            if required:
                self.error(name, "field.required")
            return None
        try:
            value = parse(raw)
        except (ValueError, InvalidOperation):
            self.error(name, key)
            return None
        return self._bounded(name, value, min, max)

    def _bounded(self, name: str, value: Any, min: Any, max: Any) -> Any:
        if min is not None and value < min:
            self.error(name, "field.min", min=min)
            return None
        if max is not None and value > max:
            self.error(name, "field.max", max=max)
            return None
        return value

    def choice(self, name: str, choices: Iterable[str], *, required: bool = True) -> str:
        value = self._raw(name)
        if not value:
            if required:
                self.error(name, "field.required")
            return ""
        if value not in set(choices):
            self.error(name, "field.choice")
            return ""
        return value

    def flag(self, name: str) -> bool:
        return self._raw(name).lower() in {"on", "true", "1", "yes"}
