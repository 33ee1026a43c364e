"""The process's resources in one typed container: settings, the database engine, Redis, the
rate limiter, the Biz Portal and EEC OSS gateways, the register's name index and the delivery
threads. Whoever runs the process owns one: the FastAPI lifespan (web/app.py), each Celery
pool process (eec_bridge/celery_app.py), the relay (eec_bridge/relay.py), and a test, which
builds a fresh one instead of resetting caches. `close()` gives everything back.

Routes reach the container through `ResourcesDep` (or `SettingsDep`), read from
`request.app.state`. Code below the routes (services, tasks) reads `current()`: the
container installed last in this process, or, in a process that installs none (the CLI,
migrations), one built on first use. Each resource is made on first use, so a process that
only reads settings opens no connection; `warm_up()` makes them all at start-up instead."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated

import redis
from fastapi import Depends, Request
from limits.strategies import RateLimiter
from sqlalchemy import text
from sqlalchemy.engine import Engine

import bizportal.gateway
import eec_bridge.oss.gateway

# Modules, not names: web.db, web.security and web.settings import this module last, and
# either side may be imported first.
import web.db
import web.security
from registration.register_index import RegisterIndex
from web.settings import Settings


@dataclass(eq=False)
class Resources:
    """Everything a process opens once and shares; made on first use, closed by `close()`."""

    settings: Settings
    # The register's 10,000 names, indexed once and rebuilt when a name is added.
    register_index: RegisterIndex = field(default_factory=RegisterIndex)

    @cached_property
    def engine(self) -> Engine:
        return web.db.make_engine(self.settings)

    @cached_property
    def limiter(self) -> RateLimiter:
        return web.security.make_limiter(self.settings)

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

    # The gateways' from_settings read the settings of the installed container: install this
    # one (installed(), the lifespan, the worker) before the first delivery.
    @cached_property
    def bizportal(self) -> bizportal.gateway.BizPortalGateway:
        return bizportal.gateway.from_settings()

    @cached_property
    def oss(self) -> eec_bridge.oss.gateway.EecOssGateway:
        return eec_bridge.oss.gateway.from_settings()

    @cached_property
    def sender_pool(self) -> ThreadPoolExecutor:
        """Threads waiting on the other side's reply, one per message of a delivery batch."""
        return ThreadPoolExecutor(max_workers=self.settings.delivery_batch_size,
                                  thread_name_prefix="delivery")

    def warm_up(self) -> None:
        """Opens the database and both gateways (an HTTP client loads its TLS context, tens
        of milliseconds), so the first request or delivery does not."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        self.bizportal, self.oss  # noqa: B018 - made for their side effect

    def close(self) -> None:
        """Closes what was opened; what was never used was never made."""
        made = self.__dict__
        if "sender_pool" in made:
            made.pop("sender_pool").shutdown(wait=False)
        for name in ("bizportal", "oss"):
            if name in made:
                made.pop(name).close()
        client = made.pop("redis", None)
        if client is not None:
            client.close()
        if "engine" in made:
            made.pop("engine").dispose()
        made.pop("limiter", None)  # limits' storages hold no connection to give back


def build(settings: Settings | None = None) -> Resources:
    """A fresh container: from `settings`, or from the environment now."""
    return Resources(settings if settings is not None else Settings())


# The containers installed in this process, the one in use last. A list, not one variable,
# so that a test's app can install its own and put back the one it found.
_installed: list[Resources] = []


def current() -> Resources:
    """The container in use in this process; built from the environment on first use in a
    process that installs none (the CLI, migrations, a one-off script)."""
    if not _installed:
        _installed.append(build())
    return _installed[-1]


def install(resources: Resources) -> None:
    """Makes `resources` the container in use, until `uninstall`."""
    _installed.append(resources)


def uninstall(resources: Resources) -> None:
    """Puts back the container that was in use before `resources` was installed."""
    if resources in _installed:
        _installed.remove(resources)


@contextmanager
def installed(resources: Resources, *, close: bool = False) -> Iterator[Resources]:
    """Makes `resources` the container in use until the block ends; `close` then closes it."""
    install(resources)
    try:
        yield resources
    finally:
        uninstall(resources)
        if close:
            resources.close()


def get_resources(request: Request) -> Resources:
    """The app's container (its lifespan's); an app served without running its lifespan
    (a test client that was not entered) uses the one installed in the process."""
    return getattr(request.app.state, "resources", None) or current()


def get_app_settings(request: Request) -> Settings:
    return get_resources(request).settings


ResourcesDep = Annotated[Resources, Depends(get_resources)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
