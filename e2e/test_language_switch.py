"""The header's language switch is a small form: it works without JavaScript, keeps the
page, and a plain link to the old GET address changes nothing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from e2e.pages import LANGUAGE_BUTTONS, PortalPage

OTHER = {"th": "en", "en": "th"}


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_language_buttons_work_without_javascript(new_page, lang: str) -> None:
    page = new_page(OTHER[lang], javascript=False)  # the browser asks for the other language
    portal = PortalPage(page, lang)
    page.goto("/sign-up")
    expect(page.locator("html")).to_have_attribute("lang", OTHER[lang])
    # An old-style link changes nothing: only the form does.
    page.goto(f"/lang/{lang}?next=/sign-up")
    page.goto("/sign-up")
    expect(page.locator("html")).to_have_attribute("lang", OTHER[lang])

    page.get_by_role("button", name=LANGUAGE_BUTTONS[lang], exact=True).click()

    portal.expect_language()
    expect(page).to_have_url(re.compile(r"/sign-up$"))  # back on the page it was pressed on
    expect(page.get_by_role("button", name=LANGUAGE_BUTTONS[lang], exact=True)).to_have_count(0)
