"""chatbot/serve.py: the Rasa server's check of action answers, with the schema checked once,
accepts and refuses exactly what Rasa's own check does."""

from __future__ import annotations

import jsonschema
import pytest
import serve
from rasa.core.actions.action import RemoteAction

VALID = {"events": [{"event": "slot", "timestamp": None, "name": "ticket_id", "value": None}],
         "responses": [{"text": "hello", "buttons": [{"title": "Cancel", "payload": "/cancel"}]}]}
INVALID = {"events": [{"event": "slot", "name": 7}], "responses": "hello"}


@pytest.fixture
def action(monkeypatch) -> RemoteAction:
    # Put Rasa's own method back after the test.
    monkeypatch.setattr(RemoteAction, "_validate_action_result",
                        RemoteAction._validate_action_result)
    assert serve.install()
    return RemoteAction("action_greet", None)


def test_a_valid_answer_passes_without_checking_the_schema_again(action, monkeypatch):
    serve.response_validator()  # built (and the schema checked) once, before the calls

    def no_schema_check(*args, **kwargs):
        raise AssertionError("the schema was checked again")

    monkeypatch.setattr(jsonschema, "validate", no_schema_check)
    monkeypatch.setattr(type(serve.response_validator()), "check_schema", no_schema_check)
    assert action._validate_action_result(VALID) is True
    assert action._validate_action_result({"events": [], "responses": []}) is True


def test_an_invalid_answer_fails_with_rasas_own_error(action):
    with pytest.raises(jsonschema.ValidationError) as patched:
        action._validate_action_result(INVALID)
    with pytest.raises(jsonschema.ValidationError) as plain:
        jsonschema.validate(INVALID, RemoteAction.action_response_format_spec())
    # The same error as jsonschema's, with the hint Rasa appends to it.
    assert patched.value.message.startswith(plain.value.message)
    assert "Failed to validate Action server response" in patched.value.message
