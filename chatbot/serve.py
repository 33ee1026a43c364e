"""`rasa` with one change for the server: the action server's answers are checked against
Rasa's response schema by a validator built once.

Rasa 3.6 checks every custom action's answer with `jsonschema.validate`, which first checks the
schema itself (every event type) against the JSON Schema meta-schema: about 19 ms of CPU per
action call on two cores, half of a greeting's round trip (a status check makes two such
calls; `python -m bench chatbot`). Here an answer the validator accepts returns at once; any
other goes through Rasa's own check, so a bad answer fails exactly as before.

    cd chatbot && ../.venv-rasa/bin/python serve.py run --enable-api ...   # as `rasa run ...`

Applied only to the Rasa release it was checked against; any other runs unchanged, with a
warning."""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import Any

CHECKED_RASA = "3.6.21"


@lru_cache(maxsize=1)
def response_validator() -> Any:
    from jsonschema import validators
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)  # once, instead of once per action call
    return validator_class(schema)


def install() -> bool:
    """Swaps in the cached check; False (and Rasa untouched) on another Rasa release."""
    import rasa
    from rasa.core.actions.action import RemoteAction

    if rasa.__version__ != CHECKED_RASA:
        print(f"chatbot/serve.py: Rasa {rasa.__version__} is not {CHECKED_RASA}, the release "
              f"this was checked against; running it unchanged", file=sys.stderr)
        return False
    rasa_check = RemoteAction._validate_action_result

    def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        if response_validator().is_valid(result):
            return True
        return rasa_check(self, result)  # raises Rasa's own ValidationError and message

    RemoteAction._validate_action_result = validate_action_result
    return True


def main() -> None:
    install()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
