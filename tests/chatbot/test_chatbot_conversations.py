"""Conversation tests in Thai and English (chatbot/tests/test_stories.yml): every user line
goes through the trained NLU, and the policies must predict every action of every story."""

from __future__ import annotations

import json

from tests.chatbot.conftest import run_in_rasa_env, tail


def test_every_test_story_is_predicted_exactly(chatbot_model, tmp_path):
    out = tmp_path / "core"
    result = run_in_rasa_env("rasa", "test", "core", "--stories", "tests/test_stories.yml",
                             "--model", str(chatbot_model), "--out", str(out))
    assert result.returncode == 0, tail(result)
    report = json.loads((out / "story_report.json").read_text())
    conversations = report["conversation_accuracy"]
    failed = (out / "failed_test_stories.yml").read_text()
    print(f"\nchatbot conversation tests: {conversations['correct']}/{conversations['total']} "
          f"stories, action accuracy {report['accuracy']:.3f}")
    assert conversations["total"] >= 9
    assert conversations["correct"] == conversations["total"], failed
