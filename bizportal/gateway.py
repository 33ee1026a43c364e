"""What the portal needs from Biz Portal, in our vocabulary: the `BizPortalGateway` Protocol
and the frozen results it returns, nothing else. The HTTP implementation, and its
construction from the Settings (`from_settings`), is `bizportal.adapter`; the translation
to and from Biz Portal's schema is `bizportal.mapping`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable


class RegistrationStatus(StrEnum):
    received = "received"
    in_review = "in_review"
    registered = "registered"
    rejected = "rejected"


class LicenceType(StrEnum):
    factory_licence = "factory_licence"
    work_permit = "work_permit"
    investment_promotion = "investment_promotion"


class LicenceStatus(StrEnum):
    submitted = "submitted"
    in_review = "in_review"
    info_requested = "info_requested"
    approved = "approved"
    rejected = "rejected"


@dataclass(frozen=True)
class RegistrationReceipt:
    registration_id: str
    status: RegistrationStatus


@dataclass(frozen=True)
class RegistrationState:
    registration_id: str
    our_reference: str
    status: RegistrationStatus
    name_th: str
    name_en: str
    juristic_number: str | None
    reasons_th: tuple[str, ...]
    reasons_en: tuple[str, ...]
    updated_at: datetime


@dataclass(frozen=True)
class LicenceApplication:
    """An EEC-relevant licence application filed on Biz Portal, as our feed item."""

    id: str
    type: LicenceType
    status: LicenceStatus
    applicant_name_th: str
    applicant_name_en: str
    juristic_number: str
    province_code: str
    estate_id: str | None
    target_industry: str  # our code, core.eec.TARGET_INDUSTRIES
    description_th: str
    description_en: str
    submitted_at: datetime

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, for an outbox payload; the bridge reads it back as its LicenceItem
        (eec_bridge/payloads.py), so keep the two alike."""
        return {"id": self.id, "type": self.type.value,
                "status": self.status.value, "applicant_name_th": self.applicant_name_th,
                "applicant_name_en": self.applicant_name_en,
                "juristic_number": self.juristic_number, "province_code": self.province_code,
                "estate_id": self.estate_id, "target_industry": self.target_industry,
                "description_th": self.description_th, "description_en": self.description_en,
                "submitted_at": self.submitted_at.isoformat()}


@dataclass(frozen=True)
class LicenceFeedPage:
    items: list[LicenceApplication]
    next_cursor: str  # pass back to fetch the next page; stable when nothing new came in
    has_more: bool


@dataclass(frozen=True)
class LicenceStatusReceipt:
    licence_id: str
    status: LicenceStatus


@dataclass(frozen=True)
class StatusUpdate:
    """One registration callback from Biz Portal, in our vocabulary. `event_id` is unique
    (deduplicate on it); `sequence` orders the events of one registration (ignore an event
    whose sequence is not above the last one applied)."""

    event_id: str
    external_id: str  # Biz Portal's registrationId
    our_reference: str  # our application reference, e.g. REG-2026-000123
    status: RegistrationStatus
    sequence: int
    occurred_at: datetime
    juristic_number: str | None = None  # set when status is registered
    reasons_th: tuple[str, ...] = ()  # set when status is rejected
    reasons_en: tuple[str, ...] = ()


@runtime_checkable
class BizPortalGateway(Protocol):
    """Every method raises core.http_adapters.TransientError (retry), RejectedError (the
    content was refused; `reasons` says why) or SchemaError (a reply we cannot read)."""

    def submit_registration(self, message_id: str, payload: dict[str, Any],
                            callback_url: str | None = None) -> RegistrationReceipt:
        """Sends registration.service.submission_payload(); `message_id` is the
        Idempotency-Key, so a retry never registers twice."""
        ...

    def get_registration(self, registration_id: str) -> RegistrationState: ...

    def fetch_licence_applications(self, cursor: str | None = None,
                                   limit: int = 50) -> LicenceFeedPage: ...

    def update_licence_status(self, message_id: str, licence_id: str, status: str,
                              note: str = "") -> LicenceStatusReceipt: ...

    def close(self) -> None: ...

