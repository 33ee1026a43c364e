"""The officers' desk over HTTP: role checks, inbox filters and overdue count, and the
human decision flow (request information, applicant answers, approve or reject)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from eec_bridge import callbacks
from eec_bridge.models import Case, CaseStatus, OutboxMessage, OutboxState
from tests.conftest import (
    create_officer,
    create_user,
    officer_browser,
    sign_in,
    submitted_application,
)


def case_for(session, app_id: int) -> Case:
    session.expire_all()
    return session.exec(select(Case).where(Case.application_id == app_id)).one()


def to_eec_review(session, app_id: int) -> Case:
    """Biz Portal's registration, applied the way its callback would apply it."""
    from stdnum.th import moa

    case = case_for(session, app_id)
    number = "0105569" + f"{app_id:05d}"
    callbacks.register_company(session, case, number + moa.calc_check_digit(number))
    session.commit()
    return case_for(session, app_id)


def test_desk_needs_an_officer_role(app, browser, session):
    browser.client.cookies.clear()
    r = browser.get("/desk", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/sign-in")
    create_user(browser)
    for path in ("/desk", "/desk/dead-letters", "/desk/cases/1", "/desk/officers"):
        assert browser.get(path).status_code == 403, path
    assert browser.post("/desk/cases/1/approve", {}).status_code == 403


def test_only_admins_create_officer_accounts(app, browser, session):
    sign_in(browser, create_officer(session))
    assert browser.get("/desk").status_code == 200
    assert browser.get("/desk/officers").status_code == 403
    with officer_browser(app, session, role="admin") as admin:
        r = admin.post("/desk/officers", {"full_name": "Nida Officer", "email": "nida@eeco.example",
                                          "password": "officer password 9"}, page="/desk/officers")
        assert r.status_code == 303
        assert "nida@eeco.example" in admin.get("/desk/officers").text


def test_request_information_answer_and_approve(app, browser, session):
    app_id = submitted_application(browser, requests_eec_privileges="yes")
    case = to_eec_review(session, app_id)
    assert case.status == CaseStatus.eec_review
    with officer_browser(app, session) as officer:
        page = officer.get(f"/desk/cases/{case.id}").text
        assert case.reference in page and "Approve and send to EEC OSS" in page
        asked = officer.post(f"/desk/cases/{case.id}/request-info", {"question": ""})
        assert asked.status_code == 422
        r = officer.post(f"/desk/cases/{case.id}/request-info",
                         {"question": "Please attach the factory lease."})
        assert r.status_code == 303
        # The applicant sees the question on the status page and answers with a file.
        status = browser.get(f"/registration/{app_id}/status").text
        assert "Please attach the factory lease." in status and 'id="info-request"' in status
        r = browser.post(f"/registration/{app_id}/answer", {"answer": "Lease attached."},
                         files={"file": ("lease.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")})
        assert r.status_code == 303
        assert case_for(session, app_id).status == CaseStatus.eec_review
        assert "Lease attached." in officer.get(f"/desk/cases/{case.id}").text
        assert officer.post(f"/desk/cases/{case.id}/approve", {}).status_code == 303
    messages = session.exec(select(OutboxMessage).where(
        OutboxMessage.aggregate_id == case.id, OutboxMessage.topic == "eec_oss.case")).all()
    assert len(messages) == 1 and messages[0].payload["juristic_number"]


def test_reject_needs_a_reason_and_closes_the_case(app, browser, session):
    app_id = submitted_application(browser, requests_eec_privileges="yes")
    case = to_eec_review(session, app_id)
    with officer_browser(app, session) as officer:
        r = officer.post(f"/desk/cases/{case.id}/reject", {"reason": ""})
        assert r.status_code == 422 and "Give a reason" in r.text
        officer.post(f"/desk/cases/{case.id}/reject", {"reason": "Activity not eligible."})
        assert case_for(session, app_id).status == CaseStatus.rejected
        r = officer.post(f"/desk/cases/{case.id}/approve", {})
        assert r.status_code == 409  # a closed case cannot be approved afterwards
    assert "Activity not eligible." in browser.get(f"/registration/{app_id}/status").text


def test_inbox_filters_and_overdue_count(app, browser, session):
    app_id = submitted_application(browser, eec_province_code="24", estate_id="wellgrow",
                                   target_industry="digital")
    case = case_for(session, app_id)
    case.sla_due_at = datetime.now(UTC) - timedelta(hours=1)
    session.add(case)
    session.commit()
    with officer_browser(app, session) as officer:
        page = officer.get("/desk?estate=wellgrow&industry=digital&overdue=1").text
        assert case.reference in page and "Overdue" in page
        assert case.reference not in officer.get("/desk?estate=map-ta-phut").text
        assert case.reference not in officer.get("/desk?province=20").text
        fragment = officer.get("/desk?overdue=1", headers={"HX-Request": "true"}).text
        assert "<html" not in fragment and 'id="overdue-count"' in fragment
        officer.post(f"/desk/cases/{case.id}/assign", {})
        assert case.reference in officer.get("/desk?mine=1").text


def test_parked_message_is_listed_and_replayed_with_the_same_id(app, browser, session):
    app_id = submitted_application(browser)
    case = case_for(session, app_id)
    message = session.exec(select(OutboxMessage).where(OutboxMessage.aggregate_id == case.id)).one()
    message.state, message.attempts = OutboxState.parked, 8
    message.last_error = "503 from Biz Portal"
    session.add(message)
    session.commit()
    with officer_browser(app, session) as officer:
        page = officer.get("/desk/dead-letters").text
        assert message.id in page and "503 from Biz Portal" in page
        r = officer.post(f"/desk/dead-letters/{message.id}/replay", {})
        assert r.status_code == 303
    session.expire_all()
    replayed = session.get(OutboxMessage, message.id)
    assert replayed.state == OutboxState.pending and replayed.attempts == 0


def test_officer_downloads_a_file_the_applicant_attached_to_an_answer(app, browser, session):
    app_id = submitted_application(browser, requests_eec_privileges="yes")
    case = to_eec_review(session, app_id)
    with officer_browser(app, session) as officer:
        officer.post(f"/desk/cases/{case.id}/request-info", {"question": "Send the lease."})
        browser.post(f"/registration/{app_id}/answer", {"answer": "Attached."},
                     files={"file": ("lease.pdf", b"%PDF-1.4\nlease\n%%EOF\n", "application/pdf")})
        page = officer.get(f"/desk/cases/{case.id}").text
        # The answer's own link (the files of the submission come first on the page).
        link = re.search(rf'href="/desk/cases/{case.id}/documents/(\d+)">lease\.pdf<', page)[1]
        r = officer.get(f"/desk/cases/{case.id}/documents/{link}")
        assert r.status_code == 200 and r.content.startswith(b"%PDF") and b"lease" in r.content
        assert officer.get(f"/desk/cases/{case.id + 999}/documents/{link}").status_code == 404
    # The applicant is not an officer: the desk route refuses them.
    assert browser.get(f"/desk/cases/{case.id}/documents/{link}").status_code == 403


def test_admin_creates_an_estate_operator_who_needs_an_estate(app, browser, session):
    from core.accounts.models import Role, User

    sign_in(browser, create_officer(session, role="admin"))
    r = browser.post("/desk/officers", {"full_name": "Op One", "email": "op1@estate.example",
                                        "password": "operator password 1",
                                        "role": "estate_operator"}, page="/desk/officers")
    assert r.status_code == 422 and 'id="e-estate_id"' in r.text
    r = browser.post("/desk/officers", {"full_name": "Op One", "email": "op1@estate.example",
                                        "password": "operator password 1",
                                        "role": "estate_operator", "estate_id": "map-ta-phut"},
                     page="/desk/officers")
    assert r.status_code == 303
    operator = session.exec(select(User).where(User.email == "op1@estate.example")).one()
    assert (operator.role, operator.estate_id) == (Role.estate_operator, "map-ta-phut")
