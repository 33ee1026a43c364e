"""The registration JSON API: same checks as the wizard, RFC 9457 problem details with
message keys in the caller's language."""

from __future__ import annotations

from sqlmodel import select

from registration.models import RegisteredName
from tests.conftest import (
    CAPITAL,
    DIRECTORS,
    EEC,
    OFFICE,
    PDF,
    create_user,
    people_form,
    unique_names,
)


def reserve(browser, names=None) -> dict:
    """A reservation of `names`, or of random ones: a random name that comes too close to one
    an earlier test reserved is refused (as it should be), and another is drawn."""
    for _attempt in range(1 if names else 5):
        name_th, name_en = names or unique_names()
        r = browser.api("POST", "/api/v1/reservations", json={
            "entity_type": "limited_company",
            "names": [{"name_th": name_th, "name_en": name_en}]})
        if r.status_code == 201 or names or "name.similar" not in r.text:
            break
    assert r.status_code == 201, r.text
    return r.json()


def assert_problem(r, status: int, key: str) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert {"type", "title", "status", "detail", "key"} <= body.keys()
    assert body["status"] == status and body["key"] == key
    return body


def test_name_check_reports_similar_register_names(browser, session):
    create_user(browser)
    existing = session.exec(select(RegisteredName)
                            .where(RegisteredName.entity_type == "limited_company")).first()
    r = browser.api("POST", "/api/v1/names/check", json={
        "entity_type": "limited_company", "name_th": existing.name_th,
        "name_en": existing.name_en.replace("Company Limited", "Co., Ltd.")})
    body = r.json()
    assert r.status_code == 200 and body["available"] is False
    assert {e["key"] for e in body["errors"]} == {"name.identical"}
    assert any(c["identical"] and c["name_en"] == existing.name_en for c in body["conflicts"])


def test_invalid_reservation_is_a_problem_with_field_keys_in_thai(browser):
    create_user(browser, lang="th")
    r = browser.api("POST", "/api/v1/reservations", json={
        "entity_type": "limited_company",
        "names": [{"name_th": "บริษัท ทดสอบ Company Limited", "name_en": "ทดสอบ"}]})
    body = assert_problem(r, 422, "error.invalid_input")
    assert r.headers["content-language"] == "th"
    fields = {e["field"]: e for e in body["errors"]}
    assert "names-0-name_th" in fields and "names-0-name_en" in fields
    assert all(e["key"].startswith("name.") for e in body["errors"])
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in fields["names-0-name_en"]["message"])


def test_step_validation_problems_carry_message_keys(browser):
    create_user(browser, lang="en")
    app_id = reserve(browser)["application"]["id"]
    r = browser.api("PUT", f"/api/v1/applications/{app_id}/capital",
                    json={**CAPITAL, "par_value": 2, "paid_up_percent": 10})
    body = assert_problem(r, 422, "error.invalid_input")
    keys = {e["field"]: e["key"] for e in body["errors"]}
    assert keys == {"par_value": "capital.par_min", "paid_up_percent": "capital.paid_up_min"}
    r = browser.api("PUT", f"/api/v1/applications/{app_id}/office",
                    json={**OFFICE, "postal_code": "10110"})
    assert {e["key"] for e in r.json()["errors"]} == {"address.postal_mismatch"}


def test_full_submission_through_the_api(browser):
    create_user(browser, lang="en")
    app_id = reserve(browser)["application"]["id"]
    people = people_form()
    rows = [{k.split("-", 2)[2]: v for k, v in people.items() if k.startswith(f"people-{i}-")}
            for i in range(2)]
    for row in rows:
        row["is_promoter"] = True
    for step, body in (("office", OFFICE), ("capital", CAPITAL), ("people", {"people": rows}),
                       ("directors", DIRECTORS), ("eec", EEC)):
        r = browser.api("PUT", f"/api/v1/applications/{app_id}/{step}", json=body)
        assert r.status_code == 200, (step, r.text)
    shareholders = browser.api("GET", f"/api/v1/applications/{app_id}/people/shareholder").json()
    assert shareholders[0]["thai_id_masked"].count("X") == 11  # PDPA: masked in lists
    r = browser.api("POST", f"/api/v1/applications/{app_id}/submit", json={"declaration": True})
    problem = assert_problem(r, 422, "error.invalid_input")
    assert {e["key"] for e in problem["errors"]} == {"doc.missing_identity"}
    for person, kind in zip(shareholders, ("id_copy", "passport_copy"), strict=False):
        r = browser.api("POST", f"/api/v1/applications/{app_id}/documents",
                        data={"kind": kind, "person_id": str(person["id"])},
                        files={"file": ("id.pdf", PDF, "application/pdf")})
        assert r.status_code == 201, r.text
    r = browser.api("POST", f"/api/v1/applications/{app_id}/submit", json={"declaration": True})
    assert r.status_code == 200, r.text
    receipt = r.json()
    assert receipt["status"] == "submitted" and receipt["reference"].startswith("REG-")
    body = browser.api("GET", f"/api/v1/applications/{app_id}").json()
    assert body["reference"] == receipt["reference"] and body["fees_total_baht"] == "5500"
    assert [e["key"] for e in body["timeline"]] == ["event.draft_created", "event.submitted"]
    r = browser.api("PUT", f"/api/v1/applications/{app_id}/office", json=OFFICE)
    assert_problem(r, 403, "application.frozen")


def test_disguised_upload_is_a_problem(browser):
    create_user(browser)
    app_id = reserve(browser)["application"]["id"]
    r = browser.api("POST", f"/api/v1/applications/{app_id}/documents", data={"kind": "other"},
                    files={"file": ("x.pdf", b"#!/bin/sh\necho hi\n", "application/pdf")})
    body = assert_problem(r, 422, "error.invalid_input")
    assert body["errors"][0]["key"] == "doc.bad_type"


def test_api_needs_csrf_header_and_sign_in(browser):
    create_user(browser)
    r = browser.client.post("/api/v1/names/check", json={"entity_type": "limited_company"})
    assert_problem(r, 403, "error.csrf")
    browser.client.cookies.clear()
    assert_problem(browser.client.get("/api/v1/applications"), 401, "error.sign_in_required")


def test_unknown_route_and_malformed_json_are_problems(browser):
    create_user(browser)
    assert_problem(browser.api("GET", "/api/v1/nothing-here"), 404, "error.not_found")
    r = browser.api("POST", "/api/v1/reservations", json={"entity_type": "limited_company"})
    body = assert_problem(r, 422, "error.invalid_input")
    assert body["errors"][0]["field"] == "names"


def test_unknown_entity_type_is_a_field_error_not_a_crash(browser):
    create_user(browser)
    r = browser.api("POST", "/api/v1/names/check",
                    json={"entity_type": "sole_trader", "name_th": "x", "name_en": "y"})
    assert r.status_code == 200 and r.json()["errors"][0]["field"] == "entity_type"
    r = browser.api("POST", "/api/v1/reservations", json={
        "entity_type": "sole_trader", "names": [{"name_th": "x", "name_en": "y"}]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "entity_type"


def test_a_step_read_back_is_a_body_its_put_takes(browser):
    """One model per step: GET answers in the shape PUT takes (people as a list), and the
    form's flat field names are read too."""
    create_user(browser, lang="en")
    app_id = reserve(browser)["application"]["id"]
    assert browser.api("PUT", f"/api/v1/applications/{app_id}/capital",
                       json=CAPITAL).status_code == 200
    r = browser.api("PUT", f"/api/v1/applications/{app_id}/people", json=people_form())
    assert r.status_code == 200, r.text
    saved = browser.api("GET", f"/api/v1/applications/{app_id}/people").json()
    assert [p["full_name"] for p in saved["people"]] == ["Somchai Jaidee", "John Smith"]
    assert all(p["is_promoter"] is True for p in saved["people"])
    saved["people"][1]["full_name"] = "John Smith Jr."
    r = browser.api("PUT", f"/api/v1/applications/{app_id}/people", json=saved)
    assert r.status_code == 200, r.text
    assert "people" in r.json()["completed_steps"]
    people = browser.api("GET", f"/api/v1/applications/{app_id}/people/shareholder").json()
    assert [p["full_name"] for p in people] == ["Somchai Jaidee", "John Smith Jr."]


def test_a_row_of_the_wrong_shape_is_a_field_problem(browser):
    create_user(browser, lang="en")
    app_id = reserve(browser)["application"]["id"]
    r = browser.api("PUT", f"/api/v1/applications/{app_id}/people",
                    json={"people": [{"full_name": {"first": "Somchai"}}]})
    body = assert_problem(r, 422, "error.invalid_input")
    assert [e["field"] for e in body["errors"]] == ["people-0-full_name"]


def test_the_api_document_shows_each_step_body_and_answer(browser):
    document = browser.client.get("/api/openapi.json").json()
    schemas = document["components"]["schemas"]
    put = document["paths"]["/api/v1/applications/{application_id}/{step}"]["put"]
    body = put["requestBody"]["content"]["application/json"]["schema"]
    assert [ref["$ref"].rsplit("/", 1)[1] for ref in body["anyOf"]] == [
        "OfficeForm", "CapitalForm", "PeopleForm", "DirectorsForm", "EecForm"]
    assert schemas["PeopleForm"]["properties"]["people"]["items"]["$ref"].endswith(
        "/ShareholderRow")
    answer = put["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer["$ref"].endswith("/ApplicationOut")
    tickets = document["paths"]["/api/v1/tickets/{number}"]["get"]["responses"]
    assert tickets["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/TicketStatus")
    posted = document["paths"]["/open311/v2/requests.json"]["post"]["requestBody"]["content"]
    assert "attribute[estate]" in posted["application/x-www-form-urlencoded"]["schema"][
        "properties"]
