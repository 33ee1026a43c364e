"""The REST channel the portal's chat widget talks to, with a cap on what one message may
carry: Rasa's own channel passes any text to the pipeline, and one 50,000-character message
once took Rasa to 12 GB. Named "rest", so its URL stays /webhooks/rest/webhook."""

from __future__ import annotations

from rasa.core.channels.rest import RestInput
from sanic.exceptions import InvalidUsage as BadRequest  # 400; Sanic 21 has no BadRequest
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request

# The portal caps typed text at 500 characters and button payloads at 200.
MAX_MESSAGE_CHARS = 1000
MAX_SENDER_CHARS = 100


class CappedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    async def _extract_sender(self, req: Request) -> str | None:
        sender = _body(req).get("sender")
        if sender is not None and (not isinstance(sender, str)
                                   or len(sender) > MAX_SENDER_CHARS):
            raise BadRequest("sender must be a string of at most "
                             f"{MAX_SENDER_CHARS} characters")
        return sender

    def _extract_message(self, req: Request) -> str | None:
        text = _body(req).get("message")
        if text is not None and not isinstance(text, str):
            raise BadRequest("message must be a string")
        if text is not None and len(text) > MAX_MESSAGE_CHARS:
            raise PayloadTooLarge(f"message is longer than {MAX_MESSAGE_CHARS} characters")
        return text


def _body(req: Request) -> dict:
    body = req.json
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body
