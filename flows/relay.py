"""The outbox relay's entry point: `python -m flows.relay`. Importing flows subscribes the
handlers of the domain events that opening a case from the Biz Portal feed publishes; then it
runs eec_bridge.relay."""

from __future__ import annotations

import flows  # noqa: F401 - subscribes the handlers before the relay opens a case
from eec_bridge.relay import run

if __name__ == "__main__":
    run()
