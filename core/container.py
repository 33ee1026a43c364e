"""The process's resources in one typed container: settings, the database engine, Redis, the
rate limiter and the delivery threads, plus what each context opens for itself (a gateway, the
register's name index) through `provide`. Whoever runs the process owns one: the FastAPI
lifespan (web/app.py), each Celery pool process (eec_bridge/celery_app.py), the relay
(eec_bridge/relay.py), and a test, which builds a fresh one instead of resetting caches.
`close()` gives everything back. core/runtime.py says which container is in use.

Each resource is made on first use, so a process that only reads settings opens no
connection; `warm_up()` makes them at start-up instead. The kernel knows no context: a
context's resource is a factory it passes to `provide`, made once per container."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar, cast

import redis
from limits import storage, strategies
from sqlalchemy import text
from sqlalchemy.engine import Engine

from core.engine import make_engine
from core.settings import Settings

T = TypeVar("T")


@dataclass(eq=False)
class Resources:
    """Everything a process opens once and shares; made on first use, closed by `close()`."""

    settings: Settings
    # What contexts asked for through `provide`, by factory.
    provided: dict[Callable[[Resources], Any], Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings)

    @cached_property
    def limiter(self) -> strategies.RateLimiter:
        """Counts in Redis, shared by every process; in memory without Redis (one process)."""
        uri = self.settings.redis_url or "memory://"
        return strategies.MovingWindowRateLimiter(storage.storage_from_string(uri))

    @cached_property
    def redis(self) -> redis.Redis | None:
        """For the relay's wake-ups and the refused-callback records; None without Redis."""
        if not self.settings.redis_url:
            return None
        # Above the relay's longest wait for a wake, below what would hold up a committing
        # request.
        return redis.Redis.from_url(self.settings.redis_url,
                                    socket_timeout=self.settings.relay_interval_s + 1,
                                    socket_connect_timeout=1)

    @cached_property
    def sender_pool(self) -> ThreadPoolExecutor:
        """Threads waiting on the other side's reply, one per message of a delivery batch."""
        return ThreadPoolExecutor(max_workers=self.settings.delivery_batch_size,
                                  thread_name_prefix="delivery")

    def provide(self, factory: Callable[[Resources], T]) -> T:
        """A context's own resource, made by `factory` from this container once, and closed
        with it (if it has `close()`)."""
        try:
            return cast(T, self.provided[factory])
        except KeyError:
            with self._lock:  # two threads' first use make it once
                if factory not in self.provided:
                    self.provided[factory] = factory(self)
            return cast(T, self.provided[factory])

    def warm_up(self, *factories: Callable[[Resources], Any]) -> None:
        """Opens the database and the given resources (an HTTP client loads its TLS context,
        tens of milliseconds), so the first request or delivery does not."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        for factory in factories:
            self.provide(factory)

    def close(self) -> None:
        """Closes what was opened; what was never used was never made."""
        made = self.__dict__
        if "sender_pool" in made:
            made.pop("sender_pool").shutdown(wait=False)
        while self.provided:
            _factory, value = self.provided.popitem()
            close = getattr(value, "close", None)
            if callable(close):
                close()
        client = made.pop("redis", None)
        if client is not None:
            client.close()
        if "engine" in made:
            made.pop("engine").dispose()
        made.pop("limiter", None)  # limits' storages hold no connection to give back


def build(settings: Settings | None = None) -> Resources:
    """A fresh container: from `settings`, or from the environment now."""
    return Resources(settings if settings is not None else Settings())
