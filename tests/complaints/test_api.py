"""The chatbot's ticket API over HTTP: bearer token, idempotent filing, problem details with
message keys, and the status lookup that shows private details only to the complainant."""

from __future__ import annotations

import re

from tests.conftest import COMPLAINT, SERVICE_TOKEN, create_ticket

THAI = re.compile("[\u0e00-\u0e7f]")


def file(browser, body: dict, **headers: str):
    return browser.client.post("/api/v1/tickets", json=body, headers={**SERVICE_TOKEN, **headers})


def test_filing_returns_the_number_labels_and_due_times(app, browser):
    r = file(browser, {**COMPLAINT, "language": "th", "conversation_id": "rasa-1"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert re.fullmatch(r"CMP-\d{4}-\d{6}", body["number"])
    assert body["status"] == "confirmed" and body["open311_status"] == "open"
    assert body["status_label"]["en"] == "Received" and THAI.search(body["status_label"]["th"])
    assert body["ack_due_at"].endswith("+07:00") and body["resolve_due_at"] > body["ack_due_at"]
    assert r.headers["location"] == f"/api/v1/tickets/{body['number']}"


def test_a_retried_call_with_the_same_idempotency_key_files_once(app, browser, session):
    from sqlmodel import select

    from complaints.access import conversation_proof
    from complaints.models import Ticket

    body = {**COMPLAINT, "conversation_id": "rasa-retry"}
    proof = {"Conversation-Proof": conversation_proof("rasa-retry")}
    first = file(browser, body, **{"Idempotency-Key": "rasa-retry-1"}, **proof)
    again = file(browser, body, **{"Idempotency-Key": "rasa-retry-1"}, **proof)
    assert first.status_code == again.status_code == 201
    assert again.json()["number"] == first.json()["number"]
    # The retry's answer carries a fresh code: the first answer may never have arrived.
    assert again.json()["access_code"] != first.json()["access_code"]
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert len(session.exec(select(Ticket).where(
        Ticket.conversation_id == "rasa-retry")).all()) == 1
    other = file(browser, {**body, "description": "Another problem."},
                 **{"Idempotency-Key": "rasa-retry-1"})
    assert other.status_code == 422 and other.json()["key"] == "complaint.idempotency_reused"


def test_the_service_token_is_required(app, browser, session):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}):
        r = browser.client.post("/api/v1/tickets", json=COMPLAINT, headers=headers)
        assert r.status_code == 401, headers
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["key"] == "ticket_api.unauthorized"
        assert r.headers["www-authenticate"].startswith("Bearer")
    number = create_ticket(session)
    assert browser.client.get(f"/api/v1/tickets/{number}").status_code == 401


def test_invalid_input_is_a_422_problem_with_message_keys(app, browser):
    r = file(browser, {**COMPLAINT, "estate_id": "atlantis", "contact_phone": "555",
                       "consent": False}, **{"Accept-Language": "en"})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["key"] == "error.invalid_input" and problem["status"] == 422
    keys = {e["field"]: e["key"] for e in problem["errors"]}
    assert keys == {"estate_id": "field.choice", "contact_phone": "complaint.phone_invalid",
                    "consent": "complaint.personal_data_without_consent"}
    assert all(e["message"] for e in problem["errors"])
    thai = file(browser, {}, **{"Accept-Language": "th"}).json()
    assert thai["lang"] == "th" and THAI.search(thai["errors"][0]["message"])
    not_json = browser.client.post("/api/v1/tickets", content=b"[1, 2]",
                                   headers={**SERVICE_TOKEN, "Content-Type": "application/json"})
    assert not_json.status_code == 400 and not_json.json()["key"] == "ticket_api.bad_json"


def test_status_lookup_shows_private_details_only_to_the_complainant(app, browser):
    from complaints.access import conversation_proof

    proof = conversation_proof("rasa-owner")
    filed = file(browser, {**COMPLAINT, "conversation_id": "rasa-owner"},
                 **{"Conversation-Proof": proof}).json()
    number = filed["number"]
    path = f"/api/v1/tickets/{number}"
    stranger = browser.client.get(path, headers=SERVICE_TOKEN)
    assert stranger.status_code == 200
    body = stranger.json()
    assert body["is_complainant"] is False and body["private"] is None
    assert COMPLAINT["description"] not in stranger.text and "Somchai" not in stranger.text
    assert body["status_label"]["en"] == "Received" and body["latest_public_note"] is None
    for query, headers in (({"conversation_id": "rasa-owner"}, {"Conversation-Proof": proof}),
                           ({}, {"Ticket-Access-Code": filed["access_code"]})):
        owner = browser.client.get(path, params=query,
                                   headers={**SERVICE_TOKEN, **headers}).json()
        assert owner["is_complainant"] is True, query
        assert owner["private"]["description"] == COMPLAINT["description"]
        assert owner["private"]["contact"] == "08X-XXX-X678 · s***@example.com"
    missing = browser.client.get("/api/v1/tickets/CMP-1999-999999", headers=SERVICE_TOKEN)
    assert missing.status_code == 404 and missing.json()["key"] == "ticket.not_found"


def test_the_api_needs_no_csrf_token_but_the_web_form_does(app, browser):
    assert file(browser, COMPLAINT).status_code == 201  # no X-CSRF-Token sent
    r = browser.client.post("/complaints/new", data={k: str(v) for k, v in COMPLAINT.items()})
    assert r.status_code == 403
