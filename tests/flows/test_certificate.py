"""The certificate of registration: the bilingual PDF (Thai text layer, embedded font, QR code)
for the owner only, and the public page its QR code opens."""

from __future__ import annotations

import random
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import zxingcpp
from PIL import Image
from sqlmodel import select
from stdnum.th import moa

from core.accounts.models import Role, User
from core.i18n import message, set_locale
from core.runtime import get_settings
from core.thai_dates import BANGKOK
from core.thai_ids import format_juristic_number
from eec_bridge import callbacks
from flows.certificate import case_by_code
from flows.submission import case_of
from registration import repository, service
from registration.models import Application, PersonRole
from tests.conftest import (
    CAPITAL,
    DIRECTORS,
    OFFICE,
    PDF,
    choose_language,
    create_application,
    create_user,
    people_form,
)

NON_EEC = {"operates_in_eec": "no", "requests_eec_privileges": "no"}


@dataclass
class Registered:
    application_id: int
    name_th: str
    name_en: str
    juristic_number: str
    reference: str
    code: str

    @property
    def pdf_path(self) -> str:
        return f"/registration/{self.application_id}/certificate.pdf"


def juristic_number() -> str:
    """A valid juristic person number: 0, Chon Buri's office (20), limited company (5), the
    BE year 2569, a running number, and stdnum's mod-11 check digit."""
    first12 = f"0205569{random.randrange(10**5):05d}"
    return first12 + moa.calc_check_digit(first12)


def submit_through_services(session, email: str, application_id: int) -> Application:
    """The wizard's steps through the same service functions the HTTP handlers call."""
    user = session.exec(select(User).where(User.email == email)).one()
    application = service.get_application(session, user, application_id)
    for step, data in (("office", OFFICE), ("capital", CAPITAL), ("people", people_form()),
                       ("directors", DIRECTORS), ("eec", NON_EEC)):
        assert not service.save_step(session, application, step, data).errors, step
    promoters = repository.people_of(session, application, PersonRole.shareholder)
    kinds, contents = ("id_copy", "passport_copy"), (PDF, PDF + b"%")
    for person, kind, content in zip(promoters, kinds, contents, strict=False):
        service.add_document(session, application, kind=kind, person_id=person.id,
                             filename=f"{kind}.pdf", content=content)
    service.submit_application(session, application, declared=True)
    session.commit()
    return application


@pytest.fixture
def submitted(browser, session) -> tuple[str, Application]:
    email = create_user(browser, lang="en")
    application = submit_through_services(session, email, create_application(browser))
    return email, application


@pytest.fixture
def registered(browser, session, submitted) -> Registered:
    _email, application = submitted
    # Before the registrar answers there is no number, so no certificate.
    assert browser.get(f"/registration/{application.id}/certificate.pdf").status_code == 404
    case = case_of(session, application)
    number = juristic_number()
    callbacks.register_company(session, case, number)
    session.commit()
    return Registered(application.id, application.name_th, application.name_en, number,
                      application.reference or "", case.certificate_code or "")


def poppler(tool: str, pdf: Path, *args: str) -> str:
    return subprocess.run([tool, *args, str(pdf), "-"] if tool == "pdftotext" else
                          [tool, *args, str(pdf)], check=True, capture_output=True,
                          text=True).stdout


def test_owner_downloads_a_one_page_bilingual_certificate(browser, registered, tmp_path):
    r = browser.get(registered.pdf_path)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    disposition = r.headers["content-disposition"]
    assert disposition.startswith("attachment;") and registered.juristic_number in disposition
    assert r.headers["cache-control"] == "private, no-store"
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(r.content)

    assert "Pages:           1" in poppler("pdfinfo", pdf)
    text = poppler("pdftotext", pdf)
    be_year = datetime.now(BANGKOK).year + 543
    for expected in (registered.name_th, registered.name_en, str(be_year),
                     format_juristic_number(registered.juristic_number), registered.reference,
                     "Certificate of Registration", "จำกัด"):
        assert expected in text, expected
    # The Thai font travels inside the PDF: it prints the same on a machine without it.
    fonts = [line.split() for line in poppler("pdffonts", pdf).splitlines()[2:]]
    sarabun = [f for f in fonts if "Sarabun" in f[0]]
    assert sarabun and all(f[-5] == "yes" for f in sarabun), fonts  # the "emb" column


def test_qr_code_opens_the_public_verification_page(browser, registered, tmp_path):
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(browser.get(registered.pdf_path).content)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf),
                    str(tmp_path / "page")], check=True)
    decoded = [b.text for b in zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))]
    url = f"{get_settings().base_url.rstrip('/')}/verify/{registered.code}"
    assert decoded == [url]
    assert url in poppler("pdftotext", pdf)  # printed too, for whoever has no scanner

    browser.client.cookies.clear()  # anyone may check a certificate: no sign-in
    path = urlsplit(url).path
    choose_language(browser, "en")
    page = browser.get(path)
    assert page.status_code == 200
    assert "This certificate is genuine." in page.text
    for expected in (registered.name_th, registered.name_en, "Registered",
                     format_juristic_number(registered.juristic_number)):
        assert expected in page.text, expected
    assert registered.reference not in page.text  # only what the certificate proves
    assert page.headers["x-robots-tag"] == "noindex"

    choose_language(browser, "th")
    page = browser.get(path)
    assert page.status_code == 200
    assert "หนังสือรับรองฉบับนี้เป็นของแท้" in page.text
    assert registered.name_th in page.text and registered.name_en in page.text
    assert str(datetime.now(BANGKOK).year + 543) in page.text  # the date in the Buddhist Era


@pytest.mark.parametrize("lang, message", [
    ("en", "No certificate matches this code."),
    ("th", "ไม่พบหนังสือรับรองที่ตรงกับรหัสนี้"),
])
def test_a_wrong_code_is_404_with_a_warning(browser, registered, lang, message):
    choose_language(browser, lang)
    for code in (registered.code[:-1] + ("A" if registered.code[-1] != "A" else "B"),
                 "x" * 200):
        page = browser.get(f"/verify/{code}")
        assert page.status_code == 404
        assert message in page.text
        assert registered.name_en not in page.text


def test_only_the_owner_or_staff_get_the_pdf(browser, session, registered):
    browser.client.cookies.clear()
    r = browser.get(registered.pdf_path, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/sign-in")

    other = create_user(browser, lang="en")
    r = browser.get(registered.pdf_path)
    assert r.status_code == 404 and "application/pdf" not in r.headers["content-type"]

    officer = session.exec(select(User).where(User.email == other)).one()
    officer.role = Role.officer
    session.add(officer)
    session.commit()
    assert browser.get(registered.pdf_path).status_code == 200


def test_no_certificate_before_registration(browser, submitted):
    _email, application = submitted
    r = browser.get(f"/registration/{application.id}/certificate.pdf")
    assert r.status_code == 404
    assert "We could not find that page or record." in r.text


def test_shaped_thai_copies_out_of_the_pdf_as_typed(tmp_path):
    """HarfBuzz splits ำ in two and moves marks over tall consonants; the text layer must still
    read as the name was typed (no 'จำ กัด', no 'ปิ่ น')."""
    from flows.certificate import CertificateFacts, render_certificate_pdf

    name_th = "บริษัท น้ำทุ่งปิ่นฟ้า กิ๊กฝั่ง ญี่ปุ่น จำกัด"
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(render_certificate_pdf(CertificateFacts(
        name_th=name_th, name_en="Namthung Pinfa Company Limited",
        juristic_number="0-20-5-569-00042-7", registered_at=datetime(2026, 11, 26, 3, 0),
        reference="REG-2026-000042", head_office_th="", head_office_en="",
        verification_url="http://127.0.0.1:8000/verify/abc")))
    text = poppler("pdftotext", pdf)
    assert name_th in text and "26 พฤศจิกายน 2569" in text and "November 26, 2026" in text


WORKFLOW_STATES = ("submitted", "with_bizportal", "eec_review", "info_requested", "approved",
                   "rejected")


@pytest.mark.parametrize("lang, legal_status, entity", [
    ("en", "Registered, in operation", "Limited company"),
    ("th", "จดทะเบียนแล้ว ยังดำเนินกิจการอยู่", "บริษัทจำกัด"),
])
def test_verification_shows_the_legal_status_and_facts_never_the_workflow_state(
        browser, session, registered, lang, legal_status, entity):
    case = case_by_code(session, registered.code)
    year = datetime.now(BANGKOK).year
    for status in ("eec_review", "approved", "info_requested"):
        case.status = status  # wherever the case is on the desk, the page says the same
        session.add(case)
        session.commit()
        browser.client.cookies.clear()
        choose_language(browser, lang)
        page = browser.get(f"/verify/{registered.code}")
        assert page.status_code == 200
        text = page.text
        assert legal_status in text and entity in text
        assert registered.name_th in text and registered.name_en in text
        assert format_juristic_number(registered.juristic_number) in text
        date = text.split('id="registration-date"')[1].split("</dd>")[0]
        assert str(year + 543 if lang == "th" else year) in date  # Buddhist Era in Thai
        for state in WORKFLOW_STATES:
            assert message_for(lang, f"case.status.{state}") not in text, state
        assert registered.reference not in text


def message_for(lang: str, key: str) -> str:
    set_locale(lang)
    try:
        return message(key)
    finally:
        set_locale("en")
