"""On a 390 px phone, "My applications" is a list of cards: each application's state and its
one next action are on screen without scrolling sideways, in Thai and in English; the header
links to the notifications."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.drafts import PASSWORD, unique_email, unique_names
from e2e.pages import NameReservationPage, OfficeStep, SignUpPage

PHONE = {"width": 390, "height": 844}


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_next_action_is_on_a_phones_screen(page: Page, lang: str, snap):
    sign_up = SignUpPage(page, lang).open()
    sign_up.sign_up("Somchai Jaidee", unique_email("phone"), PASSWORD)
    sign_up.submit()
    names = NameReservationPage(page, lang).start_from_dashboard()
    names.fill_names(*unique_names())
    names.expect_available()
    names.reserve()
    OfficeStep(page, lang).expect_open()

    page.set_viewport_size(PHONE)
    page.goto("/registration")
    t = names.t
    card = page.locator("#applications tbody tr").first
    expect(card.get_by_text(t("Draft"), exact=True)).to_be_in_viewport()
    action = card.get_by_role("link", name=t("Continue the application"), exact=True)
    expect(action).to_be_in_viewport()
    box = action.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    # A card, not a table to scroll: nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.get_by_role("link", name=t("Notifications"), exact=True)).to_be_attached()
    snap(page, f"{lang}-my-applications-phone")

    action.click()  # back into the wizard, where the draft was left
    expect(page).to_have_url(re.compile(r"/registration/\d+/\w+$"))
