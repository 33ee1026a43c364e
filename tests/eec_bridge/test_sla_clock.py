"""The registration case's SLA: counted in Thai working days from the moment the case opens,
stopped while the case waits for the applicant's answer, and moved on by exactly the working
time it stood still; the officers' desk shows the countdown in the page's language."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from core.thai_dates import BANGKOK
from core.working_days import add_working_days, add_working_time, working_time_between
from eec_bridge import workflow
from eec_bridge.models import Case, CaseKind, CaseStatus, InfoRequest
from tests.conftest import choose_language, officer_browser, submitted_application
from tests.eec_bridge.test_desk import case_for, to_eec_review


def bangkok(*args: int) -> datetime:
    return datetime(*args, tzinfo=BANGKOK)


def a_case(due: datetime, status: CaseStatus = CaseStatus.eec_review) -> Case:
    return Case(kind=CaseKind.company_registration, status=status, reference="T-1",
                name_th="ทดสอบ", name_en="Test", sla_due_at=due)


def test_a_registration_case_is_due_three_working_days_after_it_opens():
    # Friday 4 December 2026: the weekend, Monday 7 (substitution day) and Thursday 10
    # (Constitution Day) do not count.
    assert workflow.sla_due(CaseKind.company_registration, bangkok(2026, 12, 4, 14, 0)) == \
        bangkok(2026, 12, 11, 14, 0)
    # Opened 23:30 on a Bangkok Friday (16:30 UTC): the same evening's half hour counts.
    assert workflow.sla_due(CaseKind.company_registration,
                            datetime(2026, 12, 4, 16, 30, tzinfo=UTC)) == \
        bangkok(2026, 12, 11, 23, 30)


def test_pausing_and_resuming_moves_the_due_time_by_the_paused_working_time_exactly():
    case = a_case(due=bangkok(2026, 12, 8, 15, 0))
    asked, answered = bangkok(2026, 12, 4, 16, 0), bangkok(2026, 12, 9, 11, 0)
    workflow.stop_clock(case, asked)
    assert workflow.sla_countdown(case, answered).text() and \
        workflow.sla_countdown(case, answered).state == "stopped"
    assert not workflow.is_overdue(case, answered)  # past the old due time, but waiting
    workflow.restart_clock(case, answered)
    # Friday 16:00-24:00 (8 h), Tuesday 8 (24 h), Wednesday 9 until 11:00 (11 h): 43 hours.
    paused = working_time_between(asked, answered)
    assert paused == timedelta(hours=43)
    assert case.sla_paused_at is None
    assert case.sla_due_at == add_working_time(bangkok(2026, 12, 8, 15, 0), paused) == \
        bangkok(2026, 12, 11, 10, 0)
    # Only the remaining working time is left: as much as at the moment the clock stopped.
    assert working_time_between(answered, case.sla_due_at) == \
        working_time_between(asked, bangkok(2026, 12, 8, 15, 0))


def test_a_pause_over_a_weekend_and_holidays_only_moves_by_working_time():
    case = a_case(due=bangkok(2026, 12, 9, 12, 0))
    workflow.stop_clock(case, bangkok(2026, 12, 4, 23, 0))  # Friday night
    workflow.restart_clock(case, bangkok(2026, 12, 7, 20, 0))  # the Monday holiday
    assert case.sla_due_at == bangkok(2026, 12, 9, 13, 0)  # one working hour later


def test_a_case_already_late_when_its_clock_stopped_stays_late():
    case = a_case(due=bangkok(2026, 12, 3, 10, 0))
    workflow.stop_clock(case, bangkok(2026, 12, 4, 10, 0))
    assert workflow.is_overdue(case, bangkok(2026, 12, 9, 10, 0))
    case = a_case(due=bangkok(2026, 12, 8, 10, 0))
    workflow.stop_clock(case, bangkok(2026, 12, 4, 10, 0))
    assert not workflow.is_overdue(case, bangkok(2026, 12, 30, 10, 0))


def test_the_clock_stops_for_the_question_and_restarts_on_the_answer(app, browser, session):
    app_id = submitted_application(browser, requests_eec_privileges="yes")
    case = to_eec_review(session, app_id)
    with officer_browser(app, session) as officer:
        officer.post(f"/desk/cases/{case.id}/request-info", {"question": "Send the lease."})
        waiting = case_for(session, app_id)
        assert waiting.status == CaseStatus.info_requested and waiting.sla_paused_at
        request = session.exec(select(InfoRequest).where(InfoRequest.case_id == case.id)).one()
        assert abs(workflow.as_aware(waiting.sla_paused_at)
                   - workflow.as_aware(request.asked_at)) < timedelta(seconds=5)
        # The question was asked a week ago, so the pause spans working days for sure.
        asked = workflow.as_aware(waiting.sla_paused_at) - timedelta(days=7)
        waiting.sla_paused_at = asked
        session.add(waiting)
        session.commit()
        due_before = workflow.as_aware(waiting.sla_due_at)
        # Stopped: the inbox says so in English and in Thai, and the case is not overdue.
        row = officer.get("/desk?status=info_requested").text.split(case.reference)[1]
        assert "Clock stopped: waiting for the applicant" in row.split("</tr>")[0]
        choose_language(officer, "th", "/desk")
        row = officer.get("/desk?status=info_requested").text.split(case.reference)[1]
        assert "หยุดนับเวลา: รอคำตอบจากผู้ยื่นคำขอ" in row.split("</tr>")[0]
        browser.post(f"/registration/{app_id}/answer", {"answer": "Attached."},
                     files={"file": ("lease.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")})
    resumed = case_for(session, app_id)
    assert resumed.status == CaseStatus.eec_review and resumed.sla_paused_at is None
    paused = working_time_between(asked, workflow.as_aware(resumed.updated_at))
    assert paused >= timedelta(days=3)  # a week holds at least three working days
    assert workflow.as_aware(resumed.sla_due_at) == add_working_time(due_before, paused)


def days_word(span: timedelta) -> int:
    return max(1, math.ceil(span / timedelta(days=1)))


def test_the_desk_counts_down_in_working_days_in_both_languages(app, browser, session):
    on_time_id = submitted_application(browser)
    late_id = submitted_application(browser)
    now = datetime.now(UTC)
    on_time, late = case_for(session, on_time_id), case_for(session, late_id)
    on_time.sla_due_at = add_working_days(now, 3)
    late.sla_due_at = now - timedelta(days=10)
    session.add(on_time)
    session.add(late)
    session.commit()
    late_by = days_word(working_time_between(now - timedelta(days=10), now))
    with officer_browser(app, session) as officer:
        for lang, left, overdue in (
                ("en", "3 working days left",
                 f"Overdue by {late_by} working day{'s' if late_by > 1 else ''}"),
                ("th", "เหลือ 3 วันทำการ", f"เกินกำหนด {late_by} วันทำการ")):
            choose_language(officer, lang, "/desk")
            page = officer.get("/desk?sort=newest").text
            row_on_time = page.split(on_time.reference)[1].split("</tr>")[0]
            row_late = page.split(late.reference)[0].rsplit("<tr", 1)[1] + \
                page.split(late.reference)[1].split("</tr>")[0]
            assert left in row_on_time and 'class="overdue"' not in row_on_time
            assert overdue in row_late and 'class="overdue"' in row_late
