"""The Celery worker's entry point: `celery -A flows.worker worker`. Importing flows subscribes
the handlers of the domain events the delivery receipts publish; the app is the bridge's, and
its queues come from the topic registry (eec_bridge.topics), so no -Q list is needed."""

from __future__ import annotations

import flows  # noqa: F401 - subscribes the handlers before any task runs
from eec_bridge import tasks  # noqa: F401 - registers the delivery tasks
from eec_bridge.celery_app import app

__all__ = ["app"]
