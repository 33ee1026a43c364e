"""The assistant's training data: Rasa's own validation, our tokenizer's entity alignment,
and the estate / category names generated from the reference data."""

from __future__ import annotations

import re

from tests.chatbot.conftest import run_in_rasa_env, tail


def test_rasa_data_validate(rasa_installed):
    result = run_in_rasa_env("rasa", "data", "validate", "--domain", "domain", "--data", "data",
                             "--config", "config.yml")
    assert result.returncode == 0, tail(result)
    output = result.stdout + result.stderr
    assert "No story structure conflicts found" in output
    problems = re.findall(r"UserWarning: (.*)", output)
    assert not problems, problems


def test_entities_fall_on_token_boundaries_and_map_to_reference_ids(rasa_installed):
    result = run_in_rasa_env("python", "check_nlu_data.py", "data/nlu", "tests/nlu_holdout.yml")
    assert result.returncode == 0, tail(result)
    assert "0 problem(s)" in result.stdout


def test_synonyms_and_lookup_tables_match_the_reference_data(rasa_installed):
    result = run_in_rasa_env("python", "gen_nlu_reference.py", "--check")
    assert result.returncode == 0, tail(result)


def test_every_intent_has_thirty_examples_in_each_language(rasa_installed):
    script = (
        "from rasa.shared.nlu.training_data.loading import load_data\n"
        "import collections, re\n"
        "c = collections.Counter()\n"
        "for m in load_data('data/nlu').intent_examples:\n"
        "    lang = 'th' if re.search('[\\u0e00-\\u0e7f]', m.get('text')) else 'en'\n"
        "    c[(m.get('intent'), lang)] += 1\n"
        "print(dict(c))\n"
    )
    result = run_in_rasa_env("python", "-c", script)
    assert result.returncode == 0, tail(result)
    counts = eval(result.stdout.strip().splitlines()[-1])  # noqa: S307 - our own output
    intents = {intent for intent, _ in counts}
    assert {"greet", "goodbye", "affirm", "deny", "file_complaint", "check_ticket_status",
            "inform", "out_of_scope"} <= intents
    thin = {key: n for key, n in counts.items() if n < 30}
    assert not thin, thin
    assert all(counts.get((intent, lang), 0) >= 30 for intent in intents for lang in ("th", "en"))
