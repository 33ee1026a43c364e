"""Password hashing (argon2), CSRF tokens for every form, the client's address, and sign-in
rate limiting."""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Request
from limits import RateLimitItemPerSecond, strategies

from core import runtime
from core.errors import DomainError
from core.runtime import get_settings

CSRF_SESSION_KEY = "csrf"
CSRF_FORM_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
# Server-to-server endpoints authenticate with signatures or tokens, not browser sessions:
# webhooks (signatures), the chatbot's ticket API (bearer token) and Open311 (api_key).
CSRF_EXEMPT_PREFIXES: tuple[str, ...] = ("/webhooks/", "/api/v1/tickets", "/open311/")

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# One random hash per process, never stored: a value, not a resource.
@lru_cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def spend_a_verification(password: str) -> None:
    """Costs what checking a real password costs, so an e-mail nobody uses is refused as
    slowly as a wrong password and the timing does not tell which accounts exist."""
    verify_password(_dummy_hash(), password)


def session_secret(request: Request) -> str:
    """The session's CSRF secret, created on first use. Never put in a page as it is: pages
    carry csrf_token(), a fresh disguise of it."""
    if "session" not in request.scope:
        return ""
    token = request.session.get(CSRF_SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_SESSION_KEY] = token
    return token


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def csrf_token(request: Request) -> str:
    """The session's CSRF secret under a one-time pad: pad + (pad XOR secret), a different
    string on every page. Pages are compressed (web/app.py) and show text the visitor chose
    (a query string) beside the token: were the token the same each time, an attacker who
    sees only the sizes of HTTPS responses could guess it letter by letter (BREACH)."""
    secret = session_secret(request).encode()
    if not secret:
        return ""
    pad = secrets.token_bytes(len(secret))
    return base64.urlsafe_b64encode(pad + _xor(pad, secret)).decode()


def _unmasked(sent: str) -> str:
    """The secret inside a token from csrf_token(); a token that is no such thing, as it is
    (it then matches nothing a session holds)."""
    try:
        raw = base64.urlsafe_b64decode(sent.encode())
    except (binascii.Error, ValueError):
        return sent
    if not raw or len(raw) % 2:
        return sent
    half = len(raw) // 2
    try:
        return _xor(raw[:half], raw[half:]).decode("ascii")
    except UnicodeDecodeError:
        return sent


class CsrfError(DomainError):
    status = 403

    def __init__(self) -> None:
        super().__init__("error.csrf")


async def verify_csrf(request: Request) -> None:
    """App-wide dependency: every unsafe request must echo the session's token."""
    if request.method in SAFE_METHODS or request.url.path.startswith(CSRF_EXEMPT_PREFIXES):
        return
    expected = request.session.get(CSRF_SESSION_KEY, "")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form(max_part_size=get_settings().upload_max_bytes * 2)
        # Kept for the error handlers: a step posted after the session expired keeps what
        # was typed (the handler's request object cannot read the body again).
        request.state.submitted_form = form
        sent = str(form.get(CSRF_FORM_FIELD, ""))
    if not expected or not sent or not hmac.compare_digest(expected.encode(),
                                                          _unmasked(sent).encode()):
        raise CsrfError()


def _is_trusted_proxy(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in get_settings().trusted_proxies)


def client_address(request: Request) -> str:
    """The address rate limits count against: the direct peer, unless that is one of
    Settings.trusted_proxies; then the nearest address in X-Forwarded-For that is not a
    trusted proxy (each proxy appends the address it heard from, so the hops are read from
    the right). uvicorn runs with --no-proxy-headers, so the peer is the real one."""
    peer = request.client.host if request.client else ""
    if not _is_trusted_proxy(peer):
        return peer or "unknown"
    hops = [hop.strip() for header in request.headers.getlist("x-forwarded-for")
            for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted_proxy(hop):
            return hop[:64]
    return peer


# Sign-in tries are counted per account *and* address, so tries from elsewhere never lock the
# owner out; one address may serve many people (an office behind NAT), so its failures over
# all accounts get a wider allowance.
PER_ADDRESS_FACTOR = 10


def _limiter() -> strategies.RateLimiter:
    return runtime.current().limiter


def _items() -> tuple[RateLimitItemPerSecond, RateLimitItemPerSecond]:
    settings = get_settings()
    per_pair = RateLimitItemPerSecond(settings.sign_in_attempts, settings.sign_in_window_s)
    per_address = RateLimitItemPerSecond(settings.sign_in_attempts * PER_ADDRESS_FACTOR,
                                         settings.sign_in_window_s)
    return per_pair, per_address


def sign_in_allowed(email: str, address: str) -> bool:
    """Counts this try against the account from this address, before the password is
    checked (so parallel guesses count too), if the address has failures to spare."""
    per_pair, per_address = _items()
    limiter = _limiter()
    return (limiter.test(per_address, "sign-in-address", address)
            and limiter.hit(per_pair, "sign-in-pair", email, address))


def sign_in_failed(address: str) -> None:
    """Only failures count against the address, so an office's colleagues signing in one
    after the other never use up its allowance."""
    _limiter().hit(_items()[1], "sign-in-address", address)


def sign_in_succeeded(email: str, address: str) -> None:
    """The owner is back: their earlier typos from this address no longer count."""
    _limiter().clear(_items()[0], "sign-in-pair", email, address)


# Other limits, each counted per hour or window from the client's address (or per ticket).


def within_limit(name: str, per_window: int, window_s: int, *keys: str,
                 count: bool = True) -> bool:
    """True if `keys` have not used up `per_window` hits of the `name` limit; `count` also
    records this one (hit), otherwise only checks (test)."""
    item = RateLimitItemPerSecond(per_window, window_s)
    limiter = _limiter()
    return limiter.hit(item, name, *keys) if count else limiter.test(item, name, *keys)


def access_code_allowed(ticket_number: str, address: str) -> bool:
    """Whether a complaint access code may be checked now: wrong codes are counted per
    address over all tickets, and per ticket over all addresses (see access_code_failed)."""
    s = get_settings()
    return (within_limit("code-address", s.access_code_failures_per_address,
                         s.access_code_window_s, address, count=False)
            and within_limit("code-ticket", s.access_code_failures_per_ticket,
                             s.access_code_window_s, ticket_number, count=False))


def access_code_failed(ticket_number: str, address: str) -> None:
    s = get_settings()
    within_limit("code-address", s.access_code_failures_per_address, s.access_code_window_s,
                 address)
    within_limit("code-ticket", s.access_code_failures_per_ticket, s.access_code_window_s,
                 ticket_number)


def upload_allowed(user_id: int) -> bool:
    """Counts one upload against the account's hourly allowance."""
    return within_limit("upload", get_settings().uploads_per_hour, 3600, str(user_id))

