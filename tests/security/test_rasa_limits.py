"""The assistant caps what one message may make it do, whatever path the message takes:
its REST channel refuses a message over 1,000 characters (413) or one that is not text
(400), and its tokenizer reads no further than 1,000 characters, so even Rasa's HTTP API
parses a 50,000-character text in bounded time and memory. Such a message once took Rasa
to 12 GB and stalled every other visitor's chat for 15 s.

Live: the trained model served by chatbot/serve.py, as the Procfile runs it."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import httpx
import psutil
import pytest

from tests.chatbot.conftest import CHATBOT, RASA_PYTHON, chatbot_model, rasa_env, rasa_installed
from tests.stack import Stack, free_port, wait_until

__all__ = ["chatbot_model", "rasa_installed"]  # the fixtures this module uses


@pytest.fixture(scope="module")
def rasa(chatbot_model, tmp_path_factory) -> Iterator[tuple[str, psutil.Process]]:
    tmp = tmp_path_factory.mktemp("rasa-limits")
    port = free_port()
    endpoints = tmp / "endpoints.yml"  # no action server: only NLU and the channel are used
    endpoints.write_text("")
    stack = Stack(rasa_env(), tmp)
    url = f"http://127.0.0.1:{port}"
    try:
        proc = stack.start("rasa", ["/bin/sh", "-c", (
            f"cd {CHATBOT} && exec {RASA_PYTHON} serve.py run --enable-api -p {port} "
            f"-i 127.0.0.1 -m {chatbot_model} --endpoints {endpoints} "
            f"--credentials credentials.yml")])
        wait_until(lambda: proc.poll() is None and bool(
            httpx.get(f"{url}/status", timeout=2).json().get("model_file")), 600, "rasa")
        yield url, psutil.Process(proc.pid)
    finally:
        stack.stop_all()


def test_the_rest_channel_refuses_what_is_too_long_or_not_text(rasa):
    url, _process = rasa
    webhook = f"{url}/webhooks/rest/webhook"
    # The portal's token: the caps hold even for the one caller the channel answers.
    portal = {"Authorization": f"Bearer {os.environ['EEC_RASA_CHANNEL_TOKEN']}"}
    for text in ("x" * 1001, "ไฟดับ" * 10_000):
        r = httpx.post(webhook, json={"sender": "t-long", "message": text}, headers=portal,
                       timeout=30)
        assert r.status_code == 413, r.text[:300]
    for body in ({"sender": "t-1", "message": {"text": "hi"}},
                 {"sender": "s" * 101, "message": "hi"}, ["not", "an", "object"]):
        assert httpx.post(webhook, json=body, headers=portal, timeout=30).status_code == 400, body
    # A message at the cap is taken (no action server here: the answer has no text).
    at_cap = httpx.post(webhook, json={"sender": "t-ok", "message": "x" * 1000},
                        headers=portal, timeout=60)
    assert at_cap.status_code == 200 and isinstance(at_cap.json(), list)
    # The conversation of the long message was never started.
    tracker = httpx.get(f"{url}/conversations/t-long/tracker", timeout=30).json()
    assert not [e for e in tracker.get("events", []) if e.get("event") == "user"]


def test_the_tokenizer_reads_no_further_than_its_cap(rasa):
    url, process = rasa
    text = "โรงงานปล่อยน้ำเสียลงคลองทุกคืน factory dumps wastewater " * 1000  # 54,000 chars
    # The first 1,000 characters first: the model meets that many tokens once, untimed.
    warm = httpx.post(f"{url}/model/parse", json={"text": text[:1000]}, timeout=120)
    assert warm.status_code == 200
    before = process.memory_info().rss
    started = time.monotonic()
    r = httpx.post(f"{url}/model/parse", json={"text": text}, timeout=120)
    took = time.monotonic() - started
    grew_mb = (process.memory_info().rss - before) / 2**20
    print(f"\nRasa parse of {len(text):,} characters: {took:.2f} s, RSS +{grew_mb:.0f} MB")
    assert r.status_code == 200
    assert r.json()["intent"]["name"]  # still understood, from its first 1,000 characters
    assert took < 10 and grew_mb < 200
