"""Pure mapping: our cases (from a registration or a Biz Portal licence application) →
EEC OSS's case body, and OSS callbacks → StatusUpdate."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bizportal.gateway import LicenceApplication, LicenceStatus, LicenceType
from core.eec import TARGET_INDUSTRIES
from core.http_adapters import SchemaError
from eec_bridge.oss import parse_callback, schemas
from eec_bridge.oss.gateway import CaseState, CaseType, LicenceSource
from eec_bridge.oss.mapping import (
    INDUSTRIES,
    INDUSTRIES_FROM_OSS,
    answer_request,
    case_from_registration,
    case_request,
    to_case_draft,
)
from eec_bridge.payloads import LicenceItem
from tests.bizportal.conftest import registration_payload

JURISTIC_NUMBER = "0205569000010"

LICENCE = LicenceApplication(
    id="BP-LIC-2026-000007", type=LicenceType.factory_licence, status=LicenceStatus.submitted,
    applicant_name_th="บริษัท บูรพาเจริญ จำกัด", applicant_name_en="Burapha Charoen Co., Ltd.",
    juristic_number="0205569012344", province_code="20", estate_id="amata-city-chonburi",
    target_industry="smart_electronics", description_th="ขอใบอนุญาตประกอบกิจการโรงงาน",
    description_en="Factory licence", submitted_at=datetime(2026, 11, 26, tzinfo=UTC))


def test_numbers_used_here_are_valid():
    from stdnum.th import moa

    assert moa.is_valid(JURISTIC_NUMBER) and moa.is_valid(LICENCE.juristic_number)


def test_a_registered_company_becomes_a_company_registration_case_in_both_languages():
    payload = registration_payload()
    body = case_request({"source": "registration", "registration": payload,
                         "juristic_number": JURISTIC_NUMBER}, "https://portal.example/cb")

    assert body["sourceReference"] == payload["reference"]
    assert body["caseType"] == "COMPANY_REGISTRATION"
    assert body["investor"] == {"juristicNumber": JURISTIC_NUMBER,
                                "nameTh": payload["name_th"], "nameEn": payload["name_en"]}
    project = body["project"]
    assert (project["provinceCode"], project["estateId"]) == ("21", "map-ta-phut")
    assert project["targetIndustry"] == "ROBOTICS" and project["requestsPrivileges"] is True
    assert payload["name_th"] in project["descriptionTh"]
    assert payload["name_en"] in project["descriptionEn"]
    assert "Trading of industrial parts" in project["descriptionEn"]
    assert body["callbackUrl"] == "https://portal.example/cb"
    schemas.CaseRequest.model_validate(body)


def test_a_company_outside_any_estate_uses_its_head_office_province():
    payload = registration_payload(eec={"operates_in_eec": True, "province_code": "",
                                        "estate_id": "", "target_industry": "",
                                        "requests_privileges": False})
    draft = case_from_registration(payload, JURISTIC_NUMBER)
    body = case_request(draft, None)
    assert body["project"]["provinceCode"] == "20"
    assert "estateId" not in body["project"] and "callbackUrl" not in body
    assert body["project"]["targetIndustry"] == "OTHER"


def test_a_licence_application_and_its_outbox_form_map_alike():
    direct = case_request(LICENCE, None)
    enveloped = case_request({"source": "licence", "licence": LICENCE.as_dict()}, None)
    assert direct == enveloped
    assert direct["caseType"] == "FACTORY_LICENCE"
    assert direct["sourceReference"] == LICENCE.id
    assert direct["project"]["targetIndustry"] == "SMART_ELECTRONICS"
    assert direct["project"]["requestsPrivileges"] is False
    assert direct["investor"]["nameTh"] == LICENCE.applicant_name_th
    promotion = case_request(LicenceApplication(**{**LICENCE.__dict__,
                                                   "type": LicenceType.investment_promotion}),
                             None)
    assert promotion["project"]["requestsPrivileges"] is True


def test_the_oss_adapter_reads_a_biz_portal_licence_application_as_its_own_record():
    """The OSS adapter describes a licence application itself, so that it imports nothing
    from bizportal; the two descriptions must not drift apart."""
    assert isinstance(LICENCE, LicenceSource)
    assert set(LICENCE.as_dict()) == set(LicenceItem.model_fields)
    LicenceItem.model_validate(LICENCE.as_dict())


def test_a_case_draft_passes_through_unchanged():
    draft = to_case_draft({"source": "licence", "licence": LICENCE.as_dict()})
    assert to_case_draft(dict(draft)) == draft


def test_a_registration_without_its_juristic_number_cannot_become_a_case():
    with pytest.raises(ValueError, match="juristic number"):
        case_request({"source": "registration", "registration": registration_payload(),
                      "juristic_number": None}, None)
    with pytest.raises(ValueError):
        case_request({"source": "fax"}, None)


def test_every_target_industry_has_an_oss_code_and_back():
    assert set(INDUSTRIES) == set(TARGET_INDUSTRIES)
    assert {INDUSTRIES_FROM_OSS[c] for c in INDUSTRIES.values()} == set(INDUSTRIES)


def test_an_answer_carries_text_both_languages_and_attachments():
    body = answer_request("See attached", [{"sha256": "c" * 64, "filename": "plan.pdf",
                                            "kind": "ignored"}], "ดูเอกสารแนบ", "See attached")
    assert body == {"text": "See attached", "answerTh": "ดูเอกสารแนบ", "answerEn": "See attached",
                    "attachments": [{"sha256": "c" * 64, "filename": "plan.pdf"}]}
    schemas.AnswerRequest.model_validate(body)


def test_parse_callback_maps_a_question():
    update = parse_callback(json.dumps({
        "eventId": "e-9", "eventType": "case.state_changed", "sequence": 2,
        "caseNumber": "OSS-2026-000123", "sourceReference": "REG-2026-000001",
        "caseType": "WORK_PERMIT", "state": "INFO_REQUESTED", "juristicNumber": JURISTIC_NUMBER,
        "question": {"th": "โปรดส่งวุฒิการศึกษา", "en": "Send the degree certificate"},
        "reason": None, "occurredAt": "2026-11-26T07:00:00Z"}).encode())
    assert update.status is CaseState.info_requested
    assert update.case_type is CaseType.work_permit
    assert (update.question_th, update.question_en) == ("โปรดส่งวุฒิการศึกษา",
                                                        "Send the degree certificate")
    assert update.reason_th is None and update.external_id == "OSS-2026-000123"


def test_parse_callback_refuses_an_unknown_state():
    with pytest.raises(SchemaError, match="state"):
        parse_callback(json.dumps({
            "eventId": "e", "eventType": "case.state_changed", "sequence": 1,
            "caseNumber": "OSS-1", "sourceReference": "R", "caseType": "WORK_PERMIT",
            "state": "ARCHIVED", "occurredAt": "2026-11-26T07:00:00Z"}).encode())
