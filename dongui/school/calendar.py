"""Days in the school's time zone: today, when a day begins, and when a due date has passed.

Deadlines and the dates people see are the school's (DESIGN.md, "Data model"); times are
stored in UTC. Every page and rule that asks "what day is it at school?" asks here.
"""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from ..clock import utcnow


def local_today(timezone: str, now: datetime | None = None) -> date:
    """Today's date at the school."""
    return (now or utcnow()).astimezone(ZoneInfo(timezone)).date()


def start_of_day(day: date, timezone: str) -> datetime:
    """Midnight at the start of `day` in the school's time zone, as an aware UTC datetime."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def is_past_due(due_on: date | None, today: date) -> bool:
    """For pages that check many due dates against one school's today."""
    return due_on is not None and today > due_on


def is_overdue(due_on: date | None, timezone: str, now: datetime | None = None) -> bool:
    """Overdue once the due date has ended in the school's time zone."""
    return is_past_due(due_on, local_today(timezone, now))
