"""Conversations outlive the Rasa server that had them, live: two Rasa servers started as the
Procfile starts one (serve.py with chatbot/endpoints.yml, its values from the portal's
settings through web/launch.py's assistant_env), the action server and the real portal, with
the SQL tracker store on the portal's database (PostgreSQL, and a SQLite file beside the
portal's) and the Redis lock store on the portal's Redis (a password of its own).

A Thai complaint half-way through the form survives a restart of its Rasa server: the next
answer continues the form and the ticket holds every answer, given before and after. An
English complaint whose messages alternate between the two servers is one conversation and
files one ticket with everything it was told, and two answers sent at once to the two servers
are taken one after the other (the lock), neither lost: with Rasa's own `redis` lock store
they were read against the same form state in 2 of 4 runs (chatbot/serial_lock_store.py)."""

from __future__ import annotations

import re
import secrets
import signal
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest
import redis
from sqlalchemy import text
from sqlmodel import Session, create_engine, select

from core.settings import Settings
from tests.chatbot.conftest import CHATBOT, RASA_PYTHON, rasa_env
from tests.conftest import PG_URL, postgres_available
from tests.stack import (
    Stack,
    free_port,
    http_ok,
    portal_environment,
    redis_server_command,
    uvicorn,
    wait_until,
)
from web.launch import announce_assistant, assistant_env

TICKET = re.compile(r"CMP-\d{4}-\d{6}")
THAI = re.compile("[\u0e00-\u0e7f]")
RASA_START_LIMIT_S = 400  # two Rasa servers load the model side by side on two busy cores
SERVERS = ("rasa_a", "rasa_b")


@dataclass
class StoresStack:
    stack: Stack
    rasa: dict[str, str]  # server name -> base URL
    db_url: str
    redis: redis.Redis

    def ready(self, name: str):
        def check() -> bool:
            return bool(httpx.get(f"{self.rasa[name]}/status", timeout=2).json()
                        .get("model_file"))
        return check

    def wait_for(self, *names: str) -> None:
        for name in names:
            proc = self.stack.procs[name]
            wait_until(lambda p=proc, n=name: p.poll() is None and self.ready(n)(),
                       RASA_START_LIMIT_S, name)


def rasa_command(port: int, model: str) -> list[str]:
    """The Procfile's rasa line, on another port; --enable-api only for /status."""
    return ["/bin/sh", "-c", f"cd {CHATBOT} && exec {RASA_PYTHON} serve.py run --enable-api "
            f"-p {port} -i 127.0.0.1 -m {model} --endpoints endpoints.yml "
            f"--credentials credentials.yml"]


def fresh_portal_database(dialect: str, tmp) -> str:
    if dialect == "sqlite":
        return f"sqlite:///{tmp / 'portal.db'}"
    if not postgres_available():
        pytest.fail(f"PostgreSQL is required and not reachable at {PG_URL}")
    engine = create_engine(PG_URL)
    with engine.begin() as conn:  # the migrations build it; Rasa adds its `events` table
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return PG_URL


@pytest.fixture(scope="module", params=["postgresql", "sqlite"])
def stores(request, chatbot_model, tmp_path_factory) -> Iterator[StoresStack]:
    tmp = tmp_path_factory.mktemp(f"chatbot-stores-{request.param}")
    ports = {name: free_port() for name in ("redis", "web", "actions", *SERVERS)}
    web = f"http://127.0.0.1:{ports['web']}"
    redis_password = secrets.token_urlsafe(16)
    redis_url = f"redis://:{redis_password}@127.0.0.1:{ports['redis']}/0"
    db_url = fresh_portal_database(request.param, tmp)
    env = {
        **rasa_env(),
        "DATABASE_URL": db_url, "REDIS_URL": redis_url,
        "EEC_ENVIRONMENT": "test", "EEC_UPLOAD_DIR": str(tmp / "uploads"), "EEC_BASE_URL": web,
        "EEC_PORTAL_URL": web, "EEC_RASA_ACTIONS_URL": f"http://127.0.0.1:{ports['actions']}",
        "EEC_CHATBOT_BACKOFF_S": "0.2", "EEC_CHATBOT_HTTP_TIMEOUT_S": "3",
        "SANIC_HOST": "127.0.0.1",
        "EEC_SECRET_KEY": "stores-test-" + uuid.uuid4().hex,
        "EEC_RASA_CHANNEL_TOKEN": "stores-test-rasa-" + uuid.uuid4().hex,
    }
    with portal_environment(env) as resources:
        env.update(assistant_env(resources.settings, redis_url))
        stack = Stack(env, tmp)
        client = redis.Redis.from_url(redis_url)
        try:
            stack.start("redis", [*redis_server_command(ports["redis"], tmp),
                                  "--requirepass", redis_password], client.ping)
            for name in SERVERS:  # the slow part first, side by side
                stack.start(name, rasa_command(ports[name], str(chatbot_model)))
            stack.start("web", uvicorn("web.main:app", ports["web"]), http_ok(f"{web}/healthz"))
            stack.start("actions", ["/bin/sh", "-c", f"cd {CHATBOT} && exec "
                                    f"{RASA_PYTHON.with_name('rasa')} run actions "
                                    f"-p {ports['actions']} --actions actions"],
                        http_ok(f"http://127.0.0.1:{ports['actions']}/health"), timeout_s=180)
            stores = StoresStack(stack, {n: f"http://127.0.0.1:{ports[n]}" for n in SERVERS},
                                 db_url, client)
            stores.wait_for(*SERVERS)
            yield stores
        finally:
            stack.stop_all()
            client.close()


class Conversation:
    """One sender, talked to through the REST channel as the portal's chat widget does, on
    whichever Rasa server a message is sent to."""

    def __init__(self, stores: StoresStack) -> None:
        self.stores = stores
        self.sender = f"stores-{uuid.uuid4().hex[:12]}"

    def say(self, server: str, message: str) -> str:
        from complaints.access import conversation_proof
        from core.runtime import get_settings

        token = get_settings().rasa_channel_token.get_secret_value()
        replies = httpx.post(
            f"{self.stores.rasa[server]}/webhooks/rest/webhook",
            json={"sender": self.sender, "message": message,
                  "metadata": {"conversation_proof": conversation_proof(self.sender)}},
            headers={"Authorization": f"Bearer {token}"}, timeout=90).json()
        assert replies, f"{server} gave no reply to {message!r}"
        return "\n".join(r.get("text", "") for r in replies)

    def tickets(self):
        from complaints.models import Ticket

        engine = create_engine(self.stores.db_url)
        try:
            with Session(engine) as session:
                return session.exec(select(Ticket)
                                    .where(Ticket.conversation_id == self.sender)).all()
        finally:
            engine.dispose()


def test_a_thai_complaint_half_way_through_the_form_survives_a_rasa_restart(stores):
    # What `make run` prints once the assistant has loaded its model.
    said: list[str] = []
    assert announce_assistant(Settings(rasa_url=stores.rasa["rasa_a"]), "http://portal/", 30,
                              out=said.append)
    assert said == ["The assistant is ready: it answers in the chat, e.g. at "
                    "http://portal/complaints/new"]
    chat = Conversation(stores)
    assert THAI.search(chat.say("rasa_a", "ไฟดับที่นิคมอมตะซิตี้ ระยองค่ะ"))
    chat.say("rasa_a", "ไฟดับทั้งโซน B ตั้งแต่บ่ายสอง")
    consent = chat.say("rasa_a", "ข้าม")
    assert "/privacy" in consent and THAI.search(consent)  # consent before any personal data
    chat.say("rasa_a", "ยินยอม")
    asked_contact = chat.say("rasa_a", "มาลี ศรีสุข")
    assert "081-234-5678" in asked_contact  # the form now wants a phone number or e-mail

    stores.stack.kill("rasa_a", signal.SIGTERM)
    stores.stack.restart("rasa_a")
    stores.wait_for("rasa_a")

    # The restarted server knows where the form was: the phone number is taken as the answer,
    # the summary follows in Thai.
    summary = chat.say("rasa_a", "0891234567")
    assert THAI.search(summary)
    assert "มาลี ศรีสุข" in summary and "ไฟดับทั้งโซน B ตั้งแต่บ่ายสอง" in summary
    filed = chat.say("rasa_a", "ยืนยัน")
    number = TICKET.search(filed).group(0)
    [ticket] = chat.tickets()
    assert ticket.number == number and ticket.language == "th"
    assert ticket.estate_id == "amata-city-rayong" and ticket.category == "power_outage"
    assert ticket.description == "ไฟดับทั้งโซน B ตั้งแต่บ่ายสอง" and ticket.location == ""
    assert ticket.contact_name == "มาลี ศรีสุข" and ticket.contact_phone == "+66891234567"


def test_an_english_complaint_alternating_between_two_rasa_servers_is_one_conversation(stores):
    chat = Conversation(stores)
    locks_released = lock_releases(stores)
    turns = ["I want to report a blackout at Pinthong",
             "No electricity since 6 this morning and all our machines stopped",
             "behind warehouse 12 on road 7", "I agree", "John Smith", "081-234-5678"]
    replies = [chat.say(SERVERS[i % 2], message) for i, message in enumerate(turns)]
    assert "describe" in replies[0].lower()
    assert "/privacy" in replies[2] and not THAI.search(replies[2])
    assert "name" in replies[3] and "phone number or e-mail" in replies[4]
    summary = replies[5]  # from rasa_b, which has seen every other message only
    assert "Pinthong Industrial Estate" in summary and "behind warehouse 12 on road 7" in summary
    assert "John Smith" in summary and "081-234-5678" in summary
    filed = chat.say("rasa_a", "yes, file it")
    number = TICKET.search(filed).group(0)
    [ticket] = chat.tickets()
    assert ticket.number == number and ticket.language == "en"
    assert ticket.estate_id == "pinthong" and ticket.category == "power_outage"
    assert ticket.description == "No electricity since 6 this morning and all our machines stopped"
    assert ticket.location == "behind warehouse 12 on road 7"
    assert ticket.contact_name == "John Smith" and ticket.contact_phone == "+66812345678"
    # Each message took the conversation's lock in the shared Redis and let go of it once
    # answered (Rasa deletes a lock no message waits on); none is left behind.
    assert lock_releases(stores) - locks_released >= len(turns) + 1
    assert stores.redis.keys("assistant:lock:*") == []


def lock_releases(stores: StoresStack) -> int:
    """DEL commands the Redis server has run: only Rasa's lock store deletes keys here."""
    return int(stores.redis.info("commandstats").get("cmdstat_del", {}).get("calls", 0))


def test_two_answers_at_once_on_two_servers_are_taken_one_after_the_other(stores):
    """The lock in the shared Redis makes the second server wait for the first: one answer
    becomes the description, the other the location, and neither is lost. Five
    conversations, as the race it guards against (both servers going ahead) showed in about
    half the runs of one."""
    answers = {"rasa_a": "No electricity since 6 this morning in all of zone B",
               "rasa_b": "The outage is behind warehouse 12 on road 7"}
    for attempt in range(5):
        chat = Conversation(stores)
        assert "describe" in chat.say("rasa_b", "I want to report a blackout at Pinthong").lower()
        with ThreadPoolExecutor(max_workers=2) as pool:
            replies = list(pool.map(chat.say, answers.keys(), answers.values()))
        # then, and only then, the PDPA question
        assert sum("/privacy" in reply for reply in replies) == 1, (attempt, replies)
    chat.say("rasa_a", "I agree")
    chat.say("rasa_b", "John Smith")
    chat.say("rasa_a", "081-234-5678")
    assert TICKET.search(chat.say("rasa_b", "yes, file it"))
    [ticket] = chat.tickets()
    assert {ticket.description, ticket.location} == set(answers.values())
    assert ticket.contact_name == "John Smith" and ticket.estate_id == "pinthong"
