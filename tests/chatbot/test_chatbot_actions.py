"""The actions' unit tests (tests/chatbot/rasa_env/) run with pytest inside .venv-rasa:
rasa_sdk's CollectingDispatcher, real Trackers and a real HTTP ticket API."""

from __future__ import annotations

import re

from tests.chatbot.conftest import ROOT, run_in_rasa_env, tail


def test_action_unit_tests_pass_inside_the_rasa_environment(rasa_installed):
    here = ROOT / "tests" / "chatbot" / "rasa_env"
    result = run_in_rasa_env("python", "-m", "pytest", "-c", str(here / "pytest.ini"),
                             "-q", str(here), cwd=ROOT, timeout=600)
    summary = tail(result, 40)
    assert result.returncode == 0, summary
    match = re.search(r"(\d+) passed", result.stdout)
    assert match and int(match.group(1)) >= 100, summary
    assert "skipped" not in result.stdout.splitlines()[-1], summary
