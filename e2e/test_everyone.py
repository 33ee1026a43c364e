"""For everyone (issue 14), in a real browser in both languages: a refused form puts the
keyboard focus on its error summary, so keyboard and screen-reader users start from what to
correct; and on a 390 px phone the "report a problem" button covers nothing and the list of
one's applications is a pile of cards, not a table wider than the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e.drafts import Applicant
from e2e.pages import PortalPage, SignUpPage

pytestmark = pytest.mark.e2e
BOTH_LANGUAGES = pytest.mark.parametrize("lang", ["th", "en"])
PHONE = {"width": 390, "height": 844}


def overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


@BOTH_LANGUAGES
def test_a_refused_form_moves_the_focus_to_its_error_summary(page: Page, lang: str) -> None:
    sign_up = SignUpPage(page, lang).open()
    sign_up.label("Full name").fill("Somchai Jaidee")
    sign_up.button("Create account").click()  # no e-mail, no password, no consent

    sign_up.expect_error_summary()  # shown and focused
    assert page.evaluate("document.activeElement.id") == "error-summary"
    summary = page.locator("#error-summary")
    expect(sign_up.label("Full name")).to_have_value("Somchai Jaidee")
    # Its links still take the user to each field.
    summary.get_by_role("link").first.click()
    expect(sign_up.label("E-mail")).to_be_focused()


@BOTH_LANGUAGES
def test_on_a_phone_the_report_button_covers_nothing_and_lists_are_cards(
        page: Page, lang: str, live_server, snap) -> None:
    applicant = Applicant(page, lang, live_server).sign_up().reserve_name()
    page.set_viewport_size(PHONE)
    portal = PortalPage(page, lang)
    page.goto("/registration")
    portal.expect_language()
    report = page.locator("#chat > summary")
    expect(report).to_be_visible()

    # Wherever the page is scrolled, the button is not over the page's content.
    last = page.locator("main > :last-child")
    for element in (page.locator("main h1"), last, page.locator("footer.site")):
        element.scroll_into_view_if_needed()
        assert not overlap(report.bounding_box(), element.bounding_box()), element
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert not overlap(report.bounding_box(), last.bounding_box())

    # The application's row is a card: each value under its column's name, nothing sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    row = page.get_by_role("row").filter(has_text=applicant.name_en)
    expect(row).to_be_visible()
    status = row.locator("td").first  # the state comes first, then its action
    assert status.evaluate("td => getComputedStyle(td).display") == "block"
    assert status.evaluate("td => getComputedStyle(td, '::before').content") == (
        f'"{portal.t("Status")}"')
    snap(page, f"phone-applications-{lang}")
    page.goto("/")
    snap(page, f"phone-home-{lang}")
    page.goto("/complaints/new")
    snap(page, f"phone-complaint-form-{lang}")


@BOTH_LANGUAGES
def test_the_open_chat_covers_no_field_of_the_complaint_form_on_a_desktop(
        page: Page, lang: str, snap) -> None:
    """The assistant and the web form side by side: a user may read one while typing in the
    other."""
    portal = PortalPage(page, lang)
    page.goto("/complaints/new")
    portal.expect_language()
    page.locator("#chat > summary").click()
    panel = page.locator("#chat .chat-panel")
    expect(panel).to_be_visible()
    form = page.locator("main form").first
    fields = form.locator("input:visible, select:visible, textarea:visible, button:visible")
    assert fields.count() > 5
    for element in (form, *fields.all(), page.locator("footer.site")):
        element.scroll_into_view_if_needed()
        for covering in (panel, page.locator("#chat > summary")):
            assert not overlap(covering.bounding_box(), element.bounding_box()), element
    snap(page, f"desktop-complaint-form-with-chat-{lang}")
