"""Sandboxes in tests and manual runs: `serve_in_thread` (an ASGI app under uvicorn on a free
port), `SandboxControl` (a sandbox's /_sandbox hooks) and `CallbackRecorder` (a webhook
receiver standing in for our portal that checks signatures)."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

import httpx
import uvicorn

from core.http_adapters import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify_signature

# Small delays and backoff keep the suites fast; nothing asserts on timing.
FAST = {"decision_delay_s": 0.02, "callback_backoff_s": 0.02, "callback_backoff_max_s": 0.1}


@dataclass
class ServerHandle:
    base_url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def serve_in_thread(app: Any, host: str = "127.0.0.1") -> ServerHandle:
    """Runs an ASGI app under uvicorn in a daemon thread on a free port."""
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
    """One event of a received callback POST: `body` is the event alone, serialised as the
    sandboxes serialise it; the signature was checked over the whole POST."""

    path: str
    body: bytes
    headers: dict[str, str]
    signature_problem: str | None  # None when the signature verified
    post_body: bytes = b""  # the whole POST, which the signature covers
    batch_size: int = 1

    def json(self) -> Any:
        return json.loads(self.body)


def _events_of(body: bytes) -> list[bytes]:
    """The events of a batch POST, each serialised on its own; a body that is not a batch
    stands as one."""
    try:
        events = json.loads(body)["events"]
        return [json.dumps(e, ensure_ascii=False, separators=(",", ":")).encode()
                for e in events]
    except (ValueError, KeyError, TypeError):
        return [body]


@dataclass
class CallbackRecorder:
    """A webhook receiver on 127.0.0.1 (threaded http.server) standing in for our portal:
    verifies each callback POST's signature, records its events and answers 204, or 500 for
    the next `fail_next(n)` POSTs and 401 when the signature does not verify."""

    secret: str
    received: list[ReceivedCallback] = field(default_factory=list)
    _failures_left: int = 0
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _server: ThreadingHTTPServer | None = None

    def start(self) -> Self:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                problem = verify_signature(recorder.secret, body,
                                           self.headers.get(TIMESTAMP_HEADER),
                                           self.headers.get(SIGNATURE_HEADER))
                headers = {k: v for k, v in self.headers.items()}
                events = _events_of(body)
                status = recorder._record([ReceivedCallback(self.path, event, headers, problem,
                                                            body, len(events))
                                           for event in events])
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

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the recorder first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/webhook"

    def fail_next(self, n: int) -> None:
        with self._cond:
            self._failures_left = n

    def _record(self, callbacks: list[ReceivedCallback]) -> int:
        with self._cond:
            if self._failures_left > 0:
                self._failures_left -= 1
                return 500
            self.received.extend(callbacks)
            self._cond.notify_all()
            return 204 if all(c.signature_problem is None for c in callbacks) else 401

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


class SandboxControl:
    """A sandbox's /_sandbox hooks (core/sandbox_kit.py), over HTTP."""

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
        """Biz Portal only: files licence applications in its feed."""
        r = self.http.post("/_sandbox/licence-applications", json=body)
        assert r.status_code == 201, r.text
        return r.json()["items"]

    def close(self) -> None:
        self.http.close()


@contextlib.contextmanager
def controlled(base_url: str, **knobs: Any) -> Iterator[SandboxControl]:
    """A sandbox reset and configured (FAST unless `knobs` say otherwise) for one test, and
    reset again after it, which cancels callbacks still retrying."""
    control = SandboxControl(base_url)
    control.reset()
    control.configure(**{**FAST, **knobs})
    try:
        yield control
    finally:
        control.reset()
        control.close()
