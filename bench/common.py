"""What every benchmark shares: free ports, Redis for the run, uvicorn servers as subprocesses,
percentiles and the one output format (`bench <name> <value> <unit>`)."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.stack import embedded_redis, environ, free_port, port_open

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # benchmarks never talk to anything but this machine
MACHINE_REDIS_PORT = 6379
BENCH_REDIS_DB = 13  # away from the tests' database 15 and the app's 0
SERVER_START_TIMEOUT_S = 60.0
# The same uvicorn settings for the app and for its baseline, so only the app differs.
UVICORN_ARGS = ("--host", HOST, "--workers", "1", "--log-level", "warning", "--no-access-log")


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str

    def line(self) -> str:
        return f"bench {self.name} {format_value(self.value)} {self.unit}"


@dataclass(frozen=True)
class Target:
    """A goal from an issue; missing it is reported on stderr, never asserted."""

    figure: str
    at_most: float | None = None
    at_least: float | None = None
    hint: str = ""  # how to find out where the time goes

    def missed_by(self, figures: Mapping[str, Figure]) -> str | None:
        figure = figures.get(self.figure)
        if figure is None:
            return f"target not measured: {self.figure}"
        measured = f"target missed: {self.figure} = {format_value(figure.value)} {figure.unit}"
        hint = f"; where the time goes: {self.hint}" if self.hint else ""
        if self.at_most is not None and figure.value > self.at_most:
            return f"{measured}, target <= {format_value(self.at_most)}{hint}"
        if self.at_least is not None and figure.value < self.at_least:
            return f"{measured}, target >= {format_value(self.at_least)}{hint}"
        return None


def format_value(value: float) -> str:
    """Three significant digits or more, never scientific notation: 0.253, 8.09, 137.8."""
    if abs(value) >= 100:
        return f"{value:.1f}"
    return f"{value:.2f}" if abs(value) >= 1 else f"{value:.3f}"


def note(text: str) -> None:
    """Context for a human (baselines, misses, hints) goes to stderr: stdout stays parseable."""
    print(text, file=sys.stderr, flush=True)


def percentile(values: Sequence[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@contextmanager
def redis_for_run(workdir: Path) -> Iterator[str]:
    """The machine's Redis when it runs (a database of its own), else an embedded one."""
    if port_open(HOST, MACHINE_REDIS_PORT):
        yield f"redis://{HOST}:{MACHINE_REDIS_PORT}/{BENCH_REDIS_DB}"
        return
    with embedded_redis(workdir, BENCH_REDIS_DB) as url:
        yield url


@dataclass
class Server:
    base_url: str
    process: subprocess.Popen
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _wait_until_ready(server: Server, ready_path: str) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    with httpx.Client(base_url=server.base_url, timeout=2.0) as probe:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise RuntimeError(f"server exited with {server.process.returncode}:\n"
                                   f"{server.log_tail()}")
            try:
                if probe.get(ready_path).status_code < 500:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    raise RuntimeError(f"server not ready after {SERVER_START_TIMEOUT_S:.0f} s:\n"
                       f"{server.log_tail()}")


@contextmanager
def uvicorn_server(app: str, env: Mapping[str, str], *, ready_path: str = "/",
                   workdir: Path | None = None) -> Iterator[Server]:
    """`uvicorn <app>` on a free local port, stopped (SIGINT, then SIGKILL) on exit."""
    port = free_port()
    log_dir = workdir or Path(tempfile.gettempdir())
    log_path = log_dir / f"uvicorn-{app.replace(':', '-')}-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", app, "--port", str(port), *UVICORN_ARGS],
            cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
        )
    server = Server(f"http://{HOST}:{port}", process, log_path)
    try:
        _wait_until_ready(server, ready_path)
        yield server
    finally:
        stop(process)


def stop(process: subprocess.Popen, timeout_s: float = 10.0) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)  # uvicorn shuts down cleanly on SIGINT
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout_s)


# --- The portal -------------------------------------------------------------------------------


def portal_env(workdir: Path, redis_url: str) -> dict[str, str]:
    """Settings for a portal of the benchmark's own: a fresh SQLite file, temp uploads and
    random secrets."""
    from tests.stack import random_secrets

    uploads = workdir / "uploads"
    uploads.mkdir(exist_ok=True)
    return {
        **random_secrets(),
        "DATABASE_URL": f"sqlite:///{workdir / 'portal.db'}",
        "REDIS_URL": redis_url,
        "EEC_ENVIRONMENT": "test",
        "EEC_UPLOAD_DIR": str(uploads),
        # One bench applicant prepares hundreds of drafts: the per-account upload allowance
        # (a guard against one person filling the disk) would stop the measurement.
        "EEC_UPLOADS_PER_HOUR": "100000",
    }


def _clear_portal_caches() -> None:
    from core.db import get_engine
    from core.settings import get_settings

    get_settings.cache_clear()
    get_engine.cache_clear()


def portal_database(env: Mapping[str, str], *, seed: bool = True) -> int:
    """Migrates the database named in `env` and, unless `seed` is false, seeds the register
    (10,000 names) in this process, under `env`; returns how many names were added."""
    from sqlmodel import Session

    from core.db import get_engine
    from registration.seed import seed_register
    from web.bootstrap import compiled_catalogs_exist, migrate

    if not compiled_catalogs_exist():
        note("note: gettext catalogs are not compiled (`make catalogs`); messages stay English")
    with environ(env, _clear_portal_caches):
        migrate()
        if not seed:
            return 0
        engine = get_engine()
        with Session(engine) as session:
            added = seed_register(session)
            session.commit()
        engine.dispose()
        return added
