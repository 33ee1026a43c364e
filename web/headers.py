"""The security headers every response carries: a Content-Security-Policy that allows only the
portal's own scripts, styles and connections, no framing, no MIME sniffing, a short referrer,
no powerful browser features, HSTS in production, and no caching of anything but static files.

A pure ASGI middleware: it adds a fixed list of headers to the response start message, without
the body streaming and task overhead of BaseHTTPMiddleware. A header a route set itself (the
certificate's `Cache-Control: private, no-store`, the verification page's stricter
`Referrer-Policy: no-referrer`) is kept."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Pages need no inline script or style: their behaviour lives in /static/app.js and their
# looks in /static/app.css. `data:` images are Swagger UI's icons (in its stylesheet).
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
    "microphone", "midi", "payment", "usb", "xr-spatial-tracking", "browsing-topics",
))
HSTS = "max-age=31536000; includeSubDomains"
STATIC_PREFIX = "/static/"
# Vendored files sit in a folder named after their version, so they never change in place.
VENDOR_PREFIX = "/static/vendor/"


def _encoded(headers: Iterable[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]


class SecurityHeadersMiddleware:
    """Adds the security headers to every HTTP response (see the module docstring)."""

    def __init__(self, app: ASGIApp, *, production: bool) -> None:
        self.app = app
        common = [
            ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
            ("X-Frame-Options", "DENY"),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "strict-origin-when-cross-origin"),
            ("Permissions-Policy", PERMISSIONS_POLICY),
            ("Cross-Origin-Opener-Policy", "same-origin"),
        ]
        if production:  # plain-HTTP development on 127.0.0.1 must not pin HTTPS for years
            common.append(("Strict-Transport-Security", HSTS))
        # Every page carries the session's CSRF token and most show personal data (the
        # wizard, the desks, tickets, the chat, the JSON API): nothing dynamic is stored.
        self.dynamic = _encoded([*common, ("Cache-Control", "no-store")])
        # A static file by its plain name (app.css): cached, revalidated by ETag. Pages link
        # the hashed names (web/static_assets.py), whose answers say immutable themselves.
        self.static = _encoded([*common, ("Cache-Control", "no-cache")])
        self.vendor = _encoded([*common, ("Cache-Control", "public, max-age=31536000, immutable")])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path.startswith(VENDOR_PREFIX):
            extra = self.vendor
        elif path.startswith(STATIC_PREFIX):
            extra = self.static
        else:
            extra = self.dynamic

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in extra if h[0] not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
