"""Case workflow: what happens to a submitted registration or a Biz Portal licence
application, from delivery to the final decision. Every state change goes through
`transition`, which also writes the timeline; callbacks never move a case backwards."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, event
from sqlmodel import Session, select

from eec_bridge.models import (FINAL_STATUSES, Case, CaseKind, CaseStatus, InfoRequest,
                               OutboxMessage, OutboxState)
from registration.models import (Application, ApplicationEvent, NameReservation,
                                 ReservationStatus)
from core.db import append_row
from core.errors import Conflict, FieldError, Invalid, N_, NotFound, register_messages
from core.clock import utcnow

# Service-level targets of the EEC Office desk per case type (policy, set here until the
# Office publishes its own manual under the Licensing Facilitation Act).
SLA = {
    CaseKind.company_registration: timedelta(days=3),
    CaseKind.factory_licence: timedelta(days=30),
    CaseKind.work_permit: timedelta(days=7),
    CaseKind.investment_promotion: timedelta(days=30),
}

TOPIC_BIZPORTAL_REGISTRATION = "bizportal.registration"
TOPIC_BIZPORTAL_LICENCE_STATUS = "bizportal.licence_status"
TOPIC_OSS_CASE = "eec_oss.case"
TOPIC_OSS_ANSWER = "eec_oss.answer"
DESTINATION = {TOPIC_BIZPORTAL_REGISTRATION: "bizportal",
               TOPIC_BIZPORTAL_LICENCE_STATUS: "bizportal",
               TOPIC_OSS_CASE: "eec_oss", TOPIC_OSS_ANSWER: "eec_oss"}

register_messages({
    **{f"case.kind.{k}": v for k, v in {
        "company_registration": N_("Company registration"),
        "factory_licence": N_("Factory licence"),
        "work_permit": N_("Work permit for foreign experts"),
        "investment_promotion": N_("Investment promotion"),
    }.items()},
    **{f"case.status.{k}": v for k, v in {
        "submitted": N_("Submitted"),
        "with_bizportal": N_("With Biz Portal"),
        "registered": N_("Registered"),
        "bizportal_rejected": N_("Rejected by the registrar"),
        "eec_review": N_("EEC officer review"),
        "info_requested": N_("More information needed"),
        "received": N_("Received from Biz Portal"),
        "with_eec_oss": N_("With EEC OSS"),
        "approved": N_("Approved"),
        "rejected": N_("Rejected"),
    }.items()},
    "event.sent_to_bizportal": N_("Delivered to Biz Portal (Department of Business Development), receipt {receipt}."),
    "event.bizportal_in_review": N_("Biz Portal is reviewing the registration."),
    "event.registered": N_("Company registered. Juristic person number {juristic_number}."),
    "event.bizportal_rejected": N_("The registrar rejected the registration: {reason}"),
    "event.eec_review": N_("An EEC officer reviews the request for EEC privileges."),
    "event.sent_to_eec_oss": N_("Delivered to EEC OSS, case number {case_number}."),
    "event.oss_in_review": N_("EEC OSS is reviewing the case."),
    "event.info_requested": N_("More information is needed: {question}"),
    "event.info_answered": N_("The applicant answered the request for information."),
    "event.approved": N_("Approved."),
    "event.approved_by_officer": N_("Approved by an EEC officer. Sending to EEC OSS."),
    "event.rejected": N_("Rejected: {reason}"),
    "event.assigned": N_("Assigned to {name}."),
    "event.delivery_problem": N_("Delivery problem: {reason}"),
    "event.licence_received": N_("Licence application received from Biz Portal."),
    "event.replayed": N_("An officer resent a parked message."),
    "case.not_open": N_("This case is closed or not waiting for this action."),
    "case.reason_required": N_("Give a reason."),
    "case.question_required": N_("Write the question for the applicant."),
    "case.answer_required": N_("Write your answer."),
})


def as_aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def is_overdue(case: Case, at: datetime | None = None) -> bool:
    return case.status not in FINAL_STATUSES and case.status != CaseStatus.registered \
        and as_aware(case.sla_due_at) < (at or utcnow())


def record(session: Session, case: Case, key: str, *, internal: bool = False,
           actor_id: int | None = None, **params: Any) -> None:
    append_row(session, ApplicationEvent, application_id=case.application_id, case_id=case.id,
               status=case.status, key=key, params=params, internal=internal,
               actor_id=actor_id)


def transition(session: Session, case: Case, status: CaseStatus, key: str, *,
               actor_id: int | None = None, **params: Any) -> None:
    case.status = status
    case.updated_at = utcnow()
    if status in FINAL_STATUSES or (status == CaseStatus.registered and not needs_eec_leg(case)):
        case.closed_at = case.updated_at
    session.add(case)
    record(session, case, key, actor_id=actor_id, **params)


def enqueue(session: Session, case_id: int, topic: str, payload: dict[str, Any]) -> str:
    """Written in the caller's transaction: the message exists if and only if the change
    does. Returns the message id. Once the transaction commits, the relay is woken."""
    session.info[OUTBOX_WRITTEN] = True
    return append_row(session, OutboxMessage, topic=topic, destination=DESTINATION[topic],
                      aggregate_type="case", aggregate_id=case_id, payload=payload)


OUTBOX_WRITTEN = "eec_bridge.outbox_written"


@event.listens_for(Session, "after_commit")
def _wake_relay(session: Session) -> None:
    if session.info.pop(OUTBOX_WRITTEN, False):
        from eec_bridge.relay import wake

        wake()


@event.listens_for(Session, "after_rollback")
def _nothing_to_wake_for(session: Session) -> None:
    session.info.pop(OUTBOX_WRITTEN, None)


def needs_eec_leg(case: Case) -> bool:
    return case.kind == CaseKind.company_registration and (
        case.operates_in_eec or case.requests_privileges)


# --- Opening cases ----------------------------------------------------------------------------


def open_registration_case(session: Session, application: Application,
                           payload: dict[str, Any]) -> int:
    """Opens the case of a submitted application and queues its delivery to Biz Portal;
    returns the case id."""
    case_id = append_row(
        session, Case, kind=CaseKind.company_registration, status=CaseStatus.submitted,
        application_id=application.id, reference=application.reference or "",
        name_th=application.name_th, name_en=application.name_en,
        province_code=application.eec_province_code or application.province_code,
        estate_id=application.estate_id, target_industry=application.target_industry,
        operates_in_eec=bool(application.operates_in_eec),
        requests_privileges=bool(application.requests_eec_privileges),
        sla_due_at=utcnow() + SLA[CaseKind.company_registration])
    enqueue(session, case_id, TOPIC_BIZPORTAL_REGISTRATION, payload)
    return case_id


def open_licence_case(session: Session, item: Any) -> Case | None:
    """A licence application from the Biz Portal feed; None when we already have it."""
    if session.exec(select(Case).where(Case.licence_id == item.id)).first():
        return None
    kind = CaseKind(item.type)
    case = Case(kind=kind, status=CaseStatus.received, licence_id=item.id, reference=item.id,
                name_th=item.applicant_name_th, name_en=item.applicant_name_en,
                province_code=item.province_code or "", estate_id=item.estate_id or "",
                target_industry=item.target_industry or "", operates_in_eec=True,
                juristic_number=item.juristic_number, sla_due_at=utcnow() + SLA[kind])
    session.add(case)
    session.flush()
    record(session, case, "event.licence_received")
    enqueue(session, case.id, TOPIC_OSS_CASE, {"source": "licence", "licence": item.as_dict()})
    return case


# --- Delivery receipts and callbacks ----------------------------------------------------------


def delivered_to_bizportal(session: Session, case: Case, registration_id: str) -> None:
    case.bizportal_id = registration_id
    if case.status == CaseStatus.submitted:
        transition(session, case, CaseStatus.with_bizportal, "event.sent_to_bizportal",
                   receipt=registration_id)
    else:
        session.add(case)


def delivered_to_oss(session: Session, case: Case, case_number: str) -> None:
    case.oss_case_number = case_number
    if case.status in (CaseStatus.registered, CaseStatus.received, CaseStatus.eec_review):
        transition(session, case, CaseStatus.with_eec_oss, "event.sent_to_eec_oss",
                   case_number=case_number)
    else:
        session.add(case)


def delivery_refused(session: Session, case: Case, reason: str) -> None:
    """A 4xx from the other side: no retry; the officer sees the problem on the case."""
    case.problem = reason[:2000]
    case.updated_at = utcnow()
    session.add(case)
    record(session, case, "event.delivery_problem", internal=True, reason=reason[:500])


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


def _payload_for_oss(session: Session, case: Case) -> dict[str, Any]:
    from registration.service import submission_payload

    application = session.get(Application, case.application_id)
    assert application is not None
    return {"source": "registration", "registration": submission_payload(session, application),
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
    from core.thai_ids import format_juristic_number
    from registration.models import RegisteredName
    from registration.names import normalise

    case.juristic_number = juristic_number
    case.certificate_code = secrets.token_urlsafe(16)
    transition(session, case, CaseStatus.registered, "event.registered",
               juristic_number=format_juristic_number(juristic_number))
    _mark_reservation_used(session, case)
    append_row(session, RegisteredName, entity_type=_entity_type(session, case),
               name_th=case.name_th, name_en=case.name_en, norm_th=normalise(case.name_th),
               norm_en=normalise(case.name_en), juristic_number=juristic_number)
    if case.requests_privileges:
        # Privileges need a human decision before the case goes on to EEC OSS.
        transition(session, case, CaseStatus.eec_review, "event.eec_review")
    elif case.operates_in_eec:
        enqueue(session, case.id, TOPIC_OSS_CASE, _payload_for_oss(session, case))


def _mark_reservation_used(session: Session, case: Case) -> None:
    """The name is on the register now; the reservation has done its work."""
    session.connection().execute(_RESERVATION_USED, {"application_id": case.application_id,
                                                     "status": ReservationStatus.used})


_RESERVATION_USED = NameReservation.__table__.update().where(  # type: ignore[attr-defined]
    NameReservation.__table__.c.id == select(Application.reservation_id)  # type: ignore[attr-defined]
    .where(Application.id == bindparam("application_id")).scalar_subquery())


def _entity_type(session: Session, case: Case) -> str:
    application = session.get(Application, case.application_id)
    return application.entity_type if application else "limited_company"


def apply_oss_update(session: Session, case: Case, update: Update) -> bool:
    """Applies an EEC OSS callback unless it is stale; decisions on licence applications
    travel back to Biz Portal."""
    if update.sequence <= case.oss_sequence or case.status in FINAL_STATUSES:
        return False
    if update.status == "in_review":
        record(session, case, "event.oss_in_review")
    elif update.status == "info_requested":
        session.add(InfoRequest(case_id=case.id, origin="eec_oss", question_th=update.question_th,
                                question_en=update.question_en))
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
        enqueue(session, case.id, TOPIC_BIZPORTAL_LICENCE_STATUS,
                {"licence_id": case.licence_id, "status": update.status,
                 "note": update.reason_en or update.question_en})
    return True


# --- Officer and applicant actions ------------------------------------------------------------


def get_case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound()
    return case


def assign(session: Session, case: Case, officer: Any) -> None:
    case.assignee_id = officer.id
    session.add(case)
    record(session, case, "event.assigned", internal=True, actor_id=officer.id,
           name=officer.full_name)


def open_request(session: Session, case: Case) -> InfoRequest | None:
    return session.exec(select(InfoRequest).where(
        InfoRequest.case_id == case.id, InfoRequest.answered_at.is_(None))  # type: ignore[union-attr]
        .order_by(InfoRequest.asked_at.desc())).first()  # type: ignore[attr-defined]


def request_info(session: Session, case: Case, officer: Any, question: str) -> InfoRequest:
    question = question.strip()[:2000]
    if not question:
        raise Invalid([FieldError("question", "case.question_required")])
    if case.status in FINAL_STATUSES or case.application_id is None:
        raise Conflict("case.not_open")
    request = InfoRequest(case_id=case.id, origin="officer", question_th=question,
                          question_en=question, asked_by_id=officer.id)
    session.add(request)
    transition(session, case, CaseStatus.info_requested, "event.info_requested",
               actor_id=officer.id, question=question, question_th=question)
    return request


def answer_info_request(session: Session, case: Case, answer: str,
                        document_ids: list[int]) -> None:
    request = open_request(session, case)
    if request is None or case.status != CaseStatus.info_requested:
        raise Conflict("case.not_open")
    answer = answer.strip()[:4000]
    if not answer:
        raise Invalid([FieldError("answer", "case.answer_required")])
    request.answer, request.answer_document_ids = answer, document_ids
    request.answered_at = utcnow()
    session.add(request)
    if request.origin == "eec_oss":
        transition(session, case, CaseStatus.with_eec_oss, "event.info_answered")
        enqueue(session, case.id, TOPIC_OSS_ANSWER,
                {"case_number": case.oss_case_number, "text": answer,
                 "document_ids": document_ids,
                 "attachments": _attachments(session, document_ids)})
    else:
        transition(session, case, CaseStatus.eec_review, "event.info_answered")


def _attachments(session: Session, document_ids: list[int]) -> list[dict[str, str]]:
    """The answer's files as EEC OSS takes them (delivery sends `attachments`)."""
    from registration.models import Document

    if not document_ids:
        return []
    documents = session.exec(select(Document).where(
        Document.id.in_(document_ids))).all()  # type: ignore[union-attr]
    return [{"sha256": d.sha256, "filename": d.filename} for d in documents]


def approve(session: Session, case: Case, officer: Any) -> None:
    if case.status != CaseStatus.eec_review:
        raise Conflict("case.not_open")
    record(session, case, "event.approved_by_officer", actor_id=officer.id)
    enqueue(session, case.id, TOPIC_OSS_CASE, _payload_for_oss(session, case))


def reject(session: Session, case: Case, officer: Any, reason: str) -> None:
    reason = reason.strip()[:1000]
    if not reason:
        raise Invalid([FieldError("reason", "case.reason_required")])
    if case.status not in (CaseStatus.eec_review, CaseStatus.info_requested):
        raise Conflict("case.not_open")
    transition(session, case, CaseStatus.rejected, "event.rejected", actor_id=officer.id,
               reason=reason, reason_th=reason)


def replay(session: Session, message: OutboxMessage, officer: Any) -> None:
    """Puts a parked (dead-letter) message back in line, with the same id."""
    if message.state not in (OutboxState.parked, OutboxState.rejected):
        raise Conflict("case.not_open")
    message.state = OutboxState.pending
    message.attempts = 0
    message.next_attempt_at = utcnow()
    session.add(message)
    case = session.get(Case, message.aggregate_id)
    if case is not None:
        case.problem = ""
        session.add(case)
        record(session, case, "event.replayed", internal=True, actor_id=officer.id)
