"""The certificate of registration (หนังสือรับรองการจดทะเบียน) this portal issues once the registrar
has given a juristic person number: a one-page bilingual PDF with a QR code, and the public page
that QR code opens to confirm the certificate is genuine.

The PDF says plainly that the portal issued it from its own records: it is not the Department of
Business Development's certificate, which only the Department can issue. It lives in the
composition layer because it prints the application (registration) and its case (the bridge)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import qrcode
from fastapi import APIRouter, Request
from fastapi.responses import Response
from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos, YPos
from fpdf.fonts import TTFFont
from sqlmodel import Session, col, select

from core.accounts.deps import CurrentUser, OptionalUser
from core.db import RowId, SessionDep
from core.errors import N_, NotFound
from core.i18n import translations
from core.runtime import get_settings
from core.templating import render
from core.thai_dates import format_date
from core.thai_ids import format_juristic_number
from eec_bridge.models import Case
from flows.submission import case_of
from registration import address, names, service
from registration.models import Application, ApplicationEvent

FONT_DIR = Path(__file__).resolve().parent.parent / "registration" / "fonts"
FONT_FAMILY = "Sarabun"  # OFL-1.1, see registration/fonts/OFL.txt; embedded (subset) in every PDF
CODE_MAX_LENGTH = 40  # Case.certificate_code

router = APIRouter(tags=["certificate"])

# Printed in both languages at once, so these are looked up in each catalog, not the reader's.
TITLE = N_("Certificate of Registration")
ISSUER = N_("Issued by the EEC Business One-Stop portal")
CERTIFIES = N_("This certifies that the juristic person below is registered, according to the "
               "records of the EEC Business One-Stop portal.")
REGISTERED_NAME = N_("Registered name")
JURISTIC_NUMBER = N_("Juristic person number")
REGISTRATION_DATE = N_("Registration date")
REFERENCE = N_("Reference number")
HEAD_OFFICE = N_("Head office")
# The legal status a certificate proves (DBD's สถานะนิติบุคคล), never the case's workflow step:
# once the registrar has given a number the company exists, whatever the EEC leg decides.
LEGAL_STATUS_REGISTERED = N_("Registered, in operation")
VERIFY_HEADING = N_("Verify this certificate")
VERIFY_HOW = N_("Scan the QR code or open the address below to check that this certificate is "
                "genuine and to see the current status.")
ISSUED_ON = N_("Issued on")
DISCLAIMER = N_("This document is issued by the EEC Business One-Stop portal from its own "
                "records. It is not a certificate issued by the Department of Business "
                "Development.")


@dataclass(frozen=True)
class CertificateFacts:
    """Everything the certificate prints, already formatted; nothing personal."""

    name_th: str
    name_en: str
    juristic_number: str  # formatted, 0-20-5-569-01234-4
    registered_at: datetime
    reference: str
    head_office_th: str
    head_office_en: str
    verification_url: str


# --- Finding the case -------------------------------------------------------------------------


def certificate_path(application_id: int) -> str:
    """The owner's download (the route below)."""
    return f"/registration/{application_id}/certificate.pdf"


def verification_url(code: str) -> str:
    return f"{get_settings().base_url.rstrip('/')}/verify/{code}"


def registered_case(session: Session, application: Application) -> Case:
    """The application's case once the registrar has given it a number; NotFound before."""
    case = case_of(session, application)
    if case is None or not case.juristic_number or not case.certificate_code:
        raise NotFound()
    return case


def case_by_code(session: Session, code: str) -> Case | None:
    if not code or len(code) > CODE_MAX_LENGTH:
        return None
    return session.exec(select(Case).where(Case.certificate_code == code)).first()


def registration_date(session: Session, case: Case) -> datetime:
    """When the registration was recorded: the timeline's 'registered' event."""
    at = session.exec(
        select(ApplicationEvent.at)
        .where(ApplicationEvent.case_id == case.id, ApplicationEvent.key == "event.registered")
        .order_by(col(ApplicationEvent.at))
    ).first()
    return at or case.updated_at


def _head_office(application: Application | None, lang: Literal["th", "en"]) -> str:
    if application is None or not application.subdistrict_code:
        return ""
    a = application
    try:
        return address.describe_address(a.house_no, a.street, a.subdistrict_code, a.district_code,
                                        a.province_code, a.postal_code, lang)
    except ValueError:  # a code geothai no longer knows: print nothing rather than fail
        return ""


def certificate_facts(session: Session, case: Case) -> CertificateFacts:
    assert case.juristic_number and case.certificate_code
    application = session.get(Application, case.application_id) if case.application_id else None
    return CertificateFacts(
        name_th=case.name_th, name_en=case.name_en,
        juristic_number=format_juristic_number(case.juristic_number),
        registered_at=registration_date(session, case), reference=case.reference,
        head_office_th=_head_office(application, "th"),
        head_office_en=_head_office(application, "en"),
        verification_url=verification_url(case.certificate_code))


# --- The PDF ----------------------------------------------------------------------------------

INK = (27, 36, 48)
MUTED = (91, 102, 117)
BRAND = (11, 79, 138)
LINE = (215, 221, 229)
PAGE_W = 210.0
MARGIN = 22.0
LABEL_W = 52.0
QR_SIZE = 38.0


def _both(msgid: str) -> tuple[str, str]:
    return translations("th").gettext(msgid), translations("en").gettext(msgid)


# Names newmm's dictionary would split (ธุร|กิจการค้า): kept whole so a line never breaks inside.
_WHOLE_WORDS = frozenset({"กรมพัฒนาธุรกิจการค้า", "คิวอาร์โค้ด"})


@lru_cache(maxsize=1)
def _thai_dictionary() -> Any:
    from pythainlp.corpus import thai_words
    from pythainlp.util import dict_trie

    return dict_trie(set(thai_words()) | _WHOLE_WORDS)


@lru_cache(maxsize=64)
def _breakable(text: str) -> str:
    """Thai has no spaces between words; a zero-width space between pythainlp's words lets the
    PDF wrap a long Thai sentence at a word, not in the middle of one."""
    if not any("\u0e00" <= ch <= "\u0e7f" for ch in text):
        return text
    from pythainlp.tokenize import word_tokenize

    words = word_tokenize(text, custom_dict=_thai_dictionary(), engine="newmm",
                          keep_whitespace=True)
    return "\u200b".join(words)


@dataclass(frozen=True)
class _ShapedGlyph:
    codepoint: int
    cluster: int


def _text_on_spacing_glyph(infos: Sequence[Any], positions: Sequence[Any]) -> list[_ShapedGlyph]:
    """fpdf2 puts each cluster's text on its first glyph. For Thai that is often a zero-width
    mark: HarfBuzz splits SARA AM (ำ) into NIKHAHIT + SARA AA, and marks over a tall consonant
    (ปิ่) are shifted left. A PDF reader then sees text that ends before the glyph that takes the
    room and extracts 'จำ กัด' or 'ปิ่ น'. Folding each zero-width glyph into the cluster before it
    puts the text on the spacing glyph, so copying from the PDF gives what was printed. Only the
    text layer changes: the glyphs and their positions are HarfBuzz's."""
    glyphs: list[_ShapedGlyph] = []
    for info, position in zip(infos, positions, strict=True):
        cluster = int(info.cluster)
        if glyphs and position.x_advance == 0:
            cluster = glyphs[-1].cluster
        glyphs.append(_ShapedGlyph(int(info.codepoint), cluster))
    return glyphs


class _ThaiTextFont(TTFFont):
    """Sarabun as fpdf2 loads it, with the text layer fix above (fpdf2 2.8.x shaping API)."""

    __slots__ = ()

    def perform_harfbuzz_shaping(self, text: str, font_size_pt: float,
                                 text_shaping_params: dict[str, Any] | None) -> Any:
        infos, positions = super().perform_harfbuzz_shaping(text, font_size_pt,
                                                            text_shaping_params)
        if infos is None or positions is None:  # nothing to draw: fpdf2 handles None itself
            return infos, positions
        return _text_on_spacing_glyph(infos, positions), positions


class _CertificatePdf(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        # What add_font does for a TrueType file, with the font class that keeps Thai copyable.
        for style, filename in (("", "Sarabun-Regular.ttf"), ("B", "Sarabun-Bold.ttf")):
            key = f"{FONT_FAMILY.lower()}{style}"
            self.fonts[key] = _ThaiTextFont(self, FONT_DIR / filename, key, style)
        # HarfBuzz places Thai vowels and tone marks (สระ, วรรณยุกต์) over and under consonants.
        self.set_text_shaping(True)
        self.set_auto_page_break(False)  # one page, always
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.c_margin = 0

    def use(self, size: float, bold: bool = False, color: tuple[int, int, int] = INK) -> None:
        self.set_font(FONT_FAMILY, "B" if bold else "", size)
        self.set_text_color(*color)

    def text_block(self, x: float, w: float, text: str, size: float, *, bold: bool = False,
                   color: tuple[int, int, int] = INK, align: Align = Align.L,
                   leading: float = 1.55, sentence: bool = False) -> None:
        """Wrapped text at x from the current y; y moves below it. Names and numbers are printed
        as given, so the PDF's text layer holds exactly what the register holds."""
        self.use(size, bold, color)
        self.set_x(x)
        self.multi_cell(w, size * 0.3528 * leading, _breakable(text) if sentence else text,
                        align=align,
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def frame(self) -> None:
        self.set_draw_color(*BRAND)
        self.set_line_width(0.8)
        self.rect(10, 10, PAGE_W - 20, 297 - 20)
        self.set_line_width(0.25)
        self.rect(12.5, 12.5, PAGE_W - 25, 297 - 25)

    def rule(self, y: float, color: tuple[int, int, int] = LINE) -> None:
        self.set_draw_color(*color)
        self.set_line_width(0.2)
        self.line(MARGIN, y, PAGE_W - MARGIN, y)

    def qr(self, data: str, x: float, y: float, size: float) -> None:
        """The QR code as vector squares, sharp at any zoom or print resolution."""
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
        code.add_data(data)
        code.make(fit=True)
        matrix = code.get_matrix()
        module = size / len(matrix)
        self.set_fill_color(0, 0, 0)
        for row, cells in enumerate(matrix):
            col = 0
            while col < len(cells):
                if not cells[col]:
                    col += 1
                    continue
                start = col
                while col < len(cells) and cells[col]:
                    col += 1
                # Runs of dark modules as one rectangle; a hair of overlap hides seams.
                self.rect(x + start * module, y + row * module, (col - start) * module,
                          module + 0.01, style="F")


def render_certificate_pdf(facts: CertificateFacts, issued_at: datetime | None = None) -> bytes:
    issued_at = issued_at or datetime.now(UTC)
    pdf = _CertificatePdf()
    title_th, title_en = _both(TITLE)
    pdf.set_title(f"{title_th} / {title_en}: {facts.name_en}")
    pdf.set_author(_both(ISSUER)[1])
    pdf.set_creator("EEC Business One-Stop")
    pdf.set_lang("th")
    pdf.add_page()
    pdf.frame()
    width = PAGE_W - 2 * MARGIN

    pdf.set_y(20)
    issuer_th, issuer_en = _both(ISSUER)
    pdf.text_block(MARGIN, width, issuer_th, 10, color=BRAND, align=Align.C, leading=1.4)
    pdf.text_block(MARGIN, width, issuer_en, 9, color=BRAND, align=Align.C, leading=1.4)
    pdf.set_y(pdf.get_y() + 3)
    pdf.text_block(MARGIN, width, title_th, 22, bold=True, align=Align.C, leading=1.45)
    pdf.text_block(MARGIN, width, title_en, 16, bold=True, align=Align.C, leading=1.35)
    pdf.set_y(pdf.get_y() + 3)
    for text, size, color in zip(_both(CERTIFIES), (11, 9.5), (INK, MUTED), strict=True):
        pdf.text_block(MARGIN, width, text, size, color=color, align=Align.C, leading=1.45,
                       sentence=True)
    pdf.set_y(pdf.get_y() + 4)
    pdf.rule(pdf.get_y(), BRAND)

    rows: list[tuple[str, list[tuple[str, float, bool]]]] = [
        (REGISTERED_NAME, [(facts.name_th, 14, True), (facts.name_en, 12.5, True)]),
        (JURISTIC_NUMBER, [(facts.juristic_number, 14, True)]),
        (REGISTRATION_DATE, [(format_date(facts.registered_at, "th", "long"), 12.5, False),
                             (format_date(facts.registered_at, "en", "long"), 11.5, False)]),
        (REFERENCE, [(facts.reference, 12, False)]),
        (HEAD_OFFICE, [(facts.head_office_th or "—", 12, False),
                       (facts.head_office_en or "—", 11, False)]),
    ]
    value_x = MARGIN + LABEL_W
    value_w = width - LABEL_W
    for label, values in rows:
        top = pdf.get_y() + 3.5
        label_th, label_en = _both(label)
        pdf.set_y(top)
        pdf.text_block(MARGIN, LABEL_W - 4, label_th, 11, bold=True, leading=1.45)
        pdf.text_block(MARGIN, LABEL_W - 4, label_en, 9, color=MUTED, leading=1.4)
        label_bottom = pdf.get_y()
        pdf.set_y(top)
        for text, size, bold in values:
            pdf.text_block(value_x, value_w, text, size, bold=bold, leading=1.45)
        bottom = max(label_bottom, pdf.get_y()) + 3
        pdf.rule(bottom)
        pdf.set_y(bottom)

    # The verification block sits at a fixed height so a long name cannot push it off the page.
    block_top = max(pdf.get_y() + 8, 196.0)
    pdf.qr(facts.verification_url, MARGIN, block_top, QR_SIZE)
    text_x = MARGIN + QR_SIZE + 7
    text_w = width - QR_SIZE - 7
    heading_th, heading_en = _both(VERIFY_HEADING)
    how_th, how_en = _both(VERIFY_HOW)
    pdf.set_y(block_top - 1.5)
    pdf.text_block(text_x, text_w, f"{heading_th} / {heading_en}", 11.5, bold=True, color=BRAND)
    pdf.text_block(text_x, text_w, how_th, 10, leading=1.4, sentence=True)
    pdf.text_block(text_x, text_w, how_en, 9, color=MUTED, leading=1.4, sentence=True)
    pdf.set_y(pdf.get_y() + 1.5)
    # Courier would not embed; Sarabun prints the URL, with a link on it for screen readers.
    pdf.use(9.5, bold=True, color=BRAND)
    pdf.set_x(text_x)
    pdf.multi_cell(text_w, 4.8, facts.verification_url, align=Align.L,
                   link=facts.verification_url, wrapmode=WrapMode.CHAR,
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    footer_top = 255.0
    pdf.rule(footer_top, BRAND)
    issued_th, issued_en = _both(ISSUED_ON)
    pdf.set_y(footer_top + 2.5)
    pdf.text_block(MARGIN, width,
                   f"{issued_th} {format_date(issued_at, 'th', 'long')} · "
                   f"{issued_en} {format_date(issued_at, 'en', 'long')}", 9.5, color=INK)
    for text, size in zip(_both(DISCLAIMER), (9, 8.5), strict=True):
        pdf.text_block(MARGIN, width, text, size, color=MUTED, leading=1.4, sentence=True)
    return bytes(pdf.output())


# --- Routes -----------------------------------------------------------------------------------


@router.get("/registration/{application_id}/certificate.pdf")
def certificate_pdf(application_id: RowId, session: SessionDep, user: CurrentUser) -> Response:
    """The owner's (or staff's) copy; anyone else, or a case without a number yet, gets 404."""
    application = service.get_application(session, user, application_id)
    case = registered_case(session, application)
    content = render_certificate_pdf(certificate_facts(session, case))
    filename = f"certificate-{case.juristic_number}.pdf"
    return Response(content, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-store",
    })


@router.get("/verify/{code}")
def verify(code: str, request: Request, session: SessionDep, user: OptionalUser) -> Response:
    """Public: anyone holding a certificate can check it. Shows only what the certificate
    itself prints and the company's legal status, never where its case is in our workflow."""
    case = case_by_code(session, code)
    if case is None or not case.juristic_number:
        response = render(request, "registration/verify.html", {"found": False},
                          status_code=404)
    else:
        application = session.get(Application, case.application_id) \
            if case.application_id else None
        response = render(request, "registration/verify.html", {
            "found": True, "case": case,
            "juristic_number": format_juristic_number(case.juristic_number),
            "registered_at": registration_date(session, case),
            "legal_status": LEGAL_STATUS_REGISTERED,
            "entity_key": names.entity_label_key(names.EntityType(application.entity_type))
            if application is not None else "",
        })
    # The code is a bearer secret of sorts: keep the page out of search engines and referrers.
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
