"""Our schema ⇄ EEC OSS's, as pure functions (eec_bridge/MAPPING.md has the tables).
Outbound: a registration payload plus its juristic number, or a Biz Portal licence
application → CaseDraft → CaseRequest body; inbound: OSS replies and callbacks → the
dataclasses of eec_bridge.oss.gateway."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from core.http_adapters import decode_json, validate
from eec_bridge.oss import schemas
from eec_bridge.oss.gateway import (
    CaseDraft,
    CaseReceipt,
    CaseState,
    CaseStatus,
    CaseType,
    LicenceSource,
    StatusUpdate,
)

SOURCE_SYSTEM = "EEC-BUSINESS-ONE-STOP"
CALLBACK = "EEC OSS callback"

# Our target-industry codes (core.eec.TARGET_INDUSTRIES) ⇄ OSS's.
INDUSTRIES: dict[str, str] = {
    "next_gen_automotive": "NEXT_GEN_AUTOMOTIVE",
    "smart_electronics": "SMART_ELECTRONICS",
    "medical_wellness_tourism": "MEDICAL_WELLNESS_TOURISM",
    "agriculture_biotech": "AGRICULTURE_BIOTECHNOLOGY",
    "food_for_future": "FOOD_FOR_THE_FUTURE",
    "robotics": "ROBOTICS",
    "aviation_logistics": "AVIATION_LOGISTICS",
    "biofuels_biochemicals": "BIOFUELS_BIOCHEMICALS",
    "digital": "DIGITAL",
    "medical_hub": "MEDICAL_HUB",
    "defence": "DEFENCE",
    "other": "OTHER",
}
INDUSTRIES_FROM_OSS = {code: ours for ours, code in INDUSTRIES.items()}
CASE_TYPES: dict[str, CaseType] = {t.value.upper(): t for t in CaseType}
CASE_STATES: dict[str, CaseState] = {s.value.upper(): s for s in CaseState}


def case_from_registration(payload: Mapping[str, Any], juristic_number: str) -> CaseDraft:
    """A registered company (submission_payload() + the number Biz Portal issued) → the
    COMPANY_REGISTRATION case EEC OSS is told about."""
    eec = payload.get("eec") or {}
    office = payload.get("head_office") or {}
    objectives = " ".join((payload.get("objectives") or "").split())
    name_th, name_en = payload.get("name_th") or "", payload.get("name_en") or ""
    return CaseDraft(
        reference=payload.get("reference") or "",
        case_type=CaseType.company_registration.value,
        juristic_number=juristic_number,
        name_th=name_th, name_en=name_en,
        province_code=eec.get("province_code") or office.get("province_code") or "",
        estate_id=eec.get("estate_id") or None,
        target_industry=eec.get("target_industry") or "other",
        requests_privileges=bool(eec.get("requests_privileges")),
        # Our objectives are one text in the applicant's words; both descriptions carry it.
        description_th=f"จดทะเบียนนิติบุคคล {name_th} เพื่อประกอบกิจการในเขตพัฒนาพิเศษ"
                       f"ภาคตะวันออก วัตถุประสงค์: {objectives}",
        description_en=f"Registration of {name_en} to do business in the Eastern Economic "
                       f"Corridor. Objectives: {objectives}",
    )


def case_from_licence_application(application: LicenceSource | Mapping[str, Any]
                                  ) -> CaseDraft:
    """A licence application filed on Biz Portal (a payloads.LicenceItem as a mapping, or
    what gives one) → the OSS case of the same type."""
    app = application if isinstance(application, Mapping) else application.as_dict()
    return CaseDraft(
        reference=app["id"], case_type=CaseType(app["type"]).value,
        juristic_number=app["juristic_number"],
        name_th=app["applicant_name_th"], name_en=app["applicant_name_en"],
        province_code=app["province_code"], estate_id=app.get("estate_id") or None,
        target_industry=app["target_industry"],
        requests_privileges=app["type"] == CaseType.investment_promotion.value,
        description_th=app["description_th"], description_en=app["description_en"],
    )


def to_case_draft(case: Any) -> CaseDraft:
    """Whatever submit_case takes → CaseDraft: a CaseDraft; an outbox envelope
    {"source": "registration", "registration": submission_payload(), "juristic_number"} or
    {"source": "licence", "licence": LicenceItem}; a LicenceSource."""
    if isinstance(case, LicenceSource):
        return case_from_licence_application(case)
    if not isinstance(case, Mapping):
        raise TypeError(f"cannot make an EEC OSS case of {type(case).__name__}")
    if "case_type" in case:
        # A CaseDraft read back from an outbox payload: JSON keeps the keys, not the type.
        return cast(CaseDraft, {k: case.get(k) for k in CaseDraft.__annotations__})
    source = case.get("source")
    if source == "licence":
        return case_from_licence_application(case["licence"])
    if source == "registration":
        if not case.get("juristic_number"):
            raise ValueError("a registration becomes an OSS case only with its juristic number")
        return case_from_registration(case["registration"], case["juristic_number"])
    raise ValueError(f"not a CaseDraft or a case envelope (source={source!r})")


def case_request(case: Any, callback_url: str | None) -> dict[str, Any]:
    """CaseDraft (or what to_case_draft takes) → the body of POST /api/v1/cases."""
    draft = to_case_draft(case)
    body: dict[str, Any] = {
        "sourceSystem": SOURCE_SYSTEM,
        "sourceReference": draft["reference"],
        "caseType": CaseType(draft["case_type"]).value.upper(),
        "investor": {"juristicNumber": draft["juristic_number"], "nameTh": draft["name_th"],
                     "nameEn": draft["name_en"]},
        "project": {"provinceCode": draft["province_code"],
                    "targetIndustry": INDUSTRIES.get(draft["target_industry"],
                                                     draft["target_industry"]),
                    "requestsPrivileges": bool(draft["requests_privileges"]),
                    "descriptionTh": draft["description_th"],
                    "descriptionEn": draft["description_en"]},
    }
    if draft.get("estate_id"):
        body["project"]["estateId"] = draft["estate_id"]
    if callback_url:
        body["callbackUrl"] = callback_url
    return body


def answer_request(text: str, attachments: list[dict[str, str]] | None,
                   answer_th: str | None = None, answer_en: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "text": text,
        "attachments": [{"sha256": a["sha256"], "filename": a["filename"]}
                        for a in attachments or []],
    }
    if answer_th:
        body["answerTh"] = answer_th
    if answer_en:
        body["answerEn"] = answer_en
    return body


def case_receipt(reply: schemas.CaseAccepted | schemas.AnswerAccepted) -> CaseReceipt:
    return CaseReceipt(reply.case_number, CASE_STATES[reply.state])


def _pair(text: schemas.Bilingual | None) -> tuple[str | None, str | None]:
    return (text.th, text.en) if text is not None else (None, None)


def case_status(reply: schemas.Case) -> CaseStatus:
    question_th, question_en = _pair(reply.question)
    reason_th, reason_en = _pair(reply.reason)
    return CaseStatus(
        case_number=reply.case_number, our_reference=reply.source_reference,
        case_type=CASE_TYPES[reply.case_type], state=CASE_STATES[reply.state],
        question_th=question_th, question_en=question_en, reason_th=reason_th,
        reason_en=reason_en, approval_number=reply.approval_number,
        updated_at=reply.updated_at)


def status_update(event: schemas.CaseEvent) -> StatusUpdate:
    question_th, question_en = _pair(event.question)
    reason_th, reason_en = _pair(event.reason)
    return StatusUpdate(
        event_id=event.event_id, external_id=event.case_number,
        our_reference=event.source_reference, case_type=CASE_TYPES[event.case_type],
        status=CASE_STATES[event.state], sequence=event.sequence,
        occurred_at=event.occurred_at, juristic_number=event.juristic_number,
        question_th=question_th, question_en=question_en,
        reason_th=reason_th, reason_en=reason_en, approval_number=event.approval_number)


def parse_callback(body: bytes) -> StatusUpdate:
    """An EEC OSS callback body holding one event → StatusUpdate; SchemaError when it is not
    one. Verify the signature (core.http_adapters.verify_signature) before calling this."""
    return parse_event(decode_json(body, CALLBACK))


def parse_event(event: Any) -> StatusUpdate:
    """One decoded callback event (alone, or one of a batch's `events`) → StatusUpdate."""
    return status_update(validate(schemas.CaseEvent, event, CALLBACK))
