"""The assistant understands people as they really type, on two adversarial sets that were
never trained on (chatbot/tests/):
- suite 1 (adversarial_{th,en}.yml), written fresh in December 2026 and used since to find
  what to fix: intent accuracy must reach issue 13's 0.95 and entity F1 on (entity, resolved
  id) pairs 0.90, in each language (0.984 Thai, 0.968 English with this commit's model);
- suite 2 (adversarial2_{th,en}.yml), written later by someone who saw neither the training
  data nor suite 1, then used once to find what to fix (so no longer blind);
- suite 3 (adversarial3_{th,en}.yml), written last, blind to the training data and to suites
  1 and 2, and never looked at to tune anything: the honest estimate of how the assistant
  does on what nobody has seen. Suites 2 and 3 hold regression floors a little under the
  scores measured (MEASURED), not the target; suite 3's Thai intent accuracy (0.931) is
  under it, which keeps issue 13 open.

chatbot/evaluate_adversarial.py does the scoring inside .venv-rasa with the trained model;
a failure prints the scores, the error classes and the misclassified examples."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.chatbot.conftest import run_in_rasa_env, tail

INTENT_ACCURACY_TARGET = 0.95  # issue 13
MIN_ENTITY_F1 = 0.90
# (intent accuracy, entity F1) as measured on 2026-12-08 with the model of this commit (a cold
# retrain of the same data gives the same figures: training is seeded); the floors sit a few
# points under, because a retrain after a data change moves a point or two.
MEASURED = {("1", "th"): (0.984, 0.994), ("1", "en"): (0.968, 0.991),
            ("2", "th"): (0.955, 0.996), ("2", "en"): (0.919, 0.984),
            ("3", "th"): (0.931, 0.967), ("3", "en"): (0.977, 0.955)}
FLOOR = {key: (round(acc - 0.03, 2), round(f1 - 0.03, 2)) for key, (acc, f1) in MEASURED.items()}
# Suite 1 holds issue 13's thresholds in both languages.
FLOOR["1", "th"] = FLOOR["1", "en"] = (INTENT_ACCURACY_TARGET, MIN_ENTITY_F1)
MIN_EXAMPLES = {"1": 150, "2": 100, "3": 100}


def evaluate(chatbot_model, tmp_path_factory, suite: str) -> tuple[dict[str, Any], str]:
    out = tmp_path_factory.mktemp(f"adversarial{suite}") / "report.json"
    result = run_in_rasa_env("python", "evaluate_adversarial.py", "--model", str(chatbot_model),
                             "--suite", suite, "--out", str(out))
    assert result.returncode == 0, tail(result)
    print(result.stdout)
    return json.loads(out.read_text(encoding="utf-8")), result.stdout


@pytest.fixture(scope="module", params=["1", "2", "3"])
def adversarial_report(request, chatbot_model, tmp_path_factory):
    return request.param, *evaluate(chatbot_model, tmp_path_factory, request.param)


def _details(stdout: str, lang: str) -> str:
    """The evaluator's section for one language (scores, error classes, wrong examples)."""
    sections = stdout.split("\n== ")
    return next((s for s in sections if s.startswith(f"{lang}:")), stdout)[-12000:]


def thresholds(suite: str, lang: str) -> tuple[float, float]:
    return FLOOR[suite, lang]


@pytest.mark.parametrize("lang", ["th", "en"])
def test_intent_accuracy_on_fresh_utterances(adversarial_report, lang):
    suite, report, stdout = adversarial_report
    scores = report["languages"][lang]["scores"]
    assert scores["examples"] >= MIN_EXAMPLES[suite]
    minimum, _ = thresholds(suite, lang)
    print(f"\nadversarial suite {suite} intent accuracy ({lang}): "
          f"{scores['intent_accuracy']:.3f}; at least {minimum}")
    assert scores["intent_accuracy"] >= minimum, _details(stdout, lang)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_entity_f1_on_resolved_ids(adversarial_report, lang):
    suite, report, stdout = adversarial_report
    scores = report["languages"][lang]["scores"]
    assert scores["entity_support"] >= (100 if suite == "1" else 50)
    _, minimum = thresholds(suite, lang)
    assert scores["entity_f1"] >= minimum, _details(stdout, lang)
