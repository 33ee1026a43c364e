"""A stand-in for Biz Portal that behaves like the real one: API-key auth, Idempotency-Key,
synchronous validation (422), asynchronous decisions delivered as signed callbacks with
retries, a cursor feed of EEC-relevant licence applications, and fault injection.

Run: `uvicorn bizportal.sandbox:app --port 8101`. In-memory; a restart forgets everything.

Environment (defaults match the portal's development Settings, so nothing needs setting):
  BIZPORTAL_SANDBOX_API_KEY           the key callers send as `Authorization: Bearer <key>`
                                      (default: the portal's EEC_BIZPORTAL_API_KEY)
  BIZPORTAL_SANDBOX_WEBHOOK_SECRET    signs callbacks (default: the portal's
                                      EEC_BIZPORTAL_WEBHOOK_SECRET)
  BIZPORTAL_SANDBOX_CALLBACK_URL      where callbacks go when a request names no callbackUrl
                                      (default http://127.0.0.1:8000/webhooks/bizportal)
  BIZPORTAL_SANDBOX_DECISION_DELAY_S  initial decision_delay_s (default 1.0)

API (Authorization: Bearer <key>; every creating POST needs an Idempotency-Key):
  POST /api/v1/registrations                      → 202 {registrationId, status: RECEIVED}
  GET  /api/v1/registrations/{registrationId}
  GET  /api/v1/licence-applications?cursor=&limit= → {items, nextCursor, hasMore}
  GET  /api/v1/licence-applications/{id}
  POST /api/v1/licence-applications/{id}/status   → 202 {applicationId, status, acceptedAt}
Callbacks (registration.status_changed): IN_REVIEW (sequence 1), then REGISTERED with a
juristic person number or REJECTED when the Thai or English name is already registered here.
They go out in batches, `{"events": [...]}` (core/sandbox_kit.py, eec_bridge/MAPPING.md).

Test hooks (no auth): GET|POST /_sandbox/config, POST /_sandbox/reset, GET /_sandbox/stats,
GET /_sandbox/callbacks, POST /_sandbox/licence-applications ({"generate": n} or {"items": [...]}).
"""

from __future__ import annotations

import base64
import binascii
import csv
import hmac
import itertools
import json
import random
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict
from stdnum.th import moa, pin

from bizportal import schemas
from core.runtime import get_settings as portal_settings
from core.sandbox_kit import (
    Reply,
    SandboxError,
    SandboxKit,
    Stream,
    iso,
    json_body,
    sandbox_app,
    utcnow,
)

ESTATES_CSV = Path(__file__).resolve().parent.parent / "core" / "data" / "estates.csv"
COMPANY_TYPES = {"5", "7"}
MIN_PAR_VALUE = 5
MIN_PAID_UP_PERCENT = 25
MAX_FEED_LIMIT = 200
BANGKOK_OFFICE = "10"


class BizPortalSandboxSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BIZPORTAL_SANDBOX_", extra="ignore")

    # No secret in the code: by default the portal's own (core/dev_secrets.py in development).
    api_key: str = Field(default_factory=lambda: portal_settings().bizportal_api_key
                         .get_secret_value())
    webhook_secret: str = Field(default_factory=lambda: portal_settings()
                                .bizportal_webhook_secret.get_secret_value())
    callback_url: str = "http://127.0.0.1:8000/webhooks/bizportal"
    decision_delay_s: float = 1.0


MESSAGES_TH = {
    "REQUIRED": "ต้องระบุข้อมูลนี้",
    "INVALID_FORMAT": "รูปแบบข้อมูลไม่ถูกต้อง",
    "INVALID_VALUE": "ค่านี้ไม่อยู่ในรายการที่กำหนด",
    "INVALID": "ข้อมูลไม่ถูกต้อง",
    "NAME_TH_NOT_THAI": "ชื่อภาษาไทยต้องเขียนด้วยอักษรไทย",
    "TOO_FEW_PROMOTERS": "ผู้เริ่มก่อการต้องมีอย่างน้อย 2 คน",
    "TOO_FEW_PARTNERS": "ห้างหุ้นส่วนต้องมีหุ้นส่วนอย่างน้อย 2 คน",
    "PAR_VALUE_TOO_LOW": "มูลค่าหุ้นต้องไม่ต่ำกว่าหุ้นละ 5 บาท",
    "PAID_UP_TOO_LOW": "ต้องชำระค่าหุ้นไม่น้อยกว่าร้อยละ 25",
    "CAPITAL_MISMATCH": "ทุนจดทะเบียนต้องเท่ากับจำนวนหุ้นคูณมูลค่าหุ้น",
    "SHARES_MISMATCH": "จำนวนหุ้นของผู้ถือหุ้นรวมกันต้องเท่ากับจำนวนหุ้นทั้งหมด",
    "WITNESSES_REQUIRED": "ต้องมีพยาน 2 คน",
    "INVALID_ID": "เลขประจำตัวประชาชนไม่ถูกต้อง",
    "SIGNING_RULE_UNSATISFIABLE": "จำนวนกรรมการผู้มีอำนาจลงนามไม่พอตามข้อกำหนด",
}


def problem(status: int, code: str, field: str, message: str) -> Response:
    """Biz Portal's error body: {"errors": [{field, code, message, messageTh}]}."""
    return JSONResponse({"errors": [{"field": field, "code": code, "message": message,
                                     "messageTh": MESSAGES_TH.get(code, "")}]},
                        status_code=status)


def _field_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _pydantic_errors(exc: ValidationError) -> list[dict[str, str]]:
    found = []
    for error in exc.errors(include_url=False):
        kind = error["type"]
        code = ("REQUIRED" if kind in ("missing", "string_too_short", "too_short")
                else "INVALID_VALUE" if kind in ("literal_error", "enum")
                else "INVALID_FORMAT" if kind.endswith(("_parsing", "_type", "pattern_mismatch"))
                else "INVALID")
        found.append({"field": _field_path(error["loc"]), "code": code, "message": error["msg"],
                      "messageTh": MESSAGES_TH[code]})
    return found


def _error(field: str, code: str, message: str) -> dict[str, str]:
    return {"field": field, "code": code, "message": message, "messageTh": MESSAGES_TH[code]}


def business_rule_errors(req: schemas.RegistrationRequest) -> list[dict[str, str]]:
    """The registrar's checks on a memorandum of association (หนังสือบริคณห์สนธิ)."""
    errors = []
    if not re.search(r"[\u0E00-\u0E7F]", req.name_th):
        errors.append(_error("nameTh", "NAME_TH_NOT_THAI", "The Thai name must be in Thai."))
    if req.juristic_type in COMPANY_TYPES:
        promoters = sum(1 for s in req.shareholders if s.promoter)
        if promoters < 2:
            errors.append(_error("shareholders", "TOO_FEW_PROMOTERS",
                                 f"A company needs at least 2 promoters; found {promoters}."))
        cap = req.capital
        if cap is None:
            errors.append(_error("capital", "REQUIRED", "A company states its capital."))
        else:
            if cap.par_value < MIN_PAR_VALUE:
                errors.append(_error("capital.parValue", "PAR_VALUE_TOO_LOW",
                                     f"Par value must be at least {MIN_PAR_VALUE} baht."))
            if cap.paid_up_percent < MIN_PAID_UP_PERCENT:
                errors.append(_error("capital.paidUpPercent", "PAID_UP_TOO_LOW",
                                     f"At least {MIN_PAID_UP_PERCENT}% must be paid up."))
            if cap.shares * cap.par_value != cap.registered:
                errors.append(_error("capital.registered", "CAPITAL_MISMATCH",
                                     "Registered capital must equal shares times par value."))
            held = [s.shares for s in req.shareholders if s.shares is not None]
            if len(held) == len(req.shareholders) and sum(held) != cap.shares:
                errors.append(_error("shareholders", "SHARES_MISMATCH",
                                     "The shareholders' shares must add up to all shares."))
    elif len(req.shareholders) < 2:
        errors.append(_error("shareholders", "TOO_FEW_PARTNERS",
                             "A partnership needs at least 2 partners."))
    if len(req.witnesses) != 2:
        errors.append(_error("witnesses", "WITNESSES_REQUIRED", "Exactly 2 witnesses sign."))
    for group, people in (("shareholders", req.shareholders), ("directors", req.directors),
                          ("witnesses", req.witnesses)):
        for i, person in enumerate(people):
            ident = person.identification
            if ident.type == "CITIZEN_ID" and not pin.is_valid(ident.number):
                errors.append(_error(f"{group}[{i}].identification.number", "INVALID_ID",
                                     "The Thai citizen ID is not valid."))
    if req.signing_rule is not None:
        signers = sum(1 for d in req.directors if d.authorised_signatory)
        if req.signing_rule.signatories_required > signers:
            errors.append(_error("signingRule.signatoriesRequired",
                                 "SIGNING_RULE_UNSATISFIABLE",
                                 "More signatories are required than directors who may sign."))
    return errors


class JuristicNumbers:
    """Juristic person numbers as DBD builds them: 0, registration office (2 digits), juristic
    type (1), Buddhist Era year (last 3 digits), running number (5), mod-11 check digit."""

    def __init__(self) -> None:
        self._running = itertools.count(random.Random().randrange(1000, 9000))

    def issue(self, office_code: str, juristic_type: str, when: datetime | None = None) -> str:
        year_be = (when or utcnow()).year + 543
        stem = f"0{office_code[-2:]:0>2}{juristic_type}{year_be % 1000:03d}" \
               f"{next(self._running) % 100000:05d}"
        return stem + moa.calc_check_digit(stem)


def _normal(name: str) -> str:
    return " ".join(name.casefold().split())


@dataclass
class RegistrationRecord(Stream):
    registration_id: str
    request: schemas.RegistrationRequest
    status: str = "RECEIVED"
    juristic_person_number: str | None = None
    reasons: list[dict[str, str]] = field(default_factory=list)
    submitted_at: datetime = field(default_factory=utcnow)

    def view(self) -> dict[str, Any]:
        return {"registrationId": self.registration_id,
                "externalReference": self.request.external_reference,
                "status": self.status, "nameTh": self.request.name_th,
                "nameEn": self.request.name_en,
                "juristicPersonNumber": self.juristic_person_number, "reasons": self.reasons,
                "submittedAt": iso(self.submitted_at), "updatedAt": iso(self.updated_at)}


# ---- realistic licence applications --------------------------------------------------------

LICENCE_TEXT = {
    "FACTORY_LICENCE": ("ขออนุญาตประกอบกิจการโรงงาน (ร.ง.4) สำหรับสายการผลิต{what_th}",
                        "Factory operation licence (Ror.Ngor.4) for a {what_en} production line"),
    "WORK_PERMIT": ("ขอใบอนุญาตทำงานสำหรับผู้เชี่ยวชาญต่างชาติด้าน{what_th}",
                    "Work permit for a foreign expert in {what_en}"),
    "INVESTMENT_PROMOTION": ("ขอรับการส่งเสริมการลงทุนในเขตพัฒนาพิเศษภาคตะวันออก กิจการ{what_th}",
                             "EEC investment promotion for a {what_en} business"),
}
INDUSTRY_TEXT = {
    "S01": ("ชิ้นส่วนยานยนต์ไฟฟ้า", "electric vehicle parts"),
    "S02": ("แผงวงจรอิเล็กทรอนิกส์", "printed circuit board"),
    "S03": ("บริการสุขภาพและความงาม", "wellness services"),
    "S04": ("เทคโนโลยีชีวภาพการเกษตร", "agricultural biotechnology"),
    "S05": ("อาหารแห่งอนาคต", "plant-based food"),
    "S06": ("หุ่นยนต์อุตสาหกรรม", "industrial robot"),
    "S07": ("ซ่อมบำรุงอากาศยาน", "aircraft maintenance"),
    "S08": ("เคมีชีวภาพ", "bio-chemical"),
    "S09": ("ศูนย์ข้อมูล", "data centre"),
    "S10": ("เครื่องมือแพทย์", "medical device"),
    "S11": ("อุปกรณ์ป้องกันประเทศ", "defence equipment"),
    "S99": ("ผลิตภัณฑ์อุตสาหกรรม", "industrial products"),
}
NAME_SYLLABLES = (["สยาม", "ทอง", "ไทย", "บูรพา", "ตะวันออก", "มั่นคง", "รุ่งเรือง", "เจริญ"],
                  ["Siam", "Thong", "Thai", "Burapha", "Eastern", "Mankong", "Rungruang",
                   "Charoen"])


def load_estates() -> list[dict[str, str]]:
    with open(ESTATES_CSV, encoding="utf-8") as fh:
        return [{"id": row["id"], "province_code": row["province_code"]}
                for row in csv.DictReader(fh)]


def encode_cursor(after: int) -> str:
    raw = json.dumps({"v": 1, "after": after}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        after = data["after"]
        if data.get("v") != 1 or not isinstance(after, int) or after < 0:
            raise ValueError(cursor)
        return after
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise SandboxError(400, "INVALID_CURSOR", "The cursor is not one we issued.",
                           "cursor") from exc


# ---- the app -------------------------------------------------------------------------------


class BizPortalSandbox:
    """State and behaviour; `create_app` wires it to FastAPI."""

    def __init__(self, settings: BizPortalSandboxSettings) -> None:
        self.settings = settings
        self.kit = SandboxKit(
            name="Biz Portal",
            initial_config={"decision_delay_s": settings.decision_delay_s},
            webhook_secret=settings.webhook_secret, problem=problem,
            stat_keys=("registered", "rejected", "licence_status_updates"))
        self.kit.on_reset(self._clear)
        # Ids and numbers keep counting across resets: unique for the sandbox's whole life.
        self.registration_ids = itertools.count(1)
        self.licence_seq = itertools.count(1)
        self.juristic_numbers = JuristicNumbers()
        self.estates = load_estates()
        self._clear()

    def _clear(self) -> None:
        self.registrations: dict[str, RegistrationRecord] = {}
        self.registered_names: set[str] = set()
        self.licences: dict[str, dict[str, Any]] = {}
        self.licence_order: list[tuple[int, str]] = []
        self.licence_history: dict[str, list[dict[str, Any]]] = {}

    # -- auth --

    def authenticate(self, request: Request) -> None:
        header = request.headers.get("Authorization", "")
        expected = f"Bearer {self.settings.api_key}"
        if not hmac.compare_digest(header.encode(), expected.encode()):
            raise self.kit.unauthorized("UNAUTHORIZED", "Missing or wrong API key.")

    # -- registrations --

    async def create_registration(self, payload: Any) -> Reply:
        try:
            req = schemas.RegistrationRequest.model_validate(payload)
        except ValidationError as exc:
            return Reply(422, {"errors": _pydantic_errors(exc)})
        errors = business_rule_errors(req)
        if errors:
            return Reply(422, {"errors": errors})
        now = utcnow()
        registration_id = f"BP-REG-{now.year}-{next(self.registration_ids):06d}"
        record = RegistrationRecord(
            registration_id, req, callback_url=req.callback_url or self.settings.callback_url)
        self.registrations[registration_id] = record
        self.kit.note_record(req.external_reference)
        self.kit.spawn(self._decide(record))
        return Reply(202, {"registrationId": registration_id, "status": "RECEIVED"})

    def _event(self, record: RegistrationRecord) -> dict[str, Any]:
        return record.event("registration.status_changed",
                            registrationId=record.registration_id,
                            externalReference=record.request.external_reference,
                            status=record.status,
                            juristicPersonNumber=record.juristic_person_number,
                            reasons=record.reasons)

    async def _decide(self, record: RegistrationRecord) -> None:
        def start() -> dict[str, Any]:
            record.status, record.updated_at = "IN_REVIEW", utcnow()
            return self._event(record)

        await self.kit.review(record.registration_id, record.callback_url, start,
                              lambda: self._decision(record))

    def _decision(self, record: RegistrationRecord) -> dict[str, Any]:
        """REGISTERED with a juristic person number, or REJECTED when a name is taken."""
        req = record.request
        reasons = []
        if _normal(req.name_th) in self.registered_names:
            reasons.append({"code": "NAME_TH_TAKEN",
                            "messageTh": f"ชื่อ “{req.name_th}” จดทะเบียนไว้แล้ว",
                            "messageEn": f"The Thai name “{req.name_th}” is already registered."})
        if _normal(req.name_en) in self.registered_names:
            reasons.append({"code": "NAME_EN_TAKEN",
                            "messageTh": f"ชื่อภาษาอังกฤษ “{req.name_en}” จดทะเบียนไว้แล้ว",
                            "messageEn": f"The English name “{req.name_en}” is already "
                                         "registered."})
        record.updated_at = utcnow()
        if reasons:
            record.status, record.reasons = "REJECTED", reasons
            self.kit.stats.add("rejected")
        else:
            self.registered_names.update({_normal(req.name_th), _normal(req.name_en)})
            record.status = "REGISTERED"
            record.juristic_person_number = self.juristic_numbers.issue(
                req.head_office.province_code or BANGKOK_OFFICE, req.juristic_type,
                record.updated_at)
            self.kit.stats.add("registered")
        return self._event(record)

    def get_registration(self, registration_id: str) -> dict[str, Any]:
        record = self.registrations.get(registration_id)
        if record is None:
            raise SandboxError(404, "NOT_FOUND", f"No registration {registration_id}.",
                               "registrationId")
        return record.view()

    # -- licence applications --

    def add_licences(self, partials: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Validates every item first (ValidationError adds none), then files them in order."""
        now = utcnow()
        seqs = [next(self.licence_seq) for _ in partials]
        items = [
            schemas.LicenceApplication.model_validate(
                {"applicationId": f"BP-LIC-{now.year}-{seq:06d}", "status": "SUBMITTED",
                 "submittedAt": iso(now), **partial}).model_dump(mode="json", by_alias=True)
            for seq, partial in zip(seqs, partials, strict=True)
        ]
        for seq, item in zip(seqs, items, strict=True):
            self.licences[item["applicationId"]] = item
            self.licence_order.append((seq, item["applicationId"]))
            self.licence_history[item["applicationId"]] = []
        return items

    def generated_licence(self, rng: random.Random) -> dict[str, Any]:
        estate = rng.choice(self.estates)
        kind = rng.choice(list(LICENCE_TEXT))
        industry = rng.choice(list(INDUSTRY_TEXT))
        th_words, en_words = NAME_SYLLABLES
        picks = rng.sample(range(len(th_words)), 2)
        what_th, what_en = INDUSTRY_TEXT[industry]
        text_th, text_en = LICENCE_TEXT[kind]
        return {
            "licenceType": kind,
            "applicant": {
                "juristicPersonNumber": self.juristic_numbers.issue(estate["province_code"], "5"),
                "nameTh": f"บริษัท {''.join(th_words[i] for i in picks)} จำกัด",
                "nameEn": f"{' '.join(en_words[i] for i in picks)} Company Limited",
            },
            "site": {"provinceCode": estate["province_code"], "estateId": estate["id"]},
            "targetIndustry": industry,
            "descriptionTh": text_th.format(what_th=what_th),
            "descriptionEn": text_en.format(what_en=what_en),
        }

    def licence_page(self, cursor: str | None, limit: int) -> dict[str, Any]:
        if not 1 <= limit <= MAX_FEED_LIMIT:
            raise SandboxError(422, "INVALID_VALUE", f"limit must be 1..{MAX_FEED_LIMIT}.",
                               "limit")
        after = decode_cursor(cursor) if cursor else 0
        newer = [(seq, lid) for seq, lid in self.licence_order if seq > after]
        page = newer[:limit]
        next_after = page[-1][0] if page else after
        return {"items": [self.licences[lid] for _, lid in page],
                "nextCursor": encode_cursor(next_after), "hasMore": len(newer) > len(page)}

    async def update_licence_status(self, licence_id: str, payload: Any) -> Reply:
        item = self.licences.get(licence_id)
        if item is None:
            return Reply(404, {"errors": [_error_404(licence_id)]})
        try:
            update = schemas.LicenceStatusUpdate.model_validate(payload)
        except ValidationError as exc:
            return Reply(422, {"errors": _pydantic_errors(exc)})
        now = utcnow()
        item["status"] = update.status
        self.licence_history[licence_id].append(
            {"status": update.status, "note": update.note, "at": iso(now)})
        self.kit.stats.add("licence_status_updates")
        return Reply(202, {"applicationId": licence_id, "status": update.status,
                           "acceptedAt": iso(now)})


def _error_404(licence_id: str) -> dict[str, str]:
    return {"field": "applicationId", "code": "NOT_FOUND",
            "message": f"No licence application {licence_id}.", "messageTh": "ไม่พบคำขอนี้"}


def create_app(settings: BizPortalSandboxSettings | None = None) -> FastAPI:
    sandbox = BizPortalSandbox(settings or BizPortalSandboxSettings())
    kit = sandbox.kit
    app = sandbox_app(kit, sandbox, title="Biz Portal sandbox",
                      description="Behaves like Biz Portal for development and tests.",
                      challenge="Bearer")
    auth = [Depends(sandbox.authenticate)]

    @app.post("/api/v1/registrations", dependencies=auth)
    async def post_registration(request: Request) -> Response:
        return await kit.create_once(request, sandbox.create_registration)

    @app.get("/api/v1/registrations/{registration_id}", dependencies=auth)
    async def get_registration(registration_id: str) -> dict[str, Any]:
        return sandbox.get_registration(registration_id)

    @app.get("/api/v1/licence-applications", dependencies=auth)
    async def get_licence_applications(cursor: str | None = None,
                                       limit: int = 50) -> dict[str, Any]:
        return sandbox.licence_page(cursor, limit)

    @app.get("/api/v1/licence-applications/{licence_id}", dependencies=auth)
    async def get_licence_application(licence_id: str) -> dict[str, Any]:
        item = sandbox.licences.get(licence_id)
        if item is None:
            raise SandboxError(404, "NOT_FOUND", f"No licence application {licence_id}.",
                               "applicationId")
        return {**item, "history": sandbox.licence_history[licence_id]}

    @app.post("/api/v1/licence-applications/{licence_id}/status", dependencies=auth)
    async def post_licence_status(licence_id: str, request: Request) -> Response:
        return await kit.create_once(
            request, lambda payload: sandbox.update_licence_status(licence_id, payload))

    @app.post("/_sandbox/licence-applications")
    async def post_sandbox_licences(request: Request) -> Response:
        body = await json_body(request)
        if isinstance(body, dict) and "generate" in body:
            count = int(body["generate"])
            if not 0 <= count <= 10_000:
                raise SandboxError(422, "INVALID_VALUE", "generate must be 0..10000.",
                                   "generate")
            partials = [sandbox.generated_licence(kit.rng) for _ in range(count)]
        else:
            partials = body.get("items", [body]) if isinstance(body, dict) else body
        try:
            items = sandbox.add_licences(list(partials))
        except ValidationError as exc:
            return JSONResponse({"errors": _pydantic_errors(exc)}, status_code=422)
        return JSONResponse({"items": items}, status_code=201)

    return app


app = create_app()
