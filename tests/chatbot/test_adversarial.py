"""The assistant understands people as they really type: on the adversarial test set
(chatbot/tests/adversarial_{th,en}.yml, written fresh and never trained on), intent accuracy
must reach 0.95 and entity F1 on (entity, resolved id) pairs 0.90, in each language.

chatbot/evaluate_adversarial.py does the scoring inside .venv-rasa with the trained model;
a failure prints the scores, the error classes and the misclassified examples."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.chatbot.conftest import run_in_rasa_env, tail

MIN_INTENT_ACCURACY = 0.95
MIN_ENTITY_F1 = 0.90


@pytest.fixture(scope="module")
def adversarial_report(chatbot_model, tmp_path_factory) -> tuple[dict[str, Any], str]:
    out = tmp_path_factory.mktemp("adversarial") / "report.json"
    result = run_in_rasa_env("python", "evaluate_adversarial.py", "--model", str(chatbot_model),
                             "--out", str(out))
    assert result.returncode == 0, tail(result)
    print(result.stdout)
    return json.loads(out.read_text(encoding="utf-8")), result.stdout


def _details(stdout: str, lang: str) -> str:
    """The evaluator's section for one language (scores, error classes, wrong examples)."""
    sections = stdout.split("\n== ")
    return next((s for s in sections if s.startswith(f"{lang}:")), stdout)[-12000:]


@pytest.mark.parametrize("lang", ["th", "en"])
def test_intent_accuracy_on_fresh_utterances(adversarial_report, lang):
    report, stdout = adversarial_report
    scores = report["languages"][lang]["scores"]
    assert scores["examples"] >= 150
    assert scores["intent_accuracy"] >= MIN_INTENT_ACCURACY, _details(stdout, lang)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_entity_f1_on_resolved_ids(adversarial_report, lang):
    report, stdout = adversarial_report
    scores = report["languages"][lang]["scores"]
    assert scores["entity_support"] >= 100
    assert scores["entity_f1"] >= MIN_ENTITY_F1, _details(stdout, lang)
