"""Which container (core/container.py) this process uses, and the read-outs every module calls:
`get_settings()`, `get_engine()`, and the route dependency `SettingsDep`.

Routes read the app's container from `request.app.state`; code below the routes (services,
tasks) reads `current()`: the container installed last, or, in a process that installs none
(the CLI, migrations, a one-off script), one built on first use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Engine

from core.container import Resources, build
from core.settings import Settings

# The containers installed in this process, the one in use last. A list, not one variable,
# so that a test's app can install its own and put back the one it found.
_installed: list[Resources] = []


def current() -> Resources:
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


def get_settings() -> Settings:
    """The settings of the container in use: a test or a process that wants other settings
    builds and installs a container with them."""
    return current().settings


def get_engine() -> Engine:
    """The engine of the container in use, for code below the routes."""
    return current().engine


def get_resources(request: Request) -> Resources:
    """The app's container (its lifespan's); an app served without running its lifespan
    (a test client that was not entered) uses the one installed in the process."""
    return getattr(request.app.state, "resources", None) or current()


def get_app_settings(request: Request) -> Settings:
    return get_resources(request).settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
