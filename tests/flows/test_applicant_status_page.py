"""An application's status page says where it stands once, as "My applications" says it
(flows/application_status.py), in the box at the top, and keeps saying it as the case moves
on: the timeline's poll brings the box up to date too. In Thai and English."""

from __future__ import annotations

import re

import pytest

from core.i18n import translations
from eec_bridge.callbacks import Update, apply_oss_update
from tests.conftest import choose_language, submitted_application
from tests.eec_bridge.test_desk import case_for, to_eec_review


def t(lang: str, msgid: str) -> str:
    return translations(lang).gettext(msgid)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def top_box(page: str) -> str:
    return page.split('id="status-summary"')[1].split("</section>")[0]


def approved(browser, session) -> int:
    """Submitted with EEC privileges, registered by Biz Portal, approved by EEC OSS."""
    app_id = submitted_application(browser, requests_eec_privileges="yes")
    case = to_eec_review(session, app_id)
    assert apply_oss_update(session, case, Update(event_id="oss-1", sequence=1,
                                                  status="approved"))
    session.commit()
    assert case_for(session, app_id).status == "approved"
    return app_id


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_top_box_says_the_live_state_once(browser, session, lang):
    app_id = submitted_application(browser)
    choose_language(browser, lang)
    page = browser.get(f"/registration/{app_id}/status").text
    assert re.search(r'id="applicant-state">\s*' + re.escape(t(lang, "Submitted")) + r"\s*<",
                     top_box(page))

    case = to_eec_review(session, app_id)  # no privileges asked: registered, then approved
    case.status = "approved"
    session.add(case)
    session.commit()
    page = browser.get(f"/registration/{app_id}/status").text
    box = top_box(page)
    assert re.search(r'id="applicant-state">\s*' + re.escape(t(lang, "Approved")) + r"\s*<", box)
    # Said once: no second line with the case's own status, no "Your application:" line.
    assert page.count('id="applicant-state"') == 1 and 'id="current-status"' not in page
    for gone in ("Your application", "Current status"):
        assert f"{t(lang, gone)}:" not in text_of(page)
    # The date of submission is labelled as a date, not as a state beside the live one.
    assert t(lang, "Submitted on") in text_of(box)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_an_approved_company_shows_its_number_and_certificate_without_a_stray_dot(
        browser, session, lang):
    app_id = approved(browser, session)
    choose_language(browser, lang)
    page = browser.get(f"/registration/{app_id}/status").text
    box = top_box(page)
    assert re.search(r'id="applicant-state">\s*' + re.escape(t(lang, "Approved")), box)
    assert re.search(r'id="juristic-number">0-\d{2}-\d-\d{3}-\d{5}-\d<', box)
    # Nothing dangles after the number (the certificate link has a line of its own).
    assert not re.search(r'id="juristic-number">[^<]+(</\w+>\s*)+·', page)
    assert f'href="/registration/{app_id}/certificate.pdf"' in box
    assert t(lang, "Download the certificate (PDF)") in box


def test_the_timelines_poll_brings_the_top_box_up_to_date(browser, session):
    app_id = submitted_application(browser)
    case = to_eec_review(session, app_id)
    case.status = "approved"
    session.add(case)
    session.commit()
    poll = browser.get(f"/registration/{app_id}/status", headers={"HX-Request": "true"}).text
    assert "<html" not in poll and 'hx-trigger="every 5s"' in poll
    box = re.search(r'<section[^>]*id="status-summary"[^>]*>', poll)
    assert box and 'hx-swap-oob="true"' in box.group(0)
    assert re.search(r'id="applicant-state">\s*Approved\s*<', poll)
    # The full page has the box once, not a second copy for the poll.
    assert browser.get(f"/registration/{app_id}/status").text.count('id="status-summary"') == 1
