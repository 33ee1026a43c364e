"""Request dependencies: the signed-in user and role checks."""

from __future__ import annotations

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


def optional_user(request: Request, session: SessionDep) -> User | None:
    uid = request.session.get(SESSION_USER_KEY)
    user = session.get(User, uid) if uid else None
    if user is not None and (not user.is_active
                             or request.session.get(SESSION_VERSION_KEY) != user.session_version):
        # Signed out on the server (or disabled): this cookie no longer stands for anyone.
        request.session.clear()
        user = None
    request.state.user = user
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
