"""How well the assistant understands, measured on the live stack bench/chatbot.py starts:
the adversarial set's scores through chatbot/evaluate_adversarial.py, and scripted users
filing complaints through the webhook (turns until the ticket number is shown)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.common import note
from tests.chatbot.conftest import run_in_rasa_env, tail


class UnderstandingBenchError(RuntimeError):
    pass


def adversarial_scores(rasa_url: str, workdir: Path, suite: str = "1") -> dict[str, Any]:
    """chatbot/evaluate_adversarial.py against the running server, on suite 1 (the gate) or
    suite 3 (written blind, never used to tune); its summary to stderr."""
    out = workdir / f"adversarial{suite}-report.json"
    result = run_in_rasa_env("python", "evaluate_adversarial.py", "--server", rasa_url,
                             "--suite", suite, "--out", str(out), "--quiet", timeout=900)
    if result.returncode != 0:
        raise UnderstandingBenchError(f"evaluate_adversarial.py failed:\n{tail(result)}")
    for line in result.stdout.strip().splitlines():
        if line.strip() and not line.startswith("report:"):
            note(f"chatbot adversarial suite {suite}: {line.strip()}")
    return json.loads(out.read_text(encoding="utf-8"))["languages"]


@dataclass(frozen=True)
class Script:
    """A user filing a complaint: the opener names the estate and the problem; `answers` is
    what they type when the form asks for a slot (consent and confirmation are clicked)."""

    lang: str
    opener: str
    estate: str  # the ids the complaint must hold
    category: str
    answers: dict[str, str]


TH_ANSWERS = {"description": "ไฟดับทั้งโรงงานตั้งแต่หกโมงเช้า เครื่องจักรหยุดหมดเลยค่ะ",
              "location_detail": "อาคาร 3 ซอย 5 ติดถนนใหญ่",
              "contact_name": "สมศรี ใจดี", "contact": "081-234-5678"}
EN_ANSWERS = {"description": "the whole plant has been down since 6am, machines stopped",
              "location_detail": "building 3, soi 5, next to the main road",
              "contact_name": "John Carter", "contact": "john.carter@example.com"}
SCRIPTS = [
    Script("th", "ไฟดับที่นิคมปิ่นทองตั้งแต่เช้าค่ะ", "pinthong", "power_outage",
           {**TH_ANSWERS, "estate": "ปิ่นทอง", "complaint_category": "ไฟฟ้าดับ"}),
    Script("th", "อยากร้องเรียนเรื่องน้ำเสียที่ Amata City Rayong ครับ", "amata-city-rayong",
           "wastewater", {**TH_ANSWERS, "estate": "อมตะซิตี้ ระยอง",
                          "complaint_category": "น้ำเสีย"}),
    Script("th", "ขอร้องเรียนกลิ่นเหม็นแถวมาบตาพุทค่ะ", "map-ta-phut", "odor",
           {**TH_ANSWERS, "estate": "มาบตาพุด", "complaint_category": "กลิ่นเหม็น"}),
    Script("th", "ขอแจ้งเรื่องขยะที่นิคมWHAระยองค่ะ", "wha-rayong", "waste",
           {**TH_ANSWERS, "estate": "ดับบลิวเอชเอ ระยอง", "complaint_category": "ขยะ"}),
    Script("th", "อมตะชลไฟดับค่ะ", "amata-city-chonburi", "power_outage",
           {**TH_ANSWERS, "estate": "อมตะซิตี้ ชลบุรี", "complaint_category": "ไฟดับ"}),
    Script("th", "ปินทองน้ำไม่ไหลมาสองวันแล้วอ่ะ", "pinthong", "water_supply",
           {**TH_ANSWERS, "estate": "ปิ่นทอง", "complaint_category": "น้ำประปา"}),
    Script("en", "I want to report a power outage at Pinthong", "pinthong", "power_outage",
           {**EN_ANSWERS, "estate": "Pinthong", "complaint_category": "power outage"}),
    Script("en", "wastewater dumped in the canal near laem chabang, I want to complain",
           "laem-chabang", "wastewater",
           {**EN_ANSWERS, "estate": "Laem Chabang", "complaint_category": "wastewater"}),
    Script("en", "noise complaint at yamato industries pls", "yamato", "noise",
           {**EN_ANSWERS, "estate": "Yamato", "complaint_category": "noise"}),
    Script("en", "there's flooding at amata city chonburi since this morning",
           "amata-city-chonburi", "flooding",
           {**EN_ANSWERS, "estate": "Amata City Chonburi", "complaint_category": "flooding"}),
    Script("en", "powr cut at WHA ESIE 1, want to complain", "wha-eastern-seaboard-1",
           "power_outage", {**EN_ANSWERS, "estate": "WHA Eastern Seaboard 1",
                            "complaint_category": "power outage"}),
    Script("en", "it stinks near MTP, I want to report it", "map-ta-phut", "odor",
           {**EN_ANSWERS, "estate": "Map Ta Phut", "complaint_category": "odour"}),
]
MIN_TURNS_TO_TICKET = 7  # opener, description, location, name, contact, consent, confirm
MAX_TURNS_TO_TICKET = 16  # a script still without a ticket then counts as this many


@dataclass
class Filing:
    script: Script
    turns: int
    ticket: str | None
    asked: list[str]  # the slot requested after each turn ("-" outside the form)
    held: dict[str, Any]  # estate and category when the summary was shown


def clicked(replies: list[dict[str, Any]], intent: str) -> str | None:
    """The payload of the reply's button for `intent` ("/affirm"), as a click sends it."""
    for reply in replies:
        for button in reply.get("buttons") or []:
            payload = str(button.get("payload", ""))
            if payload == f"/{intent}" or payload.startswith(f"/{intent}{{"):
                return payload
    return None


def next_message(script: Script, requested: str | None,
                 replies: list[dict[str, Any]]) -> str:
    if requested in ("pdpa_consent", "confirmed"):
        return clicked(replies, "affirm") or ("ยินยอมค่ะ" if script.lang == "th" else "yes")
    if requested in script.answers:
        return script.answers[requested]
    # Outside the form (or a question the script did not expect): as a user would, press
    # "Report a problem" if offered, else say it again.
    return clicked(replies, "file_complaint") or script.opener


def file_by_script(client: httpx.Client, rasa_url: str, script: Script) -> Filing:
    sender = f"bench-file-{uuid.uuid4().hex[:16]}"
    filing = Filing(script, MAX_TURNS_TO_TICKET, None, [], {})
    message = script.opener
    for turn in range(1, MAX_TURNS_TO_TICKET + 1):
        response = client.post(f"{rasa_url}/webhooks/rest/webhook", json={
            "sender": sender, "message": message, "metadata": {"lang": script.lang}})
        if response.status_code != 200:
            raise UnderstandingBenchError(f"the webhook answered {response.status_code} to "
                                          f"{message!r}: {response.text[:300]}")
        replies = response.json()
        slots = client.get(f"{rasa_url}/conversations/{sender}/tracker").json()["slots"]
        text = "\n".join(str(r.get("text", "")) for r in replies)
        ticket = slots.get("last_ticket_id")
        if ticket and ticket in text:
            filing.turns, filing.ticket = turn, ticket
            return filing
        requested = slots.get("requested_slot")
        filing.asked.append(requested or "-")
        if requested == "confirmed":
            filing.held = {"estate": slots.get("estate"),
                           "complaint_category": slots.get("complaint_category")}
        message = next_message(script, requested, replies)
    return filing


def report_filings(filings: list[Filing]) -> None:
    right = 0
    for f in filings:
        wanted = {"estate": f.script.estate, "complaint_category": f.script.category}
        wrong = {k: v for k, v in f.held.items() if v != wanted[k]}
        right += bool(f.ticket and f.held and not wrong)
        outcome = (f"ticket after {f.turns} turns" if f.ticket
                   else f"NO ticket after {f.turns} turns")
        data = f"; WRONG data {wrong}" if wrong else ""
        note(f"chatbot filing ({f.script.lang}) {f.script.opener!r}: {outcome}{data}; "
             f"asked: {' > '.join(f.asked)}")
    first_time = sum(1 for f in filings if f.ticket and f.turns == MIN_TURNS_TO_TICKET)
    note(f"chatbot filings: {right}/{len(filings)} tickets hold the estate and problem the "
         f"user named; {first_time}/{len(filings)} in the minimum {MIN_TURNS_TO_TICKET} turns")
