"""The whole assistant, live: the Rasa server with the trained model, the action server and
the real portal (its ticket API on a SQLite database), talked to through the REST channel the
chat widget uses. Conversations in Thai and English file real tickets; an outage of the portal
mid-conversation loses nothing and "try again" files exactly one ticket."""

from __future__ import annotations

import re
import statistics
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlmodel import Session, create_engine, select

from tests.chatbot.conftest import CHATBOT, RASA_BIN, rasa_env
from tests.stack import (
    Stack,
    free_port,
    http_ok,
    portal_environment,
    redis_ready,
    redis_server_command,
    uvicorn,
)

TICKET = re.compile(r"CMP-\d{4}-\d{6}")
THAI = re.compile("[\u0e00-\u0e7f]")


def rasa_ready(url: str):
    def check() -> bool:
        status = httpx.get(f"{url}/status", timeout=2).json()
        return bool(status.get("model_file"))
    return check


@pytest.fixture(scope="module")
def stack(chatbot_model, tmp_path_factory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("chatbot-live")
    ports = {name: free_port() for name in ("redis", "web", "actions", "rasa")}
    web = f"http://127.0.0.1:{ports['web']}"
    db_url = f"sqlite:///{tmp / 'portal.db'}"
    env = {
        **rasa_env(),
        "DATABASE_URL": db_url, "REDIS_URL": f"redis://127.0.0.1:{ports['redis']}/0",
        "EEC_ENVIRONMENT": "test", "EEC_UPLOAD_DIR": str(tmp / "uploads"), "EEC_BASE_URL": web,
        "EEC_PORTAL_URL": web, "EEC_CHATBOT_BACKOFF_S": "0.2", "EEC_CHATBOT_HTTP_TIMEOUT_S": "3",
        "SANIC_HOST": "127.0.0.1",
        # The portal's own secrets, so that this test can speak to Rasa as the portal does.
        "EEC_SECRET_KEY": "live-test-" + uuid.uuid4().hex,
        "EEC_RASA_CHANNEL_TOKEN": "live-test-rasa-" + uuid.uuid4().hex,
    }
    with portal_environment(env):
        endpoints = tmp / "endpoints.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{ports["actions"]}/webhook"\n')
        s = Stack(env, tmp)
        rasa = f"http://127.0.0.1:{ports['rasa']}"
        try:
            s.start("redis", redis_server_command(ports["redis"], tmp), redis_ready(ports["redis"]))
            s.start("web", uvicorn("web.main:app", ports["web"]), http_ok(f"{web}/healthz"))
            s.start("actions", ["/bin/sh", "-c", f"cd {CHATBOT} && exec {RASA_BIN / 'rasa'} run "
                                f"actions -p {ports['actions']} --actions actions"],
                    http_ok(f"http://127.0.0.1:{ports['actions']}/health"), timeout_s=120)
            s.start("rasa", ["/bin/sh", "-c", f"cd {CHATBOT} && exec {RASA_BIN / 'rasa'} run "
                             f"--enable-api -p {ports['rasa']} -i 127.0.0.1 -m {chatbot_model} "
                             f"--endpoints {endpoints} --credentials credentials.yml"],
                    rasa_ready(rasa), timeout_s=300)
            s.urls = {"web": web, "rasa": rasa}
            s.db_url = db_url
            yield s
        finally:
            s.stop_all()


class Chat:
    """One conversation through the REST channel, as the portal's chat widget has it: with
    the portal's channel token and its proof for the conversation."""

    def __init__(self, stack: Stack, lang: str | None = None) -> None:
        self.url = f"{stack.urls['rasa']}/webhooks/rest/webhook"
        self.sender = f"test-{uuid.uuid4().hex[:12]}"
        self.lang = lang

    def say(self, text: str) -> list[dict]:
        from complaints.access import conversation_proof
        from core.runtime import get_settings

        metadata = {"conversation_proof": conversation_proof(self.sender)}
        if self.lang:
            metadata["lang"] = self.lang
        token = get_settings().rasa_channel_token.get_secret_value()
        replies = httpx.post(self.url, json={"sender": self.sender, "message": text,
                                             "metadata": metadata},
                             headers={"Authorization": f"Bearer {token}"}, timeout=60).json()
        assert replies, f"no reply to {text!r}"
        return replies

    def text(self, message: str) -> str:
        return "\n".join(r.get("text", "") for r in self.say(message))


def tickets(stack: Stack, conversation_id: str):
    from complaints.models import Ticket

    engine = create_engine(stack.db_url)
    try:
        with Session(engine) as session:
            return session.exec(select(Ticket)
                                .where(Ticket.conversation_id == conversation_id)).all()
    finally:
        engine.dispose()


def test_an_english_complaint_is_filed_and_shows_its_ticket_number(stack):
    chat = Chat(stack)
    assert "complaint" in chat.text("hello")
    reply = chat.text("I want to report a blackout at Pinthong")
    assert "describe" in reply.lower()
    reply = chat.say("No electricity since 6 this morning and all our machines stopped")
    assert [b["title"] for b in reply[-1]["buttons"]] == ["Skip"]  # the location is optional
    # PDPA: the privacy notice and consent come before the name and contact.
    reply = chat.text("behind warehouse 12 on road 7")
    assert "/privacy" in reply and "anonymous" in reply and not THAI.search(reply)
    assert "name" in chat.text("I agree")
    assert "phone number or e-mail" in chat.text("John Smith")
    summary = chat.text("081-234-5678")
    assert "Pinthong Industrial Estate" in summary and "081-234-5678" in summary
    assert "Power outage" in summary
    filed = chat.text("yes, file it")
    number = TICKET.search(filed).group(0)
    [ticket] = tickets(stack, chat.sender)
    assert ticket.number == number and ticket.estate_id == "pinthong"
    assert ticket.category == "power_outage" and ticket.contact_phone == "+66812345678"
    assert ticket.language == "en" and ticket.location == "behind warehouse 12 on road 7"


def test_a_thai_complaint_with_bad_input_and_a_correction_then_its_status(stack):
    chat = Chat(stack)
    reply = chat.say("อยากร้องเรียนเรื่องน้ำเสียครับ")
    assert len(reply[-1]["buttons"]) == 20  # estates by province
    reply = chat.say("นิคมบางปู")
    assert "นิคมบางปู" in reply[-1]["text"] and len(reply[-1]["buttons"]) == 20
    assert THAI.search(chat.text("😡😡😡"))  # asked again, still in Thai
    chat.say("มาบตาพุดครับ")
    assert THAI.search(chat.text("asdfghjkl"))  # no description: asked again
    chat.say("มีน้ำสีดำไหลลงคลองหลังโรงงานทุกคืน")
    assert "/privacy" in chat.text("ข้าม")
    # "I consent, no problem": a yes, although "no problem" holds a negation (issue 13).
    assert "ชื่อ" in chat.text("ยินยอมครับ ไม่มีปัญหา")
    reply = chat.text("สมชาย ใจดี")
    assert "081-234-5678" in reply
    summary = chat.text("somchai@example.com")  # an e-mail does not flip the language
    assert THAI.search(summary) and "สมชาย ใจดี" in summary
    assert "นิคมอุตสาหกรรมมาบตาพุด" in summary and "น้ำเสีย" in summary
    chat.say("แก้นิคม")
    summary = chat.text("ปิ่นทอง")
    assert "นิคมอุตสาหกรรมปิ่นทอง" in summary
    filed = chat.text("ใช่ ส่งได้เลย")
    number = TICKET.search(filed).group(0)
    [ticket] = tickets(stack, chat.sender)
    assert ticket.estate_id == "pinthong" and ticket.category == "wastewater"
    assert ticket.contact_email == "somchai@example.com" and ticket.location == ""

    status = chat.text(f"เช็คสถานะ {number}")
    assert number in status and "มีน้ำสีดำไหลลงคลอง" in status  # the complainant's details
    stranger = Chat(stack, lang="en")
    status = stranger.text(f"what's the status of {number}?")
    assert number in status and "มีน้ำสีดำไหลลงคลอง" not in status
    assert "CMP-2026-000123" in stranger.text("check ticket CMP-26-12")
    assert "could not find" in stranger.text("CMP-2020-999999")
    # Rasa itself answers nobody but the portal: no token, no conversation.
    for headers in ({}, {"Authorization": "Bearer guessed"}):
        refused = httpx.post(chat.url, json={"sender": chat.sender, "message": number},
                             headers=headers, timeout=10)
        assert refused.status_code == 401, headers


def test_a_portal_outage_loses_nothing_and_try_again_files_once(stack):
    chat = Chat(stack)
    chat.say("ไฟดับที่นิคมอมตะซิตี้ ระยองค่ะ")
    for answer in ("ไฟดับทั้งโซน B ตั้งแต่บ่ายสอง", "ข้าม", "ยินยอม", "มาลี ศรีสุข", "0891234567"):
        chat.say(answer)
    stack.kill("web")
    failed = chat.say("ยืนยัน")
    assert "ลองอีกครั้ง" in failed[-1]["text"]
    assert tickets(stack, chat.sender) == []
    stack.restart("web", http_ok(f"{stack.urls['web']}/healthz"))
    filed = chat.text("ลองอีกครั้ง")
    number = TICKET.search(filed).group(0)
    again = chat.say("ลองอีกครั้ง")  # nothing left to file: no second ticket
    assert [t.number for t in tickets(stack, chat.sender)] == [number]
    assert again


def test_declining_consent_files_an_anonymous_complaint_in_thai(stack):
    chat = Chat(stack)
    chat.say("กลิ่นเหม็นที่นิคมแหลมฉบังค่ะ")
    chat.say("กลิ่นเหมือนยางไหม้ทุกคืนตั้งแต่สัปดาห์ก่อน")
    assert "/privacy" in chat.text("ข้าม")
    # "I don't allow my personal data to be used": once taken as consent (issue 13).
    summary = chat.say("ไม่ยอมให้ใช้ข้อมูลส่วนตัวค่ะ")
    assert "ไม่ระบุตัวตน" in summary[-1]["text"] and "ชื่อ:" not in summary[-1]["text"]
    assert not any("contact" in b["payload"] for b in summary[-1]["buttons"])
    filed = chat.text("ถูกต้องค่ะ")
    number = TICKET.search(filed).group(0)
    assert "ไม่ระบุตัวตน" in filed and "รหัส" in filed
    [ticket] = tickets(stack, chat.sender)
    assert ticket.number == number and ticket.consent is False and ticket.consent_at is None
    assert (ticket.contact_name, ticket.contact_phone, ticket.contact_email) == ("", "", "")
    assert ticket.estate_id == "laem-chabang"
    # Its status, asked in the same chat, says it is anonymous instead of a contact.
    status = chat.text(f"สถานะเรื่อง {number}")
    assert number in status and "ไม่ระบุตัวตน" in status and "ติดต่อท่านที่" not in status


def test_an_unclear_answer_to_consent_is_asked_again_and_an_emergency_comes_first(stack):
    outside = Chat(stack).say("fire!! workers coughing")
    assert "199" in outside[0]["text"] and "1669" in outside[0]["text"]
    assert not THAI.search(outside[0]["text"])
    chat = Chat(stack)
    chat.say("I want to report air pollution at Map Ta Phut")
    # Mid-form, as the description: the numbers first, the description kept, the form on.
    reply = chat.say("there is a fire in the chemical warehouse and workers are coughing")
    assert "1669" in reply[0]["text"] and "Map Ta Phut" in reply[0]["text"]
    assert "1669" not in reply[-1]["text"] and reply[-1]["buttons"]
    assert "/privacy" in chat.text("warehouse 4")
    # "alright I'm off" was once recorded as consent (issue 13): asked again with buttons.
    again = chat.say("alright I'm off")
    assert again[-1]["text"].startswith("Please answer with one of the buttons")
    assert [b["payload"] for b in again[-1]["buttons"]] == ["/affirm", "/deny"]
    assert "name" in chat.text("/affirm")  # the consent button
    chat.say("John Smith")
    assert "Map Ta Phut" in chat.text("john@example.com")
    TICKET.search(chat.text("yes")).group(0)
    [ticket] = tickets(stack, chat.sender)
    assert ticket.consent is True and ticket.contact_email == "john@example.com"
    assert ticket.description == ("there is a fire in the chemical warehouse and workers are "
                                  "coughing")


def test_an_emergency_typed_as_the_description_gets_the_numbers_first(stack):
    chat = Chat(stack, lang="th")
    chat.say("แจ้งปัญหาที่นิคมมาบตาพุดค่ะ")
    chat.say("มลพิษทางอากาศ")
    reply = chat.say("สารเคมีรั่ว คนงานไอหลายคน")
    assert "199" in reply[0]["text"] and "1669" in reply[0]["text"]
    assert "นิคมอุตสาหกรรมมาบตาพุด" in reply[0]["text"]
    assert "199" not in reply[-1]["text"] and reply[-1]["buttons"]  # then the location
    outside = Chat(stack, lang="th").say("ไฟไหม้!!")
    assert "199" in outside[0]["text"] and THAI.search(outside[0]["text"])


def test_parse_latency(stack):
    url = f"{stack.urls['rasa']}/model/parse"
    texts = ["น้ำเสียไหลลงคลองที่มาบตาพุดครับ", "There is a bad smell at Laem Chabang",
             "เช็คสถานะ CMP-2026-000001", "yes"]
    for text in texts:  # warm up
        httpx.post(url, json={"text": text}, timeout=30)
    timings = []
    for i in range(40):
        started = time.perf_counter()
        response = httpx.post(url, json={"text": texts[i % len(texts)]}, timeout=30)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    median = statistics.median(timings)
    print(f"\nchatbot /model/parse: median {median:.1f} ms, max {max(timings):.1f} ms (40 calls)")
    assert median < 500
