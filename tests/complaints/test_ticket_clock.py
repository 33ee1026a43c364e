"""A complaint ticket's stopped clock on a real database: asking the complainant stops the
resolve clock, the answer restarts it with the due time moved on by the working time it stood
still (a Thai public holiday spent waiting adds nothing), a waiting ticket is not overdue on
the desk or in its queries, and the ticket goes back to the status it had."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from complaints import clock, inbox, policy, questions, repository, service
from complaints.models import Channel, Ticket, TicketNote, TicketStatus, open311_status
from core.accounts.models import User
from core.errors import Conflict, Invalid
from core.i18n import set_locale
from core.thai_dates import BANGKOK
from core.working_days import working_time_between
from tests.conftest import COMPLAINT, create_officer

# Friday 4 December 2026. Saturday 5 is King Bhumibol's birthday, Monday 7 its substitute
# day off, Thursday 10 Constitution Day.
FILED = datetime(2026, 12, 4, 10, 0, tzinfo=BANGKOK)
ASKED = datetime(2026, 12, 8, 10, 0, tzinfo=BANGKOK)  # Tuesday
ANSWERED = datetime(2026, 12, 11, 10, 0, tzinfo=BANGKOK)  # Friday, after Constitution Day


def bangkok(*args: int) -> datetime:
    return datetime(*args, tzinfo=BANGKOK)


def officer(session) -> User:
    email = create_officer(session)
    return session.exec(select(User).where(User.email == email)).one()


def a_ticket(session, category: str = "wastewater", at: datetime = FILED) -> Ticket:
    ticket = service.file_ticket(session, {**COMPLAINT, "category": category},
                                 channel=Channel.web, language="en", at=at).ticket
    session.commit()
    return ticket


def listed_overdue(session, ticket: Ticket, at: datetime) -> bool:
    return session.exec(select(Ticket.number).where(
        inbox.overdue_condition(at), Ticket.number == ticket.number)).first() is not None


def test_a_pause_over_constitution_day_moves_the_due_time_by_working_days_only():
    # Tuesday 10:00 to Friday 10:00: Tuesday's 14 hours, Wednesday, no Thursday (a
    # holiday), Friday's first 10 hours: two working days, not three calendar days.
    due = bangkok(2026, 12, 11, 10, 0)
    assert working_time_between(ASKED, ANSWERED) == timedelta(days=2)
    # Two working days after Friday 10:00 is Tuesday 15 December 10:00 (the weekend skipped).
    assert policy.resumed_due("wastewater", due, ASKED, ANSWERED) == bangkok(2026, 12, 15, 10, 0)
    # An emergency's target runs around the clock, and so does its pause.
    assert policy.resumed_due("chemical_fire", due, ASKED, ANSWERED) == \
        bangkok(2026, 12, 14, 10, 0)


def test_asking_stops_the_clock_and_the_answer_restarts_it_across_the_holiday(session):
    ticket = a_ticket(session)
    staff = officer(session)
    assert ticket.resolve_due_at == bangkok(2026, 12, 11, 10, 0)  # 3 working days

    questions.ask_complainant(session, ticket, staff, "  Which canal: behind plant 3 or 4?  ",
                              at=ASKED)
    session.commit()
    ticket = repository.get_ticket(session, ticket.number)
    assert ticket.status == TicketStatus.info_requested
    assert ticket.sla_paused_at == ASKED and ticket.acknowledged_at is not None
    assert repository.latest_public_note(session, ticket).text == \
        "Which canal: behind plant 3 or 4?"
    assert open311_status(ticket.status) == "open" and ticket.is_open

    # Monday 14 December, well past the old due time: waiting is not being late.
    monday = bangkok(2026, 12, 14, 12, 0)
    assert not clock.is_overdue(ticket, monday) and not listed_overdue(session, ticket, monday)
    countdown = clock.sla_countdown(ticket, monday)
    assert countdown is not None and countdown.state == "stopped" and not countdown.overdue
    set_locale("en")
    assert countdown.text() == "Clock stopped: waiting for the complainant"
    set_locale("th")
    assert countdown.text() == "หยุดนับเวลา: รอคำตอบจากผู้ร้องเรียน"
    set_locale("en")

    questions.answer_question(session, ticket, {"answer": "Behind plant 4, near the pump."},
                              at=ANSWERED)
    session.commit()
    ticket = repository.get_ticket(session, ticket.number)
    assert ticket.sla_paused_at is None
    assert ticket.resolve_due_at == bangkok(2026, 12, 15, 10, 0)
    # The same working time is left as when the question went out.
    assert working_time_between(ANSWERED, ticket.resolve_due_at) == \
        working_time_between(ASKED, bangkok(2026, 12, 11, 10, 0))
    # It was only received before the question: now the estate is looking into it.
    assert ticket.status == TicketStatus.investigating
    answer = session.exec(select(TicketNote).where(TicketNote.ticket_id == ticket.id,
                                                   TicketNote.from_complainant == True)  # noqa: E712
                          ).one()
    assert answer.text == "Behind plant 4, near the pump." and not answer.public
    assert answer.author_id is None and answer.author_name == COMPLAINT["contact_name"]
    # The answer is for the desk: the public latest note is still the estate's question.
    assert repository.latest_public_note(session, ticket).text.startswith("Which canal")
    # Running again, and late once the moved due time has passed.
    assert not clock.is_overdue(ticket, bangkok(2026, 12, 15, 9, 0))
    assert clock.is_overdue(ticket, bangkok(2026, 12, 15, 11, 0))
    assert listed_overdue(session, ticket, bangkok(2026, 12, 15, 11, 0))


def test_the_answer_puts_the_ticket_back_to_the_status_it_had(session):
    ticket = a_ticket(session, category="noise")
    staff = officer(session)
    service.change_status(session, ticket, staff, "action_scheduled")
    questions.ask_complainant(session, ticket, staff, "Which nights is it loudest?")
    questions.answer_question(session, ticket, {"answer": "Friday and Saturday nights."})
    session.commit()
    assert repository.get_ticket(session, ticket.number).status == TicketStatus.action_scheduled
    history = repository.history(session, ticket)
    assert [e.to_status for e in history if e.kind == "status"] == \
        ["action_scheduled", "info_requested", "action_scheduled"]
    assert any(e.kind == "answered" and not e.public for e in history)


def test_a_ticket_already_late_when_asked_stays_late(session):
    # The question does not undo a breach: the stopped clock counts up to when it stopped.
    ticket = a_ticket(session, at=datetime.now(UTC) - timedelta(days=40))
    questions.ask_complainant(session, ticket, officer(session), "Is it still happening?")
    session.commit()
    now = datetime.now(UTC)
    assert clock.is_overdue(ticket, now) and listed_overdue(session, ticket, now)


def test_a_waiting_ticket_is_not_counted_late_on_the_dashboard(session):
    ticket = a_ticket(session, at=datetime.now(UTC) - timedelta(hours=1))
    staff = officer(session)
    questions.ask_complainant(session, ticket, staff, "Could you send the plant number?")
    session.commit()
    later = datetime.now(UTC) + timedelta(days=60)
    assert not listed_overdue(session, ticket, later)
    late_elsewhere = session.exec(select(Ticket).where(
        inbox.resolve_late_condition(later), col(Ticket.id) == ticket.id)).first()
    assert late_elsewhere is None


def test_closing_a_waiting_ticket_restarts_its_clock(session):
    ticket = a_ticket(session)
    staff = officer(session)
    questions.ask_complainant(session, ticket, staff, "Is it still flowing?", at=ASKED)
    service.set_status(session, ticket, TicketStatus.fixed, staff, at=ANSWERED)
    session.commit()
    ticket = repository.get_ticket(session, ticket.number)
    assert ticket.sla_paused_at is None and ticket.resolve_due_at == bangkok(2026, 12, 15, 10, 0)
    assert clock.sla_countdown(ticket) is None


def test_what_cannot_be_asked_or_answered(session):
    ticket = a_ticket(session)
    staff = officer(session)
    with pytest.raises(Invalid) as empty:
        questions.ask_complainant(session, ticket, staff, "   ")
    assert empty.value.errors[0].field == "question"
    with pytest.raises(Invalid) as too_long:
        questions.ask_complainant(session, ticket, staff, "x" * (questions.MAX_QUESTION + 1))
    assert too_long.value.errors[0].key == "field.too_long"
    # The status form cannot start the wait: the wait starts with a question.
    with pytest.raises(Invalid) as via_status:
        service.change_status(session, ticket, staff, "info_requested")
    assert via_status.value.errors[0].key == "ticket.use_ask"
    # Nothing to answer before a question.
    with pytest.raises(Conflict):
        questions.answer_question(session, ticket, {"answer": "Hello"})
    questions.ask_complainant(session, ticket, staff, "Where exactly?")
    with pytest.raises(Conflict):
        questions.ask_complainant(session, ticket, staff, "And when?")
    with pytest.raises(Invalid) as blank:
        questions.answer_question(session, ticket, {"answer": " "})
    assert blank.value.errors[0].key == "ticket.answer_required"
    with pytest.raises(Invalid) as long_answer:
        questions.answer_question(session, ticket,
                                  {"answer": "y" * (questions.MAX_ANSWER + 1)})
    assert long_answer.value.errors[0].key == "field.too_long"
    session.rollback()
    closed = a_ticket(session)
    service.change_status(session, closed, staff, "fixed", note="Pump repaired.")
    with pytest.raises(Conflict):
        questions.ask_complainant(session, closed, staff, "Is it fixed?")
    session.rollback()
