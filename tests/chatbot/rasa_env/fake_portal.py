"""A stand-in for the portal's ticket API (/api/v1/tickets) over real HTTP, with the same
contract as complaints/api.py: bearer token, Idempotency-Key replay, 422 problem details,
404 for unknown numbers, an access code per filing, and private details only for that code
or for the filing conversation with the portal's proof (here `FakePortal.proof(id)`).
`fail_next` makes the next calls answer 503 (an outage); `stop()` takes it off the network
entirely."""

from __future__ import annotations

import json
import re
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

LABELS = {"confirmed": {"th": "รับเรื่องแล้ว", "en": "Received"},
          "in_progress": {"th": "กำลังดำเนินการ", "en": "In progress"}}


class FakePortal:
    TOKEN = secrets.token_urlsafe(32)  # random per run

    @staticmethod
    def proof(conversation_id: str) -> str:
        """The portal's proof for a conversation (an HMAC there, a fixed shape here)."""
        return f"proof-of-{conversation_id}"

    @staticmethod
    def code_for(number: str) -> str:
        return "K7QM-" + "ABCDEFGH"[int(number[-1]) % 8] + "XPA"

    def __init__(self) -> None:
        self.tickets: dict[str, dict[str, Any]] = {}
        self.by_key: dict[str, str] = {}
        self.requests: list[dict[str, Any]] = []
        self.fail_next = 0
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def _send(self, status: int, body: Any, content_type: str = "application/json") -> None:
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _record(self, body: Any = None) -> bool:
                portal.requests.append({"method": self.command, "path": self.path,
                                        "headers": dict(self.headers), "body": body})
                if portal.fail_next > 0:
                    portal.fail_next -= 1
                    self._send(503, {"key": "error.server"})
                    return False
                if self.headers.get("Authorization") != f"Bearer {FakePortal.TOKEN}":
                    self._send(401, {"key": "ticket_api.unauthorized"})
                    return False
                return True

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null")
                if not self._record(body) or self.path != "/api/v1/tickets":
                    return
                errors = portal.validate(body)
                if errors:
                    self._send(422, {"key": "error.invalid_input", "errors": errors},
                               "application/problem+json")
                    return
                key = self.headers.get("Idempotency-Key")
                if key and key in portal.by_key:
                    self._send(201, portal.tickets[portal.by_key[key]])
                    return
                number = f"CMP-2026-{len(portal.tickets) + 1:06d}"
                conversation = body.get("conversation_id")
                if self.headers.get("Conversation-Proof") != FakePortal.proof(conversation or ""):
                    body = {**body, "conversation_id": None}  # not proven: not kept
                ticket = {"number": number, "status": "confirmed",
                          "access_code": FakePortal.code_for(number),
                          "status_label": LABELS["confirmed"],
                          "ack_due_at": "2026-11-27T02:00:00+00:00",
                          "resolve_due_at": "2026-12-03T10:00:00+00:00",
                          "body": body}
                portal.tickets[number] = ticket
                if key:
                    portal.by_key[key] = number
                self._send(201, {k: v for k, v in ticket.items() if k != "body"})

            def do_GET(self) -> None:  # noqa: N802
                if not self._record():
                    return
                url = urlparse(self.path)
                match = re.fullmatch(r"/api/v1/tickets/([^/]+)", url.path)
                ticket = portal.tickets.get(match.group(1)) if match else None
                if ticket is None:
                    self._send(404, {"key": "ticket.not_found"})
                    return
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                body = ticket["body"]
                conversation = query.get("conversation_id")
                proven = (conversation and self.headers.get("Conversation-Proof")
                          == FakePortal.proof(conversation))
                mine = bool(proven and conversation == body.get("conversation_id")) or (
                    self.headers.get("Ticket-Access-Code") == ticket["access_code"])
                self._send(200, {
                    "number": ticket["number"], "status": "in_progress",
                    "status_label": LABELS["in_progress"],
                    "latest_public_note": {"text": "ทีมงานกำลังตรวจสอบ / Officers are checking",
                                           "at": "2026-11-26T09:00:00+00:00"},
                    "updated_at": "2026-11-26T09:00:00+00:00",
                    "is_complainant": mine,
                    "private": ({"description": body["description"],
                                 "location": body.get("location", ""),
                                 "contact_name": body["contact_name"],
                                 "contact": "08X-XXX-X678"} if mine else None),
                })

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @staticmethod
    def validate(body: dict[str, Any]) -> list[dict[str, str]]:
        errors = []
        personal = [f for f in ("contact_name", "contact_phone", "contact_email") if body.get(f)]
        anonymous = body.get("consent") is not True
        if anonymous and personal:
            # As the portal: anonymous without consent, and no personal data without it.
            errors.append({"field": "consent", "key": "complaint.personal_data_without_consent",
                           "message": "consent"})
        required = ("estate_id", "category", "description") + (() if anonymous
                                                                 else ("contact_name",))
        for field in required:
            if not body.get(field):
                errors.append({"field": field, "key": f"complaint.{field}_required",
                               "message": f"{field} is required"})
        if body.get("contact_phone") and not re.fullmatch(r"\+66\d{8,9}", body["contact_phone"]):
            errors.append({"field": "contact_phone", "key": "complaint.phone_invalid",
                           "message": "Enter a Thai phone number"})
        return errors

    def __enter__(self) -> FakePortal:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
