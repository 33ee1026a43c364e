"""What the portal needs from EEC OSS, in our vocabulary: the `EecOssGateway` Protocol, the
case we send (`CaseDraft`) and what a case may be made of, and the frozen results; nothing
else. The HTTP implementation, and its construction from the Settings (`from_settings`), is
`eec_bridge.oss.adapter`; translation to and from OSS's schema is `eec_bridge.oss.mapping`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol, TypedDict, runtime_checkable


class CaseType(StrEnum):
    company_registration = "company_registration"
    factory_licence = "factory_licence"
    work_permit = "work_permit"
    investment_promotion = "investment_promotion"


class CaseState(StrEnum):
    received = "received"
    in_review = "in_review"
    info_requested = "info_requested"
    approved = "approved"
    rejected = "rejected"


class CaseDraft(TypedDict):
    """Our case for EEC OSS, JSON-ready for an outbox payload. Build it with
    mapping.case_from_registration() or mapping.case_from_licence_application()."""

    reference: str  # our reference: the application's, or the Biz Portal licence id
    case_type: str  # a CaseType value
    juristic_number: str
    name_th: str
    name_en: str
    province_code: str
    estate_id: str | None
    target_industry: str  # our code, core.eec.TARGET_INDUSTRIES
    requests_privileges: bool
    description_th: str
    description_en: str


@runtime_checkable
class LicenceSource(Protocol):
    """Anything that gives a licence application as the bridge freezes it in the outbox
    (eec_bridge.payloads.LicenceItem), as bizportal's LicenceApplication does; the adapter
    needs nothing from bizportal."""

    def as_dict(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class CaseReceipt:
    case_number: str
    state: CaseState


@dataclass(frozen=True)
class CaseStatus:
    case_number: str
    our_reference: str
    case_type: CaseType
    state: CaseState
    question_th: str | None
    question_en: str | None
    reason_th: str | None
    reason_en: str | None
    approval_number: str | None
    updated_at: datetime


@dataclass(frozen=True)
class StatusUpdate:
    """One case callback from EEC OSS, in our vocabulary. `event_id` is unique (deduplicate
    on it); `sequence` orders the events of one case (ignore an event whose sequence is not
    above the last one applied)."""

    event_id: str
    external_id: str  # the OSS case number, e.g. OSS-2026-000123
    our_reference: str  # what we sent as sourceReference
    case_type: CaseType
    status: CaseState
    sequence: int
    occurred_at: datetime
    juristic_number: str | None = None
    question_th: str | None = None  # set when status is info_requested
    question_en: str | None = None
    reason_th: str | None = None  # set when status is rejected
    reason_en: str | None = None
    approval_number: str | None = None  # set when status is approved


@runtime_checkable
class EecOssGateway(Protocol):
    """Every method raises core.http_adapters.TransientError (retry), RejectedError (the
    content was refused; `reasons` says why) or SchemaError (a reply we cannot read)."""

    def submit_case(self, message_id: str, case: Any,
                    callback_url: str | None = None) -> CaseReceipt:
        """`case` is a CaseDraft; or {"source": "registration", "registration":
        submission_payload(), "juristic_number": …}; or {"source": "licence", "licence":
        LicenceItem}; or a LicenceSource (a bizportal LicenceApplication) itself.
        `message_id` is the Idempotency-Key, so a retry never opens a second case."""
        ...

    def get_case(self, case_number: str) -> CaseStatus: ...

    def answer_question(self, message_id: str, case_number: str, text: str,
                        attachments: list[dict[str, str]] | None = None, *,
                        answer_th: str | None = None,
                        answer_en: str | None = None) -> CaseReceipt:
        """Answers an info_requested case; attachments are [{"sha256", "filename"}]."""
        ...

    def close(self) -> None: ...

