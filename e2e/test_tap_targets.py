"""On a 390 × 844 phone every button and every link that is not part of a sentence is a
target a thumb can hit (at least 44 × 44 CSS px), and each checkbox and radio is at least
24 px with its whole label as a 44 px tall target (WCAG 2.5.8, more than its 24 px minimum):
the header's links, sign-out and language buttons, the wizard's step links, the documents'
Remove buttons, "check your answers"' Change links. In Thai and English. At 1280 px the
wizard's step links stay the small pills they are on a desk."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from e2e.drafts import Applicant
from e2e.pages import DocumentsStep, EecStep, ReviewPage

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TARGET_PX = 44
CONTROL_PX = 24

# What is tapped: buttons, links styled as buttons or as navigation, "Change" links. A link
# inside a sentence (the privacy notice in the footer) is excepted by WCAG 2.5.8.
TARGETS = ("header.site a, header.site button, .steps a, main button, main a.btn, main a.change,"
           " .chat summary")
CONTROLS = "input[type=checkbox], input[type=radio]"

_MEASURE = """([selector, min]) => [...document.querySelectorAll(selector)]
  .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== "hidden")
  .map(e => { const r = e.getBoundingClientRect();
              return {what: (e.textContent || e.name || e.tagName).trim().slice(0, 40),
                      width: Math.round(r.width * 10) / 10,
                      height: Math.round(r.height * 10) / 10}; })
  .filter(b => b.width < min || b.height < min)"""

_LABELS = """(min) => [...document.querySelectorAll("input[type=checkbox], input[type=radio]")]
  .filter(e => e.getClientRects().length)
  .map(e => { const label = e.closest("label");
              const r = label ? label.getBoundingClientRect() : null;
              return {what: e.name, labelled: !!label, height: r ? r.height : 0}; })
  .filter(b => !b.labelled || b.height < min)"""


def too_small(page: Page, selector: str, minimum: int) -> list[dict]:
    return page.evaluate(_MEASURE, [selector, minimum])


def expect_tappable(page: Page, where: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], where
    small = too_small(page, TARGETS, TARGET_PX)
    assert not small, f"{where}: targets under {TARGET_PX} px: {small}"
    small = too_small(page, CONTROLS, CONTROL_PX)
    assert not small, f"{where}: checkboxes or radios under {CONTROL_PX} px: {small}"
    unlabelled = page.evaluate(_LABELS, TARGET_PX)
    assert not unlabelled, f"{where}: labels that are not {TARGET_PX} px tall targets: " \
        f"{unlabelled}"


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["th", "en"])
def test_every_target_is_thumb_sized_on_a_phone(page: Page, lang: str, live_server,
                                                snap) -> None:
    applicant = Applicant(page, lang, live_server).fill_until("review")
    page.set_viewport_size(PHONE)
    app_id = applicant.application_id

    documents = DocumentsStep(page, lang, app_id).open()
    expect_tappable(page, "documents")
    # On a phone the list is cards (no table roles): the card that names the file.
    remove = page.locator("tr").filter(has_text="passport.pdf").get_by_role(
        "button", name=documents.t("Remove"), exact=True)
    box = remove.bounding_box()
    assert box and box["width"] >= TARGET_PX and box["height"] >= TARGET_PX, box
    snap(page, f"{lang}-documents-phone")

    EecStep(page, lang, app_id).open()
    expect_tappable(page, "EEC questions")  # the yes/no radios
    page.goto(f"/registration/{app_id}/people")
    expect_tappable(page, "promoters")  # the promoter checkboxes
    ReviewPage(page, lang, app_id).open()
    expect_tappable(page, "check your answers")  # Change links, the declaration's checkbox
    snap(page, f"{lang}-review-phone")

    # A radio's words are part of its target: tapping "No" chooses no.
    eec = EecStep(page, lang, app_id).open()
    group = eec.group(eec.PRIVILEGES)
    group.get_by_text(eec.t("No"), exact=True).click()
    assert group.get_by_role("radio", name=eec.t("No"), exact=True).is_checked()

    # On a desk the step links stay pills in one or two rows, not 44 px blocks.
    page.set_viewport_size(DESKTOP)
    page.goto(f"/registration/{app_id}/documents")
    heights = page.eval_on_selector_all(".steps a", "links => links.map(a => "
                                        "a.getBoundingClientRect().height)")
    assert heights and max(heights) < TARGET_PX, heights
    snap(page, f"{lang}-documents-desktop")
