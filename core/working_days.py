"""Thai working time, on Bangkok's calendar: the clock that service targets (SLA) count in.

A working day (วันทำการ) is a whole Bangkok day, midnight to midnight, that is neither a
Saturday, a Sunday nor a Thai holiday as the `holidays` library publishes them: the public
holidays with their substitution days (วันหยุดชดเชย) and the special days off the Cabinet
declared (วันหยุดพิเศษ), plus the government holidays (Royal Ploughing Day), since the desks
that keep these targets are government offices. Working time is the part of a span that falls
on working days, so a target of three working days is 72 hours of it: filed on Friday at
10:00, one working day runs out on Monday at 10:00; filed on Saturday, the clock starts on
Monday at midnight. Bangkok has no daylight saving, so every day is 24 hours long.

The countdown the desks show ("3 working days left", "overdue by 1 working day", "clock
stopped") is worded here too, so both desks say it the same way."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache

import holidays

from core.i18n import gettext, ngettext
from core.thai_dates import BANGKOK, to_bangkok

WORKING_DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
# The categories of the library's Thai calendar that close a government office.
HOLIDAY_CATEGORIES = (holidays.PUBLIC, holidays.GOVERNMENT)


@lru_cache(maxsize=32)
def _thai_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("TH", years=year, categories=HOLIDAY_CATEGORIES)


def holiday_name(day: date) -> str | None:
    """The holiday's English name, or None on an ordinary day."""
    return _thai_holidays(day.year).get(day)


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not a Thai holiday (including substitution and special days)."""
    return day.weekday() < 5 and day not in _thai_holidays(day.year)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=BANGKOK)


def working_time_between(start: datetime, end: datetime) -> timedelta:
    """How much of [start, end) falls on working days; zero when `end` is not after `start`."""
    lo, hi = to_bangkok(start), to_bangkok(end)
    total = timedelta(0)
    day = lo.date()
    while day <= hi.date():
        if is_working_day(day):
            begins, ends = max(lo, _midnight(day)), min(hi, _midnight(day + WORKING_DAY))
            if ends > begins:
                total += ends - begins
        day += WORKING_DAY
    return total


def add_working_time(start: datetime, amount: timedelta) -> datetime:
    """The first moment at which `amount` of working time has passed since `start` (on
    Bangkok time); `start` itself when there is nothing to add."""
    cursor = to_bangkok(start)
    remaining = amount
    if remaining <= timedelta(0):
        return cursor
    day = cursor.date()
    while True:
        if is_working_day(day):
            left_today = _midnight(day + WORKING_DAY) - cursor
            if remaining <= left_today:
                return cursor + remaining
            remaining -= left_today
        day += WORKING_DAY
        cursor = _midnight(day)


def add_working_days(start: datetime, days: int) -> datetime:
    """`days` working days after `start`: on a working day, the same wall-clock time."""
    return add_working_time(start, days * WORKING_DAY)


# --- The countdown ------------------------------------------------------------------------


class CountdownState(StrEnum):
    running = "running"
    overdue = "overdue"
    stopped = "stopped"  # the clock waits for the applicant or the complainant


@dataclass(frozen=True)
class Countdown:
    """Time left to a due time (or past it), in whole units rounded up: 2 hours left of a
    working day is "1 working day left". `unit` is "working_day", or "hour" for targets that
    run around the clock."""

    state: CountdownState
    amount: int
    unit: str = "working_day"
    # Whom a stopped clock waits for: "applicant" (a registration case) or "complainant".
    waiting_for: str = "applicant"

    @property
    def overdue(self) -> bool:
        return self.state == CountdownState.overdue

    def text(self) -> str:
        """In the request's language, e.g. 'เหลือ 3 วันทำการ' or 'Overdue by 1 working day'."""
        n = self.amount
        if self.state == CountdownState.stopped:
            if self.waiting_for == "complainant":
                return gettext("Clock stopped: waiting for the complainant")
            return gettext("Clock stopped: waiting for the applicant")
        if self.unit == "hour":
            if self.overdue:
                return ngettext("Overdue by %(num)s hour", "Overdue by %(num)s hours", n)
            return ngettext("%(num)s hour left", "%(num)s hours left", n)
        if self.overdue:
            return ngettext("Overdue by %(num)s working day", "Overdue by %(num)s working days",
                            n)
        return ngettext("%(num)s working day left", "%(num)s working days left", n)


def _whole(span: timedelta, unit: timedelta) -> int:
    return max(1, math.ceil(span / unit))


def countdown(due: datetime, at: datetime, *, around_the_clock: bool = False) -> Countdown:
    """The countdown to `due` as seen at `at`: in working days, or in hours for a target that
    runs around the clock (an emergency does not wait for Monday)."""
    due, at = to_bangkok(due), to_bangkok(at)
    state = CountdownState.overdue if due < at else CountdownState.running
    if around_the_clock:
        return Countdown(state, _whole(abs(due - at), HOUR), "hour")
    span = working_time_between(due, at) if state == CountdownState.overdue \
        else working_time_between(at, due)
    return Countdown(state, _whole(span, WORKING_DAY))


def stopped(waiting_for: str = "applicant") -> Countdown:
    return Countdown(CountdownState.stopped, 0, waiting_for=waiting_for)
