"""One Pydantic model per wizard step, and the registration API's request and response bodies.

A step's model is both the fields of its HTML form (people-0-full_name …) and the body of
PUT /api/v1/applications/{id}/{step} (people as a JSON list): `read_step_form` reads either,
`StepForm.stored` loads the saved draft, `StepForm.form_values` gives the form's text and
`StepForm.check` runs the step's rules (registration.steps), whose field errors carry message
keys. Values stay as typed (a number may come as 1000 or "1,000"), so a wrong one is a field
error with its own message next to the field, never a refusal of the whole form.
Adding a wizard step: a model here, an entry in STEP_FORMS, its rules in steps.py, a template."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Self

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, ValidationError,
                      WithJsonSchema, model_validator)

from registration import identity, steps
from registration.models import Application, Person, PersonRole
from web.errors import FieldError, Invalid, NotFound

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


def _typed(schema: dict[str, Any]) -> Any:
    return Annotated[str, BeforeValidator(_as_text), WithJsonSchema(schema)]


Text = Annotated[str, BeforeValidator(_as_text)]
WholeNumber = _typed({"anyOf": [{"type": "integer"}, {"type": "string"}],
                      "description": "A whole number, or its text as typed (1,000)."})
Amount = _typed({"anyOf": [{"type": "number"}, {"type": "string"}],
                 "description": "A number, or its text as typed (10.50)."})
YesNo = _typed({"anyOf": [{"type": "boolean"}, {"enum": ["yes", "no", ""]}],
                "description": "true or \"yes\", false or \"no\"; empty when not answered."})
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


class WitnessRow(IdentityRow):
    age: WholeNumber = ""
    address: Text = ""


def _person_fields(p: Person) -> dict[str, Any]:
    """A saved person as a row of the form (the ID shown formatted, as it is typed)."""
    return {"full_name": p.full_name, "nationality": p.nationality,
            "thai_id": identity.format_pin(p.thai_id) if p.thai_id else "",
            "passport_number": p.passport_no, "age": p.age, "address": p.address,
            "shares": p.shares, "is_promoter": p.is_promoter, "can_sign": p.can_sign}


def _people(max_items: int = steps.MAX_PEOPLE_ROWS) -> Any:
    return Field(default_factory=list, max_length=max_items)


# --- The steps ---------------------------------------------------------------------------------


class StepForm(BaseModel):
    """One wizard step's input. `groups` name its lists of people, which the HTML form
    sends as flat fields (people-0-full_name) and JSON as a list of objects."""

    model_config = ConfigDict(extra="ignore")

    step: ClassVar[str]
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
                    if int(index) < steps.MAX_PEOPLE_ROWS:
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

    def check(self, application: Application) -> steps.StepResult:
        raise NotImplementedError


class OfficeForm(StepForm):
    """The head office (สำนักงานใหญ่): an address by province, district and subdistrict code."""

    step: ClassVar[str] = "office"

    house_no: Text = ""
    street: Text = ""
    province_code: Text = ""
    district_code: Text = ""
    subdistrict_code: Text = ""
    postal_code: Text = ""
    phone: Text = ""

    def check(self, application: Application) -> steps.StepResult:
        return steps.read_office(self.form_values(), application.entity_type)


class CapitalForm(StepForm):
    """Objectives and capital; shares and par value only for a company."""

    step: ClassVar[str] = "capital"

    objectives: Text = ""
    registered_capital: WholeNumber = ""
    share_count: WholeNumber = ""
    par_value: Amount = ""
    paid_up_percent: Amount = ""

    def check(self, application: Application) -> steps.StepResult:
        return steps.read_capital(self.form_values(), application.entity_type)


class PeopleForm(StepForm):
    """Promoters and shareholders (or a partnership's partners)."""

    step: ClassVar[str] = "people"
    groups: ClassVar[tuple[str, ...]] = ("people",)

    people: list[ShareholderRow] = _people()

    @classmethod
    def stored(cls, application: Application,
               people: Mapping[PersonRole, list[Person]]) -> Self:
        return cls.model_validate(
            {"people": [_person_fields(p) for p in people[PersonRole.shareholder]]})

    def check(self, application: Application) -> steps.StepResult:
        return steps.read_people(self.form_values(), application.entity_type,
                                 application.share_count, application.registered_capital)


class DirectorsForm(StepForm):
    """Directors, how many must sign together, and the two witnesses."""

    step: ClassVar[str] = "directors"
    groups: ClassVar[tuple[str, ...]] = ("directors", "witnesses")

    directors: list[DirectorRow] = _people()
    signatories_required: WholeNumber = ""
    signing_rule_note: Text = ""
    witnesses: list[WitnessRow] = Field(default_factory=list, max_length=steps.MAX_PEOPLE_ROWS,
                                        description=f"The first {steps.WITNESSES} are read")

    @classmethod
    def stored(cls, application: Application,
               people: Mapping[PersonRole, list[Person]]) -> Self:
        return cls.model_validate({
            "directors": [_person_fields(p) for p in people[PersonRole.director]],
            "witnesses": [_person_fields(p) for p in people[PersonRole.witness]],
            "signatories_required": application.signatories_required or "",
            "signing_rule_note": application.signing_rule_note})

    def check(self, application: Application) -> steps.StepResult:
        return steps.read_directors(self.form_values(), application.entity_type)


class EecForm(StepForm):
    """Where in the EEC the business operates, and whether it asks for EEC privileges."""

    step: ClassVar[str] = "eec"

    operates_in_eec: YesNo = ""
    requests_eec_privileges: YesNo = ""
    eec_province_code: Text = ""
    estate_id: Text = ""
    target_industry: Text = ""

    def check(self, application: Application) -> steps.StepResult:
        return steps.read_eec(self.form_values(), application.entity_type)


# The steps with a form, in wizard order (documents and review have none).
STEP_FORMS: dict[str, type[StepForm]] = {
    form.step: form for form in (OfficeForm, CapitalForm, PeopleForm, DirectorsForm, EecForm)}


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
    status: str
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
    status: str
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

