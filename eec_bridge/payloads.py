"""One Pydantic model per outbox topic's payload. A payload is checked against its model when
it is written to the outbox (a wrong shape is our bug: the change is refused) and again when it
is delivered (a wrong shape parks the message). The stored JSON is the payload as given; the
models check it, they do not rewrite it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class _Payload(BaseModel):
    # Unknown keys would reach a partner unchecked: refuse them.
    model_config = ConfigDict(extra="forbid")


class HeadOffice(_Payload):
    house_no: str = ""
    street: str = ""
    subdistrict_code: str = ""
    district_code: str = ""
    province_code: str = ""
    postal_code: str = ""
    phone: str = ""


class Capital(_Payload):
    registered: int | None = None
    shares: int | None = None
    par_value: str | None = None  # Decimal as text, exact
    paid_up_percent: str | None = None


class SubmittedPerson(_Payload):
    full_name: str
    nationality: str = "TH"
    thai_id: str = ""
    passport_no: str = ""
    age: int | None = None
    address: str = ""
    shares: int | None = None
    is_promoter: bool = False
    can_sign: bool = False


class EecAnswers(_Payload):
    operates_in_eec: bool | None = None
    province_code: str = ""
    estate_id: str = ""
    target_industry: str = ""
    requests_privileges: bool | None = None


class SubmittedDocument(_Payload):
    sha256: str
    kind: str
    filename: str


class RegistrationSubmission(_Payload):
    """`bizportal.registration`: the application as submitted, frozen (Thai and English
    names both). The case keeps a copy, so the bridge never reads registration's tables."""

    reference: str | None
    entity_type: str
    name_th: str
    name_en: str
    head_office: HeadOffice
    objectives: str = ""
    capital: Capital
    people: dict[Literal["shareholder", "director", "witness"], list[SubmittedPerson]]
    signatories_required: int | None = None
    eec: EecAnswers
    documents: list[SubmittedDocument]
    fees_baht: str


class LicenceItem(_Payload):
    """A licence application from the Biz Portal feed (bizportal.gateway.LicenceApplication)."""

    id: str
    type: str
    status: str
    applicant_name_th: str
    applicant_name_en: str
    juristic_number: str
    province_code: str
    estate_id: str | None
    target_industry: str
    description_th: str
    description_en: str
    submitted_at: str


class OssCase(_Payload):
    """`eec_oss.case`: a registered company (its submission and juristic number) or a
    licence application, for EEC OSS."""

    source: Literal["registration", "licence"]
    registration: RegistrationSubmission | None = None
    juristic_number: str | None = None
    licence: LicenceItem | None = None


class Attachment(_Payload):
    sha256: str
    filename: str


class OssAnswer(_Payload):
    """`eec_oss.answer`: the applicant's answer to a question EEC OSS asked."""

    case_number: str | None
    text: str
    document_ids: list[int] = []
    attachments: list[Attachment] = []


class LicenceStatusUpdate(_Payload):
    """`bizportal.licence_status`: EEC OSS's decision on a licence application, for Biz Portal."""

    licence_id: str
    status: str
    note: str = ""


class MailNotification(_Payload):
    """An e-mail to an applicant, written in their language when the event happened."""

    notification_id: int
    to: str
    subject: str
    body: str
    lang: Literal["th", "en"] = "th"
