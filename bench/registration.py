"""Registration benchmarks against the real portal under uvicorn (SQLite, a register of 10,000
names, real Redis): name-check latency and the rate of complete submissions, each also as a
ratio against a bare FastAPI JSON endpoint measured in the same run with the same client.

Requests to the portal and to the baseline alternate one for one, so a slow spell on a noisy
machine lands on both sides of a ratio instead of on one."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from stdnum.th import pin

from bench.common import (
    Figure,
    Target,
    note,
    percentile,
    portal_database,
    portal_env,
    redis_for_run,
    uvicorn_server,
)

TARGETS = [
    Target("registration.name_check_p95_ms", at_most=25.0,
           hint="python -m bench.profile name_check"),
    Target("registration.submit_rps_ratio", at_least=0.3, hint="python -m bench.profile submit"),
]

WARMUP_REQUESTS = 40
NAME_CHECKS = 300
DRAFTS = 200
FLOOR_REQUESTS = 100
REQUEST_TIMEOUT_S = 30.0
ENTITY_TYPE = "limited_company"

# Distinctive words that are not in the seeded register's vocabulary, for names that should
# come back free (Thai spelling, English spelling).
NEW_WORDS: tuple[tuple[str, str], ...] = (
    ("เซนิธ", "Zenith"), ("ออโรร่า", "Aurora"), ("นาวาเทค", "Navatech"), ("คริสตัล", "Crystal"),
    ("เวอร์เทกซ์", "Vertex"), ("ลูมินา", "Lumina"), ("ควอนตัม", "Quantum"),
    ("ฮาร์เบอร์", "Harbour"),
    ("ริเวอร์ไซด์", "Riverside"), ("แกรนิต", "Granite"), ("ซีบรีซ", "Sea Breeze"),
    ("เรดโลตัส", "Red Lotus"), ("ไวท์เครน", "White Crane"), ("พาโนรามา", "Panorama"),
    ("โคบอลต์", "Cobalt"), ("แมกโนเลีย", "Magnolia"), ("ทริปเปิลวัน", "Triple One"),
    ("นอร์ธสตาร์", "North Star"), ("เอเวอร์กรีน", "Evergreen"), ("ไพน์ฮิลล์", "Pine Hill"),
)
_EN_ENDING = re.compile(r"\s+(?:Company Limited|Co\., Ltd\.)$")
_THAI_CONSONANT = re.compile("[\u0e01-\u0e2e]")
THAI_CONSONANTS = "กขคงจฉชซญดตถทธนบปผพฟภมยรลวสหอฮ"


class BenchError(RuntimeError):
    pass


def expect(response: httpx.Response, status: int) -> httpx.Response:
    if response.status_code != status:
        raise BenchError(f"{response.request.method} {response.request.url} answered "
                         f"{response.status_code}, expected {status}: {response.text[:800]}")
    return response


# --- The applicant ------------------------------------------------------------------------------


@dataclass
class Applicant:
    """A signed-in user of the portal, driven the way a browser and then an API client would."""

    client: httpx.Client
    base_url: str
    csrf_header: dict[str, str]

    @classmethod
    def sign_up(cls, client: httpx.Client, base_url: str, email: str) -> Applicant:
        page = expect(client.get(f"{base_url}/sign-up"), 200).text
        found = re.search(r'name="csrf_token" value="([^"]+)"', page)
        if not found:
            raise BenchError("no CSRF token on /sign-up")
        expect(client.post(f"{base_url}/sign-up", data={
            "csrf_token": found.group(1), "full_name": "Bench Applicant", "email": email,
            "password": "correct horse battery", "password_confirm": "correct horse battery",
            "consent": "on"}), 303)
        session = expect(client.get(f"{base_url}/api/v1/session"), 200).json()
        if not session["signed_in"]:
            raise BenchError("signed up, but the API session is not signed in")
        return cls(client, base_url, {"X-CSRF-Token": session["csrf_token"]})

    def api(self, method: str, path: str, status: int, **kw: Any) -> httpx.Response:
        return expect(self.client.request(method, f"{self.base_url}/api/v1{path}",
                                          headers=self.csrf_header, **kw), status)


# --- Names ----------------------------------------------------------------------------------


def english_form(name_en: str) -> str:
    """The register mixes "Co., Ltd." and "Company Limited"; queries use the long form."""
    return _EN_ENDING.sub("", name_en) + " Company Limited"


def _double_one_letter(text: str, rng: random.Random, letters: re.Pattern[str]) -> str:
    """A typo-sized change: one letter of the distinctive part written twice."""
    positions = [m.start() for m in letters.finditer(text)]
    i = rng.choice(positions)
    return text[: i + 1] + text[i] + text[i + 1:]


def similar_name(name_th: str, name_en: str, rng: random.Random) -> tuple[str, str]:
    core_th = name_th.removeprefix("บริษัท").removesuffix("จำกัด").strip()
    core_en = _EN_ENDING.sub("", name_en)
    core_th = _double_one_letter(core_th, rng, _THAI_CONSONANT)
    core_en = _double_one_letter(core_en, rng, re.compile("[a-z]"))
    return f"บริษัท {core_th} จำกัด", f"{core_en} Company Limited"


def fresh_name(rng: random.Random) -> tuple[str, str]:
    """A plausible new name from words the register does not use."""
    from registration.register_seed import INDUSTRIES, PLACES, QUALIFIERS

    parts = [rng.choice(NEW_WORDS), rng.choice(INDUSTRIES)]
    if rng.random() < 0.5:
        parts.insert(0, rng.choice(PLACES))
    if rng.random() < 0.3:
        parts.append(rng.choice(QUALIFIERS))
    th = (" " if rng.random() < 0.5 else "").join(p[0] for p in parts)
    return f"บริษัท {th} จำกัด", f"{' '.join(p[1] for p in parts)} Company Limited"


def name_check_queries(count: int, rng: random.Random) -> list[dict[str, str]]:
    """A fifth identical to a registered name, a quarter one typo away, the rest new."""
    from registration.names import EntityType, check_name_form
    from registration.register_seed import generate_register

    register = [(th, english_form(en)) for entity, th, en in generate_register()
                if entity is EntityType.LIMITED_COMPANY]
    queries: list[dict[str, str]] = []
    for _attempt in range(count * 3):
        if len(queries) == count:
            break
        roll = rng.random()
        if roll < 0.20:
            name_th, name_en = rng.choice(register)
        elif roll < 0.45:
            name_th, name_en = similar_name(*rng.choice(register), rng)
        else:
            name_th, name_en = fresh_name(rng)
        # A malformed name stops before the similarity search, which is what we measure.
        if not check_name_form(EntityType(ENTITY_TYPE), name_th, name_en):
            queries.append({"entity_type": ENTITY_TYPE, "name_th": name_th, "name_en": name_en})
    if len(queries) < count:
        raise BenchError(f"only {len(queries)} of {count} generated names are well formed")
    return queries


def unrelated_name(rng: random.Random) -> tuple[str, str]:
    """Random letters: far (many edits) from the register and from each other, so every
    reservation succeeds however many drafts the benchmark prepares."""
    th = "".join(rng.choice(THAI_CONSONANTS) for _ in range(10))
    en = "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(10)).title()
    return f"บริษัท {th} จำกัด", f"{en} Company Limited"


# --- Drafts ---------------------------------------------------------------------------------


def thai_id(seed: int) -> str:
    first12 = f"1{seed:011d}"
    return first12 + pin.calc_check_digit(first12)


OFFICE = {"house_no": "99/1", "street": "Sukhumvit Road", "province_code": "20",
          "district_code": "2007", "subdistrict_code": "200703", "postal_code": "20230",
          "phone": "038 123 456"}
CAPITAL = {"objectives": "Trading of industrial parts", "registered_capital": 1_000_000,
           "share_count": 100_000, "par_value": "10", "paid_up_percent": "25"}
PEOPLE = {"people": [
    {"full_name": "Somchai Jaidee", "nationality": "TH", "thai_id": thai_id(1), "age": 40,
     "address": "Chon Buri", "shares": 60_000, "is_promoter": True},
    {"full_name": "John Smith", "nationality": "GB", "passport_number": "123456789", "age": 45,
     "address": "London", "shares": 40_000, "is_promoter": True},
]}
DIRECTORS = {
    "directors": [{"full_name": "Somchai Jaidee", "nationality": "TH", "thai_id": thai_id(1),
                   "can_sign": True}],
    "signatories_required": 1,
    "witnesses": [
        {"full_name": "Witness One", "nationality": "TH", "thai_id": thai_id(2), "age": 30,
         "address": "Rayong"},
        {"full_name": "Witness Two", "nationality": "TH", "thai_id": thai_id(3), "age": 31,
         "address": "Rayong"},
    ],
}
EEC = {"operates_in_eec": True, "eec_province_code": "21", "estate_id": "map-ta-phut",
       "target_industry": "robotics", "requests_eec_privileges": True}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
IDENTITY_DOCUMENT = {"TH": "id_copy"}  # anyone else: passport_copy


def prepare_draft(applicant: Applicant, rng: random.Random) -> int:
    """A draft that passes every check, one call short of submitted."""
    name_th, name_en = unrelated_name(rng)
    reservation = applicant.api("POST", "/reservations", 201, json={
        "entity_type": ENTITY_TYPE, "names": [{"name_th": name_th, "name_en": name_en}]})
    app_id = reservation.json()["application"]["id"]
    for step, body in (("office", OFFICE), ("capital", CAPITAL), ("people", PEOPLE),
                       ("directors", DIRECTORS), ("eec", EEC)):
        applicant.api("PUT", f"/applications/{app_id}/{step}", 200, json=body)
    promoters = applicant.api("GET", f"/applications/{app_id}/people/shareholder", 200).json()
    for person in promoters:
        kind = IDENTITY_DOCUMENT.get(person["nationality"], "passport_copy")
        # A different file per person, as in life; identical bytes would be stored once.
        content = PDF + f"% {person['id']}\n".encode()
        applicant.api("POST", f"/applications/{app_id}/documents", 201,
                      data={"kind": kind, "person_id": str(person["id"])},
                      files={"file": (f"{kind}.pdf", content, "application/pdf")})
    return app_id


# --- Measuring ------------------------------------------------------------------------------


def timed(send: Callable[..., httpx.Response], *args: Any,
          **kwargs: Any) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = send(*args, **kwargs)
    return time.perf_counter() - started, response


def measure_name_checks(applicant: Applicant, bare_url: str, queries: list[dict[str, str]]
                        ) -> tuple[list[float], list[float], int]:
    """(portal latencies, baseline latencies, how many names were available)."""
    portal_s: list[float] = []
    bare_s: list[float] = []
    available = 0
    for query in queries:
        took, response = timed(applicant.api, "POST", "/names/check", 200, json=query)
        portal_s.append(took)
        available += bool(response.json()["available"])
        took, response = timed(applicant.client.post, bare_url, json=query)
        expect(response, 200)
        bare_s.append(took)
    return portal_s, bare_s, available


def measure_submissions(applicant: Applicant, bare_url: str,
                        drafts: list[int]) -> tuple[list[float], list[float]]:
    portal_s: list[float] = []
    bare_s: list[float] = []
    body = {"declaration": True}
    for app_id in drafts:
        took, response = timed(applicant.api, "POST", f"/applications/{app_id}/submit", 200,
                               json=body)
        if response.json()["status"] != "submitted":
            raise BenchError(f"application {app_id} not submitted: {response.text[:400]}")
        portal_s.append(took)
        took, response = timed(applicant.client.post, bare_url, json=body)
        expect(response, 200)
        bare_s.append(took)
    return portal_s, bare_s


def measure_floor(applicant: Applicant, bare_url: str,
                  count: int) -> tuple[list[float], list[float]]:
    """The cheapest signed-in request (session cookie, locale, user lookup, JSON): what any
    portal endpoint costs before it does its own work. Context for the ratios, not a figure."""
    portal_s: list[float] = []
    bare_s: list[float] = []
    for _ in range(count):
        took, _response = timed(applicant.api, "GET", "/session", 200)
        portal_s.append(took)
        took, response = timed(applicant.client.post, bare_url, json={})
        expect(response, 200)
        bare_s.append(took)
    return portal_s, bare_s


def run(workdir: Path) -> list[Figure]:
    rng = random.Random(2568)
    queries = name_check_queries(WARMUP_REQUESTS + NAME_CHECKS, rng)
    with redis_for_run(workdir) as redis_url:
        env = portal_env(workdir, redis_url)
        portal_database(env)
        with (
            uvicorn_server("web.main:app", env, ready_path="/healthz",
                           workdir=workdir) as portal,
            uvicorn_server("bench.bare_app:app", env, workdir=workdir) as bare,
            httpx.Client(timeout=REQUEST_TIMEOUT_S) as client,  # one client for both servers
        ):
            bare_url = f"{bare.base_url}/echo"
            applicant = Applicant.sign_up(client, portal.base_url,
                                          f"bench-{rng.randrange(10**9)}@example.com")
            # Warm-up: the first check builds the register's index; both servers warm up.
            measure_name_checks(applicant, bare_url, queries[:WARMUP_REQUESTS])
            check_s, check_bare_s, available = measure_name_checks(
                applicant, bare_url, queries[WARMUP_REQUESTS:])
            started = time.monotonic()
            drafts = [prepare_draft(applicant, rng) for _ in range(DRAFTS)]
            note(f"registration: {DRAFTS} drafts prepared in {time.monotonic() - started:.1f} s")
            measure_submissions(applicant, bare_url, drafts[:2])  # warm-up
            submit_s, submit_bare_s = measure_submissions(applicant, bare_url, drafts[2:])
            floor_s, floor_bare_s = measure_floor(applicant, bare_url, FLOOR_REQUESTS)

    ms = 1000.0
    p50, p95 = percentile(check_s, 50) * ms, percentile(check_s, 95) * ms
    bare_p50, bare_p95 = percentile(check_bare_s, 50) * ms, percentile(check_bare_s, 95) * ms
    # Sequential throughput: requests over the time spent in them.
    submit_rps = len(submit_s) / sum(submit_s)
    bare_rps = len(submit_bare_s) / sum(submit_bare_s)
    note(f"registration baseline (bare FastAPI JSON endpoint, same client): "
         f"p50 {bare_p50:.2f} ms, p95 {bare_p95:.2f} ms during the name checks; "
         f"{bare_rps:.0f} req/s during the submissions")
    floor_p50, floor_bare_p50 = percentile(floor_s, 50) * ms, percentile(floor_bare_s, 50) * ms
    note(f"registration: floor of a signed-in request (GET /api/v1/session) p50 "
         f"{floor_p50:.2f} ms, {floor_p50 / floor_bare_p50:.2f} x the baseline's "
         f"{floor_bare_p50:.2f} ms")
    note(f"registration: {available} of {len(check_s)} checked names were available")
    note(f"registration: submit p50 {percentile(submit_s, 50) * ms:.1f} ms, "
         f"p95 {percentile(submit_s, 95) * ms:.1f} ms over {len(submit_s)} submissions")
    return [
        Figure("registration.name_check_p50_ms", p50, "ms"),
        Figure("registration.name_check_p50_ratio_vs_bare", p50 / bare_p50, "x"),
        Figure("registration.name_check_p95_ms", p95, "ms"),
        Figure("registration.name_check_p95_ratio_vs_bare", p95 / bare_p95, "x"),
        Figure("registration.submit_rps", submit_rps, "req/s"),
        Figure("registration.submit_rps_ratio", submit_rps / bare_rps, "x"),
    ]
