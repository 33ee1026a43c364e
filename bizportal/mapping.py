"""Our schema ⇄ Biz Portal's, as pure functions (eec_bridge/MAPPING.md has the tables).
Outbound: registration.service.submission_payload() → RegistrationRequest body; inbound:
Biz Portal replies and callbacks → the dataclasses of bizportal.gateway."""

from __future__ import annotations

from typing import Any

from bizportal import schemas
from bizportal.gateway import (
    LicenceApplication,
    LicenceFeedPage,
    LicenceStatus,
    LicenceStatusReceipt,
    LicenceType,
    RegistrationReceipt,
    RegistrationState,
    RegistrationStatus,
    StatusUpdate,
)
from core.http_adapters import decode_json, validate

CALLBACK = "Biz Portal callback"
# DBD numbers show 5 for a company limited and 7 for a public company in the fourth digit;
# 2 and 3 for the two partnerships are the sandbox's convention: confirm before going live.
JURISTIC_TYPES: dict[str, str] = {
    "registered_partnership": "2",
    "limited_partnership": "3",
    "limited_company": "5",
    "public_limited_company": "7",
}

# Our target-industry codes (core.eec.TARGET_INDUSTRIES) ⇄ Biz Portal's S-curve codes.
INDUSTRIES: dict[str, str] = {
    "next_gen_automotive": "S01",
    "smart_electronics": "S02",
    "medical_wellness_tourism": "S03",
    "agriculture_biotech": "S04",
    "food_for_future": "S05",
    "robotics": "S06",
    "aviation_logistics": "S07",
    "biofuels_biochemicals": "S08",
    "digital": "S09",
    "medical_hub": "S10",
    "defence": "S11",
    "other": "S99",
}
INDUSTRIES_FROM_BIZPORTAL = {code: ours for ours, code in INDUSTRIES.items()}

REGISTRATION_STATUSES: dict[str, RegistrationStatus] = {
    "RECEIVED": RegistrationStatus.received,
    "IN_REVIEW": RegistrationStatus.in_review,
    "REGISTERED": RegistrationStatus.registered,
    "REJECTED": RegistrationStatus.rejected,
}
LICENCE_TYPES: dict[str, LicenceType] = {t.value.upper(): t for t in LicenceType}
LICENCE_STATUSES: dict[str, LicenceStatus] = {s.value.upper(): s for s in LicenceStatus}
# What we may tell Biz Portal about a licence application (not "submitted": that is theirs).
LICENCE_STATUS_UPDATES = {LicenceStatus.in_review, LicenceStatus.info_requested,
                          LicenceStatus.approved, LicenceStatus.rejected}


def _compact(value: Any) -> Any:
    """Drops None and empty strings: absent beats blank on the other side's validators."""
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items() if v is not None and v != ""}
    if isinstance(value, list):
        return [_compact(v) for v in value]
    return value


def _identification(person: dict[str, Any]) -> dict[str, str] | None:
    if person.get("thai_id"):
        return {"type": "CITIZEN_ID", "number": person["thai_id"]}
    if person.get("passport_no"):
        return {"type": "PASSPORT", "number": person["passport_no"]}
    return None


def _objectives(text: str | None) -> list[str]:
    """Our one text box → the MoA's objective clauses, one per line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def registration_request(payload: dict[str, Any], callback_url: str | None) -> dict[str, Any]:
    """submission_payload() → the body of POST /api/v1/registrations."""
    people = payload.get("people") or {}
    capital = payload.get("capital") or {}
    office = payload.get("head_office") or {}
    body = {
        "externalReference": payload.get("reference"),
        "juristicType": JURISTIC_TYPES.get(payload.get("entity_type") or "",
                                           payload.get("entity_type")),
        "nameTh": payload.get("name_th"),
        "nameEn": payload.get("name_en"),
        "headOffice": {
            "houseNo": office.get("house_no"), "street": office.get("street"),
            "subdistrictCode": office.get("subdistrict_code"),
            "districtCode": office.get("district_code"),
            "provinceCode": office.get("province_code"),
            "postalCode": office.get("postal_code"), "phone": office.get("phone"),
        },
        "objectives": _objectives(payload.get("objectives")),
        "capital": None if capital.get("registered") is None else {
            "registered": capital.get("registered"), "shares": capital.get("shares"),
            "parValue": capital.get("par_value"),
            "paidUpPercent": capital.get("paid_up_percent"),
        },
        "shareholders": [
            {"fullName": p.get("full_name"), "nationality": p.get("nationality"),
             "identification": _identification(p), "age": p.get("age"),
             "address": p.get("address"), "shares": p.get("shares"),
             "promoter": bool(p.get("is_promoter"))}
            for p in people.get("shareholder", [])
        ],
        "directors": [
            {"fullName": p.get("full_name"), "nationality": p.get("nationality"),
             "identification": _identification(p),
             "authorisedSignatory": bool(p.get("can_sign"))}
            for p in people.get("director", [])
        ],
        "witnesses": [
            {"fullName": p.get("full_name"), "nationality": p.get("nationality"),
             "identification": _identification(p), "age": p.get("age"),
             "address": p.get("address")}
            for p in people.get("witness", [])
        ],
        "signingRule": (None if payload.get("signatories_required") is None
                        else {"signatoriesRequired": payload["signatories_required"]}),
        "attachments": [
            {"sha256": d.get("sha256"), "documentType": (d.get("kind") or "").upper(),
             "fileName": d.get("filename")}
            for d in payload.get("documents", [])
        ],
        "feeAmount": payload.get("fees_baht"),
        "callbackUrl": callback_url,
    }
    return _compact(body)


def licence_status_request(status: str, note: str = "") -> dict[str, Any]:
    """Our licence status → the body of POST /api/v1/licence-applications/{id}/status."""
    ours = LicenceStatus(status)
    if ours not in LICENCE_STATUS_UPDATES:
        raise ValueError(f"Biz Portal takes no {status!r} status update")
    return {"status": ours.value.upper(), "note": note}


def registration_receipt(reply: schemas.RegistrationAccepted) -> RegistrationReceipt:
    return RegistrationReceipt(reply.registration_id, REGISTRATION_STATUSES[reply.status])


def _reasons(reasons: list[schemas.Reason]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(r.message_th for r in reasons), tuple(r.message_en for r in reasons)


def registration_state(reply: schemas.Registration) -> RegistrationState:
    reasons_th, reasons_en = _reasons(reply.reasons)
    return RegistrationState(
        registration_id=reply.registration_id, our_reference=reply.external_reference,
        status=REGISTRATION_STATUSES[reply.status], name_th=reply.name_th,
        name_en=reply.name_en, juristic_number=reply.juristic_person_number,
        reasons_th=reasons_th, reasons_en=reasons_en, updated_at=reply.updated_at)


def licence_application(item: schemas.LicenceApplication) -> LicenceApplication:
    return LicenceApplication(
        id=item.application_id, type=LICENCE_TYPES[item.licence_type],
        status=LICENCE_STATUSES[item.status],
        applicant_name_th=item.applicant.name_th, applicant_name_en=item.applicant.name_en,
        juristic_number=item.applicant.juristic_person_number,
        province_code=item.site.province_code, estate_id=item.site.estate_id or None,
        target_industry=INDUSTRIES_FROM_BIZPORTAL[item.target_industry],
        description_th=item.description_th, description_en=item.description_en,
        submitted_at=item.submitted_at)


def feed_page(reply: schemas.LicenceApplicationPage) -> LicenceFeedPage:
    return LicenceFeedPage([licence_application(i) for i in reply.items], reply.next_cursor,
                           reply.has_more)


def licence_status_receipt(reply: schemas.LicenceStatusAccepted) -> LicenceStatusReceipt:
    return LicenceStatusReceipt(reply.application_id, LICENCE_STATUSES[reply.status])


def status_update(event: schemas.RegistrationEvent) -> StatusUpdate:
    reasons_th, reasons_en = _reasons(event.reasons)
    return StatusUpdate(
        event_id=event.event_id, external_id=event.registration_id,
        our_reference=event.external_reference, status=REGISTRATION_STATUSES[event.status],
        sequence=event.sequence, occurred_at=event.occurred_at,
        juristic_number=event.juristic_person_number,
        reasons_th=reasons_th, reasons_en=reasons_en)


def parse_callback(body: bytes) -> StatusUpdate:
    """A Biz Portal callback body holding one event → StatusUpdate; SchemaError when it is
    not one. Verify the signature (core.http_adapters.verify_signature) before calling
    this."""
    return parse_event(decode_json(body, CALLBACK))


def parse_event(event: Any) -> StatusUpdate:
    """One decoded callback event (alone, or one of a batch's `events`) → StatusUpdate."""
    return status_update(validate(schemas.RegistrationEvent, event, CALLBACK))
