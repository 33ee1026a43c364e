"""The Rasa channel the portal talks to: without the portal's bearer token a message is
refused before Rasa sees it; with it, the sender and the metadata (the portal's conversation
proof) reach the conversation. A real Sanic server over HTTP."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest
from portal_channel import PortalInput
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

TOKEN = "test-rasa-channel-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def exchange(requests):
    """Starts Rasa's channel blueprint on a free port, sends `requests` and returns the
    answers and the messages that reached the conversation."""
    received: list[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        received.append(message)
        await message.output_channel.send_text_message(message.sender_id, "hello")

    app = Sanic("portal-channel-test")  # one app per process: Sanic 21 compiles it once
    channel = PortalInput.from_credentials({"token": TOKEN})
    # As rasa.core.channels.channel.register mounts it, with this test's conversation.
    app.blueprint(channel.blueprint(on_new_message), url_prefix=f"/webhooks/{channel.name()}")
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
    await server.startup()
    task = asyncio.ensure_future(server.serve_forever())
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            answers = [await client.request(method, path, **kwargs)
                       for method, path, kwargs in requests]
    finally:
        task.cancel()
        server.close()
        await server.wait_closed()
    return answers, received


BODY = {"sender": "web-victim", "message": "สถานะ CMP-2026-000001",
        "metadata": {"lang": "th", "conversation_proof": "from-the-portal"}}
STRANGERS = [{}, {"Authorization": "Bearer guess"}, {"Authorization": TOKEN}]


@pytest.fixture(scope="module")
def answered():
    """Strangers' posts first, then the health check and the portal's post."""
    return asyncio.run(exchange(
        [("POST", "/webhooks/rest/webhook", {"json": BODY, "headers": h}) for h in STRANGERS]
        + [("GET", "/webhooks/rest/", {}),
           ("POST", "/webhooks/rest/webhook",
            {"json": BODY, "headers": {"Authorization": f"Bearer {TOKEN}"}})]))


def test_a_message_without_the_portals_token_is_refused_before_rasa_reads_it(answered):
    answers, received = answered
    assert [a.status_code for a in answers[:3]] == [401, 401, 401]
    assert len(received) == 1  # only the portal's message


def test_the_portal_reaches_the_conversation_with_its_sender_and_metadata(answered):
    answers, received = answered
    assert answers[3].status_code == 200  # the health check stays open
    assert answers[4].status_code == 200 and answers[4].json()[0]["text"] == "hello"
    assert [(m.sender_id, m.metadata) for m in received] == [("web-victim", BODY["metadata"])]


def test_the_channel_does_not_start_without_a_token():
    for credentials in (None, {}, {"token": " "}):
        with pytest.raises(ValueError):
            PortalInput.from_credentials(credentials)
