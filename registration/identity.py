"""Who a promoter or director is: Thai personal ID (เลขประจำตัวประชาชน) and passport checks, the
nationality list, PDPA masking of ID numbers (on screen and in logs) and juristic numbers."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Literal

from babel import Locale
from pythainlp.util import thai_digit_to_arabic_digit
from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.th import moa, pin

from registration.address import Option, sort_options
from web.errors import FieldError, N_, register_messages

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

# 13 digits (Arabic or Thai numerals), each optionally followed by one dash or space, so
# '1234567890121', '1-2345-67890-12-1' and '1 2345 67890 12 1' all match; the look-arounds keep
# it from biting 13 digits out of a longer number.
_PIN_IN_TEXT = re.compile(
    r"(?<![0-9๐-๙])(?<![0-9๐-๙][- ])[0-9๐-๙](?:[- ]?[0-9๐-๙]){12}(?![- ]?[0-9๐-๙])"
)


def _is_13_digits(number: str) -> bool:
    return len(number) == 13 and number.isascii() and number.isdigit()


def compact_pin(value: str | None) -> str:
    """The ID without dashes or spaces, Thai numerals turned into Arabic digits."""
    return pin.compact(thai_digit_to_arabic_digit(value or ""))


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
    territories = Locale("en").territories
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


def format_pin(value: str) -> str:
    """'1234567890121' → '1-2345-67890-12-1'; anything not 13 digits comes back as given."""
    number = compact_pin(value)
    if not _is_13_digits(number):
        return value
    return pin.format(number)


def mask_pin(value: str | None) -> str:
    """PDPA display form: only the first and last digit, '1-XXXX-XXXXX-XX-1'. A value that is
    not 13 digits is masked in full, since it may still be most of someone's ID."""
    number = compact_pin(value)
    if not _is_13_digits(number):
        return "X" * len(number)
    return f"{number[0]}-XXXX-XXXXX-XX-{number[12]}"


def mask_passport(number: str | None) -> str:
    """PDPA display form: only the last 3 characters, 'XXXXXX567'; short values are masked in
    full."""
    passport = compact_passport(number)
    if len(passport) <= 3:
        return "X" * len(passport)
    return "X" * (len(passport) - 3) + passport[-3:]


def mask_pins_in_text(text: str) -> str:
    """Mask every 13-digit number in free text. Any 13-digit number is treated as an ID, valid
    or not: a mistyped ID is still personal data, and a juristic number masked is cheap."""
    return _PIN_IN_TEXT.sub(lambda m: mask_pin(m.group(0)), text)


class PdpaLogFilter(logging.Filter):
    """Masks Thai ID numbers in a record's message, arguments and traceback text.

    Attach it to handlers: a logger's own filters do not see records propagated from its
    children. The record's message is rendered and its args dropped only when something was
    masked, so ordinary records keep their template for log aggregation.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message, broken = record.getMessage(), False
        except Exception:
            # logging's error report would print the raw args; keep them, masked, as text.
            message, broken = f"{record.msg!s} args={record.args!r}", True
        masked = mask_pins_in_text(message)
        if broken or masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # Formatter reuses exc_text when set, so the traceback is masked before it prints.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_pins_in_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_pins_in_text(record.stack_info)
        return True


def format_juristic_number(value: str) -> str:
    """A juristic person number (เลขทะเบียนนิติบุคคล, also the tax ID) in the grouping
    python-stdnum uses for stdnum.th.moa, e.g. '0-99-3-000-13397-8'; anything not 13 digits
    comes back as given."""
    number = moa.compact(thai_digit_to_arabic_digit(value or ""))
    if not _is_13_digits(number):
        return value
    return moa.format(number)
