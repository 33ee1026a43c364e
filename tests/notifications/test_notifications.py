"""What the applicant sees when their case moves on: the real state and the next action on
"My applications" and the status page, the notification list and its unread count, in Thai
and in English; the e-mail written to the outbox in the applicant's language; one notification
per event however often the event is told; nobody sees another user's notifications. On
SQLite and PostgreSQL, through the portal's own pages and the bridge's real actions."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from core.accounts.models import User
from core.clock import utcnow
from core.db import stored_id
from core.thai_dates import to_bangkok
from eec_bridge import actions, topics
from eec_bridge.callbacks import Update, apply_oss_update, register_company
from eec_bridge.events import CompanyRegistered
from eec_bridge.models import Case, OutboxMessage
from flows import notify
from notifications.models import Notification
from registration.models import Application
from tests.conftest import (
    Browser,
    choose_language,
    create_officer,
    create_user,
    submitted_application,
)
from tests.eec_bridge.test_webhooks import juristic_number

QUESTION = "Please send the lease of the head office."
WORDS = {
    "en": {"info_requested": "Information requested", "answer": "Answer the officer's request",
           "registered": "Registered", "approved": "Approved", "certificate":
           "Download certificate", "rejected": "Rejected", "reason": "See the reason",
           "notice_info": "An officer needs more information", "notice_registered":
           "Your company is registered", "notice_rejected": "Your application was rejected",
           "submitted": "Submitted", "status": "View status"},
    "th": {"info_requested": "ขอข้อมูลเพิ่มเติม", "answer": "ตอบคำขอของเจ้าหน้าที่",
           "registered": "จดทะเบียนแล้ว", "approved": "อนุมัติแล้ว",
           "certificate": "ดาวน์โหลดใบรับรองการจดทะเบียน", "rejected": "ไม่อนุมัติ",
           "reason": "ดูเหตุผล", "notice_info": "เจ้าหน้าที่ขอข้อมูลเพิ่มเติม",
           "notice_registered": "บริษัทของท่านจดทะเบียนแล้ว",
           "notice_rejected": "คำขอของท่านไม่ได้รับอนุมัติ", "submitted": "ส่งคำขอแล้ว",
           "status": "ดูสถานะ"},
}


def fresh_case(session: Session, app_id: int) -> Case:
    session.rollback()
    session.expire_all()
    return session.exec(select(Case).where(Case.application_id == app_id)).one()


def officer(session: Session) -> User:
    email = create_officer(session)
    return session.exec(select(User).where(User.email == email)).one()


def application_row(page: str, app_id: int) -> str:
    found = re.search(rf'<tr id="application-{app_id}".*?</tr>', page, re.S)
    assert found, page[:3000]
    return html.unescape(found.group(0))


def mails_of(session: Session, case_id: int) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.exec(select(OutboxMessage).where(
        OutboxMessage.aggregate_id == case_id,
        OutboxMessage.topic == topics.TOPIC_MAIL_NOTIFICATION)).all())


def registered(session: Session, app_id: int) -> Case:
    """Biz Portal registered the company (the callback's own code path)."""
    case = fresh_case(session, app_id)
    register_company(session, case, juristic_number(stored_id(case.id)))
    session.commit()
    return case


@pytest.mark.parametrize("lang", ["en", "th"])
def test_my_applications_shows_the_real_state_and_the_next_action(browser, session, lang):
    app_id = submitted_application(browser)  # asks for EEC privileges: an officer decides
    choose_language(browser, lang, "/registration")
    words = WORDS[lang]
    row = application_row(browser.get("/registration").text, app_id)
    assert words["submitted"] in row and words["status"] in row

    case = registered(session, app_id)
    row = application_row(browser.get("/registration").text, app_id)
    assert words["registered"] in row and words["certificate"] in row
    assert f'href="/registration/{app_id}/certificate.pdf"' in row

    actions.request_info(session, fresh_case(session, app_id), officer(session), QUESTION)
    session.commit()
    page = browser.get("/registration").text
    row = application_row(page, app_id)
    assert 'data-state="info_requested"' in row
    assert words["info_requested"] in row and words["answer"] in row
    assert words["submitted"] not in row
    assert f'href="/registration/{app_id}/status#info-request"' in row
    status = browser.get(f"/registration/{app_id}/status").text
    assert words["info_requested"] in status and 'id="info-request"' in status

    r = browser.post(f"/registration/{app_id}/answer", {"answer": "The lease is attached."})
    assert r.status_code == 303
    actions.approve(session, fresh_case(session, app_id), officer(session))
    case = fresh_case(session, app_id)
    apply_oss_update(session, case, Update(event_id=f"oss-{case.id}", sequence=1,
                                           status="approved"))
    session.commit()
    row = application_row(browser.get("/registration").text, app_id)
    assert words["approved"] in row and words["certificate"] in row
    assert words["info_requested"] not in row


@pytest.mark.parametrize("lang", ["en", "th"])
def test_a_rejection_says_so_with_its_reason(browser, session, lang):
    app_id = submitted_application(browser)
    choose_language(browser, lang, "/registration")
    registered(session, app_id)
    actions.reject(session, fresh_case(session, app_id), officer(session),
                   "The activity is not a target industry.")
    session.commit()
    row = application_row(browser.get("/registration").text, app_id)
    assert WORDS[lang]["rejected"] in row and WORDS[lang]["reason"] in row
    page = browser.get("/notifications").text
    assert WORDS[lang]["notice_rejected"] in page
    assert "The activity is not a target industry." in page


@pytest.mark.parametrize("lang", ["en", "th"])
def test_the_notification_list_and_the_unread_count(browser, session, lang):
    app_id = submitted_application(browser)
    choose_language(browser, lang, "/registration")
    assert 'id="unread-count"' not in browser.get("/registration").text
    registered(session, app_id)
    actions.request_info(session, fresh_case(session, app_id), officer(session), QUESTION)
    session.commit()

    page = browser.get("/notifications").text
    words = WORDS[lang]
    assert words["notice_info"] in page and QUESTION in page
    assert words["notice_registered"] in page
    case = fresh_case(session, app_id)
    assert juristic_number(stored_id(case.id))[:1] in page
    assert re.search(r'id="unread-count"[^>]*>2<', page), page[:2000]
    # The newest first: the request for information is the thing to do now.
    assert page.index(words["notice_info"]) < page.index(words["notice_registered"])

    first = session.exec(select(Notification).where(
        Notification.application_id == app_id, Notification.kind == "info_requested")).one()
    r = browser.post(f"/notifications/{first.id}/read")
    assert r.status_code == 303 and r.headers["location"] == f"/registration/{app_id}/status"
    assert re.search(r'id="unread-count"[^>]*>1<', browser.get("/notifications").text)
    assert browser.post("/notifications/read").status_code == 303
    assert 'id="unread-count"' not in browser.get("/notifications").text


def test_the_e_mail_is_written_in_the_applicants_language_with_buddhist_era_dates(
        browser, session):
    app_id = submitted_application(browser)
    choose_language(browser, "th", "/registration")  # saved with the account
    case = registered(session, app_id)
    actions.request_info(session, fresh_case(session, app_id), officer(session), QUESTION)
    session.commit()
    mails = mails_of(session, stored_id(case.id))
    assert len(mails) == 2
    info = next(m.payload for m in mails if "เจ้าหน้าที่ขอข้อมูลเพิ่มเติม" in m.payload["subject"])
    application = session.get(Application, app_id)
    assert info["lang"] == "th" and application.reference in info["subject"]
    assert QUESTION in info["body"] and application.name_th in info["body"]
    year = to_bangkok(utcnow()).year
    on_date = re.search(r"เมื่อวันที่ \d{1,2} \S+ (\d{4})", info["body"])
    assert on_date and int(on_date.group(1)) == year + 543, info["body"]  # พ.ศ.
    assert f"/registration/{app_id}/status" in info["body"]
    user = session.get(User, application.user_id)
    assert info["to"] == user.email

    choose_language(browser, "en", "/registration")
    actions.reject(session, fresh_case(session, app_id), officer(session), "Out of scope.")
    session.commit()
    rejected = [m.payload for m in mails_of(session, stored_id(case.id))
                if "rejected" in m.payload["subject"]]
    assert len(rejected) == 1 and rejected[0]["lang"] == "en"
    assert "Reason: Out of scope." in rejected[0]["body"]
    on_date = re.search(r"on [A-Z][a-z]+ \d{1,2}, (\d{4})\.", rejected[0]["body"])
    assert on_date and int(on_date.group(1)) == year, rejected[0]["body"]  # A.D. in English


def test_the_same_event_told_twice_is_one_notification_and_one_mail(browser, session):
    app_id = submitted_application(browser)
    case = registered(session, app_id)
    again = CompanyRegistered(application_id=app_id, case_id=stored_id(case.id),
                              status=case.status, juristic_number=str(case.juristic_number),
                              name_th=case.name_th, name_en=case.name_en)
    notify.on_company_registered(session, again)  # a callback delivered a second time
    session.commit()
    notices = session.exec(select(Notification).where(
        Notification.application_id == app_id, Notification.kind == "registered")).all()
    assert len(notices) == 1
    assert len(mails_of(session, stored_id(case.id))) == 1


def test_nobody_sees_another_users_notifications(app, browser, session):
    app_id = submitted_application(browser)
    registered(session, app_id)
    mine = session.exec(select(Notification).where(Notification.application_id == app_id)).one()
    with TestClient(app) as client:
        stranger = Browser(client)
        create_user(stranger, lang="en")
        page = stranger.get("/notifications").text
        assert "Your company is registered" not in page and "You have no notifications" in page
        assert stranger.post(f"/notifications/{mine.id}/read").status_code == 404
        # Marking "all" read marks only the stranger's own.
        assert stranger.post("/notifications/read").status_code == 303
    session.expire_all()
    assert session.get(Notification, mine.id).read_at is None
    assert browser.get("/notifications").status_code == 200
    # Signed out, the list is not there at all.
    with TestClient(app) as client:
        r = client.get("/notifications", follow_redirects=False)
        assert r.status_code in (303, 401)
