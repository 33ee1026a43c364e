"""The wizard's steps: what each step reads from a form or JSON body, and the checks it runs.

Each `read_*` function takes flat submitted data (form field names, e.g. `people-0-full_name`)
and returns the typed values to store plus the field errors, so the HTML wizard and the JSON
API share one validation path."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from registration import address, identity
from core.eec import EEC_PROVINCES, TARGET_INDUSTRIES, estates
from registration.names import EntityType
from core.errors import FieldError, N_, register_messages
from core.forms import Reader

STEPS: list[tuple[str, str]] = [
    ("office", N_("Head office")),
    ("capital", N_("Objectives and capital")),
    ("people", N_("Promoters and shareholders")),
    ("directors", N_("Directors and witnesses")),
    ("eec", N_("EEC questions")),
    ("documents", N_("Documents")),
    ("review", N_("Fees and review")),
]
STEP_NAMES = [name for name, _label in STEPS]
register_messages({f"step.{name}": label for name, label in STEPS})

MIN_PAR_VALUE = Decimal(5)  # baht, Civil and Commercial Code s. 1117
MIN_PAID_UP_PERCENT = Decimal(25)  # of each share's par, before registration
MIN_PROMOTERS = 2  # since the 2023 amendment
MIN_PROMOTER_AGE = 20  # sui juris under the Civil and Commercial Code
FOREIGN_MAJORITY_PERCENT = Decimal(50)  # Foreign Business Act threshold
WITNESSES = 2
MAX_PEOPLE_ROWS = 50

register_messages(
    {
        "capital.mismatch": N_("Registered capital must equal the number of shares times the par value ({expected} baht)."),
        "capital.par_min": N_("The par value of a share must be at least 5 baht."),
        "capital.paid_up_min": N_("Each share must be at least 25% paid up."),
        "people.min_promoters": N_("A company needs at least {min} promoters. Tick “Promoter” for at least {min} people."),
        "people.min_partners": N_("A partnership needs at least {min} partners."),
        "people.shares_sum": N_("The shares listed add up to {total}, but the company has {expected} shares."),
        "people.contribution_sum": N_("The contributions listed add up to {total} baht, but the registered capital is {expected} baht."),
        "people.duplicate_id": N_("The same ID or passport number appears twice."),
        "people.age_min": N_("A promoter must be at least {min} years old."),
        "people.capital_first": N_("Fill in the capital step first, so the shares can be checked."),
        "directors.min": N_("Name at least one director."),
        "directors.signatories": N_("Choose how many directors must sign together (1 to {max})."),
        "directors.no_signer": N_("Tick “May sign” for at least one director."),
        "witness.required": N_("Two witnesses are required."),
        "eec.province_required": N_("Choose the EEC province."),
        "eec.estate_province": N_("This estate is not in the province you chose."),
        "answer.yes_no": N_("Answer yes or no."),
    }
)


@dataclass
class PersonData:
    full_name: str = ""
    nationality: str = "TH"
    thai_id: str = ""
    passport_no: str = ""
    age: int | None = None
    address: str = ""
    shares: int | None = None
    is_promoter: bool = False
    can_sign: bool = False


@dataclass
class StepResult:
    values: dict[str, Any] = field(default_factory=dict)
    people: dict[str, list[PersonData]] = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def is_company(entity_type: str) -> bool:
    return entity_type in (EntityType.LIMITED_COMPANY, EntityType.PUBLIC_LIMITED_COMPANY)


def read_office(data: Mapping[str, Any], entity_type: str) -> StepResult:
    r = Reader(data)
    values = {
        "house_no": r.text("house_no", max_len=200),
        "street": r.text("street", required=False, max_len=200),
        "province_code": r.text("province_code", required=False, max_len=10),
        "district_code": r.text("district_code", required=False, max_len=10),
        "subdistrict_code": r.text("subdistrict_code", required=False, max_len=10),
        "postal_code": r.text("postal_code", required=False, max_len=10),
        "phone": r.text("phone", required=False, max_len=30),
    }
    errors = r.errors + [
        FieldError(_office_field(e.field), e.key, e.params)
        for e in address.check_address(values["province_code"], values["district_code"],
                                       values["subdistrict_code"], values["postal_code"])
    ]
    return StepResult(values=values, errors=errors)


def _office_field(name: str) -> str:
    return name if name == "postal_code" else f"{name}_code"


def read_capital(data: Mapping[str, Any], entity_type: str) -> StepResult:
    r = Reader(data)
    values: dict[str, Any] = {"objectives": r.text("objectives", max_len=4000)}
    capital = r.integer("registered_capital", min=1, max=10**13)
    values["registered_capital"] = capital
    if not is_company(entity_type):
        values.update(share_count=None, par_value=None, paid_up_percent=None)
        return StepResult(values=values, errors=r.errors)
    shares = r.integer("share_count", min=1, max=10**12)
    par = r.decimal("par_value", max=Decimal(10**9))
    paid = r.decimal("paid_up_percent", max=Decimal(100))
    # A value below the minimum is refused and not kept in the draft: a large negative one
    # would overflow its NUMERIC column.
    if par is not None and par < MIN_PAR_VALUE:
        r.error("par_value", "capital.par_min")
        par = None
    if paid is not None and paid < MIN_PAID_UP_PERCENT:
        r.error("paid_up_percent", "capital.paid_up_min")
        paid = None
    if capital and shares and par is not None and par >= MIN_PAR_VALUE and capital != shares * par:
        r.error("registered_capital", "capital.mismatch", expected=f"{shares * par:,.2f}")
    values.update(share_count=shares, par_value=par, paid_up_percent=paid)
    return StepResult(values=values, errors=r.errors)


def _rows(data: Mapping[str, Any], group: str) -> list[tuple[int, dict[str, Any]]]:
    """Rows of a repeated group (`people-0-full_name` …), skipping rows left entirely blank."""
    rows: dict[int, dict[str, Any]] = {}
    for key, value in data.items():
        parts = key.split("-", 2)
        if len(parts) == 3 and parts[0] == group and parts[1].isdecimal():
            index = int(parts[1])
            if index < MAX_PEOPLE_ROWS:
                rows.setdefault(index, {})[parts[2]] = value
    return [
        (i, row) for i, row in sorted(rows.items())
        if any(str(v).strip() for k, v in row.items() if k not in ("nationality", "is_promoter", "can_sign"))
    ]


def _read_person(r: Reader, row: dict[str, Any], prefix: str, *, with_details: bool) -> PersonData:
    sub = Reader(row, prefix)
    person = PersonData(full_name=sub.text("full_name", max_len=200))
    person.nationality = (sub.text("nationality", required=False, max_len=2) or "TH").upper()
    if person.nationality == "TH":
        person.thai_id = "".join(ch for ch in str(row.get("thai_id", "")) if ch.isdigit())
        sub.errors += identity.check_thai_id(str(row.get("thai_id", "")), prefix + "thai_id")
    else:
        person.passport_no = sub.text("passport_number", required=False, max_len=20).upper()
        sub.errors += identity.check_passport(person.passport_no, person.nationality, prefix)
    if with_details:
        person.age = sub.integer("age", min=1, max=130)
        person.address = sub.text("address", max_len=500)
    r.errors += sub.errors
    return person


def _identity_key(p: PersonData) -> str:
    return p.thai_id or f"{p.nationality}:{p.passport_no}"


def read_people(data: Mapping[str, Any], entity_type: str, share_count: int | None,
                registered_capital: int | None) -> StepResult:
    r = Reader(data)
    company = is_company(entity_type)
    people: list[PersonData] = []
    seen: set[str] = set()
    for index, row in _rows(data, "people"):
        prefix = f"people-{index}-"
        person = _read_person(r, row, prefix, with_details=True)
        sub = Reader(row, prefix)
        person.shares = sub.integer("shares", min=1, max=10**13)
        person.is_promoter = sub.flag("is_promoter") if company else True
        if person.is_promoter and person.age is not None and person.age < MIN_PROMOTER_AGE:
            sub.error("age", "people.age_min", min=MIN_PROMOTER_AGE)
        key = _identity_key(person)
        if key.strip(":") and key in seen:
            sub.error("thai_id" if person.thai_id else "passport_number", "people.duplicate_id")
        seen.add(key)
        r.errors += sub.errors
        people.append(person)
    promoters = sum(1 for p in people if p.is_promoter)
    if promoters < MIN_PROMOTERS:
        r.error("people", "people.min_promoters" if company else "people.min_partners",
                min=MIN_PROMOTERS)
    total = sum(p.shares or 0 for p in people)
    expected = share_count if company else registered_capital
    if expected is None:
        r.error("people", "people.capital_first")
    elif people and total != expected:
        key = "people.shares_sum" if company else "people.contribution_sum"
        r.error("shares_total", key, total=f"{total:,}", expected=f"{expected:,}")
    return StepResult(people={"shareholder": people}, errors=r.errors)


def read_directors(data: Mapping[str, Any], entity_type: str) -> StepResult:
    r = Reader(data)
    directors = []
    for index, row in _rows(data, "directors"):
        prefix = f"directors-{index}-"
        person = _read_person(r, row, prefix, with_details=False)
        person.can_sign = Reader(row).flag("can_sign")
        directors.append(person)
    if not directors:
        r.error("directors", "directors.min")
    signers = sum(1 for d in directors if d.can_sign)
    if directors and not signers:
        r.error("directors", "directors.no_signer")
    required = r.integer("signatories_required", required=bool(directors), min=1,
                         max=MAX_PEOPLE_ROWS)
    if required is not None and signers and not 1 <= required <= signers:
        r.error("signatories_required", "directors.signatories", max=signers)
    witnesses = []
    for index in range(WITNESSES):
        prefix = f"witnesses-{index}-"
        row = {k.removeprefix(prefix): v for k, v in data.items() if k.startswith(prefix)}
        if not str(row.get("full_name", "")).strip():
            r.error(prefix + "full_name", "witness.required")
            continue
        witnesses.append(_read_person(r, row, prefix, with_details=True))
    values = {"signatories_required": required,
              "signing_rule_note": r.text("signing_rule_note", required=False, max_len=500)}
    return StepResult(values=values, people={"director": directors, "witness": witnesses},
                      errors=r.errors)


def read_eec(data: Mapping[str, Any], entity_type: str) -> StepResult:
    r = Reader(data)
    operates = r.choice("operates_in_eec", ["yes", "no"])
    privileges = r.choice("requests_eec_privileges", ["yes", "no"])
    values: dict[str, Any] = {
        "operates_in_eec": None if not operates else operates == "yes",
        "requests_eec_privileges": None if not privileges else privileges == "yes",
        "eec_province_code": "", "estate_id": "", "target_industry": "",
    }
    if operates == "yes":
        values["eec_province_code"] = r.choice("eec_province_code", EEC_PROVINCES)
        estate_id = r.choice("estate_id", estates(), required=False)
        if estate_id and values["eec_province_code"] and \
                estates()[estate_id].province_code != values["eec_province_code"]:
            r.error("estate_id", "eec.estate_province")
        values["estate_id"] = estate_id
    if operates == "yes" or privileges == "yes":
        values["target_industry"] = r.choice("target_industry", TARGET_INDUSTRIES)
    return StepResult(values=values, errors=r.errors)


def foreign_share_percent(people: list[Any]) -> Decimal:
    """Share of capital held by non-Thai nationals; 50% or more makes a 'foreign company'."""
    total = sum(p.shares or 0 for p in people)
    if not total:
        return Decimal(0)
    foreign = sum(p.shares or 0 for p in people if p.nationality != "TH")
    return (Decimal(foreign) * 100 / Decimal(total)).quantize(Decimal("0.01"))
