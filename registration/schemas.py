"""Each wizard step's model, and the registration API's other request and response bodies.

A step's model is the one place that says what the step is: its label, its fields (those of
its HTML form, people-0-full_name …, and the body of PUT /api/v1/applications/{id}/{step},
people as a JSON list), how it loads from the draft (`stored`) and its checks (`check`), whose
field errors carry message keys. The HTML wizard and the JSON API both read a step through
`read_step_form`. Values stay as typed (a number may come as 1000 or "1,000"), so a wrong one
is a field error next to its field, never a refusal of the whole form.

Adding a wizard step: a model here, listed in STEP_FORMS; its template
`registration/templates/registration/step_<name>.html`; its columns (a migration) if it
stores new ones."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Self

from pydantic import BaseModel, Field, PrivateAttr, ValidationError

from core.eec import EEC_PROVINCES, TARGET_INDUSTRIES, estates
from core.errors import N_, FieldError, Invalid, NotFound, register_messages
from core.forms import Reader
from registration import address
from registration.models import Application, Person, PersonRole
from registration.steps import (
    MAX_PEOPLE_ROWS,
    MIN_PAID_UP_PERCENT,
    MIN_PAR_VALUE,
    MIN_PROMOTER_AGE,
    MIN_PROMOTERS,
    WITNESSES,
    Amount,
    DirectorRow,
    PersonData,
    PromoterPick,
    ShareholderRow,
    StepForm,
    StepResult,
    Text,
    WholeNumber,
    WitnessRow,
    YesNo,
    identity_key,
    is_company,
    person_fields,
    person_rows,
    read_person,
)


class OfficeForm(StepForm):
    """The head office (สำนักงานใหญ่): an address by province, district and subdistrict code."""

    step: ClassVar[str] = "office"
    label: ClassVar[str] = N_("Head office")

    house_no: Text = ""
    street: Text = ""
    province_code: Text = ""
    district_code: Text = ""
    subdistrict_code: Text = ""
    postal_code: Text = ""
    phone: Text = ""

    def check(self, application: Application) -> StepResult:
        r = Reader(self.form_values())
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
    """The address checks name a place (province); the form names its code field."""
    return name if name == "postal_code" else f"{name}_code"


class CapitalForm(StepForm):
    """Objectives and capital; shares and par value only for a company."""

    step: ClassVar[str] = "capital"
    label: ClassVar[str] = N_("Objectives and capital")

    objectives: Text = ""
    registered_capital: WholeNumber = ""
    share_count: WholeNumber = ""
    par_value: Amount = ""
    paid_up_percent: Amount = ""

    def check(self, application: Application) -> StepResult:
        r = Reader(self.form_values())
        values: dict[str, Any] = {"objectives": r.text("objectives", max_len=4000)}
        company = is_company(application.entity_type)
        # A company's capital is its shares times their par value: the form shows it, nobody
        # types it twice. A client that still sends it has it checked against the product.
        capital = r.integer("registered_capital", required=not company, min=1, max=10**13)
        if not company:
            values.update(registered_capital=capital, share_count=None, par_value=None,
                          paid_up_percent=None)
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
        product = shares * par if shares and par is not None else None
        if product is not None and product != product.to_integral_value():
            r.error("par_value", "capital.whole_baht", total=f"{product:,.2f}")
        elif product is not None and product > 10**13:
            r.error("share_count", "capital.too_large", max=f"{10**13:,}")
        elif product is not None and capital is not None and capital != product:
            r.error("registered_capital", "capital.mismatch", expected=f"{product:,.2f}")
        elif product is not None:
            capital = int(product)
        values.update(registered_capital=capital if product is not None else None,
                      share_count=shares, par_value=par, paid_up_percent=paid)
        return StepResult(values=values, errors=r.errors)


class PeopleForm(StepForm):
    """Promoters and shareholders (a partnership's partners and their contributions)."""

    step: ClassVar[str] = "people"
    label: ClassVar[str] = N_("Promoters and shareholders")
    groups: ClassVar[tuple[str, ...]] = ("people",)

    people: list[ShareholderRow] = Field(default_factory=list, max_length=MAX_PEOPLE_ROWS)

    @classmethod
    def stored(cls, application: Application,
               people: Mapping[PersonRole, list[Person]]) -> Self:
        return cls.model_validate(
            {"people": [person_fields(p) for p in people[PersonRole.shareholder]]})

    def check(self, application: Application) -> StepResult:
        data = self.form_values()
        r = Reader(data)
        company = is_company(application.entity_type)
        people: list[PersonData] = []
        seen: set[str] = set()
        for index, row in person_rows(data, "people"):
            prefix = f"people-{index}-"
            person = read_person(r, row, prefix, with_details=True)
            sub = Reader(row, prefix)
            person.shares = sub.integer("shares", min=1, max=10**13)
            person.is_promoter = sub.flag("is_promoter") if company else True
            if person.is_promoter and person.age is not None and person.age < MIN_PROMOTER_AGE:
                sub.error("age", "people.age_min", min=MIN_PROMOTER_AGE)
            key = identity_key(person)
            if key.strip(":") and key in seen:
                sub.error("thai_id" if person.thai_id else "passport_number",
                          "people.duplicate_id")
            seen.add(key)
            r.errors += sub.errors
            people.append(person)
        promoters = sum(1 for p in people if p.is_promoter)
        if promoters < MIN_PROMOTERS:
            r.error("people", "people.min_promoters" if company else "people.min_partners",
                    min=MIN_PROMOTERS)
        total = sum(p.shares or 0 for p in people)
        expected = application.share_count if company else application.registered_capital
        if expected is None:
            r.error("people", "people.capital_first")
        elif people and total != expected:
            key = "people.shares_sum" if company else "people.contribution_sum"
            r.error("shares_total", key, total=f"{total:,}", expected=f"{expected:,}")
        return StepResult(people={"shareholder": people}, errors=r.errors)


def promoters_of(people: Mapping[PersonRole, list[Person]]) -> list[Person]:
    return [p for p in people.get(PersonRole.shareholder, []) if p.is_promoter]


def _saved_key(p: Person) -> str:
    return p.thai_id or f"{p.nationality}:{p.passport_no}"


class DirectorsForm(StepForm):
    """Directors, how many must sign together, and the two witnesses. A promoter becomes a
    director with a tick (`promoters`), so nobody types the same person twice."""

    step: ClassVar[str] = "directors"
    label: ClassVar[str] = N_("Directors and witnesses")
    groups: ClassVar[tuple[str, ...]] = ("promoters", "directors", "witnesses")

    promoters: list[PromoterPick] = Field(
        default_factory=list, max_length=MAX_PEOPLE_ROWS,
        description="One per promoter, in the promoters step's order: is_director makes that "
                    "promoter a director without typing them again")
    directors: list[DirectorRow] = Field(default_factory=list, max_length=MAX_PEOPLE_ROWS,
                                         description="Directors who are not promoters")
    signatories_required: WholeNumber = ""
    signing_rule_note: Text = ""
    witnesses: list[WitnessRow] = Field(default_factory=list, max_length=MAX_PEOPLE_ROWS,
                                        description=f"The first {WITNESSES} are read")
    _promoters: list[Person] = PrivateAttr(default_factory=list)

    @classmethod
    def stored(cls, application: Application,
               people: Mapping[PersonRole, list[Person]]) -> Self:
        promoters = promoters_of(people)
        directors = {_saved_key(d): d for d in people[PersonRole.director]}
        picks = [{"is_director": _saved_key(p) in directors,
                  "can_sign": _saved_key(p) in directors and directors[_saved_key(p)].can_sign}
                 for p in promoters]
        promoter_keys = {_saved_key(p) for p in promoters}
        return cls.model_validate({
            "promoters": picks,
            "directors": [person_fields(d) for d in people[PersonRole.director]
                          if _saved_key(d) not in promoter_keys],
            "witnesses": [person_fields(p) for p in people[PersonRole.witness]],
            "signatories_required": application.signatories_required or "",
            "signing_rule_note": application.signing_rule_note})

    def use_saved_people(self, people: Mapping[PersonRole, list[Person]]) -> None:
        self._promoters = promoters_of(people)

    def _ticked_promoters(self) -> list[PersonData]:
        return [PersonData(full_name=p.full_name, nationality=p.nationality, thai_id=p.thai_id,
                           passport_no=p.passport_no, can_sign=pick.can_sign)
                for p, pick in zip(self._promoters, self.promoters, strict=False)
                if pick.is_director]

    def check(self, application: Application) -> StepResult:
        data = self.form_values()
        r = Reader(data)
        directors = self._ticked_promoters()
        ticked = {identity_key(d) for d in directors}
        for index, row in person_rows(data, "directors"):
            prefix = f"directors-{index}-"
            person = read_person(r, row, prefix, with_details=False)
            person.can_sign = Reader(row).flag("can_sign")
            if identity_key(person) not in ticked:  # typed again as well as ticked: once
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
            witnesses.append(read_person(r, row, prefix, with_details=True))
        values = {"signatories_required": required,
                  "signing_rule_note": r.text("signing_rule_note", required=False, max_len=500)}
        return StepResult(values=values, people={"director": directors, "witness": witnesses},
                          errors=r.errors)


class EecForm(StepForm):
    """Where in the EEC the business operates, and whether it asks for EEC privileges."""

    step: ClassVar[str] = "eec"
    label: ClassVar[str] = N_("EEC questions")

    operates_in_eec: YesNo = ""
    requests_eec_privileges: YesNo = ""
    eec_province_code: Text = ""
    estate_id: Text = ""
    target_industry: Text = ""

    def check(self, application: Application) -> StepResult:
        r = Reader(self.form_values())
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


# The steps with a form, in wizard order; then the two without one.
STEP_FORMS: dict[str, type[StepForm]] = {
    form.step: form for form in (OfficeForm, CapitalForm, PeopleForm, DirectorsForm, EecForm)}
STEPS: list[tuple[str, str]] = [(form.step, form.label) for form in STEP_FORMS.values()] + [
    ("documents", N_("Documents")),
    ("review", N_("Fees and review")),
]
STEP_NAMES = [name for name, _label in STEPS]
register_messages({f"step.{name}": label for name, label in STEPS})


def _field_name(loc: tuple[int | str, ...]) -> str:
    """people.0.full_name in Pydantic's terms is people-0-full_name in the form's."""
    return "-".join(str(part) for part in loc)


def read_step_form(step: str, data: Mapping[str, Any] | StepForm) -> StepForm:
    """A step's submitted form or JSON body as its model. A shape no form can send (an object
    where text goes, too many rows) is a field error, as anywhere else."""
    form = STEP_FORMS.get(step)
    if form is None:
        raise NotFound()
    if isinstance(data, form):
        return data
    try:
        return form.model_validate(data)
    except ValidationError as exc:
        raise Invalid([FieldError(_field_name(err["loc"]) or step,
                                  "field.required" if err["type"] == "missing"
                                  else "field.choice")
                       for err in exc.errors()]) from exc


# --- The JSON API's other bodies (/api/v1) -------------------------------------------------------

IsoTime = Annotated[str, Field(description="ISO 8601 date and time",
                               examples=["2026-12-07T09:30:00+00:00"])]
# The application's own record stops at submitted; where it stands after that is the case's.
RecordStatus = Annotated[str, Field(
    description="The application record's own status, draft or submitted. Where the "
                "application stands after submitting is `state` in GET /api/v1/applications",
    examples=["submitted"])]


class NameIn(BaseModel):
    name_th: str = Field(default="", max_length=2000)
    name_en: str = Field(default="", max_length=2000)


class NameCheckIn(NameIn):
    entity_type: str


class ReservationIn(BaseModel):
    entity_type: str
    names: list[NameIn] = Field(min_length=1, max_length=3,
                                description="Up to three names, first choice first")


class SubmitIn(BaseModel):
    declaration: bool = False


class SessionOut(BaseModel):
    signed_in: bool
    csrf_token: str = Field(description="Send it as X-CSRF-Token with every unsafe method")
    lang: str


class FieldMessage(BaseModel):
    field: str
    key: str = Field(description="The message key, the same in every language")
    message: str


class NameConflictOut(BaseModel):
    name_th: str
    name_en: str
    score: float = Field(description="Resemblance, 0 to 100")
    identical: bool
    source: str


class NameCheckOut(BaseModel):
    available: bool
    errors: list[FieldMessage]
    conflicts: list[NameConflictOut]


class TimelineEntry(BaseModel):
    status: str
    key: str
    text: str
    at: IsoTime


class ApplicationOut(BaseModel):
    id: int
    status: RecordStatus
    status_label: str
    reference: str | None
    entity_type: str
    name_th: str
    name_en: str
    completed_steps: list[str]
    fees_total_baht: str = Field(description="A decimal number, as text")
    foreign_share_percent: str = Field(description="A decimal number, as text")
    submitted_at: IsoTime | None
    timeline: list[TimelineEntry]


class ApplicationSummary(BaseModel):
    id: int
    status: RecordStatus
    reference: str | None
    name_th: str
    name_en: str


class ReservationOut(BaseModel):
    id: int
    name_th: str
    name_en: str
    rank: int
    expires_at: IsoTime


class ReservedOut(BaseModel):
    reservation: ReservationOut
    application: ApplicationOut


class DocumentOut(BaseModel):
    id: int
    sha256: str
    kind: str
    filename: str
    person_id: int | None


class PersonOut(BaseModel):
    id: int
    full_name: str
    nationality: str
    thai_id_masked: str = Field(description="The ID with all but its last digits masked")
    shares: int | None
    is_promoter: bool


class ReceiptOut(BaseModel):
    id: int
    status: str
    status_label: str
    reference: str | None
    submitted_at: IsoTime | None

