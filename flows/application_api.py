"""The JSON twin of "My applications" and the status page: GET /api/v1/applications and
/api/v1/applications/{id}, each application with its live state and next action
(flows.application_status), so a client of the API is told what the applicant is shown.
Composed here, not in registration/api.py, because the state needs the case (eec_bridge) as
well as the application. Access is registration's: the applicant's own, staff may read."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from core.accounts.deps import CurrentUser
from core.db import RowId, SessionDep, stored_id
from core.i18n import message
from core.problems import problems
from eec_bridge.models import Case
from flows.application_status import ActionCode, StateCode, applicant_state, cases_by_application
from flows.submission import case_of
from registration import repository, service
from registration.api import application_json
from registration.models import Application
from registration.schemas import ApplicationOut, ApplicationSummary

router = APIRouter(prefix="/api/v1", tags=["registration-api"])


class NextActionOut(BaseModel):
    code: ActionCode = Field(description="The same in every language")
    label: str = Field(description="In the caller's language")
    url: str = Field(description="The portal page that does it, as the portal links it",
                     examples=["/registration/42/status#info-request"])


class LiveState(BaseModel):
    """Where the application really stands, as its applicant's pages show it."""

    state: StateCode = Field(description="The same in every language")
    state_label: str = Field(description="In the caller's language")
    next_action: NextActionOut
    juristic_number: str | None = Field(
        description="The company's juristic person number (13 digits), once registered",
        examples=["0205569012345"])


class ApplicationListItem(ApplicationSummary, LiveState):
    pass


class ApplicationStatusOut(ApplicationOut, LiveState):
    pass


def live_state(application: Application, case: Case | None) -> LiveState:
    state = applicant_state(application, case)
    return LiveState(
        state=state.state, state_label=message(state.state_key),
        next_action=NextActionOut(code=state.action, label=message(state.action_key),
                                  url=state.action_url),
        juristic_number=case.juristic_number if case is not None else None)


@router.get("/applications", response_model=list[ApplicationListItem], responses=problems(401))
def list_applications(session: SessionDep, user: CurrentUser) -> list[ApplicationListItem]:
    """The caller's applications, newest first, each with its state and next action."""
    applications = repository.applications_of(session, user)
    cases = cases_by_application(session, applications)
    return [ApplicationListItem(
        id=stored_id(a.id), status=a.status, reference=a.reference, name_th=a.name_th,
        name_en=a.name_en, **dict(live_state(a, cases.get(stored_id(a.id)))))
        for a in applications]


@router.get("/applications/{application_id}", response_model=ApplicationStatusOut,
            responses=problems(401, 404))
def get_application(application_id: RowId, session: SessionDep,
                    user: CurrentUser) -> ApplicationStatusOut:
    """The application, its timeline, its state and its next action."""
    application = service.get_application(session, user, application_id)
    return ApplicationStatusOut(**application_json(session, application),
                                **dict(live_state(application, case_of(session, application))))
