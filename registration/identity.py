"""Who a promoter or director is: Thai personal ID (เลขประจำตัวประชาชน) and passport checks, the
nationality list, PDPA masking of ID numbers (on screen and in logs) and juristic numbers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Literal

from babel import Locale
from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.th import pin

from core.errors import N_, FieldError, register_messages
from core.options import Option
from core.thai_ids import compact_pin, is_13_digits
from registration.address import sort_options

Lang = Literal["th", "en"]

MESSAGES: dict[str, str] = {
    "person.pin_required": N_("Please enter the 13-digit ID card number."),
    "person.pin_format": N_("An ID card number has 13 digits."),
    "person.pin_not_personal": N_(
        "A personal ID card number does not start with 0 or 9. Please check the number."
    ),
    "person.pin_checksum": N_("This ID card number is not valid. Please check each digit."),
    "person.passport_required": N_("Please enter the passport number."),
    "person.passport_format": N_("A passport number has 6 to 20 letters (A–Z) and digits."),
    "person.nationality_required": N_("Please choose a nationality."),
    "person.nationality_invalid": N_("Please choose a nationality from the list."),
    "person.nationality_thai": N_("Thai nationals give their 13-digit ID card number instead."),
}
register_messages(MESSAGES)

THAILAND = "TH"

# Babel's territories include regions, groupings, pseudo-locales and codes ISO 3166 only
# reserves (Ascension, Canary Islands…); none of them issues passports. Kosovo (XK) stays:
# it is user-assigned in ISO 3166 but is the code the EU and most registries use.
_NOT_NATIONALITIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}
)

_PASSPORT = re.compile(r"[A-Z0-9]{6,20}")

def check_thai_id(value: str | None, field: str) -> list[FieldError]:
    """Check a Thai personal ID number: 13 digits with a valid mod-11 check digit."""
    number = compact_pin(value)
    if not number:
        return [FieldError(field, "person.pin_required")]
    try:
        pin.validate(number)
    except (InvalidLength, InvalidFormat):
        return [FieldError(field, "person.pin_format")]
    except InvalidComponent:
        # stdnum rejects a leading 0 (juristic numbers, ...) and 9; neither is a personal ID.
        return [FieldError(field, "person.pin_not_personal")]
    except ValidationError:
        return [FieldError(field, "person.pin_checksum")]
    return []


def compact_passport(number: str | None) -> str:
    """The passport number as stored: upper case, without spaces."""
    return re.sub(r"\s+", "", number or "").upper()


@lru_cache(maxsize=1)
def _nationality_codes() -> frozenset[str]:
    territories: Iterable[str] = Locale("en").territories.keys()
    return frozenset(
        code
        for code in territories
        if len(code) == 2 and code.isalpha() and code not in _NOT_NATIONALITIES
    )


def check_passport(
    number: str | None, nationality: str | None, field_prefix: str = ""
) -> list[FieldError]:
    """Check a foreign promoter's passport number and nationality (ISO 3166 alpha-2)."""
    errors: list[FieldError] = []
    passport = compact_passport(number)
    if not passport:
        errors.append(FieldError(f"{field_prefix}passport_number", "person.passport_required"))
    elif not _PASSPORT.fullmatch(passport):
        errors.append(FieldError(f"{field_prefix}passport_number", "person.passport_format"))

    code = (nationality or "").strip().upper()
    if not code:
        errors.append(FieldError(f"{field_prefix}nationality", "person.nationality_required"))
    elif code == THAILAND:
        errors.append(FieldError(f"{field_prefix}nationality", "person.nationality_thai"))
    elif code not in _nationality_codes():
        errors.append(FieldError(f"{field_prefix}nationality", "person.nationality_invalid"))
    return errors


@lru_cache(maxsize=8)
def _nationalities(lang: str, include_thai: bool) -> tuple[Option, ...]:
    names = Locale(lang).territories
    options = [
        Option(code, names[code])
        for code in _nationality_codes()
        if include_thai or code != THAILAND
    ]
    return sort_options(options, lang)


def nationalities(lang: Lang, include_thai: bool = True) -> list[Option]:
    """Countries by ISO 3166 alpha-2 code with Babel's name in `lang`, sorted by that name.
    Pass include_thai=False for a passport form, where TH is refused."""
    if lang not in ("th", "en"):
        raise ValueError(f"unsupported language {lang!r}; expected 'th' or 'en'")
    return list(_nationalities(lang, include_thai))


def nationality_name(code: str | None, lang: str) -> str:
    """'GB' → 'United Kingdom' / 'สหราชอาณาจักร'; a code Babel does not know stays as given.
    The words every page shows for a nationality (the applicant's review, the officer's case)."""
    return Locale(lang).territories.get((code or "").upper(), code or "—")


def format_pin(value: str) -> str:
    """'1234567890121' → '1-2345-67890-12-1'; anything not 13 digits comes back as given."""
    number = compact_pin(value)
    if not is_13_digits(number):
        return value
    return pin.format(number)


def mask_passport(number: str | None) -> str:
    """PDPA display form: only the last 3 characters, 'XXXXXX567'; short values are masked in
    full."""
    passport = compact_passport(number)
    if len(passport) <= 3:
        return "X" * len(passport)
    return "X" * (len(passport) - 3) + passport[-3:]
