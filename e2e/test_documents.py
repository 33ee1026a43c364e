"""Documents step: a file uploaded once can be attached again for another purpose."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e.drafts import Applicant
from e2e.pages import DocumentsStep


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["th", "en"])
def test_an_uploaded_file_can_be_attached_again(page: Page, lang: str, live_server) -> None:
    applicant = Applicant(page, lang, live_server).fill_until("review")
    documents = DocumentsStep(page, lang, applicant.application_id).open()
    expect(documents.uploaded("passport.pdf")).to_have_count(1)

    documents.attach_again("passport.pdf", "Other attachment", person=None)

    documents.expect_open()
    rows = documents.uploaded("passport.pdf")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=documents.t("Other attachment"))).to_have_count(1)
