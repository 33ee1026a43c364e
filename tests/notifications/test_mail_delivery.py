"""The applicant's e-mail end to end, with the processes `make run` starts: a state change
writes the mail to the outbox, the relay hands it to the real Celery worker, and the worker
sends it over SMTP to the real mail sink process (mail/sink.py), whose caught mail the test
reads. The mail server may be down (the mail waits and arrives once it is up) and an event or
a delivery may come twice (one mail)."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery import Celery
from sqlalchemy import Engine
from sqlmodel import Session, create_engine, select

from core.accounts.models import Role, User
from core.clock import utcnow
from core.db import stored_id
from core.thai_dates import to_bangkok
from core.thai_ids import format_juristic_number
from eec_bridge import actions, topics
from eec_bridge.callbacks import Update, apply_oss_update, register_company
from eec_bridge.events import CompanyRegistered
from eec_bridge.models import Case, OutboxMessage, OutboxState
from flows import notify
from mail.gateway import message_id_header
from mail.sink import CaughtMail, caught
from registration.models import Application
from tests.eec_bridge.test_webhooks import juristic_number
from tests.factories import make_user, submitted_application
from tests.stack import (
    Stack,
    celery_worker,
    free_port,
    port_open,
    portal_environment,
    python,
    redis_ready,
    redis_server_command,
    wait_until,
)

BASE_URL = "http://portal.example"
QUESTION_EN = "Please send the lease of the head office."
QUESTION_TH = "กรุณาส่งสัญญาเช่าสำนักงานใหญ่"
PRIVILEGES = {"operates_in_eec": "yes", "eec_province_code": "21", "estate_id": "map-ta-phut",
              "target_industry": "robotics", "requests_eec_privileges": "yes"}


class MailStack(Stack):
    engine: Engine
    mail_dir: Path
    smtp_port: int
    redis_url: str

    def start_sink(self) -> None:
        self.start("mail", python("-m", "mail.sink", "--port", str(self.smtp_port),
                                  "--dir", str(self.mail_dir)),
                   lambda: port_open("127.0.0.1", self.smtp_port))

    def mail(self) -> list[CaughtMail]:
        return caught(self.mail_dir)


@pytest.fixture
def stack(tmp_path) -> Iterator[MailStack]:
    ports = {name: free_port() for name in ("redis", "smtp", "bizportal")}
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'mail.db'}",
        "REDIS_URL": f"redis://127.0.0.1:{ports['redis']}/0",
        "EEC_ENVIRONMENT": "test", "EEC_UPLOAD_DIR": str(tmp_path / "uploads"),
        "EEC_BASE_URL": BASE_URL,
        # Nobody answers there: the registrations wait for Biz Portal, the mail does not.
        "EEC_BIZPORTAL_URL": f"http://127.0.0.1:{ports['bizportal']}",
        "EEC_SMTP_URL": f"smtp://127.0.0.1:{ports['smtp']}",
        "EEC_MAIL_SINK_DIR": str(tmp_path / "mail"),
        "EEC_HTTP_TIMEOUT_S": "2", "EEC_RELAY_INTERVAL_S": "0.2",
        "EEC_FEED_POLL_INTERVAL_S": "0", "EEC_DELIVERY_BACKOFF_BASE_S": "0.3",
        "EEC_DELIVERY_BACKOFF_MAX_S": "1", "EEC_DELIVERY_MAX_ATTEMPTS": "100",
    }
    with portal_environment(env):
        s = MailStack(env, tmp_path)
        s.engine = create_engine(env["DATABASE_URL"])
        s.mail_dir, s.smtp_port, s.redis_url = tmp_path / "mail", ports["smtp"], env["REDIS_URL"]
        try:
            s.start("redis", redis_server_command(ports["redis"], tmp_path),
                    redis_ready(ports["redis"]))
            s.start("worker", celery_worker(concurrency=1))
            s.start("relay", python("-m", "flows.relay"))
            yield s
        finally:
            s.stop_all()
            s.engine.dispose()


def applicant_with_case(session: Session, lang: str) -> tuple[User, int, Case]:
    user = make_user(session)
    user.preferred_lang = lang
    session.add(user)
    app_id = submitted_application(session, user, random.Random(lang), PRIVILEGES)
    session.commit()
    case = session.exec(select(Case).where(Case.application_id == app_id)).one()
    return user, app_id, case


def an_officer(session: Session) -> User:
    officer = make_user(session)
    officer.role = Role.officer
    session.add(officer)
    session.flush()
    return officer


def mail_messages(engine: Engine, case_id: int) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage).where(
            OutboxMessage.aggregate_id == case_id,
            OutboxMessage.topic == topics.TOPIC_MAIL_NOTIFICATION)).all())


def failed_at_least_twice(engine: Engine, case_id: int) -> bool:
    messages = mail_messages(engine, case_id)
    return len(messages) == 1 and messages[0].attempts >= 2 \
        and messages[0].state == OutboxState.pending


def test_mail_waits_while_the_server_is_down_and_arrives_once_it_is_up_in_thai(stack):
    with Session(stack.engine, expire_on_commit=False) as session:
        user, app_id, case = applicant_with_case(session, "th")
        case_id = stored_id(case.id)
        # The officer asks (in the desk's words, here both languages of the question).
        actions.request_info(session, case, an_officer(session), QUESTION_EN)
        session.commit()
        application = session.get(Application, app_id)
        assert application is not None

    # No mail server: the worker's attempts fail and the message waits for the next one.
    wait_until(lambda: failed_at_least_twice(stack.engine, case_id), 90, "two failed attempts")
    assert "SMTP server unreachable" in mail_messages(stack.engine, case_id)[0].last_error
    assert stack.mail() == []

    stack.start_sink()
    wait_until(lambda: len(stack.mail()) == 1, 90, "the mail at the sink")
    wait_until(lambda: mail_messages(stack.engine, case_id)[0].state == OutboxState.sent, 30,
               "the message marked sent")
    [mail] = stack.mail()
    message = mail_messages(stack.engine, case_id)[0]
    assert mail.message_id == message_id_header(message.id)
    assert mail.to == user.email and mail.lang == "th"
    assert mail.subject.startswith("เจ้าหน้าที่ขอข้อมูลเพิ่มเติม")
    assert str(application.reference) in mail.subject
    assert f"เจ้าหน้าที่สอบถามว่า: {QUESTION_EN}" in mail.body
    assert application.name_th in mail.body
    on_date = re.search(r"เมื่อวันที่ \d{1,2} \S+ (\d{4})", mail.body)
    assert on_date and int(on_date.group(1)) == to_bangkok(utcnow()).year + 543  # พ.ศ.
    assert f"{BASE_URL}/registration/{app_id}/status" in mail.body


def test_registered_and_approved_reach_the_applicant_once_each_in_english(stack):
    stack.start_sink()
    with Session(stack.engine, expire_on_commit=False) as session:
        _user, app_id, case = applicant_with_case(session, "en")
        case_id = stored_id(case.id)
        number = juristic_number(case_id)
        register_company(session, case, number)  # Biz Portal's "registered" callback
        session.commit()
    wait_until(lambda: len(stack.mail()) == 1, 90, "the registered mail")
    [registered] = stack.mail()
    assert registered.lang == "en"
    assert registered.subject.startswith("Your company is registered: application REG-")
    assert f"Juristic person number {format_juristic_number(number)}." in registered.body
    assert f"{BASE_URL}/registration/{app_id}/status" in registered.body

    with Session(stack.engine, expire_on_commit=False) as session:
        case = session.get(Case, case_id)
        assert case is not None
        apply_oss_update(session, case, Update(event_id="oss-1", sequence=1, status="approved"))
        session.commit()
    wait_until(lambda: len(stack.mail()) == 2, 90, "the approved mail")
    approved = stack.mail()[0]  # newest first
    assert approved.subject.startswith("Your application is approved")
    assert "Your company is granted the EEC privileges it requested." in approved.body

    # The same event told again (a callback delivered twice) and the same message handed to
    # the worker again (a lease that ran out): still one mail each.
    with Session(stack.engine, expire_on_commit=False) as session:
        case = session.get(Case, case_id)
        assert case is not None
        notify.on_company_registered(session, CompanyRegistered(
            application_id=app_id, case_id=case_id, status=case.status,
            juristic_number=number, name_th=case.name_th, name_en=case.name_en))
        session.commit()
    sent = [m for m in mail_messages(stack.engine, case_id) if m.state == OutboxState.sent]
    assert len(sent) == 2
    client = Celery(broker=stack.redis_url)
    again = [client.send_task(topics.MAIL.task, args=[[m.id]], queue=topics.MAIL.queue)
             for m in sent]
    for task in again:
        wait_until(lambda task=task: f"{task.id}] succeeded" in stack.log("worker", None), 60,
                   "the repeated delivery handled")
    assert "'skipped'" in stack.log("worker", None)
    mails = stack.mail()
    assert len(mails) == 2, [m.subject for m in mails]
    assert {m.message_id for m in mails} == {message_id_header(m.id) for m in sent}
