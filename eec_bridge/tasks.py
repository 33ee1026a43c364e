"""Thin Celery tasks. Task names are a contract: explicit and dotted, one queue per
outside system. Tasks take message ids, never rows, and return quietly when there is
nothing to do. A delivery task takes a batch of ids (one id, as older tasks carry, is a
batch of one). There is one delivery task per destination of eec_bridge.topics."""

from __future__ import annotations

from typing import Any

from eec_bridge import delivery
from eec_bridge.celery_app import app
from eec_bridge.topics import DESTINATIONS, Destination


@app.task(name="eec_bridge.health.ping")
def ping() -> str:
    """Round trip used by health checks and as the benchmarks' bare-Celery baseline."""
    return "pong"


# Delivery tasks record their outcome in the database; nobody waits on a Celery result.
def _ids(message_ids: list[str] | str) -> list[str]:
    return [message_ids] if isinstance(message_ids, str) else list(message_ids)


def _delivery_task(destination: Destination) -> Any:
    @app.task(name=destination.task, ignore_result=True)
    def deliver(message_ids: list[str] | str) -> dict[str, str]:
        return delivery.deliver_many(_ids(message_ids))

    return deliver


TASK_FOR_DESTINATION = {name: _delivery_task(d) for name, d in DESTINATIONS.items()}
