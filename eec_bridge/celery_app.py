"""The Celery application on Redis. Settings follow the delivery guarantees we promise:
late acks, requeue on worker loss, a visibility timeout above the longest task and a
prompt restore of unacknowledged messages. Its queues and routes come from the topic
registry (eec_bridge.topics). A worker runs it through flows.worker, which also subscribes the
handlers of the bridge's domain events."""

from __future__ import annotations

import os

from celery import Celery, signals
from kombu import Exchange, Queue

from core.container import Resources, build
from core.events import Unhandled, require
from core.local_state import PRIVATE_UMASK
from core.logging_setup import configure_logging
from core.runtime import get_settings, install, uninstall
from eec_bridge import delivery, events
from eec_bridge.topics import DEFAULT_QUEUE, DESTINATIONS, queues

LONGEST_TASK_S = 120


def make_celery() -> Celery:
    settings = get_settings()
    os.umask(PRIVATE_UMASK)  # its SQLite -wal/-shm files, like everything in var/, are private
    broker = settings.redis_url or "redis://127.0.0.1:6379/0"
    app = Celery("eec_bridge", broker=broker, backend=broker, include=["eec_bridge.tasks"])
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        result_expires=3600,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": LONGEST_TASK_S * 3,
            # kombu restores unacked messages every ~100 s unless told otherwise.
            "unacked_restore_interval": 5,
        },
        timezone="Asia/Bangkok",
        # From the topic registry: a worker started without -Q consumes every queue.
        task_default_queue=DEFAULT_QUEUE,
        task_queues=[Queue(name, Exchange(name), routing_key=name) for name in queues()],
        task_routes={d.task: {"queue": d.queue} for d in DESTINATIONS.values()},
    )
    return app


app = make_celery()


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def _mask_personal_data(**_kwargs) -> None:
    configure_logging()


@signals.worker_init.connect
def _handlers_subscribed(**_kwargs) -> None:
    """A worker started without flows (celery -A flows.worker) would apply no receipt: stop."""
    try:
        require(*events.ALL)
    except Unhandled as exc:
        # Celery logs and swallows an Exception from a signal handler; SystemExit gets through.
        raise SystemExit(f"worker not started: {exc}") from exc


# Each pool process owns one container (core/container.py), made after the fork: a database
# pool or an HTTP client must never be shared across a fork.
_process_resources: list[Resources] = []


@signals.worker_process_init.connect
def _open_resources(**_kwargs) -> None:
    """Each pool process opens its database engine and both gateways (an HTTP client loads
    its TLS context, tens of milliseconds) before its first task, not during it."""
    resources = build()
    install(resources)
    _process_resources.append(resources)
    resources.warm_up(*delivery.GATEWAYS)


@signals.worker_process_shutdown.connect
def _close_resources(**_kwargs) -> None:
    while _process_resources:
        resources = _process_resources.pop()
        uninstall(resources)
        resources.close()
