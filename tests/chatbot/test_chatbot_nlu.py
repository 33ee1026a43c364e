"""NLU quality on the held-out split (chatbot/tests/nlu_holdout.yml, never trained on):
intent macro-F1 and entity F1 must both stay at 0.90 or above."""

from __future__ import annotations

import json

from tests.chatbot.conftest import run_in_rasa_env, tail

THRESHOLD = 0.90


def test_held_out_intent_and_entity_f1(chatbot_model, tmp_path):
    out = tmp_path / "nlu"
    result = run_in_rasa_env("rasa", "test", "nlu", "--nlu", "tests/nlu_holdout.yml",
                             "--model", str(chatbot_model), "--out", str(out))
    assert result.returncode == 0, tail(result)
    intents = json.loads((out / "intent_report.json").read_text())
    entities = json.loads((out / "DIETClassifier_report.json").read_text())
    intent_f1 = intents["macro avg"]["f1-score"]
    entity_f1 = entities["micro avg"]["f1-score"]
    weak = {name: round(r["f1-score"], 3) for name, r in intents.items()
            if isinstance(r, dict) and "f1-score" in r and r["f1-score"] < THRESHOLD}
    print(f"\nchatbot NLU held-out: intent macro-F1 {intent_f1:.3f}, entity micro-F1 "
          f"{entity_f1:.3f} ({intents['macro avg']['support']} examples, "
          f"{entities['micro avg']['support']} entities); below {THRESHOLD}: {weak}")
    assert intent_f1 >= THRESHOLD, intents
    assert entity_f1 >= THRESHOLD, entities
    for name in ("estate", "complaint_category", "ticket_id"):
        assert entities[name]["f1-score"] >= THRESHOLD - 0.05, (name, entities[name])
