"""Right after an officer approves, until EEC OSS takes the case, the desk and the applicant
read the truth: approved, being sent to EEC OSS; the desk offers no decision any more and a
second one is refused. "Assign to me" is offered only to an officer the case is not already
assigned to. In Thai and in English."""

from __future__ import annotations

import html
import re

import pytest
from sqlmodel import select

from core.i18n import translations
from eec_bridge.models import CaseStatus, OutboxMessage
from tests.conftest import choose_language, officer_browser, submitted_application
from tests.eec_bridge.test_desk import case_for, to_eec_review

LANGS = ["th", "en"]
APPROVED_SENDING = "Approved, sending to EEC OSS"


def t(lang: str, msgid: str) -> str:
    return translations(lang).gettext(msgid)


def status_badge(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]*)<', page)
    assert found, page[:3000]
    return html.unescape(found.group(1)).strip()


@pytest.mark.parametrize("lang", LANGS)
def test_an_approved_case_says_it_is_on_its_way_to_eec_oss(app, browser, session, lang):
    app_id = submitted_application(browser, requests_eec_privileges="yes")
    case = to_eec_review(session, app_id)
    with officer_browser(app, session) as officer:
        choose_language(officer, lang)
        page = officer.get(f"/desk/cases/{case.id}").text
        assert status_badge(page, "case-status") == t(lang, "EEC officer review")
        assert 'id="h-decide"' in page

        assert officer.post(f"/desk/cases/{case.id}/approve", {}).status_code == 303
        page = officer.get(f"/desk/cases/{case.id}").text
        assert status_badge(page, "case-status") == t(lang, APPROVED_SENDING)
        assert 'id="h-decide"' not in page
        for button in ("Approve and send to EEC OSS", "Request more information", "Reject"):
            assert f">{t(lang, button)}</button>" not in page, button

        # A second decision (a double click, a stale tab) is refused and sends nothing.
        assert officer.post(f"/desk/cases/{case.id}/approve", {}).status_code == 409
        assert officer.post(f"/desk/cases/{case.id}/reject",
                            {"reason": "Changed my mind."}).status_code == 409
        assert officer.post(f"/desk/cases/{case.id}/request-info",
                            {"question": "One more thing?"}).status_code == 409
        # The desk's list says the same as the case page.
        listed = officer.get(f"/desk?q={case.reference}").text
        [row] = [r for r in re.findall(r"<tr.*?</tr>", listed, re.S) if case.reference in r]
        assert f'<span class="badge">{html.escape(t(lang, APPROVED_SENDING))}</span>' in row
    assert case_for(session, app_id).status == CaseStatus.eec_review  # until EEC OSS replies
    sent = session.exec(select(OutboxMessage).where(
        OutboxMessage.aggregate_id == case.id, OutboxMessage.topic == "eec_oss.case")).all()
    assert len(sent) == 1

    # The applicant reads the same word.
    choose_language(browser, lang, f"/registration/{app_id}/status")
    status = browser.get(f"/registration/{app_id}/status").text
    assert status_badge(status, "current-status") == t(lang, APPROVED_SENDING)


@pytest.mark.parametrize("lang", LANGS)
def test_assign_to_me_only_when_the_case_is_not_mine(app, browser, session, lang):
    app_id = submitted_application(browser, requests_eec_privileges="yes")
    case = to_eec_review(session, app_id)
    assign_to_me = ">{}</button>"
    with officer_browser(app, session) as officer, officer_browser(app, session) as colleague:
        choose_language(officer, lang)
        choose_language(colleague, lang)
        button = assign_to_me.format(t(lang, "Assign to me"))
        assert button in officer.get(f"/desk/cases/{case.id}").text
        assert officer.post(f"/desk/cases/{case.id}/assign", {}).status_code == 303
        assert button not in officer.get(f"/desk/cases/{case.id}").text
        # Someone else's case: the colleague may still take it over.
        assert button in colleague.get(f"/desk/cases/{case.id}").text
