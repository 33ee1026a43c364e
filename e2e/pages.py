"""Page objects for the registration journey (one per screen of the wizard), the officers'
desks and the complaint assistant's chat widget.

They find things the way a user does, by label and role. The label texts come from the
compiled gettext catalog of the page's language (the same .mo files the server renders
with), so one page object serves Thai and English; in Thai, a label still missing from the
catalog fails the test with a message saying which one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Self

from babel.support import NullTranslations, Translations
from playwright.sync_api import Locator, Page, expect

LOCALE_DIR = Path(__file__).resolve().parent.parent / "web" / "locale"
# The header's language switch: buttons (a small POST form), each written in its language.
LANGUAGE_BUTTONS = {"th": "ไทย", "en": "English"}
PLACEHOLDER = re.compile(r"\{\w*\}|%\(\w+\)s")


class UntranslatedLabel(AssertionError):
    """A text the Thai page should show is not in the Thai catalog yet."""


@lru_cache
def _translations(lang: str) -> NullTranslations:
    return Translations.load(str(LOCALE_DIR), [lang], "messages")


class Catalog:
    """gettext for the tests: `t("Person %(n)s", n=1)` formats like `_()` in the templates
    (Jinja's new-style gettext always %-formats, so a literal percent sign is written %%);
    `t.message("… {total} …", total=…)` formats like core.i18n.message for message keys."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def text(self, msgid: str) -> str:
        translated = _translations(self.lang).gettext(msgid)
        words = PLACEHOLDER.sub("", msgid)  # "{estate}: {unit}" is the same in every language
        if self.lang != "en" and translated == msgid and re.search("[A-Za-z]", words):
            raise UntranslatedLabel(
                f"{msgid!r} has no {self.lang} translation: translate it in "
                f"web/locale/{self.lang}/LC_MESSAGES/messages.po and compile the catalogs "
                "(.venv/bin/pybabel compile -d web/locale -D messages)")
        return translated

    def __call__(self, msgid: str, **params: Any) -> str:
        return self.text(msgid) % params

    def message(self, msgid: str, **params: Any) -> str:
        return self.text(msgid).format(**params)


@dataclass
class Person:
    """One row of the people, directors or witnesses forms, as typed by the applicant."""

    full_name: str
    nationality: str = "TH"  # ISO 3166 code: the option's value in the nationality list
    thai_id: str = ""
    passport: str = ""
    age: str = ""
    address: str = ""
    shares: str = ""
    promoter: bool = False
    can_sign: bool = False


class PortalPage:
    """What every page shares: the header's language switch, labels, buttons, field errors."""

    path = "/"

    def __init__(self, page: Page, lang: str) -> None:
        self.page = page
        self.lang = lang
        self.t = Catalog(lang)

    def open(self) -> Self:
        self.page.goto(self.path)
        return self

    def label(self, msgid: str, scope: Page | Locator | None = None, **params: Any) -> Locator:
        return (scope or self.page).get_by_label(self.t(msgid, **params), exact=True)

    def button(self, msgid: str, scope: Page | Locator | None = None) -> Locator:
        return (scope or self.page).get_by_role("button", name=self.t(msgid), exact=True)

    def group(self, msgid: str, **params: Any) -> Locator:
        """A fieldset, found by its legend."""
        return self.page.get_by_role("group", name=self.t(msgid, **params), exact=True)

    def heading(self) -> Locator:
        return self.page.get_by_role("heading", level=1)

    def use_language(self) -> None:
        """Switches with the header's buttons when the page is in another language."""
        if self.page.locator("html").get_attribute("lang") != self.lang:
            self.page.get_by_role("button", name=LANGUAGE_BUTTONS[self.lang], exact=True).click()
        self.expect_language()

    def expect_language(self) -> None:
        expect(self.page.locator("html")).to_have_attribute("lang", self.lang)

    def expect_field_error(self, field: Locator, text: str) -> None:
        """The error is shown beside the field and announced as the field's description."""
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(text)
        error_id = field.get_attribute("aria-describedby")
        expect(self.page.locator(f"[id='{error_id}']")).to_be_visible()

    def expect_no_field_error(self, field: Locator) -> None:
        expect(field).not_to_have_attribute("aria-invalid", "true")

    def fact(self, msgid: str) -> Locator:
        """The value shown next to a term ("Registered name", "Industrial estate" …)."""
        term = self.page.get_by_role("term").filter(
            has_text=re.compile(rf"^\s*{re.escape(self.t(msgid))}\s*$"))
        return term.locator("xpath=following-sibling::dd[1]")

    def expect_error_summary(self) -> None:
        """Shown, and focused: keyboard and screen-reader users start from what to correct."""
        summary = self.page.get_by_role("alert").filter(
            has_text=self.t("Some fields need your attention."))
        expect(summary).to_be_visible()
        expect(summary).to_be_focused()


class SignUpPage(PortalPage):
    path = "/sign-up"

    def open(self) -> Self:
        self.page.goto(self.path)
        self.use_language()
        expect(self.heading()).to_have_text(self.t("Create an account"))
        return self

    def sign_up(self, full_name: str, email: str, password: str) -> None:
        self.label("Full name").fill(full_name)
        self.label("E-mail").fill(email)
        self.label("Password").fill(password)
        self.label("Repeat password").fill(password)
        self.consent().check()

    def consent(self) -> Locator:
        return self.label("I have read the privacy notice and agree that my personal data is "
                          "processed to provide this service.")

    def submit(self) -> None:
        self.button("Create account").click()
        expect(self.heading()).to_have_text(self.t("My applications"))


class NameReservationPage(PortalPage):
    path = "/registration/names"
    CHOICES = ("First choice", "Second choice (optional)", "Third choice (optional)")

    def start_from_dashboard(self) -> Self:
        self.page.get_by_role("link", name=self.t("Register a new company"), exact=True).click()
        self.expect_open()
        return self

    def open(self) -> Self:
        self.page.goto(self.path)
        self.expect_open()
        return self

    def expect_open(self) -> None:
        expect(self.heading()).to_have_text(self.t("Reserve a company name"))

    def choice(self, n: int = 1) -> Locator:
        return self.group(self.CHOICES[n - 1])

    def name_th(self, n: int = 1) -> Locator:
        return self.label("Name in Thai", self.choice(n))

    def name_en(self, n: int = 1) -> Locator:
        return self.label("Name in English", self.choice(n))

    def fill_names(self, name_th: str, name_en: str, n: int = 1) -> None:
        self.name_th(n).fill(name_th)
        self.name_en(n).fill(name_en)

    def feedback(self, text: str, n: int = 1) -> Locator:
        """The live check's message under a choice (htmx swaps it in while the user types)."""
        return self.choice(n).get_by_text(text)

    def expect_available(self, n: int = 1) -> None:
        expect(self.feedback(
            self.t("This name looks available and follows the naming rules."), n)).to_be_visible()

    def reserve(self) -> None:
        self.button("Check and reserve").click()


class WizardStep(PortalPage):
    """A step of the registration wizard; its heading is the step's name."""

    step = ""
    title = ""
    url_pattern = ""  # when the step's form posts elsewhere and an error page stays there

    def __init__(self, page: Page, lang: str, application_id: int | None = None) -> None:
        super().__init__(page, lang)
        self.application_id = application_id

    @property
    def path(self) -> str:  # type: ignore[override]
        return f"/registration/{self.application_id}/{self.step}"

    def open(self) -> Self:
        self.page.goto(self.path)
        self.expect_open()
        return self

    def expect_open(self) -> None:
        expect(self.heading()).to_have_text(self.t(self.title))
        url_step = self.url_pattern or self.step
        expect(self.page).to_have_url(re.compile(rf"/registration/\d+/(?:{url_step})$"))
        if self.application_id is None:
            self.application_id = int(self.page.url.rstrip("/").split("/")[-2])

    def progress_item(self, step_title: str) -> Locator:
        """A step in the progress list at the top; a finished one is shown in green."""
        progress = self.page.get_by_role("navigation", name=self.t("Progress"), exact=True)
        return progress.get_by_role("listitem").filter(has_text=self.t(step_title))

    def expect_step_done(self, step_title: str, done: bool = True) -> None:
        finished = re.compile(r"\bdone\b")
        if done:
            expect(self.progress_item(step_title)).to_have_class(finished)
        else:
            expect(self.progress_item(step_title)).not_to_have_class(finished)

    def save_and_continue(self) -> None:
        self.button("Save and continue").click()


class OfficeStep(WizardStep):
    step, title = "office", "Head office"

    def house_no(self) -> Locator:
        return self.label("House number, building, floor")

    def street(self) -> Locator:
        return self.label("Street or soi (optional)")

    def province(self) -> Locator:
        return self.label("Province")

    def district(self) -> Locator:
        return self.label("District")

    def subdistrict(self) -> Locator:
        return self.label("Subdistrict")

    def postal_code(self) -> Locator:
        return self.label("Postal code")

    def choose_area(self, province: str, district: str, subdistrict: str) -> None:
        """Province → district → subdistrict; each list is filled by the choice before it
        (select_option waits until the option is there)."""
        self.province().select_option(province)
        self.district().select_option(district)
        self.subdistrict().select_option(subdistrict)


class CapitalStep(WizardStep):
    step, title = "capital", "Objectives and capital"

    def objectives(self) -> Locator:
        return self.label("Objectives")

    def registered_capital(self) -> Locator:
        """A company's capital: shares × par value, shown as they are typed, never typed."""
        return self.label("Registered capital (baht)")

    def share_count(self) -> Locator:
        return self.label("Number of shares")

    def par_value(self) -> Locator:
        return self.label("Par value per share (baht)")

    def paid_up(self) -> Locator:
        return self.label("Paid up (%% of par value)")

    def fill(self, objectives: str, shares: str, par: str, paid_up: str) -> None:
        self.objectives().fill(objectives)
        self.share_count().fill(shares)
        self.par_value().fill(par)
        self.paid_up().fill(paid_up)


class PersonRows(WizardStep):
    """Steps made of repeated person fieldsets ("Person 1", "Director 1", "Witness 1" …)."""

    def field(self, legend: str, n: int, msgid: str) -> Locator:
        return self.label(msgid, self.group(legend, n=n))

    def fill_person(self, legend: str, n: int, person: Person) -> None:
        row = self.group(legend, n=n)
        self.label("Full name", row).fill(person.full_name)
        self.label("Nationality", row).select_option(person.nationality)
        if person.thai_id:
            self.label("Thai national ID number (13 digits)", row).fill(person.thai_id)
        if person.passport:
            self.label("Passport number", row).fill(person.passport)
        if person.age:
            self.label("Age", row).fill(person.age)
        if person.address:
            self.label("Address", row).fill(person.address)
        if person.shares:
            self.label("Number of shares", row).fill(person.shares)
        if person.promoter:
            self.label("Promoter (signs the memorandum of association)", row).check()
        if person.can_sign:
            self.label("May sign for the company", row).check()


class PeopleStep(PersonRows):
    step, title = "people", "Promoters and shareholders"
    LEGEND = "Person %(n)s"

    def person(self, n: int, field_msgid: str) -> Locator:
        return self.field(self.LEGEND, n, field_msgid)

    def fill(self, *people: Person) -> None:
        for n, person in enumerate(people, start=1):
            self.fill_person(self.LEGEND, n, person)

    def shares_total_error(self, text: str) -> Locator:
        """The error under the people (not the summary of all errors at the top)."""
        return self.page.get_by_role("alert").filter(has_text=text).filter(
            has_not=self.page.get_by_role("list"))


class DirectorsStep(PersonRows):
    step, title = "directors", "Directors and witnesses"

    def fill_directors(self, *directors: Person) -> None:
        for n, person in enumerate(directors, start=1):
            self.fill_person("Director %(n)s", n, person)

    def fill_witnesses(self, *witnesses: Person) -> None:
        for n, person in enumerate(witnesses, start=1):
            self.fill_person("Witness %(n)s", n, person)

    def signatories_required(self) -> Locator:
        return self.label("How many directors must sign together")

    def promoter_is_director(self, name: str) -> Locator:
        """The tick that makes a promoter a director, without typing them again."""
        return self.label("%(name)s is also a director", name=name)

    def promoter_may_sign(self, name: str) -> Locator:
        return self.label("%(name)s may sign for the company", name=name)

    def save_and_return(self) -> None:
        """Saving a step opened from "check your answers" goes back there."""
        self.button("Save and go back to your answers").click()


class EecStep(WizardStep):
    step, title = "eec", "EEC questions"
    OPERATES = "Will the company operate in Chachoengsao, Chon Buri or Rayong?"
    PRIVILEGES = "Do you request EEC investment privileges?"

    def answer(self, question: str, yes: bool) -> None:
        self.label("Yes" if yes else "No", self.group(question)).check()

    def province(self) -> Locator:
        return self.label("EEC province")

    def estate(self) -> Locator:
        return self.label("Industrial estate or promoted zone (optional)")

    def target_industry(self) -> Locator:
        return self.label("Target industry")


class DocumentsStep(WizardStep):
    step, title = "documents", "Documents"

    def upload_form(self) -> Locator:
        heading = self.page.get_by_role("heading", name=self.t("Upload a file"), exact=True)
        return self.page.locator("form").filter(has=heading)

    def file_input(self) -> Locator:
        return self.label("File", self.upload_form())

    def upload(self, kind: str, person: str | None, filename: str, content: bytes,
               mime_type: str = "application/pdf") -> None:
        """`kind` is the document type's English msgid, `person` a full name or None for
        the company itself."""
        form = self.upload_form()
        self.label("What is this document?", form).select_option(label=self.t(kind))
        self.label("Whose document is it?", form).select_option(
            label=person if person is not None else self.t("The company"))
        self.file_input().set_input_files(
            {"name": filename, "mimeType": mime_type, "buffer": content})
        self.button("Upload", form).click()

    def reuse_form(self) -> Locator:
        heading = self.page.get_by_role("heading", name=self.t("Use an uploaded file again"),
                                        exact=True)
        return self.page.locator("form").filter(has=heading)

    def attach_again(self, filename: str, kind: str, person: str | None) -> None:
        """Attaches a file uploaded before for another purpose or person."""
        form = self.reuse_form()
        self.label("Uploaded file", form).select_option(label=filename)
        self.label("Use it as", form).select_option(label=self.t(kind))
        self.label("Whose document is it?", form).select_option(
            label=person if person is not None else self.t("The company"))
        self.button("Attach again", form).click()

    def uploaded(self, filename: str) -> Locator:
        return self.page.get_by_role("row").filter(
            has=self.page.get_by_role("cell", name=filename, exact=True))

    def continue_to_review(self) -> None:
        self.button("Continue to fees and review").click()


class ReviewPage(WizardStep):
    step, title = "review", "Fees and review"
    url_pattern = "review|submit"  # a refused submission is shown at /submit

    def fees(self) -> Locator:
        return self.page.get_by_role("region", name=self.t("Fees"), exact=True)

    def fee_row(self, msgid: str) -> Locator:
        return self.fees().get_by_role("row").filter(has_text=self.t(msgid))

    def foreign_business_notice(self) -> Locator:
        return self.page.get_by_role("note").filter(has_text=self.t("Foreign Business Act"))

    def declaration(self) -> Locator:
        return self.label("I confirm that the information and documents are true and complete.")

    def check_heading(self) -> Locator:
        return self.page.get_by_role("heading", name=self.t("Check your answers before submitting"),
                                     exact=True)

    def change_link(self, answer_msgid: str) -> Locator:
        """An answer's "Change" link; its name says which answer (hidden text for readers)."""
        return self.page.get_by_role("link", name=f"{self.t('Change')} {self.t(answer_msgid)}",
                                     exact=True)

    def submit(self) -> None:
        self.button("Submit application").click()

    def submit_error(self, text: str) -> Locator:
        return self.page.get_by_role("alert").filter(has_text=text).first


class StatusPage(WizardStep):
    step, title = "status", "Application status"

    def reference(self, expected: str) -> Locator:
        return self.page.get_by_text(expected, exact=True)

    def state(self) -> Locator:
        """Where the application stands, as "My applications" says it (the page says it once,
        at the top, and its poll keeps it current)."""
        return self.page.locator("#applicant-state")

    def timeline(self) -> Locator:
        """The timeline's entries, oldest first."""
        return self.page.locator("#timeline").get_by_role("listitem")

    def juristic_number(self) -> Locator:
        return self.page.locator("#juristic-number")

    def info_request(self) -> Locator:
        """The request for more information, with the answer form (after a reload: the
        polling only refreshes the timeline, which links here)."""
        return self.page.get_by_role("region", name=self.t("More information needed"),
                                     exact=True)

    def reload_to_answer(self) -> Locator:
        return self.page.get_by_role(
            "link", name=self.t("Reload to answer the request for information."), exact=True)

    def fill_answer(self, text: str, filename: str, content: bytes,
                    mime_type: str = "application/pdf") -> None:
        form = self.info_request()
        self.label("Your answer", form).fill(text)
        self.label("Attach a file (optional)", form).set_input_files(
            {"name": filename, "mimeType": mime_type, "buffer": content})

    def send_answer(self) -> None:
        self.button("Send answer", self.info_request()).click()

    def certificate_link(self) -> Locator:
        return self.page.get_by_role("link", name=self.t("Download the certificate (PDF)"),
                                     exact=True)


# --- The EEC officers' desk and the public certificate check ----------------------------------


class SignInPage(PortalPage):
    path = "/sign-in"

    def expect_open(self) -> None:
        expect(self.heading()).to_have_text(self.t("Sign in"))

    def sign_in(self, email: str, password: str) -> None:
        self.label("E-mail").fill(email)
        self.label("Password").fill(password)
        self.button("Sign in").click()


class DeskInboxPage(PortalPage):
    """/desk: the officers' list of cases, filtered in place (htmx) as a filter changes."""

    path = "/desk"

    def open(self) -> Self:
        self.page.goto(self.path)
        self.expect_open()
        return self

    def expect_open(self) -> None:
        expect(self.heading()).to_have_text(self.t("Case desk"))

    def status_filter(self) -> Locator:
        return self.label("Status")

    def filter_by_status(self, status_msgid: str, status_code: str) -> None:
        """Chooses a case status by its label; the results follow and the URL records it."""
        self.status_filter().select_option(label=self.t.message(status_msgid))
        expect(self.page).to_have_url(re.compile(rf"[?&]status={status_code}\b"))

    def case_rows(self) -> Locator:
        return self.page.locator("#results").get_by_role("row").filter(
            has=self.page.get_by_role("link"))

    def case_row(self, reference: str) -> Locator:
        return self.case_rows().filter(
            has=self.page.get_by_role("link", name=reference, exact=True))

    def open_case(self, reference: str) -> None:
        self.case_row(reference).get_by_role("link", name=reference, exact=True).click()


class DeskCasePage(PortalPage):
    """/desk/cases/{id}: one case. Its first tab is the application as submitted, with the
    files inline beside the officer's decisions; the second the timeline and the messages
    exchanged with the outside systems. Each method opens the tab it reads."""

    HISTORY = "Timeline and messages exchanged"

    def __init__(self, page: Page, lang: str, reference: str) -> None:
        super().__init__(page, lang)
        self.reference = reference

    def expect_open(self) -> None:
        expect(self.heading()).to_contain_text(self.reference)
        expect(self.page).to_have_url(re.compile(r"/desk/cases/\d+(\?tab=history)?$"))

    def tab(self, msgid: str) -> Locator:
        return self.page.get_by_role("navigation", name=self.t("Case sections")).get_by_role(
            "link", name=self.t(msgid), exact=True)

    def show(self, msgid: str) -> None:
        """Opens a tab (a plain link) unless it is the one shown."""
        if self.tab(msgid).get_attribute("aria-current") != "page":
            self.tab(msgid).click()
        expect(self.tab(msgid)).to_have_attribute("aria-current", "page")

    def status(self) -> Locator:
        self.show("Application")
        return self.page.locator("#case-status")

    def region(self, msgid: str) -> Locator:
        return self.page.get_by_role("region", name=self.t(msgid), exact=True)

    def timeline(self) -> Locator:
        self.show(self.HISTORY)
        return self.region("Timeline").get_by_role("listitem")

    SYSTEMS = {"bizportal": "Biz Portal", "eec_oss": "EEC OSS"}  # as the page names them

    def exchanges(self, system: str | None = None) -> Locator:
        """Rows of the messages exchanged, optionally only those with one system."""
        self.show(self.HISTORY)
        rows = self.region("Messages exchanged").get_by_role("row").filter(
            has=self.page.get_by_role("cell"))
        if system is not None:
            rows = rows.filter(has=self.page.get_by_role(
                "cell", name=self.t(self.SYSTEMS[system]), exact=True))
        return rows

    def information_requests(self) -> Locator:
        self.show("Application")
        return self.region("Requests for information").get_by_role("listitem")

    def request_information(self, question: str) -> None:
        self.show("Application")
        decision = self.region("Decision")
        self.label("Question for the applicant", decision).fill(question)
        self.button("Request more information", decision).click()

    def approve_button(self) -> Locator:
        self.show("Application")
        return self.button("Approve and send to EEC OSS", self.region("Decision"))

    def shareholder(self, name: str) -> Locator:
        return self.region("Promoters and shareholders").get_by_role("row").filter(
            has=self.page.get_by_role("cell", name=name, exact=True))

    def fact(self, section: str, term: str) -> Locator:
        """The value beside a term of a section's list (capital, EEC answers)."""
        return self.region(section).locator(
            f"dt:text-is('{self.t(term)}') + dd")

    def documents(self) -> Locator:
        return self.region("Documents").locator("figure")


class VerifyPage(PortalPage):
    """/verify/{code}: anyone holding a certificate checks that it is genuine."""

    def expect_open(self) -> None:
        expect(self.heading()).to_have_text(self.t("Certificate verification"))

    def verdict(self) -> Locator:
        return self.page.locator("#verdict")


# --- The complaint assistant and the complaints desk -------------------------------------------


class ChatWidget(PortalPage):
    """The chat widget at the corner of every page: a disclosure that opens a panel whose log
    the portal appends to (htmx) with the user's message and the assistant's replies; a reply
    may offer buttons, each a form posting its payload."""

    REPLY_MS = 30_000  # the portal waits up to 15 s on the assistant, which may call the portal

    def open(self) -> Self:
        self.page.goto(self.path)
        self.use_language()
        return self.open_here()

    def open_here(self) -> Self:
        """Opens the widget on the page shown, once it has loaded the session's earlier
        exchanges (GET /chat/history)."""
        with self.page.expect_response(lambda r: r.url.endswith("/chat/history")) as loaded:
            self.toggle().click()
        assert loaded.value.ok, loaded.value.status
        expect(self.panel()).to_be_visible()
        return self

    def toggle(self) -> Locator:
        return self.page.locator("summary").filter(
            has_text=self.t("Report a problem in an industrial estate"))

    def panel(self) -> Locator:
        return self.page.get_by_role("region", name=self.t("Complaint assistant"), exact=True)

    def log(self) -> Locator:
        return self.panel().get_by_role("list").first

    def user_messages(self) -> Locator:
        return self.log().locator(":scope > li.chat-user")

    def replies(self) -> Locator:
        return self.log().locator(":scope > li.chat-bot")

    def latest_replies(self) -> Locator:
        """The assistant's messages since the user's last one."""
        return self.user_messages().last.locator("xpath=following-sibling::li")

    def latest_reply_text(self) -> str:
        return "\n".join(self.latest_replies().all_inner_texts())

    def say(self, text: str) -> Locator:
        """Types a message and sends it; returns the replies once they are in the log."""
        sent = self.user_messages().count()
        self.label("Message", self.panel()).fill(text)
        self.button("Send", self.panel()).click()
        return self._answered(sent, text)

    def choose(self, msgid: str) -> Locator:
        """Presses one of the buttons the assistant just offered."""
        sent = self.user_messages().count()
        label = self.t(msgid)
        self.latest_replies().get_by_role("button", name=label, exact=True).click()
        return self._answered(sent, label)

    def _answered(self, sent: int, shown: str) -> Locator:
        expect(self.user_messages()).to_have_count(sent + 1, timeout=self.REPLY_MS)
        expect(self.user_messages().last).to_have_text(shown)
        expect(self.latest_replies().first).to_be_visible()
        return self.latest_replies()


class TicketDeskPage(PortalPage):
    """/desk/tickets: the complaints inbox of officers and estate operators."""

    path = "/desk/tickets"

    def open(self) -> Self:
        self.page.goto(self.path)
        self.expect_open()
        return self

    def expect_open(self) -> None:
        expect(self.heading()).to_have_text(self.t("Complaints desk"))

    def ticket_row(self, number: str) -> Locator:
        return self.page.get_by_role("table").get_by_role("row").filter(
            has=self.page.get_by_role("link", name=number, exact=True))

    def open_ticket(self, number: str) -> None:
        self.ticket_row(number).get_by_role("link", name=number, exact=True).click()


class DeskTicketPage(PortalPage):
    """/desk/tickets/{number}: one complaint, its history and the officer's actions."""

    def __init__(self, page: Page, lang: str, number: str) -> None:
        super().__init__(page, lang)
        self.number = number

    @property
    def path(self) -> str:  # type: ignore[override]
        return f"/desk/tickets/{self.number}"

    def expect_open(self) -> None:
        expect(self.heading()).to_contain_text(self.number)
        expect(self.page).to_have_url(re.compile(rf"/desk/tickets/{self.number}$"))

    def status(self) -> Locator:
        return self.page.locator("#ticket-status")

    def region(self, msgid: str) -> Locator:
        return self.page.get_by_role("region", name=self.t(msgid), exact=True)

    def notes(self) -> Locator:
        return self.page.locator("#notes").get_by_role("listitem")

    def change_status(self, status_msgid: str, note: str, *, public: bool = True) -> None:
        """Chooses the new status by its label, writes a note and saves; the page reloads."""
        form = self.region("Change the status")
        self.label("New status", form).select_option(label=self.t.message(status_msgid))
        self.label("Note", form).fill(note)
        self.label("Public note (the complainant sees it)", form).set_checked(public)
        self.button("Save the status", form).click()
