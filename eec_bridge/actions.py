"""What people do to a case: an officer assigns it, asks the applicant for more information,
approves or rejects it, or puts a parked message back in line; the applicant answers a
request for information (handed over by flows.application_status, with the answer's files)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from core.clock import utcnow
from core.db import stored_id
from core.errors import Conflict, FieldError, Invalid
from eec_bridge import topics
from eec_bridge.callbacks import payload_for_oss
from eec_bridge.models import (
    FINAL_STATUSES,
    Case,
    CaseStatus,
    InfoRequest,
    OutboxMessage,
    OutboxState,
)
from eec_bridge.workflow import record, transition


def assign(session: Session, case: Case, officer: Any, by: Any | None = None) -> None:
    """Gives the case to `officer`; `by` is who did it, when a supervisor hands it on."""
    case.assignee_id = officer.id
    session.add(case)
    record(session, case, "event.assigned", internal=True, actor_id=(by or officer).id,
           name=officer.full_name)


# The status word of an approved case on its way to EEC OSS (eec_bridge.workflow's messages).
APPROVED_BY_OFFICER = "approved_by_officer"


def handed_to_oss(session: Session, case: Case) -> bool:
    """The case's message to EEC OSS is in the outbox (an officer's approval writes it, and so
    does a registration that needs no decision): from then on EEC OSS decides, not the desk."""
    return stored_id(case.id) in handed_to_oss_among(session, [stored_id(case.id)])


def handed_to_oss_among(session: Session, case_ids: list[int]) -> set[int]:
    """Of these cases, those whose message to EEC OSS is in the outbox (one query, for a list)."""
    if not case_ids:
        return set()
    return set(session.exec(select(OutboxMessage.aggregate_id).where(
        col(OutboxMessage.aggregate_id).in_(case_ids),
        OutboxMessage.topic == topics.TOPIC_OSS_CASE)).all())


def shown_statuses(session: Session, cases: list[Case]) -> dict[int, str]:
    """`shown_status` of each case of a list, by case id."""
    handed = handed_to_oss_among(session, [stored_id(c.id) for c in cases
                                           if c.status == CaseStatus.eec_review])
    return {stored_id(c.id): APPROVED_BY_OFFICER if stored_id(c.id) in handed else c.status
            for c in cases}


def shown_status(session: Session, case: Case) -> str:
    """The status people read: an approved case stays in eec_review until EEC OSS gives it a
    case number (workflow.delivered_to_oss), but it is decided and says so meanwhile."""
    return shown_statuses(session, [case])[stored_id(case.id)]


def open_request(session: Session, case: Case) -> InfoRequest | None:
    return session.exec(select(InfoRequest).where(
        InfoRequest.case_id == case.id, col(InfoRequest.answered_at).is_(None))
        .order_by(col(InfoRequest.asked_at).desc())).first()


def request_info(session: Session, case: Case, officer: Any, question: str) -> InfoRequest:
    question = question.strip()[:2000]
    if not question:
        raise Invalid([FieldError("question", "case.question_required")])
    if case.status in FINAL_STATUSES or case.application_id is None or \
            handed_to_oss(session, case):
        raise Conflict("case.not_open")
    request = InfoRequest(case_id=stored_id(case.id), origin="officer", question_th=question,
                          question_en=question, asked_by_id=officer.id)
    session.add(request)
    transition(session, case, CaseStatus.info_requested, "event.info_requested",
               actor_id=officer.id, question=question, question_th=question)
    return request


def answer_info_request(session: Session, case: Case, answer: str,
                        documents: list[dict[str, Any]]) -> InfoRequest:
    """`documents`: the files sent with the answer, each {"id", "sha256", "kind", "filename"}.
    They join the case's copy of the submission, so a later delivery to EEC OSS lists them.
    Returns the request it answered."""
    request = open_request(session, case)
    if request is None or case.status != CaseStatus.info_requested:
        raise Conflict("case.not_open")
    answer = answer.strip()[:4000]
    if not answer:
        raise Invalid([FieldError("answer", "case.answer_required")])
    document_ids = [d["id"] for d in documents]
    request.answer, request.answer_document_ids = answer, document_ids
    request.answered_at = utcnow()
    session.add(request)
    _add_to_submission(session, case, documents)
    if request.origin == "eec_oss":
        transition(session, case, CaseStatus.with_eec_oss, "event.info_answered")
        topics.enqueue(session, stored_id(case.id), topics.TOPIC_OSS_ANSWER,
                       {"case_number": case.oss_case_number, "text": answer,
                        "document_ids": document_ids,
                        "attachments": [{"sha256": d["sha256"], "filename": d["filename"]}
                                        for d in documents]})
    else:
        transition(session, case, CaseStatus.eec_review, "event.info_answered")
    return request


def _add_to_submission(session: Session, case: Case, documents: list[dict[str, Any]]) -> None:
    """The application's documents list, as registration would list it now (a file already
    attached for the same purpose is listed once)."""
    if not documents or case.submission is None:
        return
    listed = list(case.submission.get("documents", []))
    for d in documents:
        entry = {"sha256": d["sha256"], "kind": d["kind"], "filename": d["filename"]}
        if not any(e["sha256"] == entry["sha256"] and e["kind"] == entry["kind"] for e in listed):
            listed.append(entry)
    # A new dict, so the JSON column is seen as changed.
    case.submission = {**case.submission, "documents": listed}
    session.add(case)


def approve(session: Session, case: Case, officer: Any) -> None:
    if case.status != CaseStatus.eec_review or handed_to_oss(session, case):  # approved once
        raise Conflict("case.not_open")
    record(session, case, "event.approved_by_officer", actor_id=officer.id)
    topics.enqueue(session, stored_id(case.id), topics.TOPIC_OSS_CASE, payload_for_oss(case))


def reject(session: Session, case: Case, officer: Any, reason: str) -> None:
    reason = reason.strip()[:1000]
    if not reason:
        raise Invalid([FieldError("reason", "case.reason_required")])
    if case.status not in (CaseStatus.eec_review, CaseStatus.info_requested) or \
            handed_to_oss(session, case):
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
