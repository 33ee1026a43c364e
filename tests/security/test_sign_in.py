"""Sign-in limits slow down guessing without handing anyone a way to lock the real owner
out, and an unknown e-mail takes as long to refuse as a wrong password."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from core.runtime import get_settings
from tests.conftest import Browser, create_user, unique_email

PASSWORD = "correct horse battery"


def _client_at(app, address: str) -> TestClient:
    return TestClient(app, base_url="http://testserver", client=(address, 40000))


def _try(browser: Browser, email: str, password: str) -> int:
    return browser.post("/sign-in", {"email": email, "password": password},
                        page="/sign-in").status_code


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(app, browser):
    email = create_user(browser)
    browser.post("/sign-out", {})
    attempts = get_settings().sign_in_attempts
    with _client_at(app, "203.0.113.66") as attacker_client:
        attacker = Browser(attacker_client)
        statuses = [_try(attacker, email, f"guess number {i}") for i in range(attempts + 3)]
    assert statuses[:attempts] == [401] * attempts
    assert set(statuses[attempts:]) == {429}  # the attacker's own address is slowed down
    assert _try(browser, email, PASSWORD) == 303  # the owner, from their address, gets in


def test_wrong_tries_from_the_owners_own_address_still_lock_that_address(app, browser):
    email = create_user(browser)
    browser.post("/sign-out", {})
    attempts = get_settings().sign_in_attempts
    statuses = [_try(browser, email, "wrong password!") for _ in range(attempts + 1)]
    assert statuses[-1] == 429
    # The lock is on this account from this address; the same account elsewhere is free.
    with _client_at(app, "198.51.100.7") as elsewhere_client:
        assert _try(Browser(elsewhere_client), email, PASSWORD) == 303


def test_one_address_trying_many_accounts_is_limited(app):
    attempts = get_settings().sign_in_attempts
    with _client_at(app, "203.0.113.99") as sprayer_client:
        sprayer = Browser(sprayer_client)
        statuses = [_try(sprayer, unique_email(), "Password123!") for _ in range(attempts * 10 + 1)]
    assert statuses[:-1] == [401] * (attempts * 10)
    assert statuses[-1] == 429


def _slowest_and_fastest(session, email: str, tries: int = 3) -> tuple[float, float]:
    from core.accounts import service

    timings = []
    for _ in range(tries):
        started = time.perf_counter()
        assert service.authenticate(session, email, "wrong password!") is None
        timings.append(time.perf_counter() - started)
    return max(timings), min(timings)


def test_an_unknown_email_takes_as_long_as_a_known_one(browser, session):
    email = create_user(browser)
    _known_slowest, known_fastest = _slowest_and_fastest(session, email)
    unknown_slowest, _unknown_fastest = _slowest_and_fastest(session, unique_email())
    # A wrong password costs one argon2 verification; so must an e-mail nobody uses.
    # (Without it the refusal is over 20 times faster.)
    assert unknown_slowest >= known_fastest * 0.5, (unknown_slowest, known_fastest)
