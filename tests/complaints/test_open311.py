"""Open311 GeoReport v2 over HTTP: services, requests with the spec's filters, one request,
and posting with and without a valid api_key; errors in the spec's format; no contacts out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from complaints import repository, service
from complaints.models import Channel, Ticket
from tests.conftest import OPEN311_KEY, create_officer, create_ticket

BASE = "/open311/v2"
POST = {"api_key": OPEN311_KEY, "service_code": "noise", "attribute[estate]": "gateway-city",
        "address_string": "Soi 5 near the north gate", "description": "Hammering all night.",
        "first_name": "Malee", "last_name": "Srisuk", "phone": "089-765-4321",
        "email": "malee@example.com", "lat": "13.5935", "long": "101.0503"}


def assert_spec_errors(r, status: int) -> list[dict]:
    assert r.status_code == status, r.text
    errors = r.json()
    assert isinstance(errors, list) and errors
    for error in errors:
        assert set(error) == {"code", "description"} and error["code"] == status
        assert error["description"]
    return errors


def test_one_service_per_category(app, browser):
    services = browser.client.get(f"{BASE}/services.json", headers={"Accept-Language": "en"})
    assert services.status_code == 200
    by_code = {s["service_code"]: s for s in services.json()}
    assert len(by_code) == 13
    wastewater = by_code["wastewater"]
    assert wastewater["service_name"] == "Wastewater and water pollution"
    assert wastewater["metadata"] is False and wastewater["type"] == "realtime"
    assert "effluent" in wastewater["keywords"] and wastewater["group"] == "environment unit"
    assert "EEC Office" in wastewater["description"]
    assert by_code["power_outage"]["group"] == "utilities and infrastructure unit"
    thai = browser.client.get(f"{BASE}/services.json", headers={"Accept-Language": "th"}).json()
    assert {s["service_code"]: s for s in thai}["wastewater"]["service_name"] == \
        "น้ำเสียและมลพิษทางน้ำ"


def test_a_request_carries_the_spec_fields_but_no_contact(app, browser, session):
    number = create_ticket(session, description="Foam on the canal. Call me: 081-234-5678.",
                           category="wastewater")
    r = browser.client.get(f"{BASE}/requests/{number}.json", headers={"Accept-Language": "en"})
    assert r.status_code == 200
    [request] = r.json()
    assert request["service_request_id"] == number and request["status"] == "open"
    assert request["service_code"] == "wastewater"
    assert request["service_name"] == "Wastewater and water pollution"
    assert request["agency_responsible"] == "Map Ta Phut Industrial Estate: environment unit"
    assert request["requested_datetime"].endswith("+07:00")
    assert request["expected_datetime"] > request["requested_datetime"]
    # The estate only, and no description until an officer approves a public summary.
    assert request["address"] == "Map Ta Phut Industrial Estate"
    assert request["description"] == ""
    for key in ("status_notes", "lat", "long", "media_url", "service_notice"):
        assert key in request
    for secret in ("Somchai", "081-234-5678", "+66812345678", "somchai@example.com", "Foam",
                   "Canal behind plant 3"):
        assert secret not in r.text
    missing = browser.client.get(f"{BASE}/requests/CMP-1999-000001.json")
    assert_spec_errors(missing, 404)


def test_requests_filters(app, browser, session):
    old = create_ticket(session, category="flooding", at=datetime.now(UTC) - timedelta(days=120))
    fresh = create_ticket(session, category="flooding")
    closed = create_ticket(session, category="flooding")
    officer = _officer(session)
    service.change_status(session, repository.get_ticket(session, closed), officer, "fixed",
                          note="Drain cleared.")
    session.commit()

    def ids(**params) -> list[str]:
        r = browser.client.get(f"{BASE}/requests.json", params=params)
        assert r.status_code == 200, r.text
        return [x["service_request_id"] for x in r.json()]

    default = ids(service_code="flooding")
    assert fresh in default and closed in default and old not in default  # last 90 days
    assert default.index(closed) < default.index(fresh)  # newest first
    assert closed not in ids(service_code="flooding", status="open")
    assert ids(service_code="flooding", status="closed")[0] == closed
    assert fresh not in ids(service_code="noise")
    start = (datetime.now(UTC) - timedelta(days=125)).isoformat()
    end = (datetime.now(UTC) - timedelta(days=100)).isoformat()
    assert ids(service_code="flooding", start_date=start, end_date=end) == [old]
    assert ids(service_request_id=f"{old},{closed}", service_code="noise") == [closed, old]
    closed_request = browser.client.get(f"{BASE}/requests/{closed}.json").json()[0]
    assert closed_request["status"] == "closed"
    assert closed_request["status_notes"] == "Drain cleared."

    too_long = browser.client.get(f"{BASE}/requests.json", params={
        "start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"})
    assert_spec_errors(too_long, 400)
    assert_spec_errors(browser.client.get(f"{BASE}/requests.json?start_date=yesterday"), 400)
    assert_spec_errors(browser.client.get(f"{BASE}/requests.json?status=pending"), 400)


def _officer(session):
    from core.accounts.models import User

    email = create_officer(session)
    return session.exec(select(User).where(User.email == email)).one()


def test_posting_a_request_with_a_valid_api_key(app, browser, session):
    r = browser.client.post(f"{BASE}/requests.json", data=POST)  # no CSRF token: server to server
    assert r.status_code == 201, r.text
    [created] = r.json()
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    assert created["account_id"] is None and created["service_notice"]
    ticket = session.exec(select(Ticket).where(
        Ticket.number == created["service_request_id"])).one()
    assert ticket.channel == Channel.api and ticket.estate_id == "gateway-city"
    assert ticket.contact_name == "Malee Srisuk" and ticket.contact_phone == "+66897654321"
    assert ticket.latitude == 13.5935 and ticket.consent
    by_address = browser.client.post(f"{BASE}/requests.json", data={
        **{k: v for k, v in POST.items() if k != "attribute[estate]"},
        "address_string": "ประตู 2 นิคมอุตสาหกรรมเวลโกรว์ ฉะเชิงเทรา"})
    assert by_address.status_code == 201
    assert repository.get_ticket(session, by_address.json()[0]["service_request_id"]).estate_id \
        == "wellgrow"


def test_posting_without_a_valid_api_key_is_refused(app, browser, session):
    before = len(session.exec(select(Ticket)).all())
    assert_spec_errors(browser.client.post(f"{BASE}/requests.json",
                                           data={k: v for k, v in POST.items() if k != "api_key"}),
                       403)
    assert_spec_errors(browser.client.post(f"{BASE}/requests.json",
                                           data={**POST, "api_key": "guessed"}), 403)
    session.expire_all()
    assert len(session.exec(select(Ticket)).all()) == before


def test_posting_with_missing_or_wrong_fields(app, browser):
    def post(**changes):
        data = {k: v for k, v in {**POST, **changes}.items() if v is not None}
        return browser.client.post(f"{BASE}/requests.json", data=data,
                                   headers={"Accept-Language": "en"})

    assert "service_code" in assert_spec_errors(post(service_code=None), 400)[0]["description"]
    assert "parking" in assert_spec_errors(post(service_code="parking"), 404)[0]["description"]
    estate = assert_spec_errors(post(**{"attribute[estate]": None}), 400)
    assert "attribute[estate]" in estate[0]["description"]
    errors = assert_spec_errors(post(description=None, phone="12", email=None), 400)
    described = " ".join(e["description"] for e in errors)
    assert described.startswith("description:") and "phone:" in described
    assert_spec_errors(post(lat="north"), 400)
    unknown_estate = assert_spec_errors(post(**{"attribute[estate]": "atlantis"}), 400)
    assert unknown_estate[0]["description"].startswith("attribute[estate]:")


def test_open311_json_body_is_accepted_too(app, browser):
    r = browser.client.post(f"{BASE}/requests.json", json=POST)
    assert r.status_code == 201, r.text
