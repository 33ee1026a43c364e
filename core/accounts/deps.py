"""Request dependencies: the signed-in user and role checks."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from core.accounts.models import Role, User
from core.db import SessionDep
from core.errors import DomainError, Forbidden
from core.runtime import get_settings

SESSION_USER_KEY = "uid"
SESSION_VERSION_KEY = "sv"
SESSION_SIGNED_IN_AT_KEY = "iat"  # seconds since the epoch


class SignInRequired(DomainError):
    status = 401

    def __init__(self) -> None:
        super().__init__("error.sign_in_required")


def start_session(request: Request, user: User) -> None:
    """A fresh session for a user who just proved who they are (no session fixation)."""
    request.session.clear()
    request.session[SESSION_USER_KEY] = user.id
    request.session[SESSION_VERSION_KEY] = user.session_version
    request.session[SESSION_SIGNED_IN_AT_KEY] = int(time.time())


def _session_expired(request: Request) -> bool:
    """The cookie's own lifetime restarts with every response; this one does not. A session
    from before sign-in times were stored has none, and counts as expired."""
    signed_in_at = request.session.get(SESSION_SIGNED_IN_AT_KEY)
    if not isinstance(signed_in_at, int):
        return True
    return time.time() - signed_in_at > get_settings().session_absolute_max_age_s


@dataclass(frozen=True)
class Viewer:
    """What every page shows of the signed-in user (the header's name and desk links), as
    plain values: a page rendered after the request's database session has closed (the
    500 page) reads these, never a detached row's lazy attributes."""

    full_name: str
    role: Role

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.officer, Role.admin)


def optional_user(request: Request, session: SessionDep) -> User | None:
    uid = request.session.get(SESSION_USER_KEY)
    user = session.get(User, uid) if uid else None
    if user is not None and (not user.is_active
                             or request.session.get(SESSION_VERSION_KEY) != user.session_version
                             or _session_expired(request)):
        # Signed out on the server, disabled, or signed in too long ago: this cookie no
        # longer stands for anyone.
        request.session.clear()
        user = None
    request.state.user = Viewer(user.full_name, user.role) if user is not None else None
    return user


# Checks that do no I/O are coroutines: FastAPI runs them on the event loop, not a thread.
async def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise SignInRequired()
    return user


def require_roles(*roles: Role):
    async def check(user: Annotated[User, Depends(current_user)]) -> User:
        if user.role not in roles:
            raise Forbidden()
        return user

    return check


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]
OfficerUser = Annotated[User, Depends(require_roles(Role.officer, Role.admin))]
