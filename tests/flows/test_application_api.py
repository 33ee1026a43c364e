"""The JSON API tells an application's real state, as "My applications" shows it: a stable
code, its label in the caller's language, and the next action with the page that does it;
the juristic number once registered. Only the applicant (and staff) may read it. Through the
portal's own API and the bridge's real actions, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from core.db import stored_id
from eec_bridge import actions
from tests.conftest import (
    Browser,
    choose_language,
    create_application,
    create_user,
    submitted_application,
)
from tests.eec_bridge.test_webhooks import juristic_number
from tests.notifications.test_notifications import (
    QUESTION,
    WORDS,
    fresh_case,
    officer,
    registered,
)
from tests.registration.test_api import assert_problem

DRAFT_WORDS = {"en": ("Draft", "Continue the application"),
               "th": ("ร่าง", "กรอกคำขอต่อ")}


def listed(browser: Browser, app_id: int) -> dict:
    r = browser.api("GET", "/api/v1/applications")
    assert r.status_code == 200, r.text
    rows = [row for row in r.json() if row["id"] == app_id]
    assert len(rows) == 1, r.text
    return rows[0]


def read(browser: Browser, app_id: int) -> dict:
    r = browser.api("GET", f"/api/v1/applications/{app_id}")
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("lang", ["en", "th"])
def test_the_json_says_what_the_applicant_is_shown(browser, session, lang):
    app_id = submitted_application(browser)  # asks for EEC privileges: an officer decides
    choose_language(browser, lang, "/registration")
    words = WORDS[lang]
    status_url = f"/registration/{app_id}/status"
    for body in (listed(browser, app_id), read(browser, app_id)):
        assert (body["state"], body["state_label"]) == ("submitted", words["submitted"])
        assert body["next_action"] == {"code": "status", "label": words["status"],
                                       "url": status_url}
        assert body["juristic_number"] is None

    case = registered(session, app_id)
    number = juristic_number(stored_id(case.id))
    for body in (listed(browser, app_id), read(browser, app_id)):
        assert (body["state"], body["state_label"]) == ("registered", words["registered"])
        assert body["juristic_number"] == number
        assert body["next_action"] == {"code": "certificate", "label": words["certificate"],
                                       "url": f"/registration/{app_id}/certificate.pdf"}
    assert browser.get(f"/registration/{app_id}/certificate.pdf").status_code == 200

    actions.request_info(session, fresh_case(session, app_id), officer(session), QUESTION)
    session.commit()
    for body in (listed(browser, app_id), read(browser, app_id)):
        assert (body["state"], body["state_label"]) == ("info_requested",
                                                        words["info_requested"])
        assert body["next_action"] == {"code": "answer", "label": words["answer"],
                                       "url": f"{status_url}#info-request"}
        assert body["status"] == "submitted"  # the record's own status, as documented
    assert 'id="info-request"' in browser.get(status_url).text  # where the action leads
    # The page and the JSON agree.
    page = browser.get("/registration").text
    assert f'data-state="{read(browser, app_id)["state"]}"' in page


@pytest.mark.parametrize("lang", ["en", "th"])
def test_a_draft_is_a_draft_to_be_continued(browser, lang):
    create_user(browser, lang=lang)
    app_id = create_application(browser)
    label, action = DRAFT_WORDS[lang]
    body = read(browser, app_id)
    assert (body["state"], body["state_label"]) == ("draft", label)
    assert body["next_action"] == {"code": "continue", "label": action,
                                   "url": f"/registration/{app_id}"}
    assert listed(browser, app_id)["next_action"]["label"] == action


def test_nobody_else_reads_the_state(app, browser):
    create_user(browser)
    app_id = create_application(browser)
    with TestClient(app) as other_client:
        other = Browser(other_client)
        create_user(other)
        assert_problem(other.api("GET", f"/api/v1/applications/{app_id}"), 404,
                       "error.not_found")
        assert app_id not in [a["id"] for a in other.api("GET", "/api/v1/applications").json()]
    browser.client.cookies.clear()
    for path in ("/api/v1/applications", f"/api/v1/applications/{app_id}"):
        assert_problem(browser.client.get(path), 401, "error.sign_in_required")


def test_the_api_document_describes_the_state(browser):
    document = browser.client.get("/api/openapi.json").json()
    schemas = document["components"]["schemas"]

    def answer(path: str) -> dict:
        ok = document["paths"][path]["get"]["responses"]["200"]["content"]
        return ok["application/json"]["schema"]

    assert answer("/api/v1/applications/{application_id}")["$ref"].endswith(
        "/ApplicationStatusOut")
    assert answer("/api/v1/applications")["items"]["$ref"].endswith("/ApplicationListItem")
    for name in ("ApplicationStatusOut", "ApplicationListItem"):
        properties = schemas[name]["properties"]
        assert properties["state"]["enum"] == ["draft", "submitted", "info_requested",
                                               "approved", "registered", "rejected"]
        assert properties["next_action"]["$ref"].endswith("/NextActionOut")
        assert {"state", "state_label", "next_action", "juristic_number"} <= set(
            schemas[name]["required"])
    assert set(schemas["NextActionOut"]["properties"]["code"]["enum"]) == {
        "continue", "status", "answer", "certificate", "reason"}
