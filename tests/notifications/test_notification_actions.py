"""A notification's button does what it says: "Download certificate" downloads the
certificate (and a registration without one says "See your application"); a request for
information once answered is read and offers "See your answer"; "approved" says what was
approved (the EEC privileges asked for, or the operation in the EEC recorded by EEC OSS), in
the portal and in the e-mail, in Thai and in English."""

from __future__ import annotations

import html
import re

import pytest
from sqlmodel import Session, select

from core.db import stored_id
from core.i18n import translations
from eec_bridge import actions
from eec_bridge.callbacks import Update, apply_oss_update
from eec_bridge.events import CompanyRegistered
from eec_bridge.models import Case
from flows import notify
from notifications.models import Notification
from tests.conftest import choose_language, submitted_application
from tests.notifications.test_notifications import (
    QUESTION,
    fresh_case,
    mails_of,
    officer,
    registered,
)

LANGS = ["en", "th"]


def t(lang: str, msgid: str) -> str:
    return translations(lang).gettext(msgid)


def notice_of(session: Session, app_id: int, kind: str) -> Notification:
    session.expire_all()
    return session.exec(select(Notification).where(
        Notification.application_id == app_id, Notification.kind == kind)).one()


def card(page: str, notification: Notification) -> str:
    found = re.search(rf'<li class="card[^"]*" id="notification-{notification.id}">.*?</li>',
                      page, re.S)
    assert found, page[:3000]
    return html.unescape(found.group(0))


@pytest.mark.parametrize("lang", LANGS)
def test_the_registered_notification_downloads_the_certificate(browser, session, lang):
    app_id = submitted_application(browser)
    choose_language(browser, lang, "/notifications")
    registered(session, app_id)
    notice = notice_of(session, app_id, "registered")
    assert t(lang, "Download certificate") in card(browser.get("/notifications").text, notice)
    r = browser.post(f"/notifications/{notice.id}/read")
    assert r.status_code == 303
    assert r.headers["location"] == f"/registration/{app_id}/certificate.pdf"
    pdf = browser.get(r.headers["location"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("lang", LANGS)
def test_a_registration_without_a_certificate_offers_the_application(browser, session, lang):
    app_id = submitted_application(browser)
    choose_language(browser, lang, "/notifications")
    case = fresh_case(session, app_id)
    # Told before the registrar's number came with a certificate: nothing to download yet.
    notify.on_company_registered(session, CompanyRegistered(
        application_id=app_id, case_id=stored_id(case.id), status=case.status,
        juristic_number="0215569000017", name_th=case.name_th, name_en=case.name_en))
    session.commit()
    notice = notice_of(session, app_id, "registered")
    shown = card(browser.get("/notifications").text, notice)
    assert t(lang, "See your application") in shown
    assert t(lang, "Download certificate") not in shown
    r = browser.post(f"/notifications/{notice.id}/read")
    assert r.headers["location"] == f"/registration/{app_id}/status"


@pytest.mark.parametrize("lang", LANGS)
def test_an_answered_request_is_read_and_offers_the_answer(browser, session, lang):
    app_id = submitted_application(browser)
    choose_language(browser, lang, "/notifications")
    registered(session, app_id)
    actions.request_info(session, fresh_case(session, app_id), officer(session), QUESTION)
    session.commit()
    notice = notice_of(session, app_id, "info_requested")
    shown = card(browser.get("/notifications").text, notice)
    assert t(lang, "Answer the officer's request") in shown and t(lang, "New") in shown

    r = browser.post(f"/registration/{app_id}/answer", {"answer": "The lease is attached."})
    assert r.status_code == 303
    notice = notice_of(session, app_id, "info_requested")
    assert notice.read_at is not None
    shown = card(browser.get("/notifications").text, notice)
    assert t(lang, "See your answer") in shown
    assert t(lang, "Answer the officer's request") not in shown and t(lang, "New") not in shown
    r = browser.post(f"/notifications/{notice.id}/read")
    assert r.headers["location"] == f"/registration/{app_id}/status#answered-requests"
    # The registration's notification is still unread; the answered one no longer counts.
    assert re.search(r'id="unread-count"[^>]*>1<', browser.get("/notifications").text)


PRIVILEGES_GRANTED = "Your company is granted the EEC privileges it requested."
OPERATION_RECORDED = ("EEC OSS recorded your company's operation in the EEC. You did not "
                      "request EEC privileges.")


def oss_approves(session: Session, app_id: int) -> Case:
    case = fresh_case(session, app_id)
    apply_oss_update(session, case, Update(event_id=f"oss-approve-{case.id}", sequence=1,
                                           status="approved"))
    session.commit()
    return case


@pytest.mark.parametrize("lang", LANGS)
def test_approved_says_the_privileges_were_granted(browser, session, lang):
    app_id = submitted_application(browser, requests_eec_privileges="yes")
    choose_language(browser, lang, "/notifications")
    registered(session, app_id)
    actions.approve(session, fresh_case(session, app_id), officer(session))
    session.commit()
    case = oss_approves(session, app_id)
    shown = card(browser.get("/notifications").text, notice_of(session, app_id, "approved"))
    assert t(lang, PRIVILEGES_GRANTED) in shown
    assert t(lang, OPERATION_RECORDED) not in shown
    [mail] = [m.payload for m in mails_of(session, stored_id(case.id))
              if t(lang, "Your application is approved") in m.payload["subject"]]
    assert t(lang, PRIVILEGES_GRANTED) in mail["body"]


@pytest.mark.parametrize("lang", LANGS)
def test_approved_without_privileges_says_eec_oss_recorded_the_operation(browser, session,
                                                                         lang):
    app_id = submitted_application(browser, requests_eec_privileges="no")
    choose_language(browser, lang, "/notifications")
    registered(session, app_id)  # goes on to EEC OSS without an officer's decision
    case = oss_approves(session, app_id)
    shown = card(browser.get("/notifications").text, notice_of(session, app_id, "approved"))
    assert t(lang, OPERATION_RECORDED) in shown
    assert t(lang, PRIVILEGES_GRANTED) not in shown
    assert t(lang, "The EEC Office approved your application.") not in shown
    [mail] = [m.payload for m in mails_of(session, stored_id(case.id))
              if t(lang, "Your application is approved") in m.payload["subject"]]
    assert t(lang, OPERATION_RECORDED) in mail["body"]
