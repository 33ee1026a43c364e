"""Opening cases: a submitted registration (handed over by flows.submission with its frozen
payload) and a licence application from the Biz Portal feed. Each new case's first delivery
goes into the outbox in the same transaction."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from core.clock import utcnow
from core.db import append_row, stored_id
from eec_bridge import search, topics
from eec_bridge.models import Case, CaseKind, CaseStatus
from eec_bridge.workflow import record, sla_due


def open_registration_case(session: Session, application_id: int,
                           submission: dict[str, Any]) -> int:
    """Opens the case of a submitted application and queues its delivery to Biz Portal;
    returns the case id. `submission` (eec_bridge.payloads.RegistrationSubmission) is kept on
    the case: everything the bridge later sends or shows comes from it."""
    eec = submission["eec"]
    case_id = append_row(
        session, Case, kind=CaseKind.company_registration, status=CaseStatus.submitted,
        application_id=application_id, reference=submission["reference"] or "",
        name_th=submission["name_th"], name_en=submission["name_en"],
        province_code=eec["province_code"] or submission["head_office"]["province_code"],
        estate_id=eec["estate_id"], target_industry=eec["target_industry"],
        operates_in_eec=bool(eec["operates_in_eec"]),
        requests_privileges=bool(eec["requests_privileges"]),
        submission=submission, sla_due_at=sla_due(CaseKind.company_registration, utcnow()),
        search_text=search.text_of(submission["reference"], submission["name_th"],
                                   submission["name_en"], submission=submission))
    topics.enqueue(session, case_id, topics.TOPIC_BIZPORTAL_REGISTRATION, submission)
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
                juristic_number=item.juristic_number, sla_due_at=sla_due(kind, utcnow()))
    session.add(case)
    session.flush()
    record(session, case, "event.licence_received")
    topics.enqueue(session, stored_id(case.id), topics.TOPIC_OSS_CASE,
                   {"source": "licence", "licence": item.as_dict()})
    return case
