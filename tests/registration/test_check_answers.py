""""Check your answers" reads as words, in the page's language (a new user's walk, Thai on a
phone and English on a desktop): nationalities by the country's name, each EEC answer on a
line of its own with its label, and a refused submission's address still leading somewhere."""

from __future__ import annotations

import re

import pytest
from babel import Locale

from core.i18n import translations
from tests.conftest import create_application, create_user
from tests.registration.test_wizard import fill_all_steps

LANGS = pytest.mark.parametrize("lang", ["th", "en"])


def t(lang: str, msgid: str) -> str:
    return translations(lang).gettext(msgid)


def answer(page: str, answer_id: str) -> tuple[str, str]:
    """The label and the answer of one line of "check your answers", as text."""
    found = re.search(rf'id="answer-{answer_id}"><dt>(.*?)</dt><dd>(.*?)</dd>', page, re.S)
    assert found, f"no answer {answer_id}"
    return tuple(re.sub(r"<[^>]+>", "", part).strip() for part in found.groups())


def shareholder_cells(page: str) -> list[list[str]]:
    table = page.split('aria-labelledby="h-people"')[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>(.*?)</tr>", table, re.S)
    return [re.findall(r"(?:^|<td[^>]*>)(.*?)</td>", row) for row in rows]


@LANGS
def test_nationalities_are_country_names_in_the_pages_language(browser, lang):
    create_user(browser, lang=lang)
    app_id = create_application(browser)
    fill_all_steps(browser, app_id)
    page = browser.get(f"/registration/{app_id}/review").text
    nationalities = {row[0]: row[1] for row in shareholder_cells(page)}
    names = Locale(lang).territories
    assert nationalities == {"Somchai Jaidee": names["TH"], "John Smith": names["GB"]}


@LANGS
def test_each_eec_answer_is_a_labelled_line_of_its_own(browser, lang):
    create_user(browser, lang=lang)
    app_id = create_application(browser)
    fill_all_steps(browser, app_id, eec={"requests_eec_privileges": "no"})
    page = browser.get(f"/registration/{app_id}/review").text
    assert answer(page, "eec") == (t(lang, "Operates in the EEC"), t(lang, "Yes"))
    assert answer(page, "eec-privileges") == (t(lang, "Requests EEC privileges"), t(lang, "No"))
    assert answer(page, "eec-industry") == (
        t(lang, "Target industry"), "หุ่นยนต์" if lang == "th" else "Robotics")
    assert answer(page, "eec-estate") == (
        t(lang, "Industrial estate"),
        "นิคมอุตสาหกรรมมาบตาพุด" if lang == "th" else "Map Ta Phut Industrial Estate")
    assert answer(page, "eec-province")[1] == ("ระยอง" if lang == "th" else "Rayong")
    for line in ("eec", "eec-privileges", "eec-industry", "eec-estate", "eec-province"):
        assert f'<div class="answer" id="answer-{line}">' in page
    assert " · " not in answer(page, "eec")[1] + answer(page, "eec-privileges")[1]


def test_a_refused_submissions_address_leads_back_to_the_review(browser):
    """Reloading or bookmarking /submit after a refused submission (declaration not ticked)
    opens the review again, not a "not found" page."""
    create_user(browser, lang="th")
    app_id = create_application(browser)
    fill_all_steps(browser, app_id)
    refused = browser.post(f"/registration/{app_id}/submit", {})
    assert refused.status_code == 422
    r = browser.get(f"/registration/{app_id}/submit", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/registration/{app_id}/review"
    assert t("th", "Check your answers before submitting") in browser.get(
        r.headers["location"]).text


def test_submits_address_leads_nowhere_for_anyone_else(app, browser):
    """The same rule as the review page: someone else's application is not found."""
    from fastapi.testclient import TestClient

    from tests.conftest import Browser

    create_user(browser, lang="en")
    app_id = create_application(browser)
    with TestClient(app) as other_client:
        other = Browser(other_client)
        create_user(other, lang="en")
        for path in ("review", "submit"):
            r = other.get(f"/registration/{app_id}/{path}", follow_redirects=False)
            assert r.status_code == 404, path
        assert other.get("/registration/999999999/submit").status_code == 404
