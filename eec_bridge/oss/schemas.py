"""EEC OSS's side of the wire, as we define it (there is no public API): OAuth2 token reply,
case and answer bodies, callbacks and RFC 7807 problem details, camelCase as they travel.
The sandbox validates requests with these models and our client parses replies with them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from core.http_adapters import Text, Wire

CaseType = Literal["COMPANY_REGISTRATION", "FACTORY_LICENCE", "WORK_PERMIT",
                   "INVESTMENT_PROMOTION"]
CaseState = Literal["RECEIVED", "IN_REVIEW", "INFO_REQUESTED", "APPROVED", "REJECTED"]
ProvinceCode = Literal["20", "21", "24"]  # the three EEC provinces (DOPA codes)
Industry = Literal["NEXT_GEN_AUTOMOTIVE", "SMART_ELECTRONICS", "MEDICAL_WELLNESS_TOURISM",
                   "AGRICULTURE_BIOTECHNOLOGY", "FOOD_FOR_THE_FUTURE", "ROBOTICS",
                   "AVIATION_LOGISTICS", "BIOFUELS_BIOCHEMICALS", "DIGITAL", "MEDICAL_HUB",
                   "DEFENCE", "OTHER"]


class TokenReply(BaseModel):
    """RFC 6749 section 5.1, snake_case as the RFC spells it."""

    access_token: Text
    token_type: Literal["Bearer", "bearer"]
    expires_in: int = Field(gt=0)


class Investor(Wire):
    juristic_number: Annotated[str, StringConstraints(pattern=r"^0\d{12}$")]
    name_th: Text
    name_en: Text


class Project(Wire):
    province_code: ProvinceCode
    estate_id: str | None = None
    target_industry: Industry
    requests_privileges: bool = False
    description_th: Text
    description_en: Text


class CaseRequest(Wire):
    source_system: Text
    source_reference: Text
    case_type: CaseType
    investor: Investor
    project: Project
    callback_url: str | None = None


class CaseAccepted(Wire):
    case_number: Text
    state: CaseState


class Bilingual(Wire):
    th: str
    en: str


class CaseFacts(Wire):
    """What a case reply and a case callback both say about the case."""

    case_number: Text
    source_reference: str
    case_type: CaseType
    state: CaseState
    question: Bilingual | None = None
    reason: Bilingual | None = None
    approval_number: str | None = None


class Case(CaseFacts):
    created_at: datetime
    updated_at: datetime


class Attachment(Wire):
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    filename: Text


class AnswerRequest(Wire):
    answer_th: str | None = None
    answer_en: str | None = None
    text: Text
    attachments: list[Attachment] = []


class AnswerAccepted(Wire):
    case_number: Text
    state: CaseState


class CaseEvent(CaseFacts):
    """The callback body EEC OSS POSTs to our webhook."""

    event_id: Text
    event_type: Literal["case.state_changed"]
    sequence: int = Field(ge=1)
    juristic_number: str | None = None
    occurred_at: datetime


class InvalidParam(Wire):
    name: str
    reason: str


class Problem(Wire):
    """RFC 7807 problem details (application/problem+json)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    invalid_params: list[InvalidParam] = []
