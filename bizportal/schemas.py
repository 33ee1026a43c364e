"""Biz Portal's side of the wire, as we define it (there is no public API): the request and
reply bodies of `/api/v1/...` and of its callbacks, camelCase as they travel. The sandbox
validates requests with these models and our client parses replies with them, so the
contract is written once."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from core.http_adapters import Text, Wire

# Juristic-type codes: the digit DBD puts fourth in a juristic person number for the type.
JuristicType = Literal["2", "3", "5", "7"]
RegistrationStatus = Literal["RECEIVED", "IN_REVIEW", "REGISTERED", "REJECTED"]
LicenceType = Literal["FACTORY_LICENCE", "WORK_PERMIT", "INVESTMENT_PROMOTION"]
LicenceStatus = Literal["SUBMITTED", "IN_REVIEW", "INFO_REQUESTED", "APPROVED", "REJECTED"]
# S-curve target industries numbered as EECO lists them; S99 is any other industry.
IndustryCode = Literal["S01", "S02", "S03", "S04", "S05", "S06", "S07", "S08", "S09", "S10",
                       "S11", "S99"]


# ---- registrations -----------------------------------------------------------------------


class Identification(Wire):
    type: Literal["CITIZEN_ID", "PASSPORT"]
    number: Text


class Address(Wire):
    house_no: Text
    street: str = ""
    subdistrict_code: Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
    district_code: Annotated[str, StringConstraints(pattern=r"^\d{4}$")]
    province_code: Annotated[str, StringConstraints(pattern=r"^\d{2}$")]
    postal_code: Annotated[str, StringConstraints(pattern=r"^\d{5}$")]
    phone: str = ""


class Capital(Wire):
    registered: int = Field(gt=0)
    shares: int = Field(gt=0)
    par_value: Decimal = Field(gt=0)
    paid_up_percent: Decimal = Field(gt=0, le=100)


class Person(Wire):
    full_name: Text
    nationality: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    identification: Identification


class Director(Person):
    authorised_signatory: bool = False


class Witness(Person):
    """Also the first fields of a shareholder: who signs the MoA states age and address."""

    age: int | None = Field(None, ge=0, le=150)
    address: str = ""


class Shareholder(Witness):
    shares: int | None = Field(None, ge=0)
    promoter: bool = False


class Attachment(Wire):
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    document_type: Text
    file_name: Text


class SigningRule(Wire):
    signatories_required: int = Field(ge=1)


class RegistrationRequest(Wire):
    external_reference: Text
    juristic_type: JuristicType
    name_th: Text
    name_en: Text
    head_office: Address
    objectives: list[Text] = Field(min_length=1)
    capital: Capital | None = None
    shareholders: list[Shareholder]
    directors: list[Director] = Field(min_length=1)
    witnesses: list[Witness]
    signing_rule: SigningRule | None = None
    attachments: list[Attachment] = []
    fee_amount: Decimal | None = None
    callback_url: str | None = None


class RegistrationAccepted(Wire):
    registration_id: Text
    status: RegistrationStatus


class Reason(Wire):
    code: str
    message_th: str
    message_en: str


class RegistrationFacts(Wire):
    """What a registration reply and a registration callback both say about it."""

    registration_id: Text
    external_reference: str
    status: RegistrationStatus
    juristic_person_number: str | None = None
    reasons: list[Reason] = []


class Registration(RegistrationFacts):
    name_th: str
    name_en: str
    submitted_at: datetime
    updated_at: datetime


class RegistrationEvent(RegistrationFacts):
    """The callback body Biz Portal POSTs to our webhook."""

    event_id: Text
    event_type: Literal["registration.status_changed"]
    sequence: int = Field(ge=1)
    occurred_at: datetime


# ---- licence applications (the feed) -----------------------------------------------------


class Applicant(Wire):
    juristic_person_number: Annotated[str, StringConstraints(pattern=r"^0\d{12}$")]
    name_th: Text
    name_en: Text


class Site(Wire):
    province_code: Annotated[str, StringConstraints(pattern=r"^\d{2}$")]
    estate_id: str | None = None


class LicenceApplication(Wire):
    application_id: Text
    licence_type: LicenceType
    applicant: Applicant
    site: Site
    target_industry: IndustryCode
    description_th: Text
    description_en: Text
    submitted_at: datetime
    status: LicenceStatus = "SUBMITTED"


class LicenceApplicationPage(Wire):
    items: list[LicenceApplication]
    next_cursor: Text
    has_more: bool


class LicenceStatusUpdate(Wire):
    status: Literal["IN_REVIEW", "INFO_REQUESTED", "APPROVED", "REJECTED"]
    note: str = Field("", max_length=2000)


class LicenceStatusAccepted(Wire):
    application_id: Text
    status: LicenceStatus
    accepted_at: datetime


# ---- errors ------------------------------------------------------------------------------


class FieldProblem(Wire):
    field: str = ""
    code: str
    message: str
    message_th: str = ""


class ErrorBody(Wire):
    errors: list[FieldProblem] = Field(min_length=1)
