"""Status callbacks from Biz Portal and EEC OSS, in our vocabulary (`Update`), applied to a
case unless they are stale. A company registered at Biz Portal is announced to the rest of the
portal as CompanyRegistered; decisions on licence applications travel back to Biz Portal."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from core.db import stored_id
from core.events import publish
from eec_bridge import topics
from eec_bridge.events import CompanyRegistered
from eec_bridge.models import FINAL_STATUSES, Case, CaseStatus, InfoRequest
from eec_bridge.workflow import record, set_status, transition


@dataclass(frozen=True)
class Update:
    """A status update from either outside system, in our vocabulary."""

    event_id: str
    sequence: int
    status: str
    juristic_number: str | None = None
    reason_th: str = ""
    reason_en: str = ""
    question_th: str = ""
    question_en: str = ""


def payload_for_oss(case: Case) -> dict[str, Any]:
    """A registered company for EEC OSS: what was submitted, and the number it was given."""
    return {"source": "registration", "registration": case.submission,
            "juristic_number": case.juristic_number}


def apply_bizportal_update(session: Session, case: Case, update: Update) -> bool:
    """Applies a Biz Portal callback unless it is older than what we know. True if applied;
    only an applied update advances the sequence, so a corrected resend still counts."""
    if update.sequence <= case.bizportal_sequence or case.status not in (
            CaseStatus.submitted, CaseStatus.with_bizportal):
        return False
    if update.status == "in_review":
        if case.status == CaseStatus.submitted:
            transition(session, case, CaseStatus.with_bizportal, "event.bizportal_in_review")
        else:
            record(session, case, "event.bizportal_in_review")
    elif update.status == "registered" and update.juristic_number:
        register_company(session, case, update.juristic_number)
    elif update.status == "rejected":
        transition(session, case, CaseStatus.bizportal_rejected, "event.bizportal_rejected",
                   reason=update.reason_en, reason_th=update.reason_th)
    else:
        return False
    case.bizportal_sequence = update.sequence
    session.add(case)
    return True


def register_company(session: Session, case: Case, juristic_number: str) -> None:
    case.juristic_number = juristic_number
    case.certificate_code = secrets.token_urlsafe(16)
    set_status(session, case, CaseStatus.registered)
    # Registration writes the 'event.registered' line, marks the name reservation used and
    # puts the name on the register (flows subscribes it).
    publish(session, CompanyRegistered(
        application_id=case.application_id, case_id=stored_id(case.id), status=case.status,
        juristic_number=juristic_number, name_th=case.name_th, name_en=case.name_en))
    if case.requests_privileges:
        # Privileges need a human decision before the case goes on to EEC OSS.
        transition(session, case, CaseStatus.eec_review, "event.eec_review")
    elif case.operates_in_eec:
        topics.enqueue(session, stored_id(case.id), topics.TOPIC_OSS_CASE, payload_for_oss(case))


def apply_oss_update(session: Session, case: Case, update: Update) -> bool:
    """Applies an EEC OSS callback unless it is stale; decisions on licence applications
    travel back to Biz Portal."""
    if update.sequence <= case.oss_sequence or case.status in FINAL_STATUSES:
        return False
    if update.status == "in_review":
        record(session, case, "event.oss_in_review")
    elif update.status == "info_requested":
        session.add(InfoRequest(case_id=stored_id(case.id), origin="eec_oss",
                                question_th=update.question_th, question_en=update.question_en))
        transition(session, case, CaseStatus.info_requested, "event.info_requested",
                   question=update.question_en, question_th=update.question_th)
    elif update.status == "approved":
        transition(session, case, CaseStatus.approved, "event.approved")
    elif update.status == "rejected":
        transition(session, case, CaseStatus.rejected, "event.rejected",
                   reason=update.reason_en, reason_th=update.reason_th)
    else:
        return False
    case.oss_sequence = update.sequence
    session.add(case)
    if case.licence_id and update.status != "in_review":
        topics.enqueue(session, stored_id(case.id), topics.TOPIC_BIZPORTAL_LICENCE_STATUS,
                       {"licence_id": case.licence_id, "status": update.status,
                        "note": update.reason_en or update.question_en})
    return True
