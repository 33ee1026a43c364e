"""Submitted applications made through the real registration services (no HTTP), for the
reliability test and the benchmarks, where hundreds are needed quickly."""

from __future__ import annotations

import random
import uuid

from sqlmodel import Session

from core.accounts.models import User
from core.security import hash_password
from registration import repository, service
from registration.models import PersonRole
from tests.conftest import CAPITAL, DIRECTORS, EEC, OFFICE, PDF, people_form

NON_EEC = {"operates_in_eec": "no", "requests_eec_privileges": "no"}
EEC_NO_PRIVILEGES = {**EEC, "requests_eec_privileges": "no"}


def distinct_names(rng: random.Random) -> tuple[str, str]:
    th = "".join(rng.choice("กขคงจฉชซญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรลวศษสหฬอฮ") for _ in range(9))
    en = "".join(rng.choice("bcdfghjklmnpqrstvwxz") + rng.choice("aeiou") for _ in range(5))
    return f"บริษัท {th} จำกัด", f"{en.title()} Company Limited"


def make_user(session: Session, password_hash: str | None = None) -> User:
    user = User(email=f"load-{uuid.uuid4().hex[:10]}@example.com", full_name="Load Test",
                password_hash=password_hash or hash_password("load test password"))
    session.add(user)
    session.flush()
    return user


def submitted_application(session: Session, user: User, rng: random.Random,
                          eec: dict[str, str], people: dict[str, str] | None = None) -> int:
    """`people`: fields of the people step that replace the usual promoters' (a name, say)."""
    for _attempt in range(20):
        try:
            _reservation, application = service.reserve_name(
                session, user, "limited_company", [distinct_names(rng)])
            break
        except service.Invalid:
            continue  # a random name came too close to another: draw again
    for step, data in (("office", OFFICE), ("capital", CAPITAL),
                       ("people", {**people_form(), **(people or {})}),
                       ("directors", DIRECTORS), ("eec", eec)):
        service.save_step(session, application, step, data)
    promoters = repository.people_of(session, application, PersonRole.shareholder)
    for person, kind in zip(promoters, ("id_copy", "passport_copy"), strict=False):
        service.add_document(session, application, kind=kind, person_id=person.id,
                             filename=f"{kind}.pdf", content=PDF)
    service.submit_application(session, application, declared=True)
    return application.id


def submitted_applications(session: Session, n: int, eec_share: float, seed: int = 7,
                           commit_every: int = 20) -> list[int]:
    """n submitted applications; `eec_share` of them operate in the EEC (no privileges, so
    no human decision is needed and they travel on to EEC OSS by themselves). They become
    visible `commit_every` at a time (the caller's session commits the rest)."""
    rng = random.Random(seed)
    # One applicant each, as in life: one account may upload only so many files an hour.
    password_hash = hash_password("load test password")
    ids = []
    for i in range(n):
        eec = EEC_NO_PRIVILEGES if i < round(n * eec_share) else NON_EEC
        user = make_user(session, password_hash)
        ids.append(submitted_application(session, user, rng, eec))
        if i % commit_every == commit_every - 1:
            session.commit()
    session.commit()
    return ids
