"""Service targets and routing: working days skip weekends and Thai public holidays, every
category has a resolve target and a unit, environmental ones also reach the EEC Office."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime

from complaints import policy, routing
from complaints.categories import DATA, find_estate
from core.thai_dates import BANGKOK


def bangkok(*args: int) -> datetime:
    return datetime(*args, tzinfo=BANGKOK)


def category_ids() -> list[str]:
    with open(DATA / "complaint_categories.csv", encoding="utf-8") as fh:
        return [row["id"] for row in csv.DictReader(fh)]


def test_one_working_day_after_friday_is_monday():
    friday = bangkok(2026, 11, 27, 10, 0)
    assert friday.weekday() == 4
    assert policy.acknowledge_due("wastewater", friday) == bangkok(2026, 11, 30, 10, 0)
    assert policy.resolve_due("wastewater", friday) == bangkok(2026, 12, 2, 10, 0)


def test_working_days_skip_a_thai_public_holiday_after_the_weekend():
    # Saturday 5 December 2026 is King Bhumibol's birthday; Monday 7 is its substitute day
    # off, and Thursday 10 is Constitution Day.
    friday = bangkok(2026, 12, 4, 10, 0)
    assert not policy.is_working_day(date(2026, 12, 7))
    assert not policy.is_working_day(date(2026, 12, 10))
    assert policy.acknowledge_due("wastewater", friday) == bangkok(2026, 12, 8, 10, 0)
    assert policy.resolve_due("wastewater", friday) == bangkok(2026, 12, 11, 10, 0)


def test_songkran_is_not_a_working_day_and_a_plain_wednesday_is():
    assert not policy.is_working_day(date(2026, 4, 13))
    assert not policy.is_working_day(date(2026, 4, 15))
    assert policy.is_working_day(date(2026, 11, 25))


def test_emergencies_run_around_the_clock_and_are_acknowledged_no_later():
    friday = bangkok(2026, 12, 4, 10, 0)
    assert policy.resolve_due("chemical_fire", friday) == bangkok(2026, 12, 5, 10, 0)
    assert policy.acknowledge_due("chemical_fire", friday) == bangkok(2026, 12, 5, 10, 0)


def test_due_times_keep_the_bangkok_wall_clock_of_a_utc_filing():
    filed = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # Friday 10:00 in Bangkok
    assert policy.acknowledge_due("noise", filed) == bangkok(2026, 11, 30, 10, 0)


def test_every_category_has_a_target_and_a_unit():
    ids = category_ids()
    assert len(ids) == 13
    assert set(ids) == set(policy.RESOLVE_TARGETS) == set(routing.CATEGORY_UNIT)
    assert policy.RESOLVE_TARGETS["other"].days == 14


def test_a_ticket_goes_to_the_estate_unit_for_its_category():
    wastewater = routing.route("map-ta-phut", "wastewater")
    assert wastewater.team == "map-ta-phut/environment" and wastewater.eec_environment
    outage = routing.route("wellgrow", "power_outage")
    assert outage.team == "wellgrow/utilities" and not outage.eec_environment
    fire = routing.route("smart-park", "chemical_fire")
    assert fire.team == "smart-park/safety" and fire.eec_environment
    assert routing.route("tfd", "other").team == "tfd/administration"


def test_environmental_categories_are_flagged_to_the_eec_office():
    flagged = {c for c in category_ids() if routing.route("tfd", c).eec_environment}
    assert flagged == {"wastewater", "air_pollution", "odor", "noise", "waste", "chemical_fire"}


def test_an_address_names_its_estate_in_either_language():
    assert find_estate("Gate 3, WHA Chonburi Industrial Estate 1, Chon Buri").id == "wha-chonburi-1"
    assert find_estate("ถนนไอ-8 นิคมอุตสาหกรรมมาบตาพุด ระยอง").id == "map-ta-phut"
    assert find_estate("Eastern Industrial Estate (Map Ta Phut)").id == "eastern-map-ta-phut"
    assert find_estate("somewhere in Bangkok") is None
