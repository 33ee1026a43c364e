"""The EEC OSS gateway against the sandbox over HTTP: OAuth2, cases, questions and answers,
callbacks, idempotency and every kind of failure the client must type correctly."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bizportal.adapter import BizPortalHttpGateway
from bizportal.client import BizPortalClient
from bizportal.sandbox import BizPortalSandboxSettings
from bizportal.sandbox import create_app as create_bizportal_app
from core.http_adapters import RejectedError, SchemaError, TransientError
from eec_bridge.oss import parse_callback
from eec_bridge.oss.adapter import EecOssHttpGateway
from eec_bridge.oss.client import EecOssClient
from eec_bridge.oss.gateway import CaseState, CaseType, EecOssGateway
from eec_bridge.oss.mapping import case_from_registration
from eec_bridge.oss.sandbox import OssSandboxSettings, create_app
from tests.bizportal.conftest import registration_payload, wait_until
from tests.sandboxes import CallbackRecorder, SandboxControl, controlled, serve_in_thread

CLIENT_ID = "test-client"
CLIENT_SECRET = secrets.token_urlsafe(32)  # random per run, as every secret in the tests
WEBHOOK_SECRET = secrets.token_urlsafe(32)
JURISTIC_NUMBER = "0105536112014"


@pytest.fixture(scope="module")
def oss_url() -> Iterator[str]:
    handle = serve_in_thread(create_app(OssSandboxSettings(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, webhook_secret=WEBHOOK_SECRET,
        callback_url="http://127.0.0.1:9/unused")))
    yield handle.base_url
    handle.stop()


@pytest.fixture
def sandbox(oss_url) -> Iterator[SandboxControl]:
    with controlled(oss_url) as control:
        yield control


@pytest.fixture
def receiver() -> Iterator[CallbackRecorder]:
    with CallbackRecorder(WEBHOOK_SECRET) as recorder:
        yield recorder


class FakeClock:
    """Monotonic time the test moves forward, so token expiry needs no sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_gateway(base_url: str, *, secret: str = CLIENT_SECRET, timeout_s: float = 5.0,
                 clock: FakeClock | None = None) -> EecOssHttpGateway:
    client = EecOssClient(base_url, CLIENT_ID, secret, timeout_s=timeout_s,
                          **({"clock": clock} if clock else {}))
    return EecOssHttpGateway(client)


@pytest.fixture
def gateway(oss_url, sandbox) -> Iterator[EecOssHttpGateway]:
    with make_gateway(oss_url) as gw:
        yield gw


def message_id() -> str:
    return str(uuid.uuid4())


def a_case(description_en: str = "Robot assembly plant", **overrides: Any) -> dict[str, Any]:
    case = {"reference": f"REG-2026-{uuid.uuid4().int % 10**6:06d}",
            "case_type": "company_registration", "juristic_number": JURISTIC_NUMBER,
            "name_th": "บริษัท หุ่นยนต์ตะวันออก จำกัด", "name_en": "Eastern Robotics Co., Ltd.",
            "province_code": "21", "estate_id": "map-ta-phut", "target_industry": "robotics",
            "requests_privileges": True, "description_th": "โรงงานประกอบหุ่นยนต์",
            "description_en": description_en}
    case.update(overrides)
    return case


def events_for(receiver: CallbackRecorder, reference: str):
    return [parse_callback(c.body) for c in receiver.received
            if c.json()["sourceReference"] == reference]


def wait_for_state(receiver, reference: str, state: str, count: int = 1):
    receiver.wait_for(lambda cs: sum(1 for c in cs if c.json()["sourceReference"] == reference
                                     and c.json()["state"] == state) >= count)
    return events_for(receiver, reference)


# ---- happy paths -------------------------------------------------------------------------


def test_the_http_gateway_implements_the_protocol(gateway):
    assert isinstance(gateway, EecOssGateway)


def test_a_case_is_accepted_then_approved_by_signed_callback(gateway, sandbox, receiver):
    case = a_case()
    receipt = gateway.submit_case(message_id(), case, receiver.url)

    assert receipt.case_number.startswith("OSS-") and receipt.state is CaseState.received
    events = wait_for_state(receiver, case["reference"], "APPROVED")
    assert all(c.signature_problem is None for c in receiver.received)
    assert [(e.sequence, e.status) for e in events] == [(1, CaseState.in_review),
                                                        (2, CaseState.approved)]
    final = events[-1]
    assert final.external_id == receipt.case_number
    assert final.case_type is CaseType.company_registration
    assert final.juristic_number == JURISTIC_NUMBER
    assert final.approval_number and final.approval_number.startswith("EECO-")
    status = gateway.get_case(receipt.case_number)
    assert status.state is CaseState.approved and status.our_reference == case["reference"]


def test_a_question_is_answered_and_the_case_then_approved(gateway, sandbox, receiver):
    sandbox.configure(policy="info_then_approve")
    case = a_case()
    receipt = gateway.submit_case(message_id(), case, receiver.url)
    asked = wait_for_state(receiver, case["reference"], "INFO_REQUESTED")[-1]
    assert asked.question_th and asked.question_en
    assert gateway.get_case(receipt.case_number).question_en == asked.question_en

    answer_key = message_id()
    attachments = [{"sha256": "b" * 64, "filename": "business-plan.pdf"}]
    answered = gateway.answer_question(answer_key, receipt.case_number, "Plan attached",
                                       attachments, answer_th="แนบแผนธุรกิจแล้ว",
                                       answer_en="Business plan attached")
    again = gateway.answer_question(answer_key, receipt.case_number, "Plan attached",
                                    attachments, answer_th="แนบแผนธุรกิจแล้ว",
                                    answer_en="Business plan attached")
    assert answered == again and answered.state is CaseState.in_review

    events = wait_for_state(receiver, case["reference"], "APPROVED")
    assert [(e.sequence, e.status) for e in events] == [
        (1, CaseState.in_review), (2, CaseState.info_requested),
        (3, CaseState.in_review), (4, CaseState.approved)]
    assert sandbox.stats()["answers"] == 1


def test_answering_a_case_that_asked_nothing_is_rejected(gateway, receiver):
    case = a_case()
    receipt = gateway.submit_case(message_id(), case, receiver.url)
    wait_for_state(receiver, case["reference"], "APPROVED")
    with pytest.raises(RejectedError, match="409"):
        gateway.answer_question(message_id(), receipt.case_number, "Unasked", [])


def test_the_reject_policy_gives_a_reason_in_both_languages(gateway, sandbox, receiver):
    sandbox.configure(policy="reject")
    case = a_case()
    gateway.submit_case(message_id(), case, receiver.url)
    final = wait_for_state(receiver, case["reference"], "REJECTED")[-1]
    assert final.status is CaseState.rejected
    assert final.reason_th and final.reason_en and final.approval_number is None


def test_one_case_can_be_steered_by_its_description(gateway, sandbox, receiver):
    steered_info = a_case("Robot plant [sandbox:info]")
    steered_reject = a_case("Robot plant [sandbox:reject]")
    plain = a_case()
    for case in (steered_info, steered_reject, plain):
        gateway.submit_case(message_id(), case, receiver.url)
    wait_for_state(receiver, steered_info["reference"], "INFO_REQUESTED")
    wait_for_state(receiver, steered_reject["reference"], "REJECTED")
    wait_for_state(receiver, plain["reference"], "APPROVED")


def test_a_registration_payload_with_its_juristic_number_becomes_a_case(
        gateway, sandbox, receiver):
    payload = registration_payload()
    envelope = {"source": "registration", "registration": payload,
                "juristic_number": JURISTIC_NUMBER}
    receipt = gateway.submit_case(message_id(), envelope, receiver.url)
    status = gateway.get_case(receipt.case_number)
    assert status.our_reference == payload["reference"]
    assert status.case_type is CaseType.company_registration
    assert sandbox.stats()["by_reference"] == {payload["reference"]: 1}


def test_a_licence_application_from_the_biz_portal_feed_becomes_a_case(
        gateway, sandbox, receiver):
    """Across both sandboxes: Biz Portal's feed item → EEC OSS case of the same type."""
    api_key = "feed-key"
    handle = serve_in_thread(create_bizportal_app(BizPortalSandboxSettings(api_key=api_key)))
    try:
        httpx.post(f"{handle.base_url}/_sandbox/licence-applications",
                   json={"generate": 5}).raise_for_status()
        with BizPortalHttpGateway(BizPortalClient(handle.base_url, api_key,
                                                  timeout_s=5)) as bizportal:
            items = bizportal.fetch_licence_applications(None, limit=10).items
        for item in items:
            receipt = gateway.submit_case(message_id(), item, receiver.url)
            status = gateway.get_case(receipt.case_number)
            assert status.case_type.value == item.type.value
            assert status.our_reference == item.id
        assert sandbox.stats()["unique_submissions"] == 5
        # The outbox envelope of an item maps the same way.
        receipt = gateway.submit_case(message_id(), {"source": "licence",
                                                     "licence": items[0].as_dict()},
                                      receiver.url)
        assert gateway.get_case(receipt.case_number).our_reference == items[0].id
    finally:
        handle.stop()


# ---- idempotency -------------------------------------------------------------------------


def test_a_replayed_case_returns_the_same_number_and_opens_nothing(gateway, sandbox, receiver):
    case, key = a_case(), message_id()
    first = gateway.submit_case(key, case, receiver.url)
    second = gateway.submit_case(key, case, receiver.url)
    assert second == first
    stats = sandbox.stats()
    assert (stats["unique_submissions"], stats["duplicate_requests"],
            stats["duplicate_records"]) == (1, 1, 0)


def test_a_key_reused_for_another_case_is_refused(gateway, receiver):
    key = message_id()
    gateway.submit_case(key, a_case(), receiver.url)
    with pytest.raises(RejectedError, match="422"):
        gateway.submit_case(key, a_case(), receiver.url)


def test_a_lost_reply_is_recovered_by_retrying_with_the_same_key(gateway, sandbox, receiver):
    case, key = a_case(), message_id()
    gateway.client.access_token()  # so the lost reply hits the case, not the token
    sandbox.configure(lost_reply_rate=1.0)
    with pytest.raises(TransientError):
        gateway.submit_case(key, case, receiver.url)
    sandbox.configure(lost_reply_rate=0.0)
    receipt = gateway.submit_case(key, case, receiver.url)
    assert receipt.case_number.startswith("OSS-")
    stats = sandbox.stats()
    assert (stats["unique_submissions"], stats["duplicate_records"]) == (1, 0)
    assert stats["by_reference"] == {case["reference"]: 1}


# ---- validation and faults ---------------------------------------------------------------


def test_invalid_content_is_rejected_with_the_fields_at_fault(gateway, sandbox, receiver):
    with pytest.raises(RejectedError) as caught:
        gateway.submit_case(message_id(), a_case(name_th="", juristic_number="0105536112015"),
                            receiver.url)
    reasons = " | ".join(caught.value.reasons)
    assert "investor.nameTh" in reasons

    with pytest.raises(RejectedError) as caught:
        gateway.submit_case(message_id(), a_case(juristic_number="0105536112015",
                                                 estate_id="gateway-city"), receiver.url)
    names = [r.split(":")[0] for r in caught.value.reasons]
    assert names == ["investor.juristicNumber", "project.estateId"]
    assert sandbox.stats()["unique_submissions"] == 0


def test_down_is_a_transient_error(gateway, sandbox, receiver):
    sandbox.configure(down=True)
    with pytest.raises(TransientError, match="503"):
        gateway.submit_case(message_id(), a_case(), receiver.url)


def test_injected_failures_are_transient_errors(gateway, sandbox, receiver):
    gateway.client.access_token()
    sandbox.configure(fail_rate=1.0)
    with pytest.raises(TransientError, match="answered 50[03]"):
        gateway.submit_case(message_id(), a_case(), receiver.url)


def test_a_timeout_is_a_transient_error(oss_url, sandbox, receiver):
    with make_gateway(oss_url, timeout_s=0.2) as slow:
        slow.client.access_token()
        sandbox.configure(timeout_rate=1.0, timeout_s=1.0)
        with pytest.raises(TransientError, match="timed out"):
            slow.submit_case(message_id(), a_case(), receiver.url)


def test_a_malformed_reply_is_a_schema_error(gateway, sandbox, receiver):
    gateway.client.access_token()
    sandbox.configure(malformed_reply_rate=1.0)
    for _ in range(4):  # HTML and JSON of the wrong shape
        with pytest.raises(SchemaError):
            gateway.submit_case(message_id(), a_case(), receiver.url)


def test_a_malformed_token_reply_is_a_schema_error(gateway, sandbox):
    sandbox.configure(malformed_reply_rate=1.0)
    with pytest.raises(SchemaError):
        gateway.client.access_token()


# ---- OAuth2 ------------------------------------------------------------------------------


def test_wrong_client_credentials_are_refused(oss_url, sandbox, receiver):
    with make_gateway(oss_url, secret="wrong") as gw:
        with pytest.raises(TransientError, match="client credentials"):
            gw.submit_case(message_id(), a_case(), receiver.url)
    stats = sandbox.stats()
    assert stats["tokens_issued"] == 0 and stats["unique_submissions"] == 0


def test_a_request_without_a_token_is_refused(oss_url, sandbox):
    r = httpx.post(f"{oss_url}/api/v1/cases", json={}, headers={"Idempotency-Key": "k"})
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")


def test_the_token_is_cached_between_calls(gateway, sandbox, receiver):
    for _ in range(3):
        gateway.submit_case(message_id(), a_case(), receiver.url)
    assert sandbox.stats()["tokens_issued"] == 1


def test_a_revoked_token_is_renewed_once_and_the_call_succeeds(gateway, sandbox, receiver):
    gateway.submit_case(message_id(), a_case(), receiver.url)
    assert sandbox.http.post("/_sandbox/revoke-tokens").json() == {"revoked": 1}

    receipt = gateway.submit_case(message_id(), a_case(), receiver.url)

    assert receipt.case_number.startswith("OSS-")
    stats = sandbox.stats()
    assert stats["tokens_issued"] == 2 and stats["stale_tokens"] == 1
    assert stats["unique_submissions"] == 2


def test_an_expiring_token_is_renewed_before_it_lapses(oss_url, sandbox, receiver):
    sandbox.configure(token_ttl_s=600)
    clock = FakeClock()
    with make_gateway(oss_url, clock=clock) as gw:
        gw.submit_case(message_id(), a_case(), receiver.url)
        clock.now += 500  # inside the lifetime, outside nothing: the same token
        gw.submit_case(message_id(), a_case(), receiver.url)
        assert sandbox.stats()["tokens_issued"] == 1
        clock.now += 80  # within the renewal margin before expiry
        gw.submit_case(message_id(), a_case(), receiver.url)
    stats = sandbox.stats()
    # Counted on the tokens this sandbox issued: a stray call from another test's process
    # that reached this port (it happened in CI) is a stranger, not a lapsed token of ours.
    assert stats["tokens_issued"] == 2 and stats["stale_tokens"] == 0


def test_the_token_endpoint_refuses_other_grants(oss_url, sandbox):
    r = httpx.post(f"{oss_url}/oauth/token", data={"grant_type": "password",
                                                   "client_id": CLIENT_ID,
                                                   "client_secret": CLIENT_SECRET})
    assert r.status_code == 400 and r.json() == {"error": "unsupported_grant_type"}
    basic = httpx.post(f"{oss_url}/oauth/token", data={"grant_type": "client_credentials"},
                       auth=(CLIENT_ID, CLIENT_SECRET))
    assert basic.status_code == 200 and basic.json()["token_type"] == "Bearer"


# ---- callbacks ---------------------------------------------------------------------------


def test_out_of_order_delivery_sends_the_decision_before_the_review(gateway, sandbox, receiver):
    sandbox.configure(out_of_order=True)
    case = a_case()
    gateway.submit_case(message_id(), case, receiver.url)
    receiver.wait_for(lambda cs: len(cs) == 2)
    assert [e.sequence for e in events_for(receiver, case["reference"])] == [2, 1]


def test_duplicate_callbacks_repeat_the_same_event(gateway, sandbox, receiver):
    sandbox.configure(duplicate_callback_rate=1.0)
    case = a_case()
    gateway.submit_case(message_id(), case, receiver.url)
    receiver.wait_for(lambda cs: len(cs) == 4)
    events = events_for(receiver, case["reference"])
    assert [e.sequence for e in events] == [1, 1, 2, 2]
    assert events[0] == events[1] and events[2] == events[3]
    assert len({e.event_id for e in events}) == 2


def test_a_failing_webhook_gets_the_callback_again_until_it_answers(gateway, sandbox, receiver):
    receiver.fail_next(2)
    case = a_case()
    gateway.submit_case(message_id(), case, receiver.url)
    events = wait_for_state(receiver, case["reference"], "APPROVED")
    assert [e.sequence for e in events] == [1, 2]
    stats = wait_until(lambda: (s := sandbox.stats())["callbacks_sent"] == 2 and s)
    # 2 failed POSTs; an event that waited with another goes in one POST with it, so
    # failed event attempts number 2 to 4.
    assert stats["callback_posts_failed"] == 2
    assert 2 <= stats["callbacks_failed"] <= 4


def test_callbacks_give_up_after_the_configured_attempts(gateway, sandbox, receiver):
    sandbox.configure(callback_max_attempts=3)
    receiver.fail_next(100)
    gateway.submit_case(message_id(), a_case(), receiver.url)
    stats = wait_until(lambda: (s := sandbox.stats())["callbacks_abandoned"] == 2 and s)
    assert stats["callbacks_failed"] == 6 and stats["callbacks_sent"] == 0


def test_a_callback_of_the_wrong_shape_is_a_schema_error():
    with pytest.raises(SchemaError):
        parse_callback(b'{"eventId": "x", "state": "DONE"}')
    with pytest.raises(SchemaError):
        parse_callback(b"\xff")


def test_the_registration_case_maps_from_a_registered_company():
    payload = registration_payload()
    draft = case_from_registration(payload, JURISTIC_NUMBER)
    assert draft["province_code"] == "21" and draft["estate_id"] == "map-ta-phut"
