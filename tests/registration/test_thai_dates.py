"""Buddhist Era dates in Thai, Gregorian in English, shown on Bangkok time."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.thai_dates import format_date, format_datetime

DAY = date(2026, 11, 26)


def test_thai_dates_use_buddhist_era_years():
    assert format_date(DAY, "th") == "26 พฤศจิกายน 2569"
    assert format_date(DAY, "th", style="long") == "26 พฤศจิกายน 2569"
    assert format_date(DAY, "th", style="short") == "26 พ.ย. 2569"
    assert format_date(DAY, "th", style="full") == "วันพฤหัสบดีที่ 26 พฤศจิกายน พ.ศ. 2569"


def test_thai_leap_day():
    assert format_date(date(2024, 2, 29), "th") == "29 กุมภาพันธ์ 2567"


def test_english_dates_stay_gregorian():
    assert format_date(DAY, "en") == "November 26, 2026"
    assert format_date(DAY, "en", style="short") == "Nov 26, 2026"
    assert format_date(DAY, "en", style="full") == "Thursday, November 26, 2026"


def test_naive_datetime_is_utc_and_shown_on_bangkok_time():
    moment = datetime(2026, 11, 26, 7, 30)
    assert format_datetime(moment, "th") == "26 พฤศจิกายน 2569 14:30 น."
    assert format_datetime(moment, "th", style="short") == "26 พ.ย. 2569 14:30 น."
    assert format_datetime(moment, "en") == "November 26, 2026, 2:30\u202fPM"


def test_aware_datetime_is_converted_to_bangkok():
    tokyo = datetime(2026, 11, 26, 16, 30, tzinfo=ZoneInfo("Asia/Tokyo"))  # 07:30 UTC
    assert format_datetime(tokyo, "th") == "26 พฤศจิกายน 2569 14:30 น."


def test_new_year_in_bangkok_changes_the_buddhist_year():
    utc_evening = datetime(2026, 12, 31, 18, 0, tzinfo=UTC)  # 01:00 on 1 Jan in Bangkok
    assert format_datetime(utc_evening, "th") == "1 มกราคม 2570 01:00 น."
    assert format_date(utc_evening, "th") == "1 มกราคม 2570"
    assert format_date(utc_evening, "en") == "January 1, 2027"


def test_unsupported_language_or_style_is_refused():
    with pytest.raises(ValueError):
        format_date(DAY, "fr")
    with pytest.raises(ValueError):
        format_date(DAY, "th", style="medium")
