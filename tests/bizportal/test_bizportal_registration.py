"""The Biz Portal gateway against the sandbox over HTTP: registrations, their callbacks,
idempotency and every kind of failure the client must type correctly."""

from __future__ import annotations

import pytest
from stdnum.th import moa

from bizportal import parse_callback
from bizportal.gateway import BizPortalGateway, RegistrationStatus
from core.http_adapters import RejectedError, SchemaError, TransientError
from tests.bizportal.conftest import (
    WEBHOOK_SECRET,
    make_gateway,
    message_id,
    registration_payload,
    wait_until,
)


def decided(callbacks, reference: str) -> bool:
    return any(c.json()["externalReference"] == reference
               and c.json()["status"] in ("REGISTERED", "REJECTED") for c in callbacks)


def updates_for(receiver, reference: str):
    return [parse_callback(c.body) for c in receiver.received
            if c.json()["externalReference"] == reference]


def test_the_http_gateway_implements_the_protocol(gateway):
    assert isinstance(gateway, BizPortalGateway)


def test_registration_is_accepted_then_registered_by_signed_callback(gateway, sandbox, receiver):
    payload = registration_payload()
    receipt = gateway.submit_registration(message_id(), payload, receiver.url)

    assert receipt.registration_id.startswith("BP-REG-")
    assert receipt.status is RegistrationStatus.received
    callbacks = receiver.wait_for(lambda cs: decided(cs, payload["reference"]))
    assert all(c.signature_problem is None for c in callbacks)

    updates = updates_for(receiver, payload["reference"])
    assert [(u.sequence, u.status) for u in updates] == [
        (1, RegistrationStatus.in_review), (2, RegistrationStatus.registered)]
    final = updates[-1]
    assert final.external_id == receipt.registration_id
    assert final.our_reference == payload["reference"]
    assert moa.is_valid(final.juristic_number)
    assert final.juristic_number[1:3] == "20"  # the head office's registration office
    assert len({u.event_id for u in updates}) == 2

    state = gateway.get_registration(receipt.registration_id)
    assert state.status is RegistrationStatus.registered
    assert state.juristic_number == final.juristic_number
    assert (state.name_th, state.name_en) == (payload["name_th"], payload["name_en"])


def test_callbacks_go_to_the_sandbox_default_url_when_none_is_given(bizportal_url, sandbox):
    with make_gateway(bizportal_url) as gw:
        gw.submit_registration(message_id(), registration_payload())
    deliveries = wait_until(
        lambda: sandbox.http.get("/_sandbox/callbacks").json()["deliveries"])
    assert deliveries[0]["url"] == "http://127.0.0.1:9/unused"


def test_a_replayed_message_returns_the_same_registration_and_creates_nothing(
        gateway, sandbox, receiver):
    payload, key = registration_payload(), message_id()
    first = gateway.submit_registration(key, payload, receiver.url)
    second = gateway.submit_registration(key, payload, receiver.url)

    assert second == first
    stats = sandbox.stats()
    assert stats["unique_submissions"] == 1
    assert stats["duplicate_requests"] == 1
    assert stats["duplicate_records"] == 0
    assert stats["by_reference"] == {payload["reference"]: 1}


def test_a_key_reused_for_another_body_is_refused(gateway, receiver):
    key = message_id()
    gateway.submit_registration(key, registration_payload(), receiver.url)
    with pytest.raises(RejectedError) as caught:
        gateway.submit_registration(key, registration_payload(), receiver.url)
    assert "IDEMPOTENCY_KEY_REUSED" in caught.value.reasons[0]


def test_a_second_key_for_the_same_reference_is_counted_as_a_duplicate_record(
        gateway, sandbox, receiver):
    """The counter our delivery tests rely on must actually see duplicates."""
    payload = registration_payload()
    gateway.submit_registration(message_id(), payload, receiver.url)
    gateway.submit_registration(message_id(), payload, receiver.url)
    assert sandbox.stats()["duplicate_records"] == 1


def test_invalid_content_is_rejected_with_biz_portal_reasons(gateway, sandbox, receiver):
    payload = registration_payload(name_th="")
    payload["capital"] = {**payload["capital"], "par_value": "1.00", "registered": 100000}
    payload["people"]["shareholder"][1]["is_promoter"] = False

    with pytest.raises(RejectedError) as caught:
        gateway.submit_registration(message_id(), payload, receiver.url)

    reasons = " | ".join(caught.value.reasons)
    assert "nameTh" in reasons and "REQUIRED" in reasons
    assert sandbox.stats()["unique_submissions"] == 0

    payload = registration_payload()
    payload["capital"] = {**payload["capital"], "par_value": "1.00", "registered": 100000}
    payload["people"]["shareholder"][1]["is_promoter"] = False
    with pytest.raises(RejectedError) as caught:
        gateway.submit_registration(message_id(), payload, receiver.url)
    reasons = " | ".join(caught.value.reasons)
    assert "TOO_FEW_PROMOTERS" in reasons
    assert "PAR_VALUE_TOO_LOW" in reasons
    assert sandbox.stats()["unique_submissions"] == 0


def test_an_invalid_citizen_id_is_rejected(gateway, receiver):
    payload = registration_payload()
    payload["people"]["witness"][0]["thai_id"] = "1234567890123"
    with pytest.raises(RejectedError) as caught:
        gateway.submit_registration(message_id(), payload, receiver.url)
    assert any("witnesses[0].identification.number" in r and "INVALID_ID" in r
               for r in caught.value.reasons)


def test_a_name_already_registered_is_rejected_with_reasons_in_both_languages(
        gateway, receiver):
    first = registration_payload()
    gateway.submit_registration(message_id(), first, receiver.url)
    receiver.wait_for(lambda cs: decided(cs, first["reference"]))

    again = registration_payload(name_th=first["name_th"], name_en=first["name_en"])
    gateway.submit_registration(message_id(), again, receiver.url)
    receiver.wait_for(lambda cs: decided(cs, again["reference"]))

    final = updates_for(receiver, again["reference"])[-1]
    assert final.status is RegistrationStatus.rejected
    assert final.juristic_number is None
    assert len(final.reasons_th) == len(final.reasons_en) == 2
    assert first["name_th"] in final.reasons_th[0]
    assert first["name_en"] in final.reasons_en[1]


def test_juristic_numbers_are_valid_and_unique_across_resets(gateway, sandbox, receiver):
    references = []
    for _ in range(12):
        payload = registration_payload()
        references.append(payload["reference"])
        gateway.submit_registration(message_id(), payload, receiver.url)
    receiver.wait_for(lambda cs: all(decided(cs, r) for r in references))
    sandbox.reset()
    sandbox.configure(decision_delay_s=0)
    payload = registration_payload()
    references.append(payload["reference"])
    gateway.submit_registration(message_id(), payload, receiver.url)
    receiver.wait_for(lambda cs: decided(cs, payload["reference"]))

    numbers = [updates_for(receiver, r)[-1].juristic_number for r in references]
    assert all(moa.is_valid(n) and n.startswith("0") and len(n) == 13 for n in numbers)
    assert len(set(numbers)) == len(numbers)


def test_out_of_order_delivery_sends_the_decision_before_the_review(gateway, sandbox, receiver):
    sandbox.configure(out_of_order=True)
    payload = registration_payload()
    gateway.submit_registration(message_id(), payload, receiver.url)
    receiver.wait_for(lambda cs: len([c for c in cs
                                      if c.json()["externalReference"] == payload["reference"]])
                      == 2)
    assert [u.sequence for u in updates_for(receiver, payload["reference"])] == [2, 1]


def test_duplicate_callbacks_repeat_the_same_event(gateway, sandbox, receiver):
    sandbox.configure(duplicate_callback_rate=1.0)
    payload = registration_payload()
    gateway.submit_registration(message_id(), payload, receiver.url)
    receiver.wait_for(lambda cs: len(cs) == 4)

    updates = updates_for(receiver, payload["reference"])
    # A copy follows its original, but may come after the next event when both went out in
    # one batch ([1, 2, 1, 2]); the originals keep their order either way.
    sequences = [u.sequence for u in updates]
    assert sorted(sequences) == [1, 1, 2, 2]
    assert sequences.index(1) < sequences.index(2)
    by_sequence = {seq: [u for u in updates if u.sequence == seq] for seq in (1, 2)}
    for copies in by_sequence.values():
        assert copies[0] == copies[1]  # the same event, id and all
    wait_until(lambda: sandbox.stats()["callbacks_sent"] == 4)
    assert sandbox.stats()["callbacks_duplicated"] == 2


def test_a_failing_webhook_gets_the_callback_again_until_it_answers(gateway, sandbox, receiver):
    receiver.fail_next(3)
    payload = registration_payload()
    gateway.submit_registration(message_id(), payload, receiver.url)
    receiver.wait_for(lambda cs: decided(cs, payload["reference"]))

    assert [u.sequence for u in updates_for(receiver, payload["reference"])] == [1, 2]
    stats = wait_until(lambda: (s := sandbox.stats())["callbacks_sent"] == 2 and s)
    # 3 failed POSTs; an event that waited with another goes in one POST with it, so
    # failed event attempts number 3 to 6.
    assert stats["callback_posts_failed"] == 3
    assert 3 <= stats["callbacks_failed"] <= 6


def test_down_is_a_transient_error(gateway, sandbox, receiver):
    sandbox.configure(down=True)
    with pytest.raises(TransientError):
        gateway.submit_registration(message_id(), registration_payload(), receiver.url)
    assert sandbox.stats()["unique_submissions"] == 0


def test_injected_failures_are_transient_errors(gateway, sandbox, receiver):
    sandbox.configure(fail_rate=1.0)
    with pytest.raises(TransientError, match="answered 50[03]"):
        gateway.submit_registration(message_id(), registration_payload(), receiver.url)
    assert sandbox.stats()["faults"] == {"fail": 1}


def test_a_timeout_is_a_transient_error(bizportal_url, sandbox, receiver):
    sandbox.configure(timeout_rate=1.0, timeout_s=1.0)
    with make_gateway(bizportal_url, timeout_s=0.2) as slow:
        with pytest.raises(TransientError, match="timed out"):
            slow.submit_registration(message_id(), registration_payload(), receiver.url)


def test_a_lost_reply_is_recovered_by_retrying_with_the_same_key(gateway, sandbox, receiver):
    payload, key = registration_payload(), message_id()
    sandbox.configure(lost_reply_rate=1.0)
    with pytest.raises(TransientError):
        gateway.submit_registration(key, payload, receiver.url)
    sandbox.configure(lost_reply_rate=0.0)

    receipt = gateway.submit_registration(key, payload, receiver.url)

    assert receipt.registration_id.startswith("BP-REG-")
    stats = sandbox.stats()
    assert stats["unique_submissions"] == 1
    assert stats["duplicate_requests"] == 1
    assert stats["duplicate_records"] == 0


def test_a_malformed_reply_is_a_schema_error(gateway, sandbox, receiver):
    sandbox.configure(malformed_reply_rate=1.0)
    for _ in range(4):  # both kinds of junk: HTML and JSON of the wrong shape
        with pytest.raises(SchemaError):
            gateway.submit_registration(message_id(), registration_payload(), receiver.url)


def test_a_wrong_api_key_is_refused(bizportal_url, sandbox, receiver):
    with make_gateway(bizportal_url, api_key="wrong") as gw:
        with pytest.raises(TransientError, match="refused our credentials"):
            gw.submit_registration(message_id(), registration_payload(), receiver.url)
    stats = sandbox.stats()
    assert stats["unauthorized"] == 1
    assert stats["unique_submissions"] == 0


def test_an_unknown_registration_is_rejected(gateway):
    with pytest.raises(RejectedError, match="404"):
        gateway.get_registration("BP-REG-1999-000000")


def test_an_unreachable_portal_is_a_transient_error():
    with make_gateway("http://127.0.0.1:9", timeout_s=1) as gw:
        with pytest.raises(TransientError, match="unreachable"):
            gw.get_registration("BP-REG-2026-000001")


def test_a_callback_of_the_wrong_shape_is_a_schema_error():
    with pytest.raises(SchemaError):
        parse_callback(b'{"eventId": "x", "status": "DONE"}')
    with pytest.raises(SchemaError):
        parse_callback(b"not json")


def test_sandbox_config_takes_partial_updates_and_refuses_unknown_knobs(sandbox):
    config = sandbox.configure(fail_rate=0.5)
    assert config["fail_rate"] == 0.5 and config["decision_delay_s"] == 0.02
    assert sandbox.http.post("/_sandbox/config", json={"no_such_knob": 1}).status_code == 422
    assert sandbox.http.post("/_sandbox/config", json={"fail_rate": 2}).status_code == 422
    assert sandbox.http.get("/_sandbox/config").json()["fail_rate"] == 0.5
    sandbox.reset()
    assert sandbox.http.get("/_sandbox/config").json()["fail_rate"] == 0.0


def test_the_webhook_secret_signs_what_the_recorder_verifies(gateway, receiver):
    from core.http_adapters import verify_signature

    payload = registration_payload()
    gateway.submit_registration(message_id(), payload, receiver.url)
    callback = receiver.wait_for(lambda cs: len(cs) >= 1)[0]
    headers = {k.lower(): v for k, v in callback.headers.items()}
    assert verify_signature(WEBHOOK_SECRET, callback.post_body,
                            headers["x-signature-timestamp"], headers["x-signature"]) is None
    assert verify_signature("another-secret", callback.post_body,
                            headers["x-signature-timestamp"],
                            headers["x-signature"]) == "mismatch"


def test_callbacks_waiting_together_go_in_one_post_of_at_most_the_batch_size(
        gateway, sandbox, receiver):
    """While our webhook is failing, callbacks pile up; once it answers, they come in
    batches no larger than `callback_batch_max`, each case's events still in order."""
    sandbox.configure(callback_batch_max=3, callback_backoff_s=0.05, callback_backoff_max_s=0.05)
    receiver.fail_next(10)
    payloads = [registration_payload() for _ in range(4)]
    for payload in payloads:
        gateway.submit_registration(message_id(), payload, receiver.url)
    receiver.wait_for(lambda cs: all(decided(cs, p["reference"]) for p in payloads))

    sizes = [c.batch_size for c in receiver.received]
    assert max(sizes) > 1 and max(sizes) <= 3
    for payload in payloads:
        assert [u.sequence for u in updates_for(receiver, payload["reference"])] == [1, 2]
    stats = wait_until(lambda: (s := sandbox.stats())["callbacks_sent"] == 8 and s)
    assert stats["callback_posts"] < stats["callbacks_sent"] + stats["callback_posts_failed"]
