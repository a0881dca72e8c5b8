"""Working-time questions statistics ask the calendar: one place, so tests can swap the calendar."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app


def calendar(agency_id: int | None):
    """The working calendar of an agency (the calendar team's `calendar_for`)."""
    from onestop.domain.calendar.service import calendar_for

    return calendar_for(agency_id)


def zone() -> ZoneInfo:
    """The local time zone in which report periods are whole days."""
    return ZoneInfo(current_app.config.get("ONESTOP_TIMEZONE", "Asia/Ho_Chi_Minh"))


def day_start(day: date) -> datetime:
    """Local midnight starting `day`, as an aware datetime (compare with UTC columns directly)."""
    return datetime.combine(day, time(0), tzinfo=zone())


def period_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The half-open instant range [start, end) covering local days first..last inclusive."""
    return day_start(first), day_start(last + timedelta(days=1))


def working_minutes(agency_id: int | None, start: datetime, end: datetime) -> int:
    """Working minutes between two instants on the agency's calendar (0 when end <= start)."""
    if end <= start:
        return 0
    return calendar(agency_id).minutes_between(start, end)


def classify(agency_id: int | None, finished_at: datetime, due_at: datetime | None) -> str:
    """early / on_time / late by the calendar's rule; with no due time a dossier is on time."""
    if due_at is None:
        return "on_time"
    return calendar(agency_id).classify(finished_at, due_at)
