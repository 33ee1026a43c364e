"""The licence-application feed and status updates, against the sandbox over HTTP."""

from __future__ import annotations

import pytest
from stdnum.th import moa

from bizportal.gateway import LicenceStatus, LicenceType
from core.eec import EEC_PROVINCES, TARGET_INDUSTRIES, estates
from core.http_adapters import RejectedError, SchemaError, TransientError
from tests.bizportal.conftest import API_KEY, message_id


def test_the_cursor_pages_through_every_item_once(gateway, sandbox):
    sandbox.add_licences(generate=120)

    seen, cursor, pages = [], None, 0
    while True:
        page = gateway.fetch_licence_applications(cursor, limit=50)
        pages += 1
        seen.extend(page.items)
        cursor = page.next_cursor
        if not page.has_more:
            break
    assert pages == 3
    assert len(seen) == 120
    assert len({item.id for item in seen}) == 120

    # Nothing new: the same cursor comes back with no items; new items appear after it.
    empty = gateway.fetch_licence_applications(cursor, limit=50)
    assert empty.items == [] and empty.next_cursor == cursor and not empty.has_more
    sandbox.add_licences(generate=3)
    fresh = gateway.fetch_licence_applications(cursor, limit=50)
    assert len(fresh.items) == 3
    assert not {i.id for i in fresh.items} & {i.id for i in seen}


def test_generated_items_are_realistic_eec_applications(gateway, sandbox):
    sandbox.add_licences(generate=40)
    items = gateway.fetch_licence_applications(None, limit=50).items
    known = estates()
    for item in items:
        assert item.type in set(LicenceType)
        assert item.status is LicenceStatus.submitted
        assert moa.is_valid(item.juristic_number)
        assert item.province_code in EEC_PROVINCES
        assert item.estate_id in known
        assert known[item.estate_id].province_code == item.province_code
        assert item.target_industry in TARGET_INDUSTRIES
        assert item.applicant_name_th.startswith("บริษัท") and item.applicant_name_en
        assert item.description_th and item.description_en
    assert len({i.juristic_number for i in items}) == len(items)


def test_an_item_posted_through_the_hook_maps_to_our_vocabulary(gateway, sandbox):
    [posted] = sandbox.add_licences(items=[{
        "licenceType": "WORK_PERMIT",
        "applicant": {"juristicPersonNumber": "0105536112014", "nameTh": "บริษัท ทดสอบ จำกัด",
                      "nameEn": "Test Company Limited"},
        "site": {"provinceCode": "24", "estateId": "gateway-city"},
        "targetIndustry": "S06",
        "descriptionTh": "ใบอนุญาตทำงานวิศวกรหุ่นยนต์", "descriptionEn": "Robotics engineer",
    }])
    [item] = gateway.fetch_licence_applications(None, limit=10).items
    assert item.id == posted["applicationId"]
    assert item.type is LicenceType.work_permit
    assert item.target_industry == "robotics"
    assert (item.province_code, item.estate_id) == ("24", "gateway-city")
    assert item.as_dict()["submitted_at"] == item.submitted_at.isoformat()


def test_the_hook_refuses_an_invalid_item(sandbox):
    r = sandbox.http.post("/_sandbox/licence-applications",
                          json={"items": [{"licenceType": "BOAT_LICENCE"}]})
    assert r.status_code == 422


def test_a_cursor_that_was_not_issued_is_rejected(gateway):
    with pytest.raises(RejectedError, match="INVALID_CURSOR"):
        gateway.fetch_licence_applications("not-a-cursor", limit=10)


def test_a_status_update_is_idempotent(gateway, sandbox):
    [posted] = sandbox.add_licences(generate=1)
    licence_id, key = posted["applicationId"], message_id()

    first = gateway.update_licence_status(key, licence_id, "approved", "อนุมัติแล้ว / approved")
    again = gateway.update_licence_status(key, licence_id, "approved", "อนุมัติแล้ว / approved")

    assert first == again
    assert first.status is LicenceStatus.approved
    stats = sandbox.stats()
    assert stats["licence_status_updates"] == 1 and stats["duplicate_requests"] == 1
    item = sandbox.http.get(f"/api/v1/licence-applications/{licence_id}",
                            headers={"Authorization": f"Bearer {API_KEY}"}).json()
    assert item["status"] == "APPROVED"
    assert [h["status"] for h in item["history"]] == ["APPROVED"]
    [listed] = gateway.fetch_licence_applications(None).items
    assert listed.status is LicenceStatus.approved


def test_a_status_update_for_an_unknown_application_is_rejected(gateway):
    with pytest.raises(RejectedError, match="404"):
        gateway.update_licence_status(message_id(), "BP-LIC-1999-000000", "in_review")


def test_a_status_we_may_not_send_is_refused_before_sending(gateway, sandbox):
    with pytest.raises(ValueError):
        gateway.update_licence_status(message_id(), "BP-LIC-1999-000000", "submitted")
    assert sandbox.stats()["requests"] == 0


def test_a_bad_status_body_is_rejected_by_biz_portal(gateway, sandbox):
    [posted] = sandbox.add_licences(generate=1)
    with pytest.raises(RejectedError) as caught:
        gateway.client.set_licence_status(posted["applicationId"], {"status": "DONE"},
                                          message_id())
    assert "status" in caught.value.reasons[0]


def test_feed_faults_are_typed(gateway, sandbox):
    sandbox.add_licences(generate=2)
    sandbox.configure(malformed_reply_rate=1.0)
    with pytest.raises(SchemaError):
        gateway.fetch_licence_applications(None)
    sandbox.configure(malformed_reply_rate=0.0, down=True)
    with pytest.raises(TransientError):
        gateway.fetch_licence_applications(None)
