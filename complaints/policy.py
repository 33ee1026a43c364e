"""Service targets for complaints: when a ticket must be acknowledged and resolved, counted in
working days on Bangkok's calendar (no weekends, no Thai public holidays)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

from core.thai_dates import BANGKOK, to_bangkok


@dataclass(frozen=True)
class Target:
    days: int
    around_the_clock: bool = False  # calendar days: emergencies do not wait for Monday


# The complaint desk's own service targets per category: the desk's policy, not law. No act
# or regulation sets resolution times for industrial-estate complaints; change them here.
RESOLVE_TARGETS: dict[str, Target] = {
    "chemical_fire": Target(1, around_the_clock=True),  # leak, fire or explosion
    "power_outage": Target(1, around_the_clock=True),
    "water_supply": Target(2, around_the_clock=True),
    "flooding": Target(2, around_the_clock=True),
    "security": Target(2, around_the_clock=True),
    "wastewater": Target(3),
    "air_pollution": Target(3),
    "odor": Target(5),
    "waste": Target(5),
    "noise": Target(7),
    "road_traffic": Target(10),
    "estate_service": Target(10),
    "other": Target(14),
}
# Every ticket is acknowledged within one working day (never later than its resolve target).
ACKNOWLEDGE_WORKING_DAYS = 1


@lru_cache(maxsize=16)
def _thai_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("TH", years=year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _thai_holidays(day.year)


def add_working_days(start: datetime, days: int) -> datetime:
    """The same Bangkok wall-clock time on the `days`-th working day after `start`'s day:
    filed on Friday 10:00, one working day is Monday 10:00 (or Tuesday after a holiday)."""
    local = to_bangkok(start)
    day = local.date()
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return datetime.combine(day, local.timetz()).replace(tzinfo=BANGKOK)


def resolve_due(category: str, filed_at: datetime) -> datetime:
    target = RESOLVE_TARGETS.get(category, RESOLVE_TARGETS["other"])
    if target.around_the_clock:
        return to_bangkok(filed_at) + timedelta(days=target.days)
    return add_working_days(filed_at, target.days)


def acknowledge_due(category: str, filed_at: datetime) -> datetime:
    return min(add_working_days(filed_at, ACKNOWLEDGE_WORKING_DAYS),
               resolve_due(category, filed_at))
