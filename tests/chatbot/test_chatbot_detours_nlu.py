"""Which mid-form messages are side trips, measured with the trained model on fresh examples
(chatbot/tests/detour_examples.yml, never trained on): while the form asks for the
description, real descriptions must be kept (even those that ask something, or that the NLU
takes for a greeting), and side questions, status checks, greetings and language requests
must be answered apart; short corrections ("it's not Pinthong, it's Yamato") change what they
name, and no description changes anything."""

from __future__ import annotations

import json
from collections import defaultdict

from tests.chatbot.conftest import ROOT, run_in_rasa_env, tail

ANSWERS_KEPT = 0.95
SIDE_TRIPS_CAUGHT = 0.85
CORRECTIONS_RIGHT = 0.85


def test_descriptions_are_kept_and_side_trips_are_caught(chatbot_model):
    result = run_in_rasa_env("python", str(ROOT / "tests" / "chatbot" / "detour_measure.py"),
                             str(chatbot_model), timeout=600)
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULTS ")]
    assert result.returncode == 0 and lines, tail(result)
    results = json.loads(lines[0].removeprefix("RESULTS "))
    right: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for r in results:
        right[r["kind"], r["lang"]].append(
            r["changes"] == r["expected"] and not r["detour"] if r["kind"] == "corrections"
            else r["detour"] == (r["kind"] == "side_trips") and not r["changes"])
    rates = {key: sum(v) / len(v) for key, v in right.items()}
    print("\nchatbot mid-form messages: " + ", ".join(
        f"{kind} {lang} {rate:.2f} ({len(right[kind, lang])})"
        for (kind, lang), rate in sorted(rates.items())))
    wrong = [r for r in results if r["changes"] != r["expected"]
             or (r["kind"] != "corrections" and r["detour"] != (r["kind"] == "side_trips"))]
    for lang in ("th", "en"):
        assert len(right["answers", lang]) >= 20 and len(right["side_trips", lang]) >= 20
        assert rates["answers", lang] >= ANSWERS_KEPT, wrong
        assert rates["side_trips", lang] >= SIDE_TRIPS_CAUGHT, wrong
        assert rates["corrections", lang] >= CORRECTIONS_RIGHT, wrong
