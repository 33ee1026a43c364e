"""Registration fees per entity type (Ministerial Regulation B.E. 2563) and baht formatting."""

from decimal import Decimal

import pytest

from core.errors import MESSAGES
from registration import fees
from registration.fees import FeeLine, compute_fees, format_baht


@pytest.mark.parametrize(
    ("entity_type", "expected_lines", "total"),
    [
        ("limited_company", [("fee.moa", "500"), ("fee.company_registration", "5000")], "5500"),
        (
            "public_limited_company",
            [("fee.moa", "500"), ("fee.company_registration", "5000")],
            "5500",
        ),
        ("registered_partnership", [("fee.partnership_registration", "1000")], "1000"),
        ("limited_partnership", [("fee.partnership_registration", "1000")], "1000"),
    ],
)
def test_fees_per_entity_type(entity_type, expected_lines, total):
    quote = compute_fees(entity_type)
    assert [(line.key, line.amount) for line in quote.lines] == [
        (key, Decimal(amount)) for key, amount in expected_lines
    ]
    assert quote.total == Decimal(total)
    assert isinstance(quote.total, Decimal)


@pytest.mark.parametrize("entity_type", ["registered_partnership", "limited_partnership"])
def test_partnerships_file_no_memorandum(entity_type):
    assert "fee.moa" not in [line.key for line in compute_fees(entity_type).lines]


def test_amendments_are_500_baht_each_on_one_line():
    quote = compute_fees("limited_company", amendments=3)
    assert quote.lines[-1] == FeeLine("fee.amendment", Decimal("1500"), {"count": 3})
    assert quote.total == Decimal("7000")
    assert compute_fees("limited_partnership", amendments=1).total == Decimal("1500")


def test_no_amendment_line_without_amendments():
    assert "fee.amendment" not in [line.key for line in compute_fees("limited_company").lines]


def test_unknown_entity_type_and_negative_amendments_are_refused():
    with pytest.raises(ValueError):
        compute_fees("sole_proprietorship")
    with pytest.raises(ValueError):
        compute_fees("limited_company", amendments=-1)


def test_every_line_key_is_a_registered_message():
    for entity_type in fees.ENTITY_TYPES:
        for line in compute_fees(entity_type, amendments=1).lines:
            assert MESSAGES[line.key] == fees.MESSAGES[line.key]
    assert MESSAGES["fee.moa"] == "Memorandum of association"
    assert "{count}" in MESSAGES["fee.amendment"]


def test_format_baht_in_thai_and_english():
    assert format_baht(Decimal("5500"), "th") == "฿5,500.00"
    assert format_baht(Decimal("5500"), "en") == "THB5,500.00"
    assert format_baht(1000, "th") == "฿1,000.00"
    assert format_baht(Decimal("0.5"), "th") == "฿0.50"
