"""Thai ID and passport checks, nationality list, PDPA masking and the log filter."""

import io
import logging
import re

import pytest
from stdnum.th import pin

from core.errors import MESSAGES
from core.options import Option
from core.thai_ids import PdpaLogFilter, format_juristic_number, mask_pin
from registration import identity
from registration.identity import (
    check_passport,
    check_thai_id,
    format_pin,
    mask_passport,
    nationalities,
)


def make_pin(first_twelve: str) -> str:
    """A 13-digit ID whose check digit stdnum computes."""
    return first_twelve + pin.calc_check_digit(first_twelve)


VALID_PIN = make_pin("123456789012")  # 1234567890121
MIDDLE = VALID_PIN[1:12]


def wrong_check_digit(number: str) -> str:
    return number[:12] + str((int(number[12]) + 1) % 10)


def keys(errors):
    return [(e.field, e.key) for e in errors]


def test_generated_pin_is_valid_by_stdnum():
    assert VALID_PIN == "1234567890121"
    assert pin.is_valid(VALID_PIN)


@pytest.mark.parametrize(
    "value",
    [
        VALID_PIN,
        "1-2345-67890-12-1",
        " 1 2345 67890 12 1 ",
        "๑๒๓๔๕๖๗๘๙๐๑๒๑",
        make_pin("310060044563"),
    ],
)
def test_valid_thai_ids_pass(value):
    assert check_thai_id(value, "pin") == []


@pytest.mark.parametrize("value", [None, "", "   ", "--"])
def test_missing_id_is_required(value):
    assert keys(check_thai_id(value, "promoter_pin")) == [("promoter_pin", "person.pin_required")]


@pytest.mark.parametrize("value", ["123456789012", "12345678901234", "12345678901ab", "abc"])
def test_id_that_is_not_13_digits_is_a_format_error(value):
    assert keys(check_thai_id(value, "pin")) == [("pin", "person.pin_format")]


def test_wrong_check_digit_is_a_checksum_error():
    assert keys(check_thai_id(wrong_check_digit(VALID_PIN), "pin")) == [
        ("pin", "person.pin_checksum")
    ]


def test_juristic_number_is_not_a_personal_id():
    juristic = make_pin("010555612345")
    assert keys(check_thai_id(juristic, "pin")) == [("pin", "person.pin_not_personal")]


def test_valid_passport_passes_and_is_compacted():
    assert check_passport("ab 1234567", "jp") == []
    assert identity.compact_passport(" ab 1234567 ") == "AB1234567"


@pytest.mark.parametrize("number", ["AB123", "A" * 21, "AB-123456", "กข1234567", "AB123456!"])
def test_passport_number_must_be_6_to_20_letters_and_digits(number):
    errors = check_passport(number, "JP", field_prefix="promoter_0_")
    assert keys(errors) == [("promoter_0_passport_number", "person.passport_format")]


def test_passport_length_bounds_are_inclusive():
    assert check_passport("A12345", "GB") == []
    assert check_passport("A" * 20, "GB") == []


def test_missing_passport_and_nationality():
    assert keys(check_passport("", None)) == [
        ("passport_number", "person.passport_required"),
        ("nationality", "person.nationality_required"),
    ]


@pytest.mark.parametrize("code", ["XX", "EU", "ZZ", "JPN", "001", "jp!"])
def test_nationality_must_be_a_country_code_babel_knows(code):
    errors = check_passport("AB1234567", code)
    assert keys(errors) == [("nationality", "person.nationality_invalid")]


@pytest.mark.parametrize("code", ["TH", "th", " TH "])
def test_thai_nationals_give_their_id_instead(code):
    assert keys(check_passport("AB1234567", code)) == [("nationality", "person.nationality_thai")]


def test_nationalities_in_english():
    options = nationalities("en")
    assert Option("JP", "Japan") in options
    assert Option("TH", "Thailand") in options
    assert Option("XK", "Kosovo") in options
    labels = [o.label for o in options]
    assert labels == sorted(labels, key=str.casefold)
    assert {o.code for o in options}.isdisjoint({"EU", "ZZ", "UN", "001", "150", "XA"})
    assert len(options) == 250


def test_nationalities_in_thai_and_without_thailand():
    th = nationalities("th")
    assert Option("JP", "ญี่ปุ่น") in th
    assert [o.code for o in th] != [o.code for o in nationalities("en")]
    assert "TH" not in {o.code for o in nationalities("th", include_thai=False)}


def test_format_pin():
    assert format_pin(VALID_PIN) == "1-2345-67890-12-1"
    assert format_pin("1 2345 67890 12 1") == "1-2345-67890-12-1"
    assert format_pin("12345") == "12345"


def test_mask_pin_keeps_grouping_and_only_first_and_last_digit():
    assert mask_pin(VALID_PIN) == "1-XXXX-XXXXX-XX-1"
    assert mask_pin("3-1006-00445-63-5") == "3-XXXX-XXXXX-XX-5"


@pytest.mark.parametrize(
    "value", [make_pin(f"{d}{d}98765432{d}0") for d in range(1, 9)] + ["1234567", "12345678901234"]
)
def test_mask_pin_never_shows_the_middle_digits(value):
    masked = mask_pin(value)
    digits = re.sub(r"\D", "", value)
    shown = re.findall(r"\d", masked)
    if len(digits) == 13:
        assert shown == [digits[0], digits[-1]]
    else:
        assert shown == []


def test_mask_passport_keeps_the_last_three_characters():
    assert mask_passport("AB1234567") == "XXXXXX567"
    assert mask_passport("ab 1234567") == "XXXXXX567"
    assert mask_passport("AB1") == "XXX"
    assert mask_passport("") == ""


def test_format_juristic_number_uses_stdnum_grouping():
    assert format_juristic_number("0993000133978") == "0-99-3-000-13397-8"
    assert format_juristic_number("0 10 5 536 11201 4") == "0-10-5-536-11201-4"
    assert format_juristic_number("123") == "123"


@pytest.fixture
def pdpa_log():
    """A logger whose handler carries the filter, and the text that handler writes."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(PdpaLogFilter())
    logger = logging.getLogger("tests.registration.pdpa")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def test_log_filter_masks_an_id_in_the_arguments(pdpa_log):
    logger, stream = pdpa_log
    logger.info("promoter %s submitted with ID %s", "Somchai", VALID_PIN)
    assert stream.getvalue() == "promoter Somchai submitted with ID 1-XXXX-XXXXX-XX-1\n"


def test_log_filter_masks_dashed_and_thai_numeral_ids_in_the_message(pdpa_log):
    logger, stream = pdpa_log
    logger.warning(f"bad id 1-2345-67890-12-1 and ๑๒๓๔๕๖๗๘๙๐๑๒๑ from {'form'}")
    out = stream.getvalue()
    assert MIDDLE not in re.sub(r"\D", "", out)
    assert "2345" not in out and "67890" not in out and "๒๓๔๕" not in out
    assert out.count("1-XXXX-XXXXX-XX-1") == 2


def test_log_filter_masks_ids_in_mapping_and_integer_args(pdpa_log):
    logger, stream = pdpa_log
    logger.info("id=%(pin)s", {"pin": VALID_PIN})
    logger.info("id=%d", int(VALID_PIN))
    assert stream.getvalue() == "id=1-XXXX-XXXXX-XX-1\nid=1-XXXX-XXXXX-XX-1\n"


def test_log_filter_masks_ids_in_tracebacks(pdpa_log):
    logger, stream = pdpa_log
    try:
        raise ValueError(f"cannot register {VALID_PIN}")
    except ValueError:
        logger.exception("registration failed")
    out = stream.getvalue()
    assert "ValueError: cannot register 1-XXXX-XXXXX-XX-1" in out
    assert VALID_PIN not in out


def test_log_filter_leaves_other_numbers_and_records_alone():
    args = ("1234567890123456", "0812345678")
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "card %s, phone %s", args, None)
    assert PdpaLogFilter().filter(record) is True
    assert record.args == ("1234567890123456", "0812345678")
    assert record.getMessage() == "card 1234567890123456, phone 0812345678"


def test_log_filter_masks_args_of_a_broken_record(pdpa_log):
    logger, stream = pdpa_log
    logger.info("two args %s %s", VALID_PIN)  # one missing: logging would print raw args
    assert VALID_PIN not in stream.getvalue()
    assert "1-XXXX-XXXXX-XX-1" in stream.getvalue()


def test_message_keys_are_registered():
    for key in (
        "person.pin_required",
        "person.pin_format",
        "person.pin_checksum",
        "person.passport_format",
        "person.nationality_required",
        "person.nationality_invalid",
    ):
        assert MESSAGES[key] == identity.MESSAGES[key]
