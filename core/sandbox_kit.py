"""What the Biz Portal and EEC OSS sandboxes share: run-time configuration with fault
injection, the Idempotency-Key store, counters, the review-then-decide rhythm, and the
signed callback sender that stores and forwards with retries. The helpers that start a
sandbox in a test and receive its callbacks are in tests/sandboxes.py.

Callbacks go out as a batch, the way many webhook senders deliver (Adyen's
notificationItems, Microsoft Graph's change notifications): one signed POST of
`{"events": [...]}`, at most `callback_batch_max` events, in the order they were published.
Each webhook URL has one sender, and one POST in flight: events published meanwhile wait
and go together in the next POST, so a quiet system sends them one by one at once and a
busy one in fewer, larger POSTs. The receiver answers per event (`results`, each with its
`eventId` and `status`); an event it did not take (a non-2xx result), or every event of a
POST that failed, is sent again after a backoff until `callback_max_attempts`.

Everything lives in memory and on the sandbox's event loop, so no locks are needed except
the per-key ones that make concurrent replays of one Idempotency-Key wait for the first.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import random
import uuid
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.clock import utcnow
from core.http_adapters import signature_headers

log = logging.getLogger("eec_bridge.sandbox")
IDEMPOTENCY_HEADER = "Idempotency-Key"
CALLBACK_TIMEOUT_S = 5.0
# callbacks_* count events (callbacks_failed: failed attempts); callback_posts* count POSTs.
BASE_STAT_KEYS = ("requests", "unique_submissions", "duplicate_requests", "duplicate_records",
                  "idempotency_conflicts", "callbacks_sent", "callbacks_failed",
                  "callbacks_abandoned", "callbacks_duplicated", "callback_posts",
                  "callback_posts_failed", "unauthorized")


def new_event_id() -> str:
    return str(uuid.uuid4())


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class SandboxConfig(BaseModel):
    """The knobs `POST /_sandbox/config` changes at run time (partial updates)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    fail_rate: float = Field(0.0, ge=0, le=1, description="answer 500/503 before doing anything")
    lost_reply_rate: float = Field(0.0, ge=0, le=1, description="do the work, answer 503")
    timeout_rate: float = Field(0.0, ge=0, le=1, description="sleep timeout_s, then answer")
    timeout_s: float = Field(10.0, ge=0, le=120)
    malformed_reply_rate: float = Field(0.0, ge=0, le=1, description="do the work, answer junk")
    duplicate_callback_rate: float = Field(0.0, ge=0, le=1)
    out_of_order: bool = False
    down: bool = False
    decision_delay_s: float = Field(1.0, ge=0, le=3600)
    callback_max_attempts: int = Field(20, ge=1, le=100)
    callback_batch_max: int = Field(50, ge=1, le=500, description="events per callback POST")
    callback_backoff_s: float = Field(0.25, ge=0, le=60)
    callback_backoff_max_s: float = Field(8.0, ge=0, le=600)
    seed: int | None = Field(None, description="reseeds the fault dice when set")


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any


@dataclass(kw_only=True)
class Stream:
    """A record whose changes go out as callbacks (a registration, a case): where they go,
    when it last changed, and the sequence that orders its events."""

    callback_url: str
    updated_at: datetime = field(default_factory=utcnow)
    last_sequence: int = 0

    def event(self, event_type: str, **fields: Any) -> dict[str, Any]:
        """The record's next callback event, `fields` (camelCase) as they stand now."""
        self.last_sequence += 1
        return {"eventId": new_event_id(), "eventType": event_type,
                "sequence": self.last_sequence, **fields, "occurredAt": iso(self.updated_at)}


@dataclass
class _StoredReply:
    fingerprint: str
    reply: Reply


@dataclass(eq=False)
class _Outbound:
    """A callback event waiting to be sent: its case (stream), failed attempts so far, and
    not before when (event-loop time) it goes again."""

    stream: str
    event: dict[str, Any]
    copy: bool = False  # a duplicate the fault injection sends; never duplicated again
    attempts: int = 0
    not_before: float = 0.0


def _event_results(response: httpx.Response) -> dict[str, int]:
    """The receiver's per-event statuses, when it gave them; a 2xx without them takes all."""
    try:
        results = response.json().get("results") or []
        return {str(r["eventId"]): int(r["status"]) for r in results}
    except (ValueError, AttributeError, KeyError, TypeError):
        return {}


ProblemFactory = Callable[[int, str, str, str], Response]
"""(status, code, field, message) -> the sandbox's own error response."""


class Stats:
    """Counters with fixed keys (zeros included), faults by kind and records by reference."""

    def __init__(self, keys: tuple[str, ...]) -> None:
        self.keys = BASE_STAT_KEYS + keys
        self.counts: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self.by_reference: Counter[str] = Counter()

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] += n

    def snapshot(self) -> dict[str, Any]:
        return {**{k: self.counts[k] for k in self.keys},
                **{k: v for k, v in self.counts.items() if k not in self.keys},
                "faults": dict(self.faults), "by_reference": dict(self.by_reference)}


class SandboxError(Exception):
    """A refusal a sandbox answers with its own system's error format."""

    def __init__(self, status: int, code: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


async def json_body(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError as exc:
        raise SandboxError(400, "INVALID_JSON", "The body is not JSON.") from exc


class SandboxKit:
    """One per sandbox app. `install(app)` adds the fault middleware, the /_sandbox routes
    and a lifespan that stops background work on shutdown."""

    def __init__(self, *, name: str, initial_config: dict[str, Any], webhook_secret: str,
                 problem: ProblemFactory, stat_keys: tuple[str, ...] = (),
                 config_model: type[SandboxConfig] = SandboxConfig) -> None:
        self.name = name
        self.config_model = config_model
        self.initial_config = dict(initial_config)
        self.webhook_secret = webhook_secret
        self.problem = problem
        self.stat_keys = stat_keys
        self._reset_hooks: list[Callable[[], None]] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._http: httpx.AsyncClient | None = None
        self._clear()

    def _clear(self) -> None:
        self.config = self.config_model(**self.initial_config)
        self.rng = random.Random(self.config.seed)
        self.stats = Stats(self.stat_keys)
        self._replies: dict[str, _StoredReply] = {}
        self._key_locks: dict[str, asyncio.Lock] = {}
        self._outbound: dict[str, deque[_Outbound]] = {}
        self._senders: dict[str, asyncio.Task[Any]] = {}
        self.deliveries: list[dict[str, Any]] = []

    # ---- configuration and state -------------------------------------------------------

    def on_reset(self, hook: Callable[[], None]) -> None:
        self._reset_hooks.append(hook)

    def reset(self) -> None:
        """Clears state and configuration; id counters live on in the sandboxes so ids stay
        unique for the sandbox's whole life."""
        for task in list(self._tasks):
            task.cancel()
        self._tasks.clear()
        self._clear()
        for hook in self._reset_hooks:
            hook()

    def unauthorized(self, code: str, message: str) -> SandboxError:
        """A 401 to raise for missing or wrong credentials, counted in the stats."""
        self.stats.add("unauthorized")
        return SandboxError(401, code, message)

    def update_config(self, patch: dict[str, Any]) -> SandboxConfig:
        merged = {**self.config.model_dump(), **patch}
        self.config = self.config_model(**merged)  # raises ValidationError
        if "seed" in patch and self.config.seed is not None:
            self.rng.seed(self.config.seed)
        return self.config

    def roll(self, rate: float) -> bool:
        return rate > 0 and self.rng.random() < rate

    # ---- idempotency -------------------------------------------------------------------

    async def idempotent(self, request: Request, payload: Any,
                         create: Callable[[], Awaitable[Reply]]) -> Response:
        """Runs `create` once per Idempotency-Key; a replay returns the stored status and
        body, a key reused with a different body or path is refused with 422."""
        key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
        if not key:
            return self.problem(400, "IDEMPOTENCY_KEY_REQUIRED", IDEMPOTENCY_HEADER,
                                "Send an Idempotency-Key header with every POST that creates.")
        canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        fingerprint = hashlib.sha256(
            f"{request.method} {request.url.path}\n{canonical}".encode()).hexdigest()
        lock = self._key_locks.setdefault(key, asyncio.Lock())
        async with lock:
            stored = self._replies.get(key)
            if stored is not None:
                if stored.fingerprint != fingerprint:
                    self.stats.add("idempotency_conflicts")
                    return self.problem(422, "IDEMPOTENCY_KEY_REUSED", IDEMPOTENCY_HEADER,
                                        "This Idempotency-Key was used with another request.")
                self.stats.add("duplicate_requests")
                return JSONResponse(stored.reply.body, status_code=stored.reply.status,
                                    headers={"Idempotent-Replayed": "true"})
            reply = await create()
            # Only outcomes are stored: a 5xx from `create` would be a fault worth retrying.
            if reply.status < 500:
                self._replies[key] = _StoredReply(fingerprint, reply)
            if reply.status < 300:
                self.stats.add("unique_submissions")
            return JSONResponse(reply.body, status_code=reply.status)

    async def create_once(self, request: Request,
                          create: Callable[[Any], Awaitable[Reply]]) -> Response:
        """A creating POST: its JSON body goes to `create` once per Idempotency-Key."""
        payload = await json_body(request)
        return await self.idempotent(request, payload, lambda: create(payload))

    def note_record(self, reference: str) -> None:
        """Counts records per outside reference; a second one is a duplicate record."""
        self.stats.by_reference[reference] += 1
        if self.stats.by_reference[reference] > 1:
            self.stats.add("duplicate_records")

    # ---- background work ---------------------------------------------------------------

    def spawn(self, coro: Awaitable[Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def pause(self, fraction: float = 1.0) -> None:
        """Part of the configured decision delay; 0 still yields so replies go out first."""
        await asyncio.sleep(max(0.0, self.config.decision_delay_s * fraction))

    def publish(self, stream: str, url: str, events: list[dict[str, Any]]) -> None:
        """Queues one case's (`stream`'s) callbacks for `url`. A case's callbacks go in the
        order given, reversed when `out_of_order` is set; a retried one keeps its place."""
        if self.config.out_of_order and len(events) > 1:
            events = list(reversed(events))
        queue = self._outbound.setdefault(url, deque())
        queue.extend(_Outbound(stream, event) for event in events)
        sender = self._senders.get(url)
        if sender is None or sender.done():
            self._senders[url] = self.spawn(self._send_all(url))

    async def review(self, stream: str, url: str, start: Callable[[], dict[str, Any]],
                     decide: Callable[[], dict[str, Any]]) -> None:
        """How both other sides decide: after half the decision delay `start()` moves the
        case to review and gives its event, after the other half `decide()` gives the
        decision's. With `out_of_order` set when the review starts, both go out together,
        reversed (publish reverses them)."""
        out_of_order = self.config.out_of_order
        await self.pause(0.5)
        in_review = start()
        if not out_of_order:
            self.publish(stream, url, [in_review])
        await self.pause(0.5)
        decision = decide()
        self.publish(stream, url, [in_review, decision] if out_of_order else [decision])

    def _due(self, queue: deque[_Outbound], now: float) -> list[_Outbound]:
        """Up to a batch of events in queue order, none behind a waiting one of its case."""
        batch: list[_Outbound] = []
        waiting: set[str] = set()
        for item in queue:
            if item.stream in waiting:
                continue
            if item.not_before > now:
                waiting.add(item.stream)
                continue
            batch.append(item)
            if len(batch) == self.config.callback_batch_max:
                break
        return batch

    async def _send_all(self, url: str) -> None:
        """The one sender for `url`: POSTs what is due, a batch at a time, until the queue
        is empty."""
        queue = self._outbound[url]
        loop = asyncio.get_running_loop()
        while queue:
            batch = self._due(queue, loop.time())
            if not batch:
                await asyncio.sleep(max(0.0, min(i.not_before for i in queue) - loop.time()))
                continue
            for item in batch:
                queue.remove(item)
            taken = await self._post(url, batch)
            again = []
            for item in batch:
                if taken[item.event["eventId"]]:
                    self.stats.add("callbacks_sent")
                    if not item.copy and self.roll(self.config.duplicate_callback_rate):
                        self.stats.add("callbacks_duplicated")
                        queue.append(_Outbound(item.stream, item.event, copy=True))
                elif self._retry(item, loop.time()):
                    again.append(item)
            queue.extendleft(reversed(again))  # ahead of their cases' later events

    def _retry(self, item: _Outbound, now: float) -> bool:
        """Counts a failed attempt; False when the event is given up."""
        cfg = self.config
        self.stats.add("callbacks_failed")
        item.attempts += 1
        if item.attempts >= cfg.callback_max_attempts:
            self.stats.add("callbacks_abandoned")
            return False
        item.not_before = now + min(cfg.callback_backoff_s * 2 ** (item.attempts - 1),
                                    cfg.callback_backoff_max_s)
        return True

    async def _post(self, url: str, batch: list[_Outbound]) -> dict[str, bool]:
        """One signed POST; which of its events the receiver took, by event id."""
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=CALLBACK_TIMEOUT_S)
        body = json.dumps({"events": [item.event for item in batch]}, ensure_ascii=False,
                          separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json",
                   **signature_headers(self.webhook_secret, body)}
        self.stats.add("callback_posts")
        status: int | str
        results: dict[str, int] = {}
        try:
            response = await self._http.post(url, content=body, headers=headers)
            status = response.status_code
            if 200 <= status < 300:
                results = _event_results(response)
        except (httpx.HTTPError, OSError) as exc:
            status = type(exc).__name__
        except Exception as exc:  # the sender must outlive any one POST
            log.exception("callback POST to %s failed", url)
            status = type(exc).__name__
        ok = isinstance(status, int) and 200 <= status < 300
        if not ok:
            self.stats.add("callback_posts_failed")
        at = iso(utcnow())
        taken = {}
        for item in batch:
            event_id = item.event["eventId"]
            event_status = results.get(event_id, status) if ok else status
            taken[event_id] = isinstance(event_status, int) and 200 <= event_status < 300
            self.deliveries.append({"event_id": event_id, "sequence": item.event.get("sequence"),
                                    "url": url, "attempt": item.attempts + 1,
                                    "status": event_status, "batch": len(batch), "at": at})
        return taken

    # ---- wiring ------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def lifespan(self, _app: FastAPI):
        yield
        for task in list(self._tasks):
            task.cancel()
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def inject_faults(self, request: Request,
                            call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if request.url.path.startswith("/_sandbox"):
            return await call_next(request)
        self.stats.add("requests")
        cfg = self.config
        if cfg.down:
            self.stats.faults["down"] += 1
            return self.problem(503, "SERVICE_UNAVAILABLE", "", f"{self.name} is down.")
        if self.roll(cfg.fail_rate):
            self.stats.faults["fail"] += 1
            status = self.rng.choice((500, 503))
            return self.problem(status, "INTERNAL_ERROR", "", "Injected failure.")
        if self.roll(cfg.timeout_rate):
            self.stats.faults["timeout"] += 1
            await asyncio.sleep(cfg.timeout_s)
        response = await call_next(request)
        if self.roll(cfg.lost_reply_rate):
            self.stats.faults["lost_reply"] += 1
            return self.problem(503, "SERVICE_UNAVAILABLE", "", "Injected lost reply.")
        if self.roll(cfg.malformed_reply_rate):
            self.stats.faults["malformed_reply"] += 1
            if self.rng.random() < 0.5:
                return Response("<html><body>Gateway maintenance</body></html>",
                                status_code=200, media_type="text/html")
            return JSONResponse({"ok": True, "data": None}, status_code=200)
        return response

    def router(self) -> APIRouter:
        router = APIRouter(prefix="/_sandbox", tags=["sandbox"])

        @router.get("/config")
        async def get_config() -> dict[str, Any]:
            return self.config.model_dump()

        @router.post("/config")
        async def post_config(request: Request) -> Response:
            try:
                patch = await request.json()
                if not isinstance(patch, dict):
                    raise ValueError("expected a JSON object")
                return JSONResponse(self.update_config(patch).model_dump())
            except ValidationError as exc:
                return JSONResponse({"errors": json.loads(exc.json(include_url=False))},
                                    status_code=422)
            except ValueError as exc:
                return JSONResponse({"errors": [{"msg": str(exc)}]}, status_code=422)

        @router.post("/reset")
        async def post_reset() -> dict[str, Any]:
            self.reset()
            return {"reset": True, "config": self.config.model_dump()}

        @router.get("/stats")
        async def get_stats() -> dict[str, Any]:
            return self.stats.snapshot()

        @router.get("/callbacks")
        async def get_callbacks() -> dict[str, Any]:
            return {"deliveries": self.deliveries}

        return router

    def install(self, app: FastAPI) -> None:
        app.middleware("http")(self.inject_faults)
        app.include_router(self.router())


def sandbox_app(kit: SandboxKit, sandbox: Any, *, title: str, description: str,
                challenge: str) -> FastAPI:
    """The FastAPI app of a sandbox: the kit's fault injection and /_sandbox routes,
    `app.state.sandbox`, and SandboxError rendered in the kit's `problem` format, a 401
    naming the `challenge` scheme."""
    app = FastAPI(title=title, description=description, lifespan=kit.lifespan)
    kit.install(app)
    app.state.sandbox = sandbox

    @app.exception_handler(SandboxError)
    async def _sandbox_error(_request: Request, exc: SandboxError) -> Response:
        response = kit.problem(exc.status, exc.code, exc.field, exc.message)
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = challenge
        return response

    return app
