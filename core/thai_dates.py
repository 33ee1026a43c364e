"""Dates and times for display: Buddhist Era (พ.ศ.) years in Thai, Babel's Gregorian formats in
English, always on Bangkok time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import format_time as babel_format_time
from babel.dates import get_datetime_format

BANGKOK = ZoneInfo("Asia/Bangkok")
BUDDHIST_ERA_OFFSET = 543

Lang = Literal["th", "en"]
Style = Literal["full", "long", "short"]

# Babel's Thai patterns print Gregorian years with ค.ศ., so Thai uses its own patterns with the
# BE year dropped in as a quoted literal; month and weekday names still come from Babel (CLDR).
_THAI_DATE_PATTERNS = {
    "full": "EEEEที่ d MMMM พ.ศ. '{year}'",  # วันพฤหัสบดีที่ 26 พฤศจิกายน พ.ศ. 2569
    "long": "d MMMM '{year}'",  # 26 พฤศจิกายน 2569
    "short": "d MMM '{year}'",  # 26 พ.ย. 2569
}
# English 'short' is Babel's medium (Nov 26, 2026): Babel's short, 11/26/26, reads as
# 11 Feb 2026 to anyone used to day-first dates, as Thai users are.
_ENGLISH_DATE_FORMATS: dict[str, Literal["full", "long", "medium"]] = {
    "full": "full", "long": "long", "short": "medium"}


def to_bangkok(dt: datetime) -> datetime:
    """The same instant on Bangkok time; a naive datetime is taken to be UTC, as stored."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(BANGKOK)


def _check(lang: str, style: str) -> None:
    if lang not in ("th", "en"):
        raise ValueError(f"unsupported language {lang!r}; expected 'th' or 'en'")
    if style not in _THAI_DATE_PATTERNS:
        raise ValueError(f"unsupported style {style!r}; expected {list(_THAI_DATE_PATTERNS)}")


def _thai_date_pattern(day: date, style: str) -> str:
    return _THAI_DATE_PATTERNS[style].format(year=day.year + BUDDHIST_ERA_OFFSET)


def format_date(d: date, lang: Lang, style: Style = "long") -> str:
    """th: '26 พฤศจิกายน 2569' (long), '26 พ.ย. 2569' (short); en: 'November 26, 2026',
    'Nov 26, 2026'. A datetime is first moved to Bangkok time, so the day is Bangkok's."""
    _check(lang, style)
    if isinstance(d, datetime):
        d = to_bangkok(d).date()
    if lang == "th":
        return babel_format_date(d, _thai_date_pattern(d, style), locale="th")
    return babel_format_date(d, _ENGLISH_DATE_FORMATS[style], locale="en")


def format_datetime(dt: datetime, lang: Lang, style: Style = "long") -> str:
    """Date and Bangkok wall-clock time to the minute: th '26 พฤศจิกายน 2569 14:30 น.',
    en 'November 26, 2026, 2:30 PM' (Babel puts a narrow no-break space before PM)."""
    _check(lang, style)
    local = to_bangkok(dt)
    if lang == "th":
        # Thai official style: 24-hour clock followed by น. (นาฬิกา).
        pattern = _thai_date_pattern(local, style) + " HH:mm 'น.'"
        return babel_format_datetime(local, pattern, tzinfo=BANGKOK, locale="th")
    day = babel_format_date(local.date(), _ENGLISH_DATE_FORMATS[style], locale="en")
    time = babel_format_time(local, "short", tzinfo=BANGKOK, locale="en")
    # The locale's own glue pattern, e.g. '{1}, {0}', so word order stays Babel's.
    glue = str(get_datetime_format(_ENGLISH_DATE_FORMATS[style], locale="en"))
    return glue.replace("'", "").replace("{1}", day).replace("{0}", time)
