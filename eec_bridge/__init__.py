"""The bridge between our portal, Biz Portal and EEC OSS: outbox, relay and delivery tasks."""

# Keeps each case's search text current on every write, in every process that writes cases.
from eec_bridge import search  # noqa: E402, F401
