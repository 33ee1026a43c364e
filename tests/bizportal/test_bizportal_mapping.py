"""Pure mapping: our submission payload → Biz Portal's registration body, and callbacks."""

from __future__ import annotations

import json

from bizportal import parse_callback, schemas
from bizportal.gateway import RegistrationStatus
from bizportal.mapping import INDUSTRIES, INDUSTRIES_FROM_BIZPORTAL, registration_request
from core.eec import TARGET_INDUSTRIES
from tests.bizportal.conftest import registration_payload


def test_the_registration_body_carries_both_names_and_the_whole_memorandum():
    payload = registration_payload()
    body = registration_request(payload, "https://portal.example/webhooks/bizportal")

    assert body["externalReference"] == payload["reference"]
    assert body["juristicType"] == "5"
    assert (body["nameTh"], body["nameEn"]) == (payload["name_th"], payload["name_en"])
    assert body["headOffice"]["subdistrictCode"] == "200703"
    assert "phone" not in body["headOffice"]  # blank fields are left out
    assert body["objectives"] == ["Trading of industrial parts",
                                  "Import and export of machinery"]
    assert body["capital"] == {"registered": 1000000, "shares": 100000, "parValue": "10.00",
                               "paidUpPercent": "25.00"}
    thai, foreign = body["shareholders"]
    assert thai["identification"] == {"type": "CITIZEN_ID",
                                      "number": payload["people"]["shareholder"][0]["thai_id"]}
    assert foreign["identification"] == {"type": "PASSPORT", "number": "123456789"}
    assert thai["promoter"] and foreign["promoter"]
    assert body["directors"][0]["authorisedSignatory"] is True
    assert len(body["witnesses"]) == 2
    assert body["signingRule"] == {"signatoriesRequired": 1}
    assert body["attachments"] == [{"sha256": "a" * 64, "documentType": "MOA",
                                    "fileName": "moa.pdf"}]
    assert body["callbackUrl"] == "https://portal.example/webhooks/bizportal"
    # The body is exactly what the sandbox's contract accepts.
    schemas.RegistrationRequest.model_validate(body)
    json.dumps(body)


def test_a_partnership_without_capital_maps_without_a_capital_block():
    payload = registration_payload(entity_type="limited_partnership",
                                   capital={"registered": None, "shares": None,
                                            "par_value": None, "paid_up_percent": None})
    body = registration_request(payload, None)
    assert body["juristicType"] == "3"
    assert "capital" not in body and "callbackUrl" not in body


def test_every_target_industry_has_a_biz_portal_code_and_back():
    assert set(INDUSTRIES) == set(TARGET_INDUSTRIES)
    assert {INDUSTRIES_FROM_BIZPORTAL[c] for c in INDUSTRIES.values()} == set(INDUSTRIES)


def test_parse_callback_maps_a_rejection():
    body = json.dumps({
        "eventId": "e-1", "eventType": "registration.status_changed", "sequence": 2,
        "registrationId": "BP-REG-2026-000001", "externalReference": "REG-2026-000001",
        "status": "REJECTED", "juristicPersonNumber": None,
        "reasons": [{"code": "NAME_TH_TAKEN", "messageTh": "ชื่อซ้ำ", "messageEn": "Taken"}],
        "occurredAt": "2026-11-26T07:00:00.000Z"}).encode()
    update = parse_callback(body)
    assert update.status is RegistrationStatus.rejected
    assert update.reasons_th == ("ชื่อซ้ำ",) and update.reasons_en == ("Taken",)
    assert update.occurred_at.tzinfo is not None
