"""Complaint privacy, one policy everywhere (issue 11): a complaint's description, location and
contact are shown only with its access code, or to the chat conversation that filed it as
the portal proves it; the number alone shows the public status. Knowing the complainant's
phone number, naming their conversation, or setting a slot proves nothing. Rasa answers only
the portal. Open311 publishes only summaries an officer approved, and the scrubber that
drafts them masks Thai and spelled-out e-mail addresses, LINE ids and passport numbers.

Each test failed on the code before the fix: the ticket API showed private details for a
matching `contact`, kept any claimed conversation_id, and gave no access code; the web pages
had no code; the portal sent Rasa neither token nor proof; Open311 published descriptions
and locations; the scrubber missed the patterns below."""

from __future__ import annotations

import html
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlmodel import select

from complaints import access, contacts, service
from complaints.models import Channel, Ticket
from tests.conftest import COMPLAINT, SERVICE_TOKEN, choose_language, create_officer, sign_in

VICTIM = {**COMPLAINT, "description": "My neighbour's dye works pours dye into the canal.",
          "location": "Behind house 12/3, Soi 7", "contact_name": "Malee Srisuk",
          "contact_phone": "089-123-4567", "contact_email": "malee@example.com"}
CODE = re.compile(r"\b[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}\b")


def file_by_api(browser, body: dict, **headers: str) -> dict:
    r = browser.client.post("/api/v1/tickets", json=body, headers={**SERVICE_TOKEN, **headers})
    assert r.status_code == 201, r.text
    return r.json()


def lookup(browser, number: str, params: dict | None = None, **headers: str) -> dict:
    r = browser.client.get(f"/api/v1/tickets/{number}", params=params or {},
                           headers={**SERVICE_TOKEN, **headers})
    assert r.status_code == 200, r.text
    return r.json()


def assert_nothing_private(text: str) -> None:
    for secret in (VICTIM["description"], VICTIM["location"], "Malee", "089-123-4567",
                   "08X-XXX-X567", "malee@example.com", "m***@example.com"):
        assert secret not in text, secret


# --- The ticket API (what the chatbot's actions call) --------------------------------------


def test_the_victims_phone_number_does_not_open_their_complaint(app, browser):
    """The attack: file a bogus complaint with the victim's phone (so the bot's contact slot
    holds it), then ask for the victim's ticket. Only the public status comes back."""
    victim = file_by_api(browser, VICTIM)
    file_by_api(browser, {**COMPLAINT, "contact_phone": VICTIM["contact_phone"],
                          "conversation_id": "web-attacker"})
    for contact in ("0891234567", "+66891234567", "malee@example.com"):
        seen = lookup(browser, victim["number"], {"contact": contact,
                                                  "conversation_id": "web-attacker"})
        assert seen["is_complainant"] is False and seen["private"] is None, contact
        assert seen["status_label"]["th"] and seen["estate_id"] == VICTIM["estate_id"]
        assert_nothing_private(json.dumps(seen, ensure_ascii=False))


def test_naming_the_filing_conversation_without_the_portals_proof_opens_nothing(app, browser):
    victim_chat = "web-victim-conversation"
    proof = access.conversation_proof(victim_chat)
    victim = file_by_api(browser, {**VICTIM, "conversation_id": victim_chat},
                         **{"Conversation-Proof": proof})
    for headers in ({}, {"Conversation-Proof": "0" * 64},
                    {"Conversation-Proof": access.conversation_proof("web-attacker")}):
        seen = lookup(browser, victim["number"], {"conversation_id": victim_chat}, **headers)
        assert seen["private"] is None, headers
        assert_nothing_private(json.dumps(seen, ensure_ascii=False))
    mine = lookup(browser, victim["number"], {"conversation_id": victim_chat},
                  **{"Conversation-Proof": proof})
    assert mine["private"]["description"] == VICTIM["description"]
    assert mine["private"]["location"] == VICTIM["location"]


def test_a_filing_without_proof_claims_no_conversation(app, browser, session):
    """Whoever files while naming someone else's conversation must not make that ticket (or
    the right to see it) theirs: the ticket is filed, the conversation is not kept."""
    filed = file_by_api(browser, {**COMPLAINT, "conversation_id": "web-someone-else"})
    ticket = session.exec(select(Ticket).where(Ticket.number == filed["number"])).one()
    assert ticket.conversation_id is None
    assert CODE.fullmatch(filed["access_code"])
    assert ticket.access_code_hash and filed["access_code"] not in ticket.access_code_hash


def test_the_access_code_opens_the_details_and_a_wrong_one_does_not(app, browser):
    filed = file_by_api(browser, VICTIM)
    other = file_by_api(browser, COMPLAINT)
    assert filed["access_code"] != other["access_code"]
    wrong = lookup(browser, filed["number"], **{"Ticket-Access-Code": other["access_code"]})
    assert wrong["private"] is None
    right = lookup(browser, filed["number"], **{"Ticket-Access-Code": filed["access_code"]})
    assert right["is_complainant"] is True
    assert right["private"]["description"] == VICTIM["description"]
    assert right["private"]["contact"] == "08X-XXX-X567 · m***@example.com"


# --- The web pages -------------------------------------------------------------------------


WORDS = {"en": {"code": "Your access code is", "wrong": "does not match"},
         "th": {"code": "รหัสเข้าถึงของท่านคือ", "wrong": "ไม่ตรงกับ"}}


@pytest.mark.parametrize("lang", ["en", "th"])
def test_the_web_form_shows_the_access_code_once_and_the_code_shows_the_details(
        app, browser, lang):
    choose_language(browser, lang)
    page = browser.get("/complaints/new").text
    key = re.search(r'name="form_key" value="([0-9a-f]+)"', page).group(1)
    form = {k: str(v) for k, v in VICTIM.items() if k != "consent"}
    filed = browser.post("/complaints/new", {**form, "consent": "on", "form_key": key},
                         page="/complaints/new")
    assert filed.status_code == 303
    confirmation = html.unescape(browser.get(filed.headers["location"]).text)
    number = filed.headers["location"].rsplit("/", 1)[1]
    assert WORDS[lang]["code"] in confirmation
    code = CODE.search(confirmation.split(WORDS[lang]["code"], 1)[1]).group(0)
    # Shown once: a reload, or anyone else with the link, sees no code.
    again = html.unescape(browser.get(filed.headers["location"]).text)
    assert code not in again and number in again

    public = html.unescape(browser.get(f"/complaints/status?number={number}").text)
    assert number in public
    assert_nothing_private(public)
    mine = browser.post("/complaints/status", {"number": number, "access_code": code.lower()},
                        page="/complaints/status")
    assert mine.status_code == 200
    text = html.unescape(mine.text)
    assert VICTIM["description"] in text and VICTIM["location"] in text
    assert "08X-XXX-X567" in text and "089-123-4567" not in text
    wrong = browser.post("/complaints/status", {"number": number, "access_code": "ZZZZ-ZZZZ"},
                         page="/complaints/status")
    assert wrong.status_code == 403
    assert WORDS[lang]["wrong"] in html.unescape(wrong.text)
    assert_nothing_private(html.unescape(wrong.text))


# --- The portal's chat and Rasa -------------------------------------------------------------


class StandInRasa:
    """An HTTP server in Rasa's place that records what the portal sends its REST channel
    (Rasa's own check of the token is tested in tests/chatbot/rasa_env/test_portal_channel.py
    and against the real Rasa in tests/chatbot/test_chatbot_live.py)."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                received.append({"headers": dict(self.headers), "body": body})
                data = json.dumps([{"text": "hello"}]).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def rasa(resources, monkeypatch):
    from core.settings import Settings

    stand_in = StandInRasa()
    monkeypatch.setenv("EEC_RASA_URL", stand_in.url)
    monkeypatch.setenv("EEC_RASA_CHANNEL_TOKEN", "test-rasa-channel-token")
    resources.settings = Settings()  # this test's own container
    yield stand_in
    stand_in.stop()


def test_the_portal_sends_rasa_its_token_and_the_proof_for_this_chat_only(app, browser, rasa):
    choose_language(browser, "en")
    r = browser.post("/chat/send", {"message": "status CMP-2026-000001"})
    assert r.status_code == 200 and "hello" in r.text
    [call] = rasa.received
    assert call["headers"]["Authorization"] == "Bearer test-rasa-channel-token"
    sender, proof = call["body"]["sender"], call["body"]["metadata"]["conversation_proof"]
    assert access.proven_conversation(sender, proof) == sender
    assert access.proven_conversation("web-someone-else", proof) is None


# --- Open311 and the desk's moderation ------------------------------------------------------


LEAKY = ("Dye in the canal again. E-mail สมชาย@ตัวอย่าง.ไทย or somchai(at)gmail.com, "
         "LINE ID: somchai_99, ไลน์ nida.w, passport AA1234567, "
         "หนังสือเดินทางเลขที่ AB7654321, call 081-234-5678.")
LEAKED = ("สมชาย", "somchai", "nida.w", "AA1234567", "AB7654321", "081-234-5678")


@pytest.mark.parametrize("lang", ["en", "th"])
def test_open311_publishes_only_a_summary_an_officer_approved(app, browser, session, lang):
    filed = service.file_ticket(session, {**VICTIM, "description": LEAKY, "lat": "13.59",
                                          "long": "101.05"},
                                channel=Channel.web)
    session.commit()
    number = filed.ticket.number
    headers = {"Accept-Language": lang}

    def published() -> dict:
        r = browser.client.get(f"/open311/v2/requests/{number}.json", headers=headers)
        assert r.status_code == 200
        listed = browser.client.get("/open311/v2/requests.json", headers=headers).text
        for secret in (*LEAKED, "Dye in the canal", VICTIM["location"], "13.59", "101.05"):
            assert secret not in r.text and secret not in listed, secret
        return r.json()[0]

    before = published()
    assert before["description"] == "" and before["lat"] is None
    assert before["service_code"] == VICTIM["category"] and before["address"]

    sign_in(browser, create_officer(session))
    choose_language(browser, lang)
    desk = html.unescape(browser.get(f"/desk/tickets/{number}").text)
    draft = re.search(r'<textarea id="f-public_summary"[^>]*>([^<]*)</textarea>', desk).group(1)
    assert "Dye in the canal again." in draft
    for secret in LEAKED:
        assert secret not in draft, secret
    refused = browser.post(f"/desk/tickets/{number}/summary", {"public_summary": "  "},
                           page=f"/desk/tickets/{number}")
    assert refused.status_code == 422
    approved = browser.post(f"/desk/tickets/{number}/summary",
                            {"public_summary": "Dye reported in the canal near Soi 7."},
                            page=f"/desk/tickets/{number}")
    assert approved.status_code == 303
    assert published()["description"] == "Dye reported in the canal near Soi 7."
    browser.post(f"/desk/tickets/{number}/withdraw-summary", {}, page=f"/desk/tickets/{number}")
    assert published()["description"] == ""


@pytest.mark.parametrize("text, secret", [
    # E-mail addresses with a Thai mailbox or domain.
    ("ติดต่อ สมชาย@ตัวอย่าง.ไทย ได้ค่ะ", "สมชาย"),
    ("Write to นิดา@อีเมล.ไทย please.", "นิดา"),
    # name(at)domain and the like, in English and in Thai.
    ("Mail me: somchai.j(at)gmail.com", "somchai.j"),
    ("somchai [at] gmail [dot] com", "somchai"),
    ("อีเมล malee แอท hotmail ดอท com ครับ", "malee"),
    # LINE ids.
    ("Add my LINE ID: somchai_99 thanks", "somchai_99"),
    ("line: @eecfactory", "eecfactory"),
    ("ทักไลน์ nida.w นะคะ", "nida.w"),
    ("ไอดีไลน์: malee2024", "malee2024"),
    # Passport numbers.
    ("My passport AA1234567 was copied.", "AA1234567"),
    ("หนังสือเดินทางเลขที่ AB7654321 ค่ะ", "AB7654321"),
    ("ผมถือพาสปอร์ต X1234567", "X1234567"),
])
def test_the_scrubber_masks_what_it_used_to_miss(text, secret):
    assert secret not in contacts.scrub_text(text)


@pytest.mark.parametrize("text", ["Dust at 10.30 every day, PM2.5 high.",
                                  "The pipe line is broken near CMP-2026-000123.",
                                  "ฝุ่นมากตอน 10.30 น. ที่จุดรับส่ง"])
def test_the_scrubber_leaves_ordinary_text_alone(text):
    assert contacts.scrub_text(text) == text
