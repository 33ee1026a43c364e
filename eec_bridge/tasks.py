"""Thin Celery tasks. Task names are a contract: explicit and dotted, one queue per
outside system. Tasks take message ids, never rows, and return quietly when there is
nothing to do. A delivery task takes a batch of ids (one id, as older tasks carry, is a
batch of one)."""

from __future__ import annotations

from eec_bridge import delivery
from eec_bridge.celery_app import app


@app.task(name="eec_bridge.health.ping")
def ping() -> str:
    """Round trip used by health checks and as the benchmarks' bare-Celery baseline."""
    return "pong"


# Delivery tasks record their outcome in the database; nobody waits on a Celery result.
def _ids(message_ids: list[str] | str) -> list[str]:
    return [message_ids] if isinstance(message_ids, str) else list(message_ids)


@app.task(name="eec_bridge.bizportal.deliver", ignore_result=True)
def deliver_to_bizportal(message_ids: list[str] | str) -> dict[str, str]:
    return delivery.deliver_many(_ids(message_ids))


@app.task(name="eec_bridge.eec_oss.deliver", ignore_result=True)
def deliver_to_eec_oss(message_ids: list[str] | str) -> dict[str, str]:
    return delivery.deliver_many(_ids(message_ids))


TASK_FOR_DESTINATION = {"bizportal": deliver_to_bizportal, "eec_oss": deliver_to_eec_oss}
