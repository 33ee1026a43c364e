"""A stand-in for EEC OSS that behaves like the real one: OAuth2 client credentials,
Idempotency-Key, synchronous validation (RFC 7807 problem details), asynchronous decisions
delivered as signed callbacks with retries, questions that wait for an answer, and fault
injection.

Run: `uvicorn eec_bridge.oss.sandbox:app --port 8102`. In-memory; a restart forgets all.

Environment (defaults match the portal's development Settings, so nothing needs setting):
  OSS_SANDBOX_CLIENT_ID         OAuth2 client id (default eec-onestop = EEC_EEC_OSS_CLIENT_ID)
  OSS_SANDBOX_CLIENT_SECRET     OAuth2 client secret (default: EEC_EEC_OSS_CLIENT_SECRET)
  OSS_SANDBOX_WEBHOOK_SECRET    signs callbacks (default: EEC_EEC_OSS_WEBHOOK_SECRET)
  OSS_SANDBOX_CALLBACK_URL      where callbacks go when a case names no callbackUrl
                                (default http://127.0.0.1:8000/webhooks/eec-oss)
  OSS_SANDBOX_TOKEN_TTL_S       initial token_ttl_s, access-token lifetime (default 3600)
  OSS_SANDBOX_DECISION_DELAY_S  initial decision_delay_s (default 1.0)
  OSS_SANDBOX_POLICY            initial policy: approve | info_then_approve | reject

API:
  POST /oauth/token  (form: grant_type=client_credentials, client_id, client_secret; or
                      HTTP Basic) → {access_token, token_type: Bearer, expires_in}
  POST /api/v1/cases                         → 202 {caseNumber, state: RECEIVED}
  GET  /api/v1/cases/{caseNumber}
  POST /api/v1/cases/{caseNumber}/answers    → 202 {caseNumber, state: IN_REVIEW}
Callbacks (case.state_changed): IN_REVIEW (sequence 1), then APPROVED, INFO_REQUESTED (a
question in Thai and English) or REJECTED (a reason in both) by `policy`; a description
(descriptionEn) containing [sandbox:approve], [sandbox:info] or [sandbox:reject] steers one
case. An answer brings IN_REVIEW and then APPROVED. Callbacks go out in batches,
`{"events": [...]}` (core/sandbox_kit.py, eec_bridge/MAPPING.md).

Test hooks (no auth): GET|POST /_sandbox/config (adds `policy`, `token_ttl_s`),
POST /_sandbox/reset, GET /_sandbox/stats, GET /_sandbox/callbacks,
POST /_sandbox/revoke-tokens (every issued token then answers 401).
"""

from __future__ import annotations

import base64
import binascii
import csv
import hmac
import itertools
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, cast

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict
from stdnum.th import moa

from core.runtime import get_settings as portal_settings
from core.sandbox_kit import (
    Reply,
    SandboxConfig,
    SandboxError,
    SandboxKit,
    Stream,
    iso,
    sandbox_app,
    utcnow,
)
from eec_bridge.oss import schemas

ESTATES_CSV = (Path(__file__).resolve().parents[2] / "core" / "data" / "estates.csv")
Policy = Literal["approve", "info_then_approve", "reject"]
STEERING = {"[sandbox:approve]": "approve", "[sandbox:info]": "info_then_approve",
            "[sandbox:reject]": "reject"}


class OssSandboxSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OSS_SANDBOX_", extra="ignore")

    client_id: str = "eec-onestop"
    # No secret in the code: by default the portal's own (core/dev_secrets.py in development).
    client_secret: str = Field(default_factory=lambda: portal_settings().eec_oss_client_secret
                               .get_secret_value())
    webhook_secret: str = Field(default_factory=lambda: portal_settings()
                                .eec_oss_webhook_secret.get_secret_value())
    callback_url: str = "http://127.0.0.1:8000/webhooks/eec-oss"
    token_ttl_s: int = 3600
    decision_delay_s: float = 1.0
    policy: Policy = "approve"


class OssSandboxConfig(SandboxConfig):
    policy: Policy = "approve"
    token_ttl_s: int = Field(3600, ge=1, le=86400)


def problem(status: int, code: str, field: str, message: str,
            invalid: list[dict[str, str]] | None = None) -> Response:
    """RFC 7807 problem details; `code` names the problem type."""
    body: dict[str, Any] = {"type": f"urn:eec-oss:problem:{code.lower()}",
                            "title": code.replace("_", " ").capitalize(), "status": status,
                            "detail": message}
    params = invalid if invalid is not None else ([{"name": field, "reason": message}]
                                                  if field else [])
    if params:
        body["invalidParams"] = params
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def _invalid(exc: ValidationError) -> list[dict[str, str]]:
    return [{"name": ".".join(str(p) for p in e["loc"]), "reason": e["msg"]}
            for e in exc.errors(include_url=False)]


def _invalid_reply(params: list[dict[str, str]]) -> Reply:
    return Reply(422, {"type": "urn:eec-oss:problem:validation", "title": "Validation failed",
                       "status": 422, "detail": "The request has invalid fields.",
                       "invalidParams": params})


QUESTIONS = {
    "COMPANY_REGISTRATION": (
        "โปรดส่งแผนธุรกิจและประมาณการเงินลงทุนในเขตพัฒนาพิเศษภาคตะวันออก",
        "Please send the business plan and the estimated investment in the EEC."),
    "FACTORY_LICENCE": ("โปรดส่งแผนผังโรงงานและรายการเครื่องจักร",
                        "Please send the factory layout and the list of machinery."),
    "WORK_PERMIT": ("โปรดส่งสำเนาวุฒิการศึกษาและประวัติการทำงานของผู้เชี่ยวชาญ",
                    "Please send the expert's degree certificate and CV."),
    "INVESTMENT_PROMOTION": (
        "โปรดอธิบายเทคโนโลยีของโครงการและจำนวนพนักงานไทยที่จะจ้าง",
        "Please describe the project's technology and how many Thai staff it will employ."),
}
REJECTION = ("โครงการไม่เข้าเงื่อนไขการส่งเสริมของเขตส่งเสริมที่ระบุ",
             "The project does not meet the promotion criteria of the stated zone.")


def load_estates() -> dict[str, str]:
    with open(ESTATES_CSV, encoding="utf-8") as fh:
        return {row["id"]: row["province_code"] for row in csv.DictReader(fh)}


@dataclass
class CaseRecord(Stream):
    case_number: str
    request: schemas.CaseRequest
    state: str = "RECEIVED"
    question: dict[str, str] | None = None
    reason: dict[str, str] | None = None
    approval_number: str | None = None
    answers: list[dict[str, Any]] = field(default_factory=list)
    created_at: datetime = field(default_factory=utcnow)

    def view(self) -> dict[str, Any]:
        return {"caseNumber": self.case_number,
                "sourceReference": self.request.source_reference,
                "caseType": self.request.case_type, "state": self.state,
                "question": self.question, "reason": self.reason,
                "approvalNumber": self.approval_number, "answers": len(self.answers),
                "createdAt": iso(self.created_at), "updatedAt": iso(self.updated_at)}


class OssSandbox:
    """State and behaviour; `create_app` wires it to FastAPI."""

    def __init__(self, settings: OssSandboxSettings) -> None:
        self.settings = settings
        self.kit = SandboxKit(
            name="EEC OSS", config_model=OssSandboxConfig,
            initial_config={"decision_delay_s": settings.decision_delay_s,
                            "policy": settings.policy, "token_ttl_s": settings.token_ttl_s},
            webhook_secret=settings.webhook_secret, problem=problem,
            stat_keys=("tokens_issued", "stale_tokens", "approved", "info_requested",
                       "rejected", "answers"))
        self.kit.on_reset(self._clear)
        # Numbers keep counting across resets: unique for the sandbox's whole life.
        self.case_numbers = itertools.count(1)
        self.approval_numbers = itertools.count(1)
        self.estates = load_estates()
        self._clear()

    @property
    def config(self) -> OssSandboxConfig:
        # The kit builds it with config_model=OssSandboxConfig (above); SandboxKit types it as
        # the base class.
        return cast(OssSandboxConfig, self.kit.config)

    def _clear(self) -> None:
        self.cases: dict[str, CaseRecord] = {}
        self.tokens: dict[str, float] = {}
        # Every token issued since the last reset, so a 401 for one of ours (expired or
        # revoked: "stale_tokens") is told apart from a stranger's call ("unauthorized" only).
        self.issued: set[str] = set()

    # -- OAuth2 --

    async def issue_token(self, request: Request) -> Response:
        form = await request.form()
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        basic = request.headers.get("Authorization", "")
        if basic.startswith("Basic "):
            try:
                client_id, _, client_secret = base64.b64decode(basic[6:]).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                client_id = client_secret = None
        if form.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        if not (isinstance(client_id, str) and isinstance(client_secret, str)
                and hmac.compare_digest(client_id.encode(), self.settings.client_id.encode())
                and hmac.compare_digest(client_secret.encode(),
                                        self.settings.client_secret.encode())):
            self.kit.stats.add("unauthorized")
            return JSONResponse({"error": "invalid_client"}, status_code=401,
                                headers={"WWW-Authenticate": "Basic"})
        token = secrets.token_urlsafe(32)
        ttl = self.config.token_ttl_s
        self.tokens[token] = time.monotonic() + ttl
        self.issued.add(token)
        self.kit.stats.add("tokens_issued")
        return JSONResponse({"access_token": token, "token_type": "Bearer", "expires_in": ttl},
                            headers={"Cache-Control": "no-store"})

    def authenticate(self, request: Request) -> None:
        header = request.headers.get("Authorization", "")
        token = header[7:] if header.startswith("Bearer ") else ""
        expires = self.tokens.get(token)
        if expires is None or time.monotonic() >= expires:
            if token in self.issued:
                self.kit.stats.add("stale_tokens")
            raise self.kit.unauthorized("INVALID_TOKEN", "Missing, expired or revoked token.")

    # -- cases --

    async def create_case(self, payload: Any) -> Reply:
        try:
            req = schemas.CaseRequest.model_validate(payload)
        except ValidationError as exc:
            return _invalid_reply(_invalid(exc))
        params = []
        if not moa.is_valid(req.investor.juristic_number):
            params.append({"name": "investor.juristicNumber",
                           "reason": "Not a valid juristic person number (check digit)."})
        estate = req.project.estate_id
        if estate and self.estates.get(estate) != req.project.province_code:
            params.append({"name": "project.estateId",
                           "reason": f"No estate {estate!r} in province "
                                     f"{req.project.province_code}."})
        if params:
            return _invalid_reply(params)
        now = utcnow()
        number = f"OSS-{now.year}-{next(self.case_numbers):06d}"
        case = CaseRecord(number, req, callback_url=req.callback_url or self.settings.callback_url)
        self.cases[number] = case
        self.kit.note_record(req.source_reference)
        self.kit.spawn(self._review(case))
        return Reply(202, {"caseNumber": number, "state": "RECEIVED"})

    def _policy(self, case: CaseRecord) -> str:
        text = case.request.project.description_en
        for marker, policy in STEERING.items():
            if marker in text:
                return policy
        return self.config.policy

    def _event(self, case: CaseRecord) -> dict[str, Any]:
        return case.event("case.state_changed", caseNumber=case.case_number,
                          sourceReference=case.request.source_reference,
                          caseType=case.request.case_type, state=case.state,
                          juristicNumber=case.request.investor.juristic_number,
                          question=case.question, reason=case.reason,
                          approvalNumber=case.approval_number)

    async def _review(self, case: CaseRecord) -> None:
        """IN_REVIEW, then the decision; run again after each answer."""
        def start() -> dict[str, Any]:
            case.state, case.question, case.updated_at = "IN_REVIEW", None, utcnow()
            return self._event(case)

        await self.kit.review(case.case_number, case.callback_url, start,
                              lambda: self._decision(case))

    def _decision(self, case: CaseRecord) -> dict[str, Any]:
        """APPROVED, INFO_REQUESTED or REJECTED, as the case's policy says."""
        kit = self.kit
        policy = self._policy(case)
        case.updated_at = utcnow()
        if policy == "reject":
            case.state = "REJECTED"
            case.reason = {"th": REJECTION[0], "en": REJECTION[1]}
            kit.stats.add("rejected")
        elif policy == "info_then_approve" and not case.answers:
            th, en = QUESTIONS[case.request.case_type]
            case.state, case.question = "INFO_REQUESTED", {"th": th, "en": en}
            kit.stats.add("info_requested")
        else:
            case.state = "APPROVED"
            case.approval_number = f"EECO-{case.updated_at.year}-{next(self.approval_numbers):06d}"
            kit.stats.add("approved")
        return self._event(case)

    def case(self, case_number: str) -> CaseRecord:
        case = self.cases.get(case_number)
        if case is None:
            raise SandboxError(404, "NOT_FOUND", f"No case {case_number}.", "caseNumber")
        return case

    async def answer(self, case_number: str, payload: Any) -> Reply:
        case = self.cases.get(case_number)
        if case is None:
            return Reply(404, {"type": "urn:eec-oss:problem:not_found", "title": "Not found",
                               "status": 404, "detail": f"No case {case_number}."})
        try:
            answer = schemas.AnswerRequest.model_validate(payload)
        except ValidationError as exc:
            return _invalid_reply(_invalid(exc))
        if case.state != "INFO_REQUESTED":
            return Reply(409, {"type": "urn:eec-oss:problem:not_awaiting_answer",
                               "title": "Not awaiting an answer", "status": 409,
                               "detail": f"Case {case_number} is {case.state}."})
        case.answers.append(answer.model_dump(mode="json", by_alias=True))
        case.state, case.updated_at = "IN_REVIEW", utcnow()
        self.kit.stats.add("answers")
        self.kit.spawn(self._review(case))
        return Reply(202, {"caseNumber": case_number, "state": "IN_REVIEW"})


def create_app(settings: OssSandboxSettings | None = None) -> FastAPI:
    sandbox = OssSandbox(settings or OssSandboxSettings())
    kit = sandbox.kit
    app = sandbox_app(kit, sandbox, title="EEC OSS sandbox",
                      description="Behaves like EEC OSS for development and tests.",
                      challenge='Bearer error="invalid_token"')
    auth = [Depends(sandbox.authenticate)]

    @app.post("/oauth/token")
    async def post_token(request: Request) -> Response:
        return await sandbox.issue_token(request)

    @app.post("/api/v1/cases", dependencies=auth)
    async def post_case(request: Request) -> Response:
        return await kit.create_once(request, sandbox.create_case)

    @app.get("/api/v1/cases/{case_number}", dependencies=auth)
    async def get_case(case_number: str) -> dict[str, Any]:
        return sandbox.case(case_number).view()

    @app.post("/api/v1/cases/{case_number}/answers", dependencies=auth)
    async def post_answer(case_number: str, request: Request) -> Response:
        return await kit.create_once(request,
                                     lambda payload: sandbox.answer(case_number, payload))

    @app.post("/_sandbox/revoke-tokens")
    async def revoke_tokens() -> dict[str, int]:
        revoked = len(sandbox.tokens)
        sandbox.tokens.clear()
        return {"revoked": revoked}

    return app


app = create_app()
