"""Case workflow: the states a case goes through, its service-level target and its timeline.
The target is counted in Thai working days (core.working_days); its clock stops while the
case waits for the applicant's answer and the due time moves on by the working time it
stood still.
Every state change goes through `transition`, which also writes the timeline line (through
the CaseEventRecorded event, since the timeline table belongs to registration); the delivery
receipts that move a case on live here too. Callbacks never move a case backwards."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from core.clock import utcnow
from core.errors import N_, NotFound, register_messages
from core.events import publish
from core.working_days import (
    Countdown,
    add_working_days,
    add_working_time,
    countdown,
    stopped,
    working_time_between,
)
from eec_bridge.events import CaseEventRecorded
from eec_bridge.models import FINAL_STATUSES, Case, CaseKind, CaseStatus

# Service-level targets of the EEC Office desk per case type, in working days as the licensing
# manuals under the Licensing Facilitation Act count them (policy, set here until the Office
# publishes its own manual).
SLA_WORKING_DAYS = {
    CaseKind.company_registration: 3,
    CaseKind.factory_licence: 30,
    CaseKind.work_permit: 7,
    CaseKind.investment_promotion: 30,
}

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
    # Not a stored status: what a case in eec_review shows once an officer approved it and
    # until EEC OSS takes it (eec_bridge.actions.shown_status).
    "case.status.approved_by_officer": N_("Approved, sending to EEC OSS"),
    "event.sent_to_bizportal": N_(
        "Delivered to Biz Portal (Department of Business Development), receipt {receipt}."),
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


def sla_due(kind: CaseKind, opened_at: datetime) -> datetime:
    return add_working_days(opened_at, SLA_WORKING_DAYS[kind])


def is_open(case: Case) -> bool:
    return case.status not in FINAL_STATUSES and case.status != CaseStatus.registered


def is_overdue(case: Case, at: datetime | None = None) -> bool:
    """Open and past its due time; a stopped clock counts up to the moment it stopped."""
    clock = as_aware(case.sla_paused_at) if case.sla_paused_at else (at or utcnow())
    return is_open(case) and as_aware(case.sla_due_at) < clock


def sla_countdown(case: Case, at: datetime | None = None) -> Countdown | None:
    """What the desk shows next to the due time; None once the case is closed."""
    if not is_open(case):
        return None
    if case.sla_paused_at is not None:
        return stopped()
    return countdown(case.sla_due_at, at or utcnow())


def stop_clock(case: Case, at: datetime) -> None:
    if case.sla_paused_at is None:
        case.sla_paused_at = at


def restart_clock(case: Case, at: datetime) -> None:
    """The due time moves on by exactly the working time the clock stood still."""
    if case.sla_paused_at is None:
        return
    paused = working_time_between(as_aware(case.sla_paused_at), at)
    case.sla_due_at = add_working_time(as_aware(case.sla_due_at), paused)
    case.sla_paused_at = None


def get_case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound()
    return case


def needs_eec_leg(case: Case) -> bool:
    return case.kind == CaseKind.company_registration and (
        case.operates_in_eec or case.requests_privileges)


def record(session: Session, case: Case, key: str, *, internal: bool = False,
           actor_id: int | None = None, **params: Any) -> None:
    publish(session, CaseEventRecorded(
        application_id=case.application_id, case_id=case.id, status=case.status, key=key,
        params=params, internal=internal, actor_id=actor_id))


def set_status(session: Session, case: Case, status: CaseStatus) -> None:
    """The state change alone; `transition` is this plus its timeline line. Waiting for the
    applicant stops the SLA clock; any move out of it starts the clock again."""
    now = utcnow()
    if status == CaseStatus.info_requested:
        stop_clock(case, now)
    elif case.status == CaseStatus.info_requested:
        restart_clock(case, now)
    case.status = status
    case.updated_at = now
    if status in FINAL_STATUSES or (status == CaseStatus.registered and not needs_eec_leg(case)):
        case.closed_at = case.updated_at
    session.add(case)


def transition(session: Session, case: Case, status: CaseStatus, key: str, *,
               actor_id: int | None = None, **params: Any) -> None:
    set_status(session, case, status)
    record(session, case, key, actor_id=actor_id, **params)


# --- Delivery receipts ------------------------------------------------------------------------


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
