"""The wizard asks nothing twice, on a phone (390 px wide), in Thai and English: a promoter is
made a director with one tick, "check your answers" sends the user to a step and back, and a
subdistrict with two postal codes offers both."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.drafts import FOREIGN_PROMOTER, PDF, THAI_PROMOTER, WITNESSES, Applicant
from e2e.pages import CapitalStep, DirectorsStep, EecStep, OfficeStep, ReviewPage

PHONE = {"width": 390, "height": 844}


def expect_no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["th", "en"])
def test_promoter_ticked_as_director_and_changed_from_check_your_answers(
        page: Page, lang: str, live_server, snap) -> None:
    page.set_viewport_size(PHONE)
    applicant = Applicant(page, lang, live_server).fill_until("directors")

    # Directors: the Thai promoter is ticked, not typed again.
    directors = DirectorsStep(page, lang, applicant.application_id).open()
    expect_no_sideways_scroll(page)
    directors.promoter_is_director(THAI_PROMOTER.full_name).check()
    directors.promoter_may_sign(THAI_PROMOTER.full_name).check()
    directors.signatories_required().fill("1")
    directors.fill_witnesses(*WITNESSES)
    snap(page, f"{lang}-directors-promoter-ticked")
    directors.save_and_continue()
    EecStep(page, lang, applicant.application_id).expect_open()

    applicant.save_step("eec")
    ids = applicant.promoter_ids()
    applicant.upload("id_copy", ids[THAI_PROMOTER.full_name], "id-card.pdf", PDF)
    applicant.upload("passport_copy", ids[FOREIGN_PROMOTER.full_name], "passport.pdf",
                     PDF + b"%passport\n")

    # Check your answers: the director is the promoter, with a Change link.
    review = ReviewPage(page, lang, applicant.application_id).open()
    expect(review.check_heading()).to_be_visible()
    expect(review.fact("Directors")).to_contain_text(THAI_PROMOTER.full_name)
    expect(review.fact("Directors")).not_to_contain_text(FOREIGN_PROMOTER.full_name)
    change = review.change_link("Directors")
    expect(change).to_be_visible()
    expect_no_sideways_scroll(page)
    snap(page, f"{lang}-check-your-answers")
    change.click()

    # The step opens with the promoter still ticked; the other promoter is ticked too.
    expect(page).to_have_url(re.compile(
        rf"/registration/{applicant.application_id}/directors\?return=check$"))
    expect(directors.promoter_is_director(THAI_PROMOTER.full_name)).to_be_checked()
    expect(directors.promoter_is_director(FOREIGN_PROMOTER.full_name)).not_to_be_checked()
    directors.promoter_is_director(FOREIGN_PROMOTER.full_name).check()
    directors.save_and_return()

    # Back on "check your answers", at the answer that was changed.
    expect(page).to_have_url(re.compile(
        rf"/registration/{applicant.application_id}/review#answer-directors$"))
    expect(review.check_heading()).to_be_visible()
    expect(review.fact("Directors")).to_contain_text(THAI_PROMOTER.full_name)
    expect(review.fact("Directors")).to_contain_text(FOREIGN_PROMOTER.full_name)
    expect_no_sideways_scroll(page)


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_subdistrict_with_two_postal_codes_offers_both(page: Page, lang: str,
                                                         live_server) -> None:
    page.set_viewport_size(PHONE)
    applicant = Applicant(page, lang, live_server).fill_until("office")
    office = OfficeStep(page, lang, applicant.application_id).open()
    office.choose_area(province="21", district="2101", subdistrict="210114")  # Map Ta Phut
    hint = page.get_by_text(office.t(
        "This subdistrict has %(n)s postal codes. Choose the one on your letters.", n=2))
    expect(hint).to_be_visible()
    expect(office.postal_code().locator("option[value='21000']")).to_have_count(1)
    expect(office.postal_code().locator("option[value='21150']")).to_have_count(1)
    office.postal_code().select_option("21150")
    office.house_no().fill("1 Sukhumvit Road")
    office.save_and_continue()
    CapitalStep(page, lang, applicant.application_id).expect_open()

    # Back on the step, the choice is kept; a one-code subdistrict fills its code in.
    office.open()
    expect(office.postal_code()).to_have_value("21150")
    office.subdistrict().select_option("210101")  # Tha Pradu: 21000 only
    expect(office.postal_code()).to_have_value("21000")
    expect(hint).to_have_count(0)
    expect_no_sideways_scroll(page)
