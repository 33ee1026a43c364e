"""The chat widget with the real assistant behind it, once in Thai and once in English: a
factory worker reports wastewater in Map Ta Phut in their own words, answers the assistant's
questions (with its buttons where it offers them) and gets a ticket number; an EEC officer finds
the ticket on the complaints desk, routed to the estate's environment unit, and moves it to
"in progress" with a public note; the worker asks the assistant for the status and is told the
new status and the note, in the language they wrote in. Without the assistant, the widget says
so and points to the web form.

It also writes the README's screenshots docs/screenshots/{th,en}-21-chat.png and
{th,en}-22-ticket-desk.png."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from complaints.categories import category_label, estate_label
from e2e.pages import Catalog, ChatWidget, DeskTicketPage, SignInPage, TicketDeskPage
from e2e.test_officer_flow import readme_shot

if TYPE_CHECKING:
    from e2e.conftest import ChatStack

TICKET = re.compile(r"CMP-\d{4}-\d{6}")
THAI = re.compile("[\u0e00-\u0e7f]")
ESTATE, CATEGORY = "map-ta-phut", "wastewater"
PHONE = "081-234-5678"

COMPLAINTS = {
    "th": "น้ำเสียในนิคมมาบตาพุด ส่งกลิ่นเหม็นมากค่ะ",
    "en": "There is wastewater leaking in Map Ta Phut industrial estate",
}
DESCRIPTIONS = {
    "th": "มีน้ำสีดำไหลจากท่อหลังโรงงานลงคลองตั้งแต่เมื่อคืน กลิ่นแรงจนพนักงานเวียนหัว",
    "en": "Black water has been running from a pipe behind our factory into the canal since "
          "last night; the smell makes our staff dizzy.",
}
NAMES = {"th": "สมหญิง ใจงาม", "en": "Jane Smith"}
NOTES = {
    "th": "ทีมสิ่งแวดล้อมตรวจพบท่อระบายน้ำรั่ว กำลังซ่อมและจะเก็บตัวอย่างน้ำในคลองวันนี้",
    "en": "Our environment team found the leaking drain pipe; it is being repaired and the "
          "canal water is sampled today.",
}
# The assistant's own sentences (chatbot/actions), looked up in the same catalog.
CONSENT = ("Before I ask for your name and contact details: to handle your complaint we keep "
           "them and share them only with the officers who deal with it, as our privacy notice "
           "explains: {url}\nDo you agree (PDPA consent)? If you do not, I can still file the "
           "complaint anonymously, without your name or contact: you will follow it with its "
           "ticket number and access code.")
SUMMARY = ("Please check your complaint:\n• Estate: {estate}\n• Problem: {category}\n"
           "• Description: {description}\n• Location: {location}\n• Name: {name}\n"
           "• Phone or e-mail: {contact}\nShall I file it?")
STATUS_QUESTIONS = {"th": "สถานะเรื่อง {number}", "en": "what is the status of {number}?"}


def expect_language(text: str, lang: str) -> None:
    """Thai replies are in Thai script; English ones have none of it."""
    if lang == "th":
        assert THAI.search(text), f"a Thai conversation got a reply without Thai: {text!r}"
    else:
        assert not THAI.search(text), f"an English conversation got Thai: {text!r}"


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_complaint_from_the_chat_is_handled_on_the_desk_and_its_status_told_back(
        chat_page, chat_stack: ChatStack, lang: str, snap) -> None:
    t = Catalog(lang)
    estate = estate_label(ESTATE, lang)

    # The worker opens the widget and says what is wrong; the assistant asks for the details.
    chat = ChatWidget(chat_page(lang), lang).open()
    steps = [
        (lambda: chat.say(COMPLAINTS[lang]),
         "Please describe the problem: what happens, since when, and how it affects you."),
        (lambda: chat.say(DESCRIPTIONS[lang]),
         "Where exactly is it (road, building, gate or landmark)? This is optional: press "
         "“Skip” if you are not sure."),
        # The PDPA notice and consent come before any personal data is asked for.
        (lambda: chat.choose("Skip"), CONSENT),
        (lambda: chat.choose("I agree"),
         "What name should the estate officers use when they contact you?"),
        (lambda: chat.say(NAMES[lang]),
         "What phone number or e-mail address can the officers reach you at? For example "
         "081-234-5678 or name@example.com."),
    ]
    for answer, question in steps:
        replies = answer()
        expect(replies.last).to_contain_text(
            t.message(question, url=f"{chat_stack.url}/privacy"))
        expect_language(chat.latest_reply_text(), lang)

    # Consent given and the contact told, the assistant sums the complaint up before filing.
    summary = chat.say(PHONE)
    expect(summary.last).to_contain_text(t.message(
        SUMMARY, estate=estate, category=category_label(CATEGORY, lang),
        description=DESCRIPTIONS[lang], location=t.message("(not given)"), name=NAMES[lang],
        contact=PHONE))
    expect(summary.last.get_by_role("button", name=t("Yes, file it"), exact=True)).to_be_visible()
    expect_language(chat.latest_reply_text(), lang)
    readme_shot(chat.page, lang, 21, "chat", snap)

    filed = chat.choose("Yes, file it")
    expect(filed.first).to_contain_text(TICKET)
    reply = chat.latest_reply_text()
    number = TICKET.search(reply).group(0)
    assert t.message("Your complaint has been filed. Your ticket number is {number} "
                     "(status: {status}).", number=number, status=t.message("Received")) in reply
    # The access code, told once; with the number it opens the complaint anywhere.
    code = re.search(r"\b[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}\b", reply)
    assert code and t.message(
        "Your access code is {code}. It is shown only this once: write it down and keep it "
        "to yourself. Send it with the ticket number to see your complaint's details from "
        "another chat or on the website.", code=code.group(0)) in reply
    expect_language(reply, lang)

    # An EEC officer signs in, finds the ticket on the complaints desk and opens it.
    officer = chat_page(lang)
    officer.goto(TicketDeskPage.path)
    sign_in = SignInPage(officer, lang)
    sign_in.expect_open()
    sign_in.sign_in(chat_stack.officer_email, chat_stack.officer_password)
    desk = TicketDeskPage(officer, lang)
    desk.use_language()  # signing in brings the account's language (the officer's is Thai)
    desk.expect_open()
    expect(desk.ticket_row(number)).to_contain_text(estate)
    expect(desk.ticket_row(number)).to_contain_text(t.message("Received"))
    desk.open_ticket(number)

    # It went to the Map Ta Phut estate's environment unit; the officer starts work on it.
    ticket = DeskTicketPage(officer, lang, number)
    ticket.expect_open()
    expect(ticket.fact("Industrial estate")).to_have_text(estate)
    expect(ticket.fact("Sent to")).to_contain_text(
        t.message("{estate}: {unit}", estate=estate, unit=t.message("environment unit")))
    expect(ticket.fact("Description")).to_have_text(DESCRIPTIONS[lang])
    ticket.change_status("In progress", NOTES[lang])
    ticket.expect_open()
    expect(ticket.status()).to_have_text(t.message("In progress"))
    expect(ticket.notes().first).to_contain_text(t("Public"))
    expect(ticket.notes().first).to_contain_text(NOTES[lang])
    readme_shot(officer, lang, 22, "ticket-desk", snap)

    # Back in the chat, the worker asks how it is going.
    status = chat.say(STATUS_QUESTIONS[lang].format(number=number))
    expect(status.last).to_contain_text(t.message(
        "Complaint {number}: {status}.", number=number, status=t.message("In progress")))
    expect(status.last).to_contain_text(
        t.message("Latest note from the estate: {note}", note=NOTES[lang]))
    # This chat filed it (the portal proves so to the ticket API): it sees its own details.
    expect(status.last).to_contain_text(
        t.message("Your complaint: {description}", description=DESCRIPTIONS[lang]))
    expect_language(chat.latest_reply_text(), lang)


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["th", "en"])
def test_without_the_assistant_the_widget_says_so_and_points_to_the_web_form(page, lang: str):
    t = Catalog(lang)
    chat = ChatWidget(page, lang).open()  # the web-only portal: nothing answers at its Rasa URL
    replies = chat.say(COMPLAINTS[lang])
    expect(replies).to_have_text([t("The assistant is not available right now. You can file a "
                                    "complaint with the web form instead.")])
    expect(chat.panel().get_by_role("link", name=t("Or use the web form"), exact=True)
           ).to_have_attribute("href", "/complaints/new")
