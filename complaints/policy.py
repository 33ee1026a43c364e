"""Service targets for complaints: when a ticket must be acknowledged and resolved. Targets are
counted in Thai working days (core.working_days: no weekends, no Thai holidays, Bangkok time),
as a government service charter counts them; emergencies run around the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.thai_dates import to_bangkok
from core.working_days import (
    Countdown,
    add_working_days,
    add_working_time,
    countdown,
    working_time_between,
)


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
# Every ticket is acknowledged within one working day (one day for emergencies), never later
# than its resolve target.
ACKNOWLEDGE_WORKING_DAYS = 1


def target_for(category: str) -> Target:
    return RESOLVE_TARGETS.get(category, RESOLVE_TARGETS["other"])


def resolve_due(category: str, filed_at: datetime) -> datetime:
    target = target_for(category)
    if target.around_the_clock:
        return to_bangkok(filed_at) + timedelta(days=target.days)
    return add_working_days(filed_at, target.days)


def acknowledge_due(category: str, filed_at: datetime) -> datetime:
    """One working day, or one day around the clock for an emergency (whose desk works on
    weekends anyway), never later than the resolve target. For a one-day emergency (power
    outage, chemical leak or fire) the two targets are the same length, so both due times are
    the same moment: that is the policy's figures, not an arithmetic slip; an acknowledgement
    target of its own for emergencies is the desk's decision to take (see the README)."""
    if target_for(category).around_the_clock:
        acknowledge = to_bangkok(filed_at) + timedelta(days=ACKNOWLEDGE_WORKING_DAYS)
    else:
        acknowledge = add_working_days(filed_at, ACKNOWLEDGE_WORKING_DAYS)
    return min(acknowledge, resolve_due(category, filed_at))


def countdown_to(category: str, due: datetime, at: datetime) -> Countdown:
    """In working days, or in hours for an emergency whose target runs around the clock."""
    return countdown(due, at, around_the_clock=target_for(category).around_the_clock)


def resumed_due(category: str, due: datetime, paused_at: datetime,
                resumed_at: datetime) -> datetime:
    """The due time once the clock runs again: later by the time it stood still, counted as
    the target counts (working time, or every hour for an emergency), so a weekend or a
    holiday spent waiting for the complainant adds nothing it would not have counted."""
    if target_for(category).around_the_clock:
        return to_bangkok(due) + max(resumed_at - paused_at, timedelta(0))
    return add_working_time(due, working_time_between(paused_at, resumed_at))
