"""Domain events: how one context tells another that something happened without importing it.

A context defines its events as frozen dataclasses and publishes them with the session of the
change; the composition layer (`flows`) subscribes the handlers of the other contexts. Handlers
run at once, in the same transaction, so the change and everything it causes commit or roll
back together. Publishing an event nobody subscribed to raises `Unhandled`: a process that
forgot to import `flows` must fail, not drop a status change on the floor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlmodel import Session

E = TypeVar("E")
Handler = Callable[[Session, Any], None]
_handlers: dict[type, list[Handler]] = {}


class Unhandled(RuntimeError):
    """An event was published in a process where no handler is subscribed to it."""


def subscribe(event_type: type[E], handler: Callable[[Session, E], None]) -> None:
    """Adds `handler` for `event_type`; subscribing the same handler twice adds it once."""
    handlers = _handlers.setdefault(event_type, [])
    if handler not in handlers:
        handlers.append(handler)


def publish(session: Session, event: object) -> None:
    """Runs every handler of the event's type, in subscription order, in the caller's
    transaction."""
    handlers = _handlers.get(type(event))
    if not handlers:
        raise Unhandled(f"no handler subscribed to {type(event).__name__}; "
                        "import flows in this process before it changes anything")
    for handler in handlers:
        handler(session, event)


def subscribed(event_type: type) -> bool:
    return bool(_handlers.get(event_type))


def require(*event_types: type) -> None:
    """Raises `Unhandled` at a process's start-up unless every type has a handler: a worker
    or relay started without `flows` stops at once instead of failing on its first change."""
    missing = [t.__name__ for t in event_types if not subscribed(t)]
    if missing:
        raise Unhandled(f"no handler subscribed to {', '.join(missing)}; start this process "
                        "through flows (flows.worker, flows.relay) or import flows first")
