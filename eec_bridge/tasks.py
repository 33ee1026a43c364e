"""Thin Celery tasks. Task names are a contract: explicit and dotted."""

from __future__ import annotations

from eec_bridge.celery_app import app


@app.task(name="eec_bridge.health.ping")
def ping() -> str:
    """Round trip used by health checks and as the benchmarks' bare-Celery baseline."""
    return "pong"
