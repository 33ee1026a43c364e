"""Runs inside .venv-rasa (test_chatbot_detours_nlu): parses chatbot/tests/detour_examples.yml
with the trained model and asks actions.detours.is_detour (a side trip?) and
actions.complaint_form.named_change (a correction?) about each message, as
validate_complaint_form would while the description is asked. Prints JSON."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import yaml
from rasa.core.agent import Agent
from rasa_sdk import Tracker

CHATBOT = Path(__file__).resolve().parents[2] / "chatbot"
sys.path.insert(0, str(CHATBOT))

from actions.complaint_form import named_change  # noqa: E402
from actions.detours import is_detour  # noqa: E402

SLOTS = {"estate": "pinthong", "complaint_category": "wastewater", "language": "en",
         "requested_slot": "description"}


def tracker_for(parse: dict) -> Tracker:
    events = [{"event": "slot", "name": k, "value": v} for k, v in SLOTS.items()]
    events.append({"event": "user", "text": parse["text"], "parse_data": parse})
    return Tracker("measure", dict(SLOTS), parse, events, False, None,
                   {"name": "complaint_form"}, "action_listen")


async def main(model: str) -> None:
    agent = Agent.load(model)
    examples = yaml.safe_load((CHATBOT / "tests" / "detour_examples.yml").read_text())
    results = []
    for kind, by_lang in examples.items():
        for lang, texts in by_lang.items():
            for text in texts:
                parse = await agent.parse_message(text)
                tracker = tracker_for(parse)
                change = named_change(tracker, "description")
                results.append({"kind": kind, "lang": lang, "text": text,
                                "intent": parse["intent"]["name"],
                                "confidence": round(parse["intent"]["confidence"], 3),
                                "detour": is_detour(tracker, "description"),
                                "changes": change[1] if change else None,
                                "expected": texts[text] if isinstance(texts, dict) else None})
    print("RESULTS " + json.dumps(results, ensure_ascii=False))


asyncio.run(main(sys.argv[1]))
