"""Thai ID numbers: personal IDs found, compacted and masked under the PDPA (display forms and
log records: every process's handlers carry PdpaLogFilter), and juristic numbers formatted."""

from __future__ import annotations

import logging
import re

from pythainlp.util import thai_digit_to_arabic_digit
from stdnum.th import moa, pin

# 13 digits (Arabic or Thai numerals), each optionally followed by one dash or space, so
# '1234567890121', '1-2345-67890-12-1' and '1 2345 67890 12 1' all match; the look-arounds keep
# it from biting 13 digits out of a longer number.
_PIN_IN_TEXT = re.compile(
    r"(?<![0-9๐-๙])(?<![0-9๐-๙][- ])[0-9๐-๙](?:[- ]?[0-9๐-๙]){12}(?![- ]?[0-9๐-๙])"
)


def is_13_digits(number: str) -> bool:
    return len(number) == 13 and number.isascii() and number.isdigit()


def compact_pin(value: str | None) -> str:
    """The ID without dashes or spaces, Thai numerals turned into Arabic digits."""
    return pin.compact(thai_digit_to_arabic_digit(value or ""))


def mask_pin(value: str | None) -> str:
    """PDPA display form: only the first and last digit, '1-XXXX-XXXXX-XX-1'. A value that is
    not 13 digits is masked in full, since it may still be most of someone's ID."""
    number = compact_pin(value)
    if not is_13_digits(number):
        return "X" * len(number)
    return f"{number[0]}-XXXX-XXXXX-XX-{number[12]}"


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
    if not is_13_digits(number):
        return value
    return moa.format(number)
