"""Test data for the browser tests, and a quick way to bring a draft to a given step.

`Applicant` posts the wizard's own HTML forms through the page's request context (same
cookies, same CSRF token a browser would send), so a test about one step does not have to
click through all the steps before it; the journey test clicks through every one."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import APIResponse, Page
from stdnum.th import pin

from e2e.pages import Person

PASSWORD = "correct horse battery staple"


def pdf_page(line: str) -> bytes:
    """A one-page PDF with a line of (ASCII) text, as a scanner's would open in any viewer:
    catalog, pages, page, content stream and font, with a cross-reference table."""
    content = f"BT /F1 24 Tf 72 720 Td ({line}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)


PDF = pdf_page("Copy of an identity document")
STEP_ORDER = ("office", "capital", "people", "directors", "eec", "documents", "review")


def thai_id(seed: int) -> str:
    """A valid 13-digit personal ID: 12 digits starting with 1, then the mod-11 check digit."""
    first12 = f"1{seed:011d}"[:12]
    return first12 + pin.calc_check_digit(first12)


def unique_email(tag: str = "user") -> str:
    return f"{tag}-{secrets.token_hex(6)}@example.com"


_TH_LETTERS = "กขคงจฉชซญฎฐฑณดตถทธนบปผพฟภมยรลวศษสหฬอฮ"
_EN_LETTERS = "bcdfghjklmnpqrstvwxz"


def unique_names() -> tuple[str, str]:
    """A name pair no other test uses and the seeded register cannot resemble: eight random
    letters differ from any other eight in more than the three edits the similarity check
    tolerates."""
    th = "".join(secrets.choice(_TH_LETTERS) for _ in range(8))
    en = "".join(secrets.choice(_EN_LETTERS) for _ in range(8))
    return f"บริษัท ทดสอบ{th} จำกัด", f"Testco {en.title()} Company Limited"


THAI_PROMOTER = Person("Somchai Jaidee", "TH", thai_id=thai_id(10_000_001), age="42",
                       address="99/1 Sukhumvit Road, Si Racha, Chon Buri", shares="40000",
                       promoter=True)
FOREIGN_PROMOTER = Person("Haruto Tanaka", "JP", passport="TZ1234567", age="51",
                          address="2-1 Marunouchi, Chiyoda, Tokyo", shares="60000",
                          promoter=True)
DIRECTOR = Person("Somchai Jaidee", "TH", thai_id=THAI_PROMOTER.thai_id, can_sign=True)
WITNESSES = (
    Person("Malee Srisuk", "TH", thai_id=thai_id(10_000_002), age="35", address="Rayong"),
    Person("Anan Wongsa", "TH", thai_id=thai_id(10_000_003), age="38", address="Chon Buri"),
)


def _person_form(prefix: str, p: Person) -> dict[str, str]:
    form = {f"{prefix}full_name": p.full_name, f"{prefix}nationality": p.nationality,
            f"{prefix}thai_id": p.thai_id, f"{prefix}passport_number": p.passport,
            f"{prefix}age": p.age, f"{prefix}address": p.address, f"{prefix}shares": p.shares}
    if p.promoter:
        form[f"{prefix}is_promoter"] = "on"
    if p.can_sign:
        form[f"{prefix}can_sign"] = "on"
    return form


STEP_FORMS: dict[str, dict[str, str]] = {
    "office": {"house_no": "99/1", "street": "Sukhumvit Road", "province_code": "20",
               "district_code": "2007", "subdistrict_code": "200703", "postal_code": "20230"},
    "capital": {"objectives": "Manufacture of industrial robots", "registered_capital": "1000000",
                "share_count": "100000", "par_value": "10", "paid_up_percent": "25"},
    "people": {**_person_form("people-0-", THAI_PROMOTER),
               **_person_form("people-1-", FOREIGN_PROMOTER)},
    "directors": {**_person_form("directors-0-", DIRECTOR), "signatories_required": "1",
                  **_person_form("witnesses-0-", WITNESSES[0]),
                  **_person_form("witnesses-1-", WITNESSES[1])},
    "eec": {"operates_in_eec": "yes", "eec_province_code": "21", "estate_id": "map-ta-phut",
            "target_industry": "robotics", "requests_eec_privileges": "yes"},
}


class Applicant:
    """Signs up and fills steps by posting the portal's forms from inside a browser context."""

    def __init__(self, page: Page, lang: str, live_server) -> None:
        self.page = page
        self.lang = lang
        self.server = live_server
        self.email = unique_email()
        self.application_id: int | None = None
        self.name_th, self.name_en = unique_names()
        page.context.add_cookies([{"name": "lang", "value": lang, "url": live_server.url}])

    def _csrf(self, path: str = "/sign-up") -> str:
        html = self.page.request.get(path).text()
        found = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def post(self, path: str, form: dict[str, str] | None = None, **kw) -> APIResponse:
        return self.page.request.post(path, form={"csrf_token": self._csrf(), **(form or {})},
                                      max_redirects=0, **kw)

    def _expect_redirect(self, response: APIResponse, what: str) -> str:
        assert response.status == 303, f"{what}: HTTP {response.status}\n{response.text()[:2000]}"
        return response.headers["location"]

    def sign_up(self) -> Applicant:
        r = self.post("/sign-up", {"full_name": "Test Applicant", "email": self.email,
                                   "password": PASSWORD, "password_confirm": PASSWORD,
                                   "consent": "on"})
        self._expect_redirect(r, "sign-up")
        return self

    def reserve_name(self) -> Applicant:
        r = self.post("/registration/names", {"entity_type": "limited_company",
                                              "names-0-name_th": self.name_th,
                                              "names-0-name_en": self.name_en})
        location = self._expect_redirect(r, "name reservation")
        self.application_id = int(location.split("/")[2])
        return self

    def save_step(self, step: str, **overrides: str) -> Applicant:
        r = self.post(f"/registration/{self.application_id}/{step}",
                      {**STEP_FORMS[step], **overrides, "action": "next"})
        self._expect_redirect(r, f"step {step}")
        return self

    def promoter_ids(self) -> dict[str, int]:
        rows = self.server.query(
            "SELECT full_name, id FROM application_people WHERE application_id = ? "
            "AND is_promoter = 1", (self.application_id,))
        return dict(rows)

    def upload(self, kind: str, person_id: int | None, filename: str, content: bytes) -> None:
        r = self.page.request.post(
            f"/registration/{self.application_id}/documents", max_redirects=0,
            multipart={"csrf_token": self._csrf(), "action": "upload", "kind": kind,
                       "person_id": "" if person_id is None else str(person_id),
                       "file": {"name": filename, "mimeType": "application/pdf",
                                "buffer": content}})
        self._expect_redirect(r, f"upload {filename}")

    def fill_until(self, step: str) -> Applicant:
        """Signs up, reserves a name and completes every step before `step`."""
        self.sign_up().reserve_name()
        for done in STEP_ORDER[:STEP_ORDER.index(step)]:
            if done == "documents":
                ids = self.promoter_ids()
                self.upload("id_copy", ids[THAI_PROMOTER.full_name], "id-card.pdf", PDF)
                self.upload("passport_copy", ids[FOREIGN_PROMOTER.full_name], "passport.pdf",
                            PDF + b"%passport\n")
            else:
                self.save_step(done)
        return self

