"""Bridge benchmarks: submitted applications through Biz Portal and EEC OSS to their final
state, with every part a real process (tests/stack.py): our own Redis, the portal under
uvicorn (it receives the callbacks), a Celery worker (concurrency 4), the outbox relay and
both sandboxes. The database is a fresh SQLite file per run; applications are made with the
registration services (tests/factories.py), 75 % of them operating in the EEC (no
privileges requested, so they travel on to EEC OSS without a human decision). Settings are
the reliability test's: the relay looks for due messages every 0.2 s (default 0.5 s), and
at once when a commit that wrote outbox rows wakes it. Deliveries go 20 messages to a task
(EEC_DELIVERY_BATCH_SIZE) and the sandboxes send callbacks in batches of up to 50.

Figures:
  bridge.apps_per_s            200 applications submitted at once (one transaction) into a
                               running bridge: the worker and the relay are started and
                               warm (a ping has gone through the worker) before. The clock
                               starts when that transaction commits and stops when every case
                               is final (closed_at set). Sandboxes decide at once, no faults.
                               The rate counting the worker's and relay's start-up, as the
                               figure was measured before, is printed on stderr for context.
  bridge.ratio_vs_bare_celery  apps/s over pings/s, where pings/s is the rate of sequential
                               `eec_bridge.health.ping` round trips (`.delay().get()`, one at
                               a time, after a warm-up) through the same Redis and the same
                               worker, measured right after the throughput run. Both sides
                               include broker and result backend; only the work differs.
  bridge.e2e_p95_ms            per application, from its outbox row (written in the same
                               transaction that opens the case: case.created_at) to the case's
                               closed_at. Measured on 40 applications submitted one by one into
                               the running bridge at half the rate the throughput run
                               sustained, so it is latency rather than queueing or start-up.
  bridge.reliability_apps_final, bridge.reliability_duplicate_records
                               the reliability test's scenario with 500 applications: the
                               sandboxes fail 20 % of calls, lose 10 % of replies after doing
                               the work, duplicate 30 % of callbacks and send them out of
                               order; the worker is SIGKILLed at a quarter and Redis restarted
                               at half. All 500 should end final, with no duplicate record on
                               either side (the sum over both sandboxes).

Where the time goes is printed on stderr: CPU milliseconds per application for each process, the
start-up and steady-state rates, and the mean time between consecutive timeline events."""

from __future__ import annotations

import gc
import os
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path

import httpx
import psutil
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine, select

from bench.common import Figure, Target, note, percentile

TARGETS = [
    Target("bridge.ratio_vs_bare_celery", at_least=0.3,
           hint="CPU ms per application and the time between timeline events above; inside "
                "a process, `py-spy record --native --subprocesses -p <pid>` on the web and "
                "the worker"),
]

APPLICATIONS = 200
EEC_SHARE = 0.75
LATENCY_APPLICATIONS = 40
PINGS = 300
PING_WARMUP = 20
RELIABILITY_APPLICATIONS = 500
THROUGHPUT_DEADLINE_S = 90
RELIABILITY_DEADLINE_S = 150
NO_FAULTS = {"decision_delay_s": 0.0}
FAULTS = {"fail_rate": 0.2, "lost_reply_rate": 0.1, "duplicate_callback_rate": 0.3,
          "out_of_order": True, "decision_delay_s": 0.2, "callback_backoff_s": 0.2,
          "callback_backoff_max_s": 2.0}
# The reliability test's timings: short backoffs and leases so lost work comes back soon.
FAST_RECOVERY = {"EEC_RELAY_LEASE_S": "6", "EEC_DELIVERY_BACKOFF_BASE_S": "0.2",
                 "EEC_DELIVERY_BACKOFF_MAX_S": "2", "EEC_DELIVERY_MAX_ATTEMPTS": "25"}


def run(workdir: Path) -> list[Figure]:
    figures = throughput(workdir / "throughput")
    figures += reliability(workdir / "reliability")
    return figures


# --- the stack --------------------------------------------------------------------------------


class BridgeStack:
    def __init__(self, stack, ports: dict[str, int], db_url: str, redis_url: str) -> None:
        self.stack, self.ports, self.redis_url = stack, ports, redis_url
        self.engine: Engine = create_engine(db_url)
        self.progress: list[tuple[float, int]] = []

    def sandbox(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}/_sandbox"

    def configure_sandboxes(self, config: dict) -> None:
        for name in ("bizportal", "oss"):
            httpx.post(f"{self.sandbox(name)}/config", json=config, timeout=5).raise_for_status()

    def stats(self, name: str) -> dict:
        return httpx.get(f"{self.sandbox(name)}/stats", timeout=5).json()

    def final_count(self) -> int:
        from eec_bridge.models import Case

        with Session(self.engine) as session:
            return session.exec(select(func.count(Case.id)).where(
                Case.closed_at.is_not(None))).one()  # type: ignore[union-attr]

    def wait_final(self, expected: int, deadline_s: float) -> bool:
        """Polls the count of final cases (kept in `progress`) until `expected` or the deadline."""
        deadline = time.monotonic() + deadline_s
        while time.monotonic() < deadline:
            count = self.final_count()
            self.progress.append((time.monotonic(), count))
            if count >= expected:
                return True
            time.sleep(0.05)
        return False

    def time_to(self, count: float, since: float) -> float:
        return next(t for t, n in self.progress if n >= count) - since

    def rate_between(self, low: float, high: float) -> float:
        return (high - low) / (self.time_to(high, 0) - self.time_to(low, 0))


@contextmanager
def bridge_stack(workdir: Path, settings: dict[str, str]) -> Iterator[BridgeStack]:
    """Redis, both sandboxes and the portal running, the database migrated; the worker and
    the relay are left to the caller. This process's environment follows the stack's while
    it runs, so the registration services write to the same database."""
    from tests.stack import (
        Stack,
        bridge_env,
        free_port,
        portal_environment,
        random_secrets,
        start_bridge,
    )

    workdir.mkdir(parents=True, exist_ok=True)
    ports = {name: free_port() for name in ("redis", "web", "bizportal", "oss", "smtp")}
    # The sandboxes take the portal's random secrets by default.
    env = {**random_secrets(), **bridge_env(workdir, ports, "bridge.db"), **settings}
    with portal_environment(env):
        stack = Stack(env, workdir)
        bridge = BridgeStack(stack, ports, env["DATABASE_URL"], env["REDIS_URL"])
        try:
            start_bridge(stack, ports, workdir)
            yield bridge
        finally:
            stack.stop_all()
            bridge.engine.dispose()


def submit(bridge: BridgeStack, n: int, seed: int, commit_every: int = 20) -> list[int]:
    from tests.factories import submitted_applications

    with Session(bridge.engine) as session:
        return submitted_applications(session, n, EEC_SHARE, seed=seed,
                                      commit_every=commit_every)


def worker_and_relay(bridge: BridgeStack) -> None:
    from tests.stack import celery_worker, python

    bridge.stack.start("worker", celery_worker(concurrency=4))
    bridge.stack.start("relay", python("-m", "flows.relay"))


# --- throughput, baseline, latency ------------------------------------------------------------


def throughput(workdir: Path) -> list[Figure]:
    with bridge_stack(workdir, {}) as bridge:
        bridge.configure_sandboxes(NO_FAULTS)
        booting = time.monotonic()
        worker_and_relay(bridge)
        warm_up(bridge.redis_url)
        booted_s = time.monotonic() - booting
        cpu = CpuMeter(bridge.stack)
        # One transaction, so every application exists from the same instant.
        submit(bridge, APPLICATIONS, seed=11, commit_every=APPLICATIONS + 1)
        started = time.monotonic()
        if not bridge.wait_final(APPLICATIONS, THROUGHPUT_DEADLINE_S):
            raise RuntimeError(f"{bridge.final_count()}/{APPLICATIONS} final after "
                               f"{THROUGHPUT_DEADLINE_S} s\nworker log:\n"
                               f"{bridge.stack.log('worker')}\nrelay log:\n"
                               f"{bridge.stack.log('relay')}")
        elapsed = time.monotonic() - started
        apps_per_s = APPLICATIONS / elapsed
        note(f"bridge: {APPLICATIONS} applications final {elapsed:.2f} s after their submission "
             f"({apps_per_s:.1f}/s); first final after {bridge.time_to(1, started):.2f} s; "
             f"from 20 % to 80 % final "
             f"{bridge.rate_between(0.2 * APPLICATIONS, 0.8 * APPLICATIONS):.1f} apps/s; "
             f"with the worker's and relay's start-up ({booted_s:.2f} s) added: "
             f"{APPLICATIONS / (elapsed + booted_s):.1f}/s")
        cpu.report(APPLICATIONS)
        legs(bridge.engine)
        pings_per_s = ping_rate(bridge.redis_url)
        latencies = latency(bridge, offered_per_s=apps_per_s / 2)
    p95 = percentile(latencies, 95)
    note(f"bridge: bare Celery {pings_per_s:.0f} sequential pings/s; e2e p50 "
         f"{percentile(latencies, 50):.0f} ms, p95 {p95:.0f} ms over {len(latencies)} "
         f"applications offered at {apps_per_s / 2:.1f}/s")
    return [
        Figure("bridge.apps_per_s", apps_per_s, "apps/s"),
        Figure("bridge.ratio_vs_bare_celery", apps_per_s / pings_per_s, "x"),
        Figure("bridge.e2e_p95_ms", p95, "ms"),
    ]


def warm_up(redis_url: str) -> None:
    """Returns once the worker answers a ping: it is consuming."""
    from eec_bridge.celery_app import make_celery

    app = make_celery()
    app.signature("eec_bridge.health.ping").delay().get(timeout=60)
    app.close()


def ping_rate(redis_url: str) -> float:
    """Sequential no-op round trips through the worker that just ran the bridge."""
    from eec_bridge.celery_app import make_celery

    app = make_celery()  # the worker's own configuration, on this run's Redis
    assert app.conf.broker_url == redis_url
    ping = app.signature("eec_bridge.health.ping")
    for _ in range(PING_WARMUP):
        ping.delay().get(timeout=30)
    started = time.monotonic()
    for _ in range(PINGS):
        assert ping.delay().get(timeout=30) == "pong"
    rate = PINGS / (time.monotonic() - started)
    started = time.monotonic()
    pending = [ping.delay() for _ in range(PINGS)]
    for result in pending:
        result.get(timeout=30)
    note(f"bridge: for comparison, {PINGS} pings sent at once complete at "
         f"{PINGS / (time.monotonic() - started):.0f}/s")
    release_results(pending)
    app.close()
    return rate


def release_results(results: list) -> None:
    """Drops the results' subscriptions while this run's Redis is still up. Left to the
    garbage collector, each would later try to reconnect to a stopped Redis, retrying
    for seconds apiece, and stall the next benchmark."""
    results.clear()
    gc.collect()


def latency(bridge: BridgeStack, offered_per_s: float) -> list[float]:
    """Applications submitted one by one (a commit each) into the running bridge, at half
    the rate it just sustained, so the figure is latency rather than queueing."""
    from eec_bridge.models import Case
    from tests.factories import EEC_NO_PRIVILEGES, NON_EEC, make_user, submitted_application

    before = bridge.final_count()
    rng = random.Random(12)
    ids = []
    interval = 1 / offered_per_s
    with Session(bridge.engine) as session:
        # One applicant per application, as in life (and as the upload allowance per account
        # expects); made before the clock starts, since each hashes a password.
        users = [make_user(session) for _ in range(LATENCY_APPLICATIONS)]
        session.commit()
        next_at = time.monotonic()
        for i, user in enumerate(users):
            time.sleep(max(0.0, next_at - time.monotonic()))
            next_at += interval
            eec = NON_EEC if i % 4 == 0 else EEC_NO_PRIVILEGES
            ids.append(submitted_application(session, user, rng, eec))
            session.commit()
    if not bridge.wait_final(before + LATENCY_APPLICATIONS, THROUGHPUT_DEADLINE_S):
        raise RuntimeError("latency run: not every application became final")
    with Session(bridge.engine) as session:
        rows = session.exec(select(Case).where(
            Case.application_id.in_(ids))).all()  # type: ignore[union-attr]
        return [(r.closed_at - r.created_at).total_seconds() * 1000 for r in rows]


class CpuMeter:
    """CPU seconds each process of the stack (its children included) spends from now on."""

    def __init__(self, stack) -> None:
        self.stack = stack
        self.at_start = {name: self._cpu(proc.pid) for name, proc in stack.procs.items()}

    @staticmethod
    def _cpu(pid: int) -> float:
        try:
            proc = psutil.Process(pid)
            total = 0.0
            for p in [proc, *proc.children(recursive=True)]:
                times = p.cpu_times()
                total += times.user + times.system
            return total
        except psutil.NoSuchProcess:
            return 0.0

    def report(self, applications: int) -> None:
        spent = {name: self._cpu(proc.pid) - self.at_start.get(name, 0.0)
                 for name, proc in self.stack.procs.items()}
        parts = [f"{name} {seconds * 1000 / applications:.0f}" for name, seconds in spent.items()]
        note(f"bridge: CPU ms per application: "
             f"{', '.join(parts)}; this machine has {psutil.cpu_count()} CPUs, load average "
             f"{os.getloadavg()[0]:.1f}")


def legs(engine: Engine) -> None:
    """Mean time between consecutive timeline events of the same case."""
    from registration.models import ApplicationEvent

    by_case: dict[int, list] = defaultdict(list)
    query = (select(ApplicationEvent)
             .where(ApplicationEvent.case_id.is_not(None))  # type: ignore[union-attr]
             .order_by(ApplicationEvent.case_id, ApplicationEvent.at))  # type: ignore[arg-type]
    with Session(engine) as session:
        for e in session.exec(query).all():
            by_case[e.case_id].append(e)
    steps: dict[tuple[str, str], list[float]] = defaultdict(list)
    for timeline in by_case.values():
        for a, b in pairwise(timeline):
            steps[(a.key, b.key)].append((b.at - a.at).total_seconds() * 1000)
    lines = [f"  {a.removeprefix('event.')} -> {b.removeprefix('event.')}: "
             f"mean {statistics.mean(v):.0f} ms (n={len(v)})"
             for (a, b), v in sorted(steps.items(), key=lambda kv: -len(kv[1]))]
    note("bridge: time between timeline events in the throughput run\n" + "\n".join(lines))


def outbox_states(engine: Engine) -> dict[str, int]:
    from eec_bridge.models import OutboxMessage

    with Session(engine) as session:
        rows = session.exec(select(OutboxMessage.state, func.count()).group_by(
            OutboxMessage.state)).all()
    return {str(state): count for state, count in rows}


# --- reliability ------------------------------------------------------------------------------


def reliability(workdir: Path) -> list[Figure]:
    with bridge_stack(workdir, FAST_RECOVERY) as bridge:
        bridge.configure_sandboxes(FAULTS)
        submit(bridge, RELIABILITY_APPLICATIONS, seed=13)
        started = time.monotonic()
        worker_and_relay(bridge)
        stack = bridge.stack
        deadline = started + RELIABILITY_DEADLINE_S
        if bridge.wait_final(RELIABILITY_APPLICATIONS // 4, deadline - time.monotonic()):
            stack.kill("worker")
            time.sleep(1)
            stack.restart("worker")
        if bridge.wait_final(RELIABILITY_APPLICATIONS // 2, deadline - time.monotonic()):
            from tests.stack import redis_ready

            stack.kill("redis")
            time.sleep(1)
            stack.restart("redis", redis_ready(bridge.ports["redis"]))
        bridge.wait_final(RELIABILITY_APPLICATIONS, deadline - time.monotonic())
        final = bridge.final_count()
        stats = {name: bridge.stats(name) for name in ("bizportal", "oss")}
        note(f"bridge: reliability run, {final}/{RELIABILITY_APPLICATIONS} final after "
             f"{time.monotonic() - started:.1f} s (worker killed, Redis restarted); unique "
             f"submissions Biz Portal {stats['bizportal']['unique_submissions']}, EEC OSS "
             f"{stats['oss']['unique_submissions']}; replays absorbed "
             f"{stats['bizportal']['duplicate_requests'] + stats['oss']['duplicate_requests']}; "
             f"outbox {outbox_states(bridge.engine)}")
        duplicates = sum(s["duplicate_records"] for s in stats.values())
    return [
        Figure("bridge.reliability_apps_final", final, "apps"),
        Figure("bridge.reliability_duplicate_records", duplicates, "records"),
    ]
