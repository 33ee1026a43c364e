"""After the applicant answers a request for information, the status page confirms it was
sent (once), and keeps the record: each answered question with its answer and the names of
the files sent with it, in Thai and in English."""

from __future__ import annotations

import html
import re

import pytest

from core.i18n import translations
from tests.conftest import choose_language, officer_browser, submitted_application
from tests.eec_bridge.test_desk import to_eec_review

LANGS = ["th", "en"]
QUESTION = "Please attach the factory lease."
ANSWER = "The lease of plant 3 is attached."


def t(lang: str, msgid: str) -> str:
    return translations(lang).gettext(msgid)


def answered_section(page: str) -> str:
    found = re.search(r'<section[^>]*id="answered-requests".*?</section>', page, re.S)
    assert found, page[:4000]
    return html.unescape(found.group(0))


@pytest.mark.parametrize("lang", LANGS)
def test_the_answer_is_confirmed_and_kept_on_the_status_page(app, browser, session, lang):
    app_id = submitted_application(browser, requests_eec_privileges="yes")
    case = to_eec_review(session, app_id)
    with officer_browser(app, session) as officer:
        officer.post(f"/desk/cases/{case.id}/request-info", {"question": QUESTION})
    choose_language(browser, lang, f"/registration/{app_id}/status")
    before = browser.get(f"/registration/{app_id}/status").text
    assert 'id="answered-requests"' not in before

    r = browser.post(f"/registration/{app_id}/answer", {"answer": ANSWER},
                     files={"file": ("lease-plant-3.pdf", b"%PDF-1.4\nlease\n%%EOF\n",
                                     "application/pdf")})
    assert r.status_code == 303
    page = browser.get(r.headers["location"]).text
    sent = t(lang, "Your answer was sent to the officer.")
    assert sent in html.unescape(page) and 'class="alert ok" role="status"' in page
    assert sent not in html.unescape(browser.get(r.headers["location"]).text)  # once

    record = answered_section(page)
    assert QUESTION in record and ANSWER in record
    assert f"{t(lang, 'File')}: lease-plant-3.pdf" in record
    assert t(lang, "from an EEC officer") in record
    assert 'id="info-request"' not in page  # nothing left to answer


def test_a_second_request_keeps_the_first_answer(app, browser, session):
    app_id = submitted_application(browser, requests_eec_privileges="yes")
    case = to_eec_review(session, app_id)
    with officer_browser(app, session) as officer:
        officer.post(f"/desk/cases/{case.id}/request-info", {"question": QUESTION})
        browser.post(f"/registration/{app_id}/answer", {"answer": ANSWER})
        officer.post(f"/desk/cases/{case.id}/request-info", {"question": "And the site plan?"})
    page = browser.get(f"/registration/{app_id}/status").text
    record = answered_section(page)
    assert QUESTION in record and ANSWER in record
    assert "And the site plan?" not in record  # still open: it is the form's question
    assert 'id="info-request"' in page and "And the site plan?" in page
