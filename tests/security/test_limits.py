"""Flooding and resource exhaustion: what one client can make the portal (and the assistant
behind it) do. Chat payloads that are no button of the assistant's, chat floods from fresh
sessions, bodies over their limit (refused from Content-Length, or as they stream in, with
the portal's memory flat under a 120 MB upload), and JSON nested 100,000 levels deep: each
gets a clear, localized 4xx, the connection stays usable, and nothing changes."""

from __future__ import annotations

import http.client
import json
import os
import re
import shlex
import threading
import time
from collections.abc import Iterator

import httpx
import psutil
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import select

from complaints.models import Ticket
from core.runtime import get_settings
from tests.conftest import (
    OPEN311_KEY,
    SERVICE_TOKEN,
    Browser,
    changed_settings,
    create_application,
    create_user,
)
from tests.stack import ROOT, Stack, free_port, http_ok

THAI = re.compile("[\u0e00-\u0e7f]")
NESTED = b"[" * 100_000 + b"]" * 100_000


# The app's Settings with some EEC_ variables set, for the length of a block.
settings = changed_settings


@pytest.fixture
def no_assistant() -> Iterator[None]:
    """Rasa's URL points at a port nobody listens on: whatever reaches it answers 503."""
    with settings(EEC_RASA_URL=f"http://127.0.0.1:{free_port()}"):
        yield


def chat(client: TestClient, lang: str = "en", fresh_session: bool = False,
         headers: dict[str, str] | None = None, **fields: str) -> httpx.Response:
    if fresh_session:
        client.cookies.clear()
    client.cookies.set("lang", lang)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/privacy").text)
    assert token
    return client.post("/chat/send", data={"csrf_token": token.group(1), **fields},
                       headers=headers or {})


def client_at(app, address: str) -> TestClient:
    return TestClient(app, base_url="http://testserver", client=(address, 40000))


# --- Chat -----------------------------------------------------------------------------------


def test_a_chat_payload_must_be_one_of_the_assistants_buttons(app, no_assistant):
    with client_at(app, "192.0.2.10") as client:
        huge = chat(client, payload="/inform" + "x" * 50_000, label="Yes")
        assert huge.status_code == 413 and "under 500 characters" in huge.text
        assert chat(client, "th", payload="x" * 50_000).status_code == 413
        for made_up in ("/take_over", "/inform{\"estate\": {\"a\": [1]}}",
                        "/inform{\"secret_slot\": \"x\"}", "/affirm{", "hello"):
            refused = chat(client, payload=made_up, label="Yes")
            assert refused.status_code == 422, made_up
            assert "not one the assistant offered" in refused.text
        thai = chat(client, "th", payload="/take_over")
        assert thai.status_code == 422 and THAI.search(thai.text)
        # A real button still goes through: here to the missing assistant.
        button = chat(client, payload='/inform{"estate": "map-ta-phut"}', label="Map Ta Phut")
        assert button.status_code == 503


def test_fresh_sessions_do_not_escape_the_per_address_chat_limit(app, no_assistant):
    with settings(EEC_CHAT_MESSAGES_PER_ADDRESS_PER_MINUTE="3"), \
            client_at(app, "192.0.2.20") as client:
        spoofed = [{"X-Forwarded-For": f"198.51.100.{i}"} for i in range(6)]
        answers = [chat(client, fresh_session=True, headers=h, message="hello").status_code
                   for h in spoofed]
        assert answers == [503, 503, 503, 429, 429, 429]
        # Another address is not held up by this one.
        with client_at(app, "192.0.2.21") as other:
            assert chat(other, message="hello").status_code == 503


def test_forwarded_for_counts_only_from_a_trusted_proxy(app, no_assistant):
    with settings(EEC_CHAT_MESSAGES_PER_ADDRESS_PER_MINUTE="2",
                  EEC_TRUSTED_PROXIES="192.0.2.30, 203.0.113.0/24"), \
            client_at(app, "192.0.2.30") as proxy:
        # Behind the trusted proxies each visitor has an address of their own...
        for i in range(4):
            forwarded = {"X-Forwarded-For": f"198.51.100.{i}, 203.0.113.7"}
            assert chat(proxy, fresh_session=True, headers=forwarded,
                        message="hello").status_code == 503
        # ...and a hop the visitor wrote themselves, left of theirs, is not believed.
        answers = [chat(proxy, fresh_session=True, message="hello", headers={
            "X-Forwarded-For": f"10.0.0.{i}, 198.51.100.0, 203.0.113.7"}).status_code
            for i in range(2)]
        assert answers == [503, 429]
        # From anyone else, X-Forwarded-For counts for nothing.
        with client_at(app, "192.0.2.31") as direct:
            answers = [chat(direct, fresh_session=True, message="hello", headers={
                "X-Forwarded-For": f"198.51.100.{50 + i}"}).status_code for i in range(3)]
        assert answers == [503, 503, 429]


def procfile_command(name: str, port: int) -> list[str]:
    """The Procfile's line for `name`, with this interpreter's uvicorn and our port."""
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines()
                if line.startswith(f"{name}:"))
    command = line.split(":", 1)[1].replace("${EEC_HOST:-127.0.0.1}", "127.0.0.1")
    command = command.replace("${EEC_PORT:-8000}", str(port))
    argv = shlex.split(command)
    assert argv[0] == ".venv/bin/uvicorn"
    return ["python", "-m", "uvicorn", *argv[1:]]


@pytest.fixture(scope="module")
def portal(redis_url, tmp_path_factory) -> Iterator[str]:
    """The portal as `make run` starts it (the Procfile's web line), on a database of its
    own, with a 3-a-minute chat limit per address and no assistant."""
    import sys

    tmp = tmp_path_factory.mktemp("portal")
    port = free_port()
    command = procfile_command("web", port)
    command[0] = sys.executable
    env = {"DATABASE_URL": f"sqlite:///{tmp / 'portal.db'}", "REDIS_URL": redis_url,
           "EEC_ENVIRONMENT": "test", "EEC_UPLOAD_DIR": str(tmp / "uploads"),
           "EEC_RASA_URL": f"http://127.0.0.1:{free_port()}",
           "EEC_CHAT_MESSAGES_PER_ADDRESS_PER_MINUTE": "3"}
    stack = Stack(env, tmp)
    try:
        stack.start("web", command, http_ok(f"http://127.0.0.1:{port}/healthz"))
        yield f"http://127.0.0.1:{port}"
    finally:
        stack.stop_all()


def test_the_running_portal_ignores_forwarded_for_from_a_local_caller(portal):
    """uvicorn used to believe X-Forwarded-For from any local caller (--proxy-headers), so
    one made up a new address for every message."""
    answers = []
    for i in range(5):
        with httpx.Client(base_url=portal, cookies={"lang": "en"}) as client:
            token = re.search(r'name="csrf_token" value="([^"]+)"',
                              client.get("/privacy").text).group(1)
            answers.append(client.post("/chat/send", data={
                "csrf_token": token, "message": "hello"},
                headers={"X-Forwarded-For": f"198.51.100.{i}"}).status_code)
    assert answers == [503, 503, 503, 429, 429]


# --- Bodies over their limit ----------------------------------------------------------------


def test_bodies_over_their_limit_are_refused_from_content_length(app, browser):
    big_json = b'{"pad": "' + b"x" * 2_000_000 + b'"}'
    # Callbacks: before the signature is even looked at.
    webhook = browser.client.post("/webhooks/bizportal", content=b"x" * 5_000_001,
                                  headers={"Content-Type": "application/json",
                                           "Accept-Language": "th"})
    assert webhook.status_code == 413
    assert webhook.headers["content-type"] == "application/problem+json"
    assert webhook.json()["key"] == "error.too_large" and THAI.search(webhook.json()["title"])
    open311 = browser.client.post("/open311/v2/requests.json", content=big_json,
                                  headers={"Content-Type": "application/json"})
    assert open311.status_code == 413 and open311.json()["key"] == "error.too_large"
    tickets = browser.client.post("/api/v1/tickets", content=big_json, headers={
        **SERVICE_TOKEN, "Content-Type": "application/json"})
    assert tickets.status_code == 413 and tickets.json()["key"] == "error.too_large"
    create_user(browser, lang="en")
    app_id = create_application(browser)
    step = browser.api("PUT", f"/api/v1/applications/{app_id}/capital", content=big_json,
                       headers={"Content-Type": "application/json"})
    assert step.status_code == 413 and step.json()["key"] == "error.too_large"
    # An upload a little over the 5 MB limit, through the wizard's form: a page in English.
    token = browser.csrf(f"/registration/{app_id}/documents")
    upload = browser.client.post(
        f"/registration/{app_id}/documents",
        data={"csrf_token": token, "kind": "moa", "action": "upload"},
        files={"file": ("moa.pdf", b"%PDF-1.4\n" + b"0" * 5_400_000, "application/pdf")})
    assert upload.status_code == 413 and "too large" in upload.text
    assert "<html" in upload.text.lower()


def _session_cookie_and_token(browser: Browser) -> tuple[str, str]:
    token = browser.client.get("/api/v1/session").json()["csrf_token"]
    return browser.client.cookies["eec_session"], token


@pytest.fixture
def served_portal(database_url, redis_url, tmp_path) -> Iterator[tuple[str, psutil.Process]]:
    """The portal under uvicorn on the test database; yields its URL and its process."""
    from tests.stack import uvicorn

    port = free_port()
    stack = Stack({"DATABASE_URL": database_url, "REDIS_URL": redis_url,
                   "EEC_ENVIRONMENT": "test",
                   "EEC_UPLOAD_DIR": os.environ["EEC_UPLOAD_DIR"]}, tmp_path)
    try:
        proc = stack.start("web", uvicorn("web.main:app", port),
                           http_ok(f"http://127.0.0.1:{port}/healthz"))
        yield f"http://127.0.0.1:{port}", psutil.Process(proc.pid)
    finally:
        stack.stop_all()


class PeakRss:
    """Samples a process's resident memory every 10 ms while the block runs."""

    def __init__(self, process: psutil.Process) -> None:
        self.process = process
        self.peak = self.baseline = process.memory_info().rss
        self._stop = threading.Event()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.01)

    def __enter__(self) -> PeakRss:
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.baseline) / 2**20


def test_a_120_mb_upload_is_stopped_at_the_limit_and_memory_stays_flat(
        browser, session, served_portal, capsys):
    base_url, process = served_portal
    create_user(browser, lang="en")
    app_id = create_application(browser)
    cookie, token = _session_cookie_and_token(browser)
    boundary = "limits-test-boundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nmoa\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"moa.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n").encode()
    sent = 0

    def body() -> Iterator[bytes]:  # streamed: no Content-Length, so only the stream stops it
        nonlocal sent
        yield head
        chunk = b"0" * 2**20
        for _ in range(120):
            sent += len(chunk)
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    with PeakRss(process) as rss:
        try:
            with httpx.Client(base_url=base_url, timeout=60) as client:
                r = client.post(f"/registration/{app_id}/documents", content=body(), headers={
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                    "Cookie": f"eec_session={cookie}; lang=en", "X-CSRF-Token": token})
            status = r.status_code
        except httpx.HTTPError:  # the portal may hang up on the rest of the body
            status = None
    with capsys.disabled():
        print(f"\n120 MB upload: portal RSS {rss.baseline / 2**20:.1f} MB before, peak "
              f"+{rss.growth_mb:.1f} MB, {sent / 2**20:.0f} MB sent, answer {status}")
    assert status in (413, None)
    assert rss.growth_mb < 8
    # Nothing was stored.
    documents = browser.client.get(f"/registration/{app_id}/documents")
    assert "moa.pdf" not in documents.text


def test_a_declared_120_mb_upload_is_refused_before_a_byte_is_read(browser, served_portal):
    base_url, _process = served_portal
    create_user(browser, lang="th")
    app_id = create_application(browser)
    cookie, token = _session_cookie_and_token(browser)
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:  # the headers only: the portal must answer without waiting for the body
        connection.putrequest("POST", f"/registration/{app_id}/documents")
        for name, value in {"Content-Type": "multipart/form-data; boundary=b",
                            "Content-Length": str(120 * 2**20), "X-CSRF-Token": token,
                            "Cookie": f"eec_session={cookie}; lang=th"}.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        page = response.read().decode()
    finally:
        connection.close()
    assert response.status == 413, page[:300]
    assert THAI.search(page)


# --- Deeply nested JSON ---------------------------------------------------------------------


def post_on_one_connection(base_url: str, requests: list[tuple[str, bytes, dict]]
                           ) -> list[tuple[int, bytes]]:
    """Sends the requests one after another on one keep-alive connection; fails if the
    portal closes it."""
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    answers = []
    try:
        for path, body, headers in requests:
            connection.request("POST", path, body=body, headers=headers)
            sock = connection.sock
            response = connection.getresponse()
            answers.append((response.status, response.read()))
            assert not response.will_close, f"{path}: the portal closed the connection"
            assert connection.sock is sock
    finally:
        connection.close()
    return answers


def test_json_nested_100000_levels_deep_is_a_clear_4xx_on_a_kept_connection(
        session, served_portal):
    from core.http_adapters import signature_headers

    base_url, _process = served_portal
    settings_ = get_settings()
    before = session.exec(select(func.count()).select_from(Ticket)).one()
    json_type = {"Content-Type": "application/json", "Accept-Language": "en"}
    oss_secret = settings_.eec_oss_webhook_secret.get_secret_value()
    deep = b"[" * 30_000 + b"]" * 30_000  # 60 KB: within the APIs' 64 KiB
    events = b'{"events": ' + NESTED + b"}"
    answers = post_on_one_connection(base_url, [
        # Without credentials: refused on them, the body never parsed.
        ("/open311/v2/requests.json?api_key=guessed", deep, json_type),
        ("/api/v1/tickets", deep, json_type),
        ("/webhooks/eec-oss", NESTED, json_type),
        # With them: refused on the depth.
        ("/open311/v2/requests.json", deep, json_type),
        (f"/open311/v2/requests.json?api_key={OPEN311_KEY}", deep, json_type),
        ("/api/v1/tickets", deep, {**json_type, **SERVICE_TOKEN}),
        ("/webhooks/eec-oss", NESTED, {**json_type, **signature_headers(oss_secret, NESTED)}),
        ("/webhooks/eec-oss", events, {**json_type, **signature_headers(oss_secret, events)}),
        # 100,000 levels are 200 KB: over the APIs' size limit before their depth matters.
        ("/api/v1/tickets", NESTED, {**json_type, **SERVICE_TOKEN}),
    ])
    statuses = [status for status, _body in answers]
    assert statuses == [403, 401, 401, 400, 400, 400, 400, 400, 413], answers
    assert json.loads(answers[3][1])[0]["description"] == "body is not valid."
    assert b"nested at most 32 levels" in answers[5][1]
    assert b"nested deeper than 32" in answers[6][1]
    session.rollback()
    assert session.exec(select(func.count()).select_from(Ticket)).one() == before
