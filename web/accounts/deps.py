"""Request dependencies: the signed-in user and role checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from web.accounts.models import Role, User
from web.db import SessionDep
from web.errors import DomainError, Forbidden

SESSION_USER_KEY = "uid"
SESSION_VERSION_KEY = "sv"


class SignInRequired(DomainError):
    status = 401

    def __init__(self) -> None:
        super().__init__("error.sign_in_required")


def start_session(request: Request, user: User) -> None:
    """A fresh session for a user who just proved who they are (no session fixation)."""
    request.session.clear()
    request.session[SESSION_USER_KEY] = user.id
    request.session[SESSION_VERSION_KEY] = user.session_version


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
                             or request.session.get(SESSION_VERSION_KEY) != user.session_version):
        # Signed out on the server (or disabled): this cookie no longer stands for anyone.
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
