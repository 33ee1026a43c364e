"""What the Biz Portal and EEC OSS sandboxes share: run-time configuration with fault
injection, the Idempotency-Key store, counters, delayed decisions, and the signed callback
sender that stores and forwards with retries, in order per case. Also two helpers for tests
and manual runs: `serve_in_thread` (a sandbox on a free port) and `CallbackRecorder`
(a webhook receiver that checks signatures).

Everything lives in memory and on the sandbox's event loop, so no locks are needed except
the per-key ones that make concurrent replays of one Idempotency-Key wait for the first.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import random
import socket
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from eec_bridge.adapters import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signature_headers,
    verify_signature,
)

IDEMPOTENCY_HEADER = "Idempotency-Key"
CALLBACK_TIMEOUT_S = 5.0
BASE_STAT_KEYS = ("requests", "unique_submissions", "duplicate_requests", "duplicate_records",
                  "idempotency_conflicts", "callbacks_sent", "callbacks_failed",
                  "callbacks_abandoned", "callbacks_duplicated")


def utcnow() -> datetime:
    return datetime.now(UTC)


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
    callback_backoff_s: float = Field(0.25, ge=0, le=60)
    callback_backoff_max_s: float = Field(8.0, ge=0, le=600)
    seed: int | None = Field(None, description="reseeds the fault dice when set")


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any


@dataclass
class _StoredReply:
    fingerprint: str
    reply: Reply


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


class SandboxKit:
    """One per sandbox app. `install(app)` adds the fault middleware, the /_sandbox routes
    and a lifespan that stops background work on shutdown."""

    def __init__(self, *, name: str, config_model: type[SandboxConfig],
                 initial_config: dict[str, Any], webhook_secret: str,
                 problem: ProblemFactory, stat_keys: tuple[str, ...] = ()) -> None:
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
        self._streams: dict[str, deque[tuple[str, dict[str, Any]]]] = {}
        self._stream_workers: dict[str, asyncio.Task[Any]] = {}
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
        """Queues callbacks for one case; a case's callbacks are delivered one after another
        in the order given, reversed when `out_of_order` is set."""
        if self.config.out_of_order and len(events) > 1:
            events = list(reversed(events))
        queue = self._streams.setdefault(stream, deque())
        queue.extend((url, event) for event in events)
        worker = self._stream_workers.get(stream)
        if worker is None or worker.done():
            self._stream_workers[stream] = self.spawn(self._drain(stream))

    async def _drain(self, stream: str) -> None:
        queue = self._streams[stream]
        while queue:
            url, event = queue.popleft()
            body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
            delivered = await self._deliver(url, body, event)
            if delivered and self.roll(self.config.duplicate_callback_rate):
                self.stats.add("callbacks_duplicated")
                await self._deliver(url, body, event)

    async def _deliver(self, url: str, body: bytes, event: dict[str, Any]) -> bool:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=CALLBACK_TIMEOUT_S)
        cfg = self.config
        for attempt in range(1, cfg.callback_max_attempts + 1):
            headers = {"Content-Type": "application/json",
                       **signature_headers(self.webhook_secret, body)}
            status: int | str
            try:
                response = await self._http.post(url, content=body, headers=headers)
                status = response.status_code
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            self.deliveries.append({"event_id": event.get("eventId"),
                                    "sequence": event.get("sequence"), "url": url,
                                    "attempt": attempt, "status": status, "at": iso(utcnow())})
            if isinstance(status, int) and 200 <= status < 300:
                self.stats.add("callbacks_sent")
                return True
            self.stats.add("callbacks_failed")
            if attempt < cfg.callback_max_attempts:
                await asyncio.sleep(min(cfg.callback_backoff_s * 2 ** (attempt - 1),
                                        cfg.callback_backoff_max_s))
        self.stats.add("callbacks_abandoned")
        return False

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


class SandboxError(Exception):
    """A refusal a sandbox answers with its own system's error format."""

    def __init__(self, status: int, code: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


async def json_body(request: Any) -> Any:
    try:
        return await request.json()
    except ValueError as exc:
        raise SandboxError(400, "INVALID_JSON", "The body is not JSON.") from exc


def answer_errors(app: FastAPI, problem: Callable[..., Any], challenge: str) -> None:
    """Renders SandboxError with the system's `problem` format; a 401 names the scheme."""

    @app.exception_handler(SandboxError)
    async def _sandbox_error(_request: Any, exc: SandboxError) -> Any:
        response = problem(exc.status, exc.code, exc.field, exc.message)
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = challenge
        return response


def sandbox_app(kit: SandboxKit, *, title: str, description: str) -> FastAPI:
    app = FastAPI(title=title, description=description, lifespan=kit.lifespan)
    kit.install(app)
    return app


# ---- helpers for tests and manual runs ----------------------------------------------------


@dataclass
class ServerHandle:
    base_url: str
    server: Any
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def serve_in_thread(app: Any, host: str = "127.0.0.1") -> ServerHandle:
    """Runs an ASGI app under uvicorn in a daemon thread on a free port."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on",
                            timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name=f"sandbox-{port}")
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("sandbox server did not start")
        time.sleep(0.01)
    return ServerHandle(f"http://{host}:{port}", server, thread)


@dataclass(frozen=True)
class ReceivedCallback:
    path: str
    body: bytes
    headers: dict[str, str]
    signature_problem: str | None  # None when the signature verified

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class CallbackRecorder:
    """A webhook receiver on 127.0.0.1 (threaded http.server) standing in for our portal:
    verifies each callback's signature, records it and answers 204, or 500 for the next
    `fail_next(n)` calls and 401 when the signature does not verify."""

    secret: str
    received: list[ReceivedCallback] = field(default_factory=list)
    _failures_left: int = 0
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _server: ThreadingHTTPServer | None = None

    def start(self) -> "CallbackRecorder":
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                problem = verify_signature(recorder.secret, body,
                                           self.headers.get(TIMESTAMP_HEADER),
                                           self.headers.get(SIGNATURE_HEADER))
                status = recorder._record(ReceivedCallback(
                    self.path, body, {k: v for k, v in self.headers.items()}, problem))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                         daemon=True, name="callback-recorder").start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "CallbackRecorder":
        return self.start()

    def __exit__(self, *_exc: Any) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the recorder first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/webhook"

    def fail_next(self, n: int) -> None:
        with self._cond:
            self._failures_left = n

    def _record(self, callback: ReceivedCallback) -> int:
        with self._cond:
            if self._failures_left > 0:
                self._failures_left -= 1
                return 500
            self.received.append(callback)
            self._cond.notify_all()
            return 204 if callback.signature_problem is None else 401

    def wait_for(self, predicate: Callable[[list[ReceivedCallback]], bool],
                 timeout_s: float = 10.0) -> list[ReceivedCallback]:
        """Waits until `predicate(received)` holds; raises TimeoutError after the deadline."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while not predicate(self.received):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"callbacks so far: {[c.json() for c in self.received]}")
                self._cond.wait(remaining)
            return list(self.received)

    def bodies(self) -> list[Any]:
        with self._cond:
            return [c.json() for c in self.received]


def new_event_id() -> str:
    return str(uuid.uuid4())
