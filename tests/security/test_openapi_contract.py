"""The API keeps the contract its OpenAPI document states. Schemathesis generates requests
(valid and invalid) for every operation of /api/openapi.json and sends them over HTTP to
the real portal under uvicorn, signed in as an applicant and as an officer; no answer may
be a server error, and every answer's status, content type and body must be the documented
ones. Bounded: a few examples per operation, so the whole run takes a few minutes.

(Schemathesis's own pytest plugin needs a pytest private that pytest 9 dropped, so the
operations are run here with Hypothesis directly, the way its Python API documents.)"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import Browser, create_application, create_officer, create_user, sign_in
from tests.stack import served

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]
EXAMPLES_PER_OPERATION = 40  # about two minutes for both roles on both databases


@pytest.fixture(scope="module")
def portal(database_url, tmp_path_factory) -> Iterator[str]:
    """The portal under uvicorn, on the test database (DATABASE_URL is in the environment)."""
    with served("web.main:app", {}, tmp_path_factory.mktemp("portal"), ready_path="/healthz",
                timeout_s=90) as base_url:
        yield base_url


@dataclass
class Caller:
    """Who the requests come from: their session cookie and CSRF token (and the ticket API's
    bearer token), and an application they may read."""

    headers: dict[str, str]
    application_id: int


def signed_in(portal: str, role: str, session) -> Caller:
    with httpx.Client(base_url=portal) as client:
        browser = Browser(client)
        create_user(browser)
        application_id = create_application(browser)
        if role == "officer":
            client.cookies.clear()
            sign_in(browser, create_officer(session))
        token = client.get("/api/v1/session").json()["csrf_token"]
        cookies = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    from core.runtime import get_settings

    service_token = get_settings().chatbot_service_token.get_secret_value()
    return Caller({"Cookie": cookies, "X-CSRF-Token": token,
                   "Authorization": f"Bearer {service_token}"}, application_id)


def strategies(operation, caller: Caller):
    """Valid and invalid requests, and valid ones about a real application (most generated
    ids name none, and would test only the not-found path)."""
    yield "positive", operation.as_strategy(GenerationMode.POSITIVE)
    yield "negative", operation.as_strategy(GenerationMode.NEGATIVE)
    if "{application_id}" in operation.path:
        yield "own application", operation.as_strategy(
            GenerationMode.POSITIVE, path_parameters={"application_id": caller.application_id})


@pytest.mark.parametrize("role", ["applicant", "officer"])
def test_every_answer_is_documented_and_none_is_a_server_error(portal, session, role):
    caller = signed_in(portal, role, session)
    schema = schemathesis.openapi.from_url(f"{portal}/api/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    failures: list[str] = []
    for operation in operations:
        for name, strategy in strategies(operation, caller):
            # Derandomized: `make test` sends the same requests every run, so a failure is
            # reproducible and never a flake; raise EXAMPLES_PER_OPERATION to explore more.
            @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                      derandomize=True,
                      phases=[Phase.explicit, Phase.generate],
                      suppress_health_check=list(HealthCheck))
            @given(case=strategy)
            def conforms(case) -> None:
                case.call_and_validate(headers=caller.headers, checks=CHECKS, timeout=30)

            try:
                conforms()
            except Unsatisfiable:  # nothing about this operation can be sent invalid
                continue
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - all are reported
                failures.append(f"{operation.label} ({name}): {exc}")
    assert not failures, "\n\n".join(failures)


def test_the_document_states_problem_details_for_errors(portal):
    document = httpx.get(f"{portal}/api/openapi.json").json()
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "key"} <= set(problem["required"])
    assert problem["properties"]["errors"]["anyOf"][0]["items"]["$ref"].endswith(
        "/FieldProblem")
    put = document["paths"]["/api/v1/applications/{application_id}/{step}"]["put"]
    for status in ("401", "403", "404", "413", "422"):
        assert list(put["responses"][status]["content"]) == ["application/problem+json"]
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert all(path.startswith(("/api/", "/open311/")) for path in document["paths"])
