"""Thai working time: weekends, Thai public holidays with their substitution and special days
off, Bangkok's calendar rather than UTC's, and the countdown's words in both languages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from core.i18n import set_locale
from core.thai_dates import BANGKOK
from core.working_days import (
    CountdownState,
    add_working_days,
    add_working_time,
    countdown,
    holiday_name,
    is_working_day,
    stopped,
    working_time_between,
)

HOUR = timedelta(hours=1)


def bangkok(*args: int) -> datetime:
    return datetime(*args, tzinfo=BANGKOK)


@pytest.fixture
def lang():
    yield set_locale
    set_locale("th")


@pytest.mark.parametrize(("day", "why"), [
    (date(2026, 12, 10), "Constitution Day"),
    (date(2026, 12, 7), "the King Bhumibol birthday's substitution day (5 Dec is a Saturday)"),
    (date(2026, 12, 31), "New Year's Eve"),
    (date(2027, 1, 1), "New Year's Day"),
    (date(2026, 1, 2), "a special day off the Cabinet declared (bridge holiday)"),
    (date(2027, 4, 13), "Songkran"),
    (date(2027, 4, 15), "Songkran"),
    (date(2027, 5, 3), "Labour Day's substitution day (1 May 2027 is a Saturday)"),
    (date(2026, 5, 13), "Royal Ploughing Day, a government holiday"),
])
def test_thai_holidays_are_not_working_days(day, why):
    assert day.weekday() < 5, why
    assert not is_working_day(day), why
    assert holiday_name(day), why


def test_weekends_are_not_working_days_and_ordinary_weekdays_are():
    assert not is_working_day(date(2026, 12, 5)) and not is_working_day(date(2026, 12, 13))
    assert is_working_day(date(2026, 12, 8)) and holiday_name(date(2026, 12, 8)) is None
    assert is_working_day(date(2027, 4, 12)) and is_working_day(date(2027, 4, 16))


def test_a_case_filed_on_friday_4_december_2026_skips_the_weekend_and_two_holidays():
    # Sat 5, Sun 6, Mon 7 (substitution day), Thu 10 (Constitution Day) do not count.
    filed = bangkok(2026, 12, 4, 10, 0)
    assert add_working_days(filed, 1) == bangkok(2026, 12, 8, 10, 0)
    assert add_working_days(filed, 3) == bangkok(2026, 12, 11, 10, 0)


def test_new_year_holidays_and_the_weekend_after_them():
    # Thu 31 Dec, Fri 1 Jan, then Sat and Sun: Wednesday's third working day is Wednesday.
    filed = bangkok(2026, 12, 30, 10, 0)
    assert add_working_days(filed, 1) == bangkok(2027, 1, 4, 10, 0)
    assert add_working_days(filed, 3) == bangkok(2027, 1, 6, 10, 0)


def test_songkran_2027():
    # Fri 9 Apr 2027: Mon 12, then Songkran Tue 13 to Thu 15, then Fri 16 and Mon 19.
    filed = bangkok(2027, 4, 9, 10, 0)
    assert add_working_days(filed, 2) == bangkok(2027, 4, 16, 10, 0)
    assert add_working_days(filed, 3) == bangkok(2027, 4, 19, 10, 0)


def test_late_evening_in_bangkok_counts_on_bangkok_s_day():
    # 23:30 in Bangkok on Friday 4 December is 16:30 UTC the same day: half an hour counts.
    filed = datetime(2026, 12, 4, 16, 30, tzinfo=UTC)
    assert add_working_days(filed, 3) == bangkok(2026, 12, 11, 23, 30)
    assert working_time_between(filed, bangkok(2026, 12, 8, 0, 0)) == timedelta(minutes=30)


def test_a_filing_on_bangkok_s_saturday_waits_for_monday_even_if_utc_says_friday():
    filed = datetime(2026, 12, 11, 18, 0, tzinfo=UTC)  # Saturday 12 December, 01:00 Bangkok
    assert add_working_days(filed, 1) == bangkok(2026, 12, 15, 0, 0)  # all of Monday 14


def test_bangkok_s_working_tuesday_counts_although_utc_is_still_on_the_holiday():
    filed = datetime(2026, 12, 7, 17, 30, tzinfo=UTC)  # Tuesday 8 December, 00:30 Bangkok
    assert add_working_days(filed, 1) == bangkok(2026, 12, 9, 0, 30)


def test_working_time_between_leaves_out_weekends_and_holidays():
    assert working_time_between(bangkok(2026, 12, 4, 18, 0), bangkok(2026, 12, 8, 6, 0)) \
        == 12 * HOUR
    assert working_time_between(bangkok(2026, 12, 5, 9, 0), bangkok(2026, 12, 7, 17, 0)) \
        == timedelta(0)
    assert working_time_between(bangkok(2026, 12, 9, 0, 0), bangkok(2026, 12, 8, 0, 0)) \
        == timedelta(0)


@pytest.mark.parametrize("start", [bangkok(2026, 12, 4, 23, 30), bangkok(2027, 4, 10, 8, 0),
                                   bangkok(2026, 12, 30, 12, 45)])
@pytest.mark.parametrize("amount", [HOUR, 20 * HOUR, 3 * 24 * HOUR, 30 * 24 * HOUR])
def test_adding_working_time_is_undone_by_measuring_it(start, amount):
    due = add_working_time(start, amount)
    assert working_time_between(start, due) == amount
    assert is_working_day(due.date()) or due.time() == datetime.min.time()


def test_the_countdown_in_working_days_in_both_languages(lang):
    at = bangkok(2026, 12, 4, 10, 0)
    cases = [(bangkok(2026, 12, 11, 10, 0), "3 working days left", "เหลือ 3 วันทำการ"),
             (bangkok(2026, 12, 8, 9, 0), "1 working day left", "เหลือ 1 วันทำการ"),
             (bangkok(2026, 12, 3, 15, 0), "Overdue by 1 working day", "เกินกำหนด 1 วันทำการ"),
             (bangkok(2026, 11, 30, 10, 0), "Overdue by 4 working days",
              "เกินกำหนด 4 วันทำการ")]
    for due, english, thai in cases:
        shown = countdown(due, at)
        assert shown.overdue == (due < at)
        lang("en")
        assert shown.text() == english
        lang("th")
        assert shown.text() == thai


def test_the_countdown_of_an_around_the_clock_target_is_in_hours(lang):
    friday_evening = bangkok(2026, 12, 4, 20, 0)
    shown = countdown(bangkok(2026, 12, 5, 10, 0), friday_evening, around_the_clock=True)
    lang("en")
    assert shown.text() == "14 hours left"
    late = countdown(bangkok(2026, 12, 5, 10, 0), bangkok(2026, 12, 5, 10, 30),
                     around_the_clock=True)
    assert late.text() == "Overdue by 1 hour"
    lang("th")
    assert late.text() == "เกินกำหนด 1 ชั่วโมง"


def test_a_stopped_clock_says_who_it_waits_for(lang):
    assert stopped().state == CountdownState.stopped and not stopped().overdue
    lang("en")
    assert stopped().text() == "Clock stopped: waiting for the applicant"
    lang("th")
    assert stopped().text() == "หยุดนับเวลา: รอคำตอบจากผู้ยื่นคำขอ"
