"""What every wizard step shares: the rules' limits and message keys, the people a step
names, the result of its checks, and the base of its model (`StepForm`) with the values as
typed. Each step's own model, fields and checks are in registration.schemas.

Checks read flat submitted data (form field names, e.g. `people-0-full_name`) with a
`core.forms.Reader` and return the typed values to store plus the field errors, so the HTML
wizard and the JSON API share one validation path."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator

from core.errors import N_, FieldError, register_messages
from core.forms import Reader
from registration import identity
from registration.models import Application, Person, PersonRole
from registration.names import EntityType

MIN_PAR_VALUE = Decimal(5)  # baht, Civil and Commercial Code s. 1117
MIN_PAID_UP_PERCENT = Decimal(25)  # of each share's par, before registration
MIN_PROMOTERS = 2  # since the 2023 amendment
MIN_PROMOTER_AGE = 20  # sui juris under the Civil and Commercial Code
FOREIGN_MAJORITY_PERCENT = Decimal(50)  # Foreign Business Act threshold
WITNESSES = 2
MAX_PEOPLE_ROWS = 50

register_messages(
    {
        "capital.mismatch": N_(
            "Registered capital must equal the number of shares times the par value ({expected} "
            "baht)."),
        "capital.whole_baht": N_(
            "The number of shares times the par value comes to {total} baht. Registered capital "
            "is in whole baht: change the par value or the number of shares."),
        "capital.too_large": N_(
            "The number of shares times the par value comes to more than {max} baht."),
        "capital.par_min": N_("The par value of a share must be at least 5 baht."),
        "capital.paid_up_min": N_("Each share must be at least 25% paid up."),
        "people.min_promoters": N_(
            "A company needs at least {min} promoters. Tick “Promoter” for at least {min} people."),
        "people.min_partners": N_("A partnership needs at least {min} partners."),
        "people.shares_sum": N_(
            "The shares listed add up to {total}, but the company has {expected} shares."),
        "people.contribution_sum": N_(
            "The contributions listed add up to {total} baht, but the registered capital is "
            "{expected} baht."),
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


def person_rows(data: Mapping[str, Any], group: str) -> list[tuple[int, dict[str, Any]]]:
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
        if any(str(v).strip() for k, v in row.items()
               if k not in ("nationality", "is_promoter", "can_sign"))
    ]


def read_person(r: Reader, row: dict[str, Any], prefix: str, *, with_details: bool) -> PersonData:
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


def identity_key(p: PersonData) -> str:
    return p.thai_id or f"{p.nationality}:{p.passport_no}"


def foreign_share_percent(people: list[Any]) -> Decimal:
    """Share of capital held by non-Thai nationals; 50% or more makes a 'foreign company'."""
    total = sum(p.shares or 0 for p in people)
    if not total:
        return Decimal(0)
    foreign = sum(p.shares or 0 for p in people if p.nationality != "TH")
    return (Decimal(foreign) * 100 / Decimal(total)).quantize(Decimal("0.01"))


# --- Values as typed ---------------------------------------------------------------------------


def _as_text(value: Any) -> Any:
    """A submitted value as the text the step's checks read; a JSON number or boolean is
    accepted where a form sends text. Anything else (an object) is left for Pydantic to refuse."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):  # a form field sent twice: the last one typed
        return _as_text(value[-1]) if value else ""
    if isinstance(value, (int, float, Decimal)):
        try:
            return str(value)
        except ValueError:  # an integer past Python's digit limit for text
            return value
    return value


def _as_flag(value: Any) -> bool:
    """A checkbox: the form sends "on" when ticked; JSON may send true, "yes" or 1."""
    return str(_as_text(value)).strip().lower() in {"on", "true", "1", "yes"}


Text = Annotated[str, BeforeValidator(_as_text)]
# Documented as what a client may send; held as the text the checks read.
WholeNumber = Annotated[str, BeforeValidator(_as_text), WithJsonSchema({
    "anyOf": [{"type": "integer"}, {"type": "string"}],
    "description": "A whole number, or its text as typed (1,000)."})]
Amount = Annotated[str, BeforeValidator(_as_text), WithJsonSchema({
    "anyOf": [{"type": "number"}, {"type": "string"}],
    "description": "A number, or its text as typed (10.50)."})]
YesNo = Annotated[str, BeforeValidator(_as_text), WithJsonSchema({
    "anyOf": [{"type": "boolean"}, {"enum": ["yes", "no", ""]}],
    "description": 'true or "yes", false or "no"; empty when not answered.'})]
Flag = Annotated[bool, BeforeValidator(_as_flag)]


def _form_text(value: Any) -> Any:
    if isinstance(value, bool):  # a checkbox the form shows ticked
        return "on" if value else ""
    return value


# --- People ------------------------------------------------------------------------------------


class IdentityRow(BaseModel):
    """A person named in the application: a Thai national by ID, anyone else by passport."""

    model_config = ConfigDict(extra="ignore")

    full_name: Text = ""
    nationality: Text = Field(default="", description="ISO 3166 alpha-2; TH when empty")
    thai_id: Text = Field(default="", description="13 digits, dashes allowed (Thai nationals)")
    passport_number: Text = Field(default="", description="Others' passport number")


class ShareholderRow(IdentityRow):
    age: WholeNumber = ""
    address: Text = ""
    shares: WholeNumber = Field(default="", description="Shares held (a company) or the "
                                "contribution in baht (a partnership)")
    is_promoter: Flag = False


class DirectorRow(IdentityRow):
    can_sign: Flag = False


class PromoterPick(BaseModel):
    """A promoter, by position on the promoters step, named a director with one tick."""

    model_config = ConfigDict(extra="ignore")

    is_director: Flag = False
    can_sign: Flag = False


class WitnessRow(IdentityRow):
    age: WholeNumber = ""
    address: Text = ""


def person_fields(p: Person) -> dict[str, Any]:
    """A saved person as a row of the form (the ID shown formatted, as it is typed)."""
    return {"full_name": p.full_name, "nationality": p.nationality,
            "thai_id": identity.format_pin(p.thai_id) if p.thai_id else "",
            "passport_number": p.passport_no, "age": p.age, "address": p.address,
            "shares": p.shares, "is_promoter": p.is_promoter, "can_sign": p.can_sign}


# --- The steps ---------------------------------------------------------------------------------


class StepForm(BaseModel):
    """One wizard step's input. `groups` name its lists of people, which the HTML form
    sends as flat fields (people-0-full_name) and JSON as a list of objects."""

    model_config = ConfigDict(extra="ignore")

    step: ClassVar[str]
    label: ClassVar[str]  # a message id (N_), the step's name in the wizard's progress bar
    groups: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="before")
    @classmethod
    def _rows_from_form_fields(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        data = dict(data)
        for group in cls.groups:
            rows: dict[int, dict[str, Any]] = {}
            for key in [k for k in data if isinstance(k, str) and k.startswith(f"{group}-")]:
                _group, index, name = (key.split("-", 2) + ["", ""])[:3]
                if index.isdecimal() and name:
                    value = data.pop(key)
                    if int(index) < MAX_PEOPLE_ROWS:
                        rows.setdefault(int(index), {})[name] = value
            if rows and group not in data:
                # A row keeps its index, so its errors name the field the form shows.
                data[group] = [rows.get(i, {}) for i in range(max(rows) + 1)]
        return data

    def form_values(self) -> dict[str, Any]:
        """The step as the HTML form's fields, as text: what the form shows and the checks read."""
        values: dict[str, Any] = {}
        for name, value in self:
            if isinstance(value, list):
                for i, row in enumerate(value):
                    values.update({f"{name}-{i}-{k}": _form_text(v) for k, v in row})
            else:
                values[name] = _form_text(value)
        return values

    @classmethod
    def stored(cls, application: Application,
               people: Mapping[PersonRole, list[Person]]) -> Self:
        """The saved draft, as the form shows it when the step is opened."""
        return cls.model_validate({name: getattr(application, name)
                                   for name in cls.model_fields})

    def use_saved_people(self, people: Mapping[PersonRole, list[Person]]) -> None:
        """Gives the step the people saved by earlier steps, before `check` (a step that
        refers to them, such as promoters made directors, reads them here)."""

    def check(self, application: Application) -> StepResult:
        """The step's rules: the values to store and the field errors, keyed by form field."""
        raise NotImplementedError
