"""Department of Business Development registration fees and their display in baht.

Figures: Ministerial Regulation B.E. 2563 on registration fees, in force from 1 January 2021
(see the domain facts, shared/domain/README.md beside the project)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from babel.numbers import format_currency

from core.errors import N_, register_messages

EntityType = Literal[
    "limited_company", "public_limited_company", "registered_partnership", "limited_partnership"
]

MESSAGES: dict[str, str] = {
    "fee.moa": N_("Memorandum of association"),
    "fee.company_registration": N_("Company registration"),
    "fee.partnership_registration": N_("Partnership registration"),
    "fee.amendment": N_("Amendments ({count})"),
}
register_messages(MESSAGES)

MOA_FEE = Decimal("500")  # หนังสือบริคณห์สนธิ
COMPANY_REGISTRATION_FEE = Decimal("5000")
PARTNERSHIP_REGISTRATION_FEE = Decimal("1000")
AMENDMENT_FEE = Decimal("500")  # per amendment of registered particulars

# Companies file a memorandum of association and then register; partnerships only register.
# The domain facts give no separate figures for a public limited company (บริษัทมหาชนจำกัด,
# registered under the Public Limited Companies Act), so it is charged the limited-company
# figures until the official public-company schedule is added.
_BASE_LINES: dict[str, tuple[tuple[str, Decimal], ...]] = {
    "limited_company": (
        ("fee.moa", MOA_FEE),
        ("fee.company_registration", COMPANY_REGISTRATION_FEE),
    ),
    "public_limited_company": (
        ("fee.moa", MOA_FEE),
        ("fee.company_registration", COMPANY_REGISTRATION_FEE),
    ),
    "registered_partnership": (("fee.partnership_registration", PARTNERSHIP_REGISTRATION_FEE),),
    "limited_partnership": (("fee.partnership_registration", PARTNERSHIP_REGISTRATION_FEE),),
}

ENTITY_TYPES: tuple[str, ...] = tuple(_BASE_LINES)


@dataclass(frozen=True)
class FeeLine:
    """One fee: a message key for its label, the amount in baht and the label's parameters."""

    key: str
    amount: Decimal
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FeeQuote:
    lines: list[FeeLine]
    total: Decimal


def compute_fees(entity_type: EntityType | str, amendments: int = 0) -> FeeQuote:
    """The fees DBD charges to register `entity_type`, plus `amendments` amendments at 500 baht.
    Raises ValueError for an unknown entity type or a negative count (caller bugs, not input)."""
    if entity_type not in _BASE_LINES:
        raise ValueError(f"unknown entity type {entity_type!r}; expected one of {ENTITY_TYPES}")
    if amendments < 0:
        raise ValueError("amendments cannot be negative")
    lines = [FeeLine(key, amount) for key, amount in _BASE_LINES[entity_type]]
    if amendments:
        lines.append(FeeLine("fee.amendment", AMENDMENT_FEE * amendments, {"count": amendments}))
    return FeeQuote(lines=lines, total=sum((line.amount for line in lines), Decimal("0")))


def format_baht(amount: Decimal | int, lang: Literal["th", "en"]) -> str:
    """Baht with satang, in the locale's currency style: th '฿5,500.00', en 'THB5,500.00'."""
    if lang not in ("th", "en"):
        raise ValueError(f"unsupported language {lang!r}; expected 'th' or 'en'")
    return format_currency(Decimal(amount), "THB", locale=lang)
