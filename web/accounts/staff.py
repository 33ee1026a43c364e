"""Staff accounts, for admins: the list of officers, admins and estate operators, a new account,
and "sign out everywhere" for one of them. Pages under /desk/officers, in the desk's look."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from core import eec
from core.accounts import service as accounts
from core.accounts.deps import require_roles
from core.accounts.models import Role, User
from core.db import RowId, SessionDep
from core.errors import Invalid, NotFound
from core.forms import form_dict, localized_errors
from core.templating import render

router = APIRouter(prefix="/desk/officers", tags=["accounts"],
                   dependencies=[Depends(require_roles(Role.admin))])
Admin = Annotated[User, Depends(require_roles(Role.admin))]
ROLE_CHOICES = {"admin": Role.admin, "estate_operator": Role.estate_operator}


def _page(request: Request, session: SessionDep, values: dict, errors: dict,
          status_code: int = 200):
    return render(request, "accounts/officers.html", {
        "staff": accounts.list_staff(session), "values": values, "errors": errors,
        "estate_options": eec.estate_options()}, status_code=status_code)


@router.get("")
def officers_page(request: Request, session: SessionDep, admin: Admin):
    return _page(request, session, {}, {})


@router.post("/{user_id}/sign-out-everywhere")
def sign_out_everywhere(user_id: RowId, session: SessionDep, admin: Admin):
    """Ends every session of an account (the admin's own included, if it is theirs)."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound()
    accounts.end_sessions(session, user)
    session.commit()
    return RedirectResponse("/desk/officers?signed_out=1", status_code=303)


@router.post("")
async def create_officer(request: Request, session: SessionDep, admin: Admin):
    values = form_dict(await request.form())
    role = ROLE_CHOICES.get(str(values.get("role", "")), Role.officer)
    try:
        accounts.sign_up(session, email=str(values.get("email", "")),
                         full_name=str(values.get("full_name", "")),
                         password=str(values.get("password", "")),
                         password_confirm=str(values.get("password", "")), consent=True,
                         lang=str(values.get("lang", "th")), role=role,
                         estate_id=str(values.get("estate_id", "")) or None)
    except Invalid as exc:
        values.pop("password", None)
        return _page(request, session, values, localized_errors(exc.errors), status_code=422)
    session.commit()
    return RedirectResponse("/desk/officers?created=1", status_code=303)
