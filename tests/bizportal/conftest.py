"""Biz Portal sandbox on a free port (uvicorn in a thread), a signature-checking callback
receiver, and the gateway under test pointed at both. State is reset before every test."""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from bizportal.adapter import BizPortalHttpGateway
from bizportal.client import BizPortalClient
from bizportal.sandbox import BizPortalSandboxSettings, create_app
from eec_bridge.sandbox_kit import CallbackRecorder, serve_in_thread
from tests.conftest import thai_id, unique_names

API_KEY = secrets.token_urlsafe(32)  # random per run, as every secret in the tests
WEBHOOK_SECRET = secrets.token_urlsafe(32)
# Small delays and backoff keep the suite fast; nothing asserts on timing.
FAST = {"decision_delay_s": 0.02, "callback_backoff_s": 0.02, "callback_backoff_max_s": 0.1}


@pytest.fixture(scope="session")
def bizportal_url() -> Iterator[str]:
    app = create_app(BizPortalSandboxSettings(api_key=API_KEY, webhook_secret=WEBHOOK_SECRET,
                                              callback_url="http://127.0.0.1:9/unused"))
    handle = serve_in_thread(app)
    yield handle.base_url
    handle.stop()


class SandboxControl:
    """A sandbox's /_sandbox hooks (both sandboxes have them; licences are Biz Portal's)."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=10)

    def configure(self, **knobs: Any) -> dict[str, Any]:
        r = self.http.post("/_sandbox/config", json=knobs)
        assert r.status_code == 200, r.text
        return r.json()

    def stats(self) -> dict[str, Any]:
        return self.http.get("/_sandbox/stats").json()

    def reset(self) -> None:
        assert self.http.post("/_sandbox/reset").status_code == 200

    def add_licences(self, **body: Any) -> list[dict[str, Any]]:
        r = self.http.post("/_sandbox/licence-applications", json=body)
        assert r.status_code == 201, r.text
        return r.json()["items"]


def fresh_sandbox(base_url: str) -> Iterator[SandboxControl]:
    """A sandbox reset and set to answer fast, for one test; reset again afterwards."""
    control = SandboxControl(base_url)
    control.reset()
    control.configure(**FAST)
    yield control
    control.reset()  # cancels callbacks still retrying
    control.http.close()


@pytest.fixture
def sandbox(bizportal_url) -> Iterator[SandboxControl]:
    yield from fresh_sandbox(bizportal_url)


@pytest.fixture
def receiver() -> Iterator[CallbackRecorder]:
    with CallbackRecorder(WEBHOOK_SECRET) as recorder:
        yield recorder


def make_gateway(base_url: str, api_key: str = API_KEY,
                 timeout_s: float = 5.0) -> BizPortalHttpGateway:
    return BizPortalHttpGateway(BizPortalClient(base_url, api_key, timeout_s=timeout_s))


@pytest.fixture
def gateway(bizportal_url, sandbox) -> Iterator[BizPortalHttpGateway]:
    with make_gateway(bizportal_url) as gw:
        yield gw


def registration_payload(**overrides: Any) -> dict[str, Any]:
    """The shape of registration.service.submission_payload(), with valid content."""
    name_th, name_en = unique_names()
    person = {"passport_no": "", "age": 40, "address": "Chon Buri", "can_sign": False}
    payload: dict[str, Any] = {
        "reference": f"REG-2026-{uuid.uuid4().int % 10**6:06d}",
        "entity_type": "limited_company",
        "name_th": name_th,
        "name_en": name_en,
        "head_office": {"house_no": "99/1", "street": "Sukhumvit Road",
                        "subdistrict_code": "200703", "district_code": "2007",
                        "province_code": "20", "postal_code": "20230", "phone": ""},
        "objectives": "Trading of industrial parts\nImport and export of machinery",
        "capital": {"registered": 1000000, "shares": 100000, "par_value": "10.00",
                    "paid_up_percent": "25.00"},
        "people": {
            "shareholder": [
                {**person, "full_name": "Somchai Jaidee", "nationality": "TH",
                 "thai_id": thai_id(1), "shares": 60000, "is_promoter": True},
                {**person, "full_name": "John Smith", "nationality": "GB", "thai_id": "",
                 "passport_no": "123456789", "age": 45, "address": "London",
                 "shares": 40000, "is_promoter": True},
            ],
            "director": [
                {**person, "full_name": "Somchai Jaidee", "nationality": "TH",
                 "thai_id": thai_id(1), "age": None, "address": "", "shares": None,
                 "is_promoter": False, "can_sign": True},
            ],
            "witness": [
                {**person, "full_name": "Witness One", "nationality": "TH",
                 "thai_id": thai_id(2), "age": 30, "address": "Rayong", "shares": None,
                 "is_promoter": False},
                {**person, "full_name": "Witness Two", "nationality": "TH",
                 "thai_id": thai_id(3), "age": 31, "address": "Rayong", "shares": None,
                 "is_promoter": False},
            ],
        },
        "signatories_required": 1,
        "eec": {"operates_in_eec": True, "province_code": "21", "estate_id": "map-ta-phut",
                "target_industry": "robotics", "requests_privileges": True},
        "documents": [{"sha256": "a" * 64, "kind": "moa", "filename": "moa.pdf"}],
        "fees_baht": "5500",
    }
    payload.update(overrides)
    return payload


def wait_until(condition: Callable[[], Any], timeout_s: float = 10.0) -> Any:
    """Polls `condition` until it returns something truthy; fails after the deadline."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition still false after {timeout_s}s")
        time.sleep(0.01)


def message_id() -> str:
    return str(uuid.uuid4())
