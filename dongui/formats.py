"""Numbers, percentages and dates in the reader's language and the school's time zone.

Babel directly, with its parsed locale and patterns kept: a class grid or a school report formats
hundreds of values per page, and going through Flask-Babel for each one cost milliseconds.

Every page shows a date one way and a date with a time one way, so a due date on the dashboard
reads like the same due date on a student's page: the date written out ("2026년 11월 20일",
"November 20, 2026"), and for a moment that date plus the hour and minute ("2026년 11월 20일
오후 3:05", "November 20, 2026, 3:05 PM"). Templates call `|date` and `|datetime` with no width.
"""

from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale, dates, numbers
from flask_babel import get_locale, get_timezone
from flask_babel import lazy_gettext as _l

# Babel widths (CLDR): the date as "long" (month spelled out, with the year, no weekday) and the
# time as "short" (hour and minute; seconds and the zone name say nothing to a teacher).
DATE_WIDTH = "long"
TIME_WIDTH = "short"


@lru_cache(maxsize=8)
def _locale(tag: str) -> Locale:
    return Locale.parse(tag)


@lru_cache(maxsize=4096)
def _number(tag: str, value) -> str:
    return numbers.format_decimal(value, locale=_locale(tag))


@lru_cache(maxsize=4096)
def _percent(tag: str, value: float) -> str:
    return numbers.format_percent(value, locale=_locale(tag))


@lru_cache(maxsize=32)
def _pattern(tag: str, kind: str, width: str) -> dates.DateTimePattern:
    """A date or date-and-time pattern: the date at `width`, the time at TIME_WIDTH, joined as
    the locale joins them at `width`. Day periods are spelled out ("오전", not "AM")."""
    locale = _locale(tag)
    date_pattern = dates.get_date_format(width, locale=locale).pattern
    if kind == "date":
        return dates.parse_pattern(date_pattern)
    time_pattern = dates.get_time_format(TIME_WIDTH, locale=locale).pattern
    time_pattern = time_pattern.replace("a", "aaaa") if "aaaa" not in time_pattern else time_pattern
    combined = dates.get_datetime_format(width, locale=locale).replace("{1}", date_pattern)
    return dates.parse_pattern(combined.replace("{0}", time_pattern))


def format_number(value) -> str:
    return _number(str(get_locale()), value)


def format_percent(value: float) -> str:
    return _percent(str(get_locale()), round(value, 4))


def format_date(value: date | datetime | None, width: str = DATE_WIDTH) -> str:
    """A date (a datetime gives its date in the school's time zone) in the one date format.

    Call it without `width`; two templates still spell out 'long', which is DATE_WIDTH, and
    tests/test_i18n.py fails for any other width."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(_zone(str(get_timezone())))
    tag = str(get_locale())
    return _pattern(tag, "date", width).apply(value, _locale(tag))


def format_datetime(value: datetime | None) -> str:
    """An aware UTC datetime in the school's time zone, in the one date-and-time format."""
    if value is None:
        return ""
    return _datetime(str(get_locale()), str(get_timezone()), value)


@lru_cache(maxsize=8192)
def _datetime(tag: str, zone: str, value: datetime) -> str:
    """Kept: a teacher looking again at a class sees the same forty "last active" times."""
    return _pattern(tag, "datetime", DATE_WIDTH).apply(value.astimezone(_zone(zone)), _locale(tag))


@lru_cache(maxsize=16)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def format_hour(hour: int) -> str:
    """An hour of the day on the clock, in the reader's language ("오후 4:00", "4:00 PM"); 0 is
    midnight, said in words."""
    if hour == 0:
        return str(_l("midnight"))
    tag = str(get_locale())
    return dates.format_time(time(hour), format=TIME_WIDTH, locale=_locale(tag))
