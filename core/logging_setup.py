"""Logging for every process: one format, and Thai ID numbers masked before anything is
written (PDPA)."""

from __future__ import annotations

import logging

from core.thai_ids import PdpaLogFilter

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_PROCESS_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "celery", "celery.task")


def configure_logging(level: int = logging.INFO) -> None:
    """Attach the PDPA filter to every handler, ours and the servers' (filters on handlers
    also see records that propagate from child loggers)."""
    root = logging.getLogger()
    if not root.handlers:
        stream = logging.StreamHandler()
        stream.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(stream)
        root.setLevel(level)
    # One line per outbound request is noise at INFO; failures are logged by our own code.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    for name in ("", *_PROCESS_LOGGERS):
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, PdpaLogFilter) for f in handler.filters):
                handler.addFilter(PdpaLogFilter())
