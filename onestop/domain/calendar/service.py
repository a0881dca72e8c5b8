"""`calendar_for(agency_id)`: the working calendar an agency counts deadlines with, built from data.

National rows (agency_id NULL) of the `holidays` table apply everywhere; an agency's own rows win
for the same day; its weekday hour overrides replace the standard hours on that weekday. While
the table holds no rows at all (a fresh install before `onestop calendar holidays seed`), the
built-in seed data is used so that deadlines are never counted without holidays.

Calendars are cached per process and keyed by a fingerprint of the calendar tables (row count and
highest id, latest creation; the write operations only insert and delete), read at most once per
request.
"""

from __future__ import annotations

import threading
from datetime import date

from flask import current_app, g, has_app_context
from sqlalchemy import func, select

from onestop.extensions import db

from .seed import LIBRARY_YEARS, national_days
from .workingtime import DEFAULT_HOURS, DEFAULT_TIMEZONE, WorkingCalendar, parse_spans

_cache: dict[tuple, WorkingCalendar] = {}
_lock = threading.Lock()


def calendar_for(agency_id: int | None) -> WorkingCalendar:
    """The working calendar of an agency (None: the national calendar), cached per process."""
    if not has_app_context():
        return _cached(
            ("builtin", DEFAULT_HOURS, DEFAULT_TIMEZONE),
            lambda: _builtin(DEFAULT_HOURS, DEFAULT_TIMEZONE),
        )
    hours = current_app.config.get("ONESTOP_WORKING_HOURS", DEFAULT_HOURS)
    timezone = current_app.config.get("ONESTOP_TIMEZONE", DEFAULT_TIMEZONE)
    fingerprint = _fingerprint()
    if fingerprint[0] == 0 and fingerprint[2] == 0:
        return _cached(("builtin", hours, timezone), lambda: _builtin(hours, timezone))
    key = (db.engine.url.render_as_string(), agency_id, hours, timezone, fingerprint)
    return _cached(
        key, lambda: _from_rows(agency_id, hours, timezone, builtin_days=fingerprint[0] == 0)
    )


def invalidate() -> None:
    """Forget cached calendars and this request's fingerprint (after a calendar change)."""
    with _lock:
        _cache.clear()
    if has_app_context():
        g.pop("_calendar_fingerprint", None)


def _cached(key: tuple, build) -> WorkingCalendar:
    calendar = _cache.get(key)
    if calendar is None:
        calendar = build()
        with _lock:
            if len(_cache) > 64:
                _cache.clear()
            _cache[key] = calendar
    return calendar


def _fingerprint() -> tuple:
    cached = g.get("_calendar_fingerprint")
    if cached is None:
        from .models import Holiday, WorkingHoursOverride

        h = db.session.execute(
            select(func.count(Holiday.id), func.max(Holiday.id), func.max(Holiday.created_at))
        ).one()
        o = db.session.execute(
            select(
                func.count(WorkingHoursOverride.id),
                func.max(WorkingHoursOverride.id),
                func.max(WorkingHoursOverride.created_at),
            )
        ).one()
        cached = (h[0], h[1] or 0, o[0], o[1] or 0, str(h[2]), str(o[2]))
        g._calendar_fingerprint = cached
    return cached


def _builtin(hours: str, timezone: str) -> WorkingCalendar:
    days = national_days(LIBRARY_YEARS)
    return WorkingCalendar.standard(
        hours,
        holidays=[d.day for d in days if d.kind == "holiday"],
        makeup_days=[d.day for d in days if d.kind == "makeup_workday"],
        timezone=timezone,
    )


def _from_rows(
    agency_id: int | None, hours: str, timezone: str, builtin_days: bool
) -> WorkingCalendar:
    from .models import Holiday, WorkingHoursOverride

    standard = parse_spans(hours)
    week = {wd: standard for wd in range(5)}
    if builtin_days:
        kinds = {entry.day: entry.kind for entry in national_days(LIBRARY_YEARS)}
    else:
        rows = db.session.execute(
            select(Holiday.day, Holiday.kind, Holiday.agency_id).where(
                (Holiday.agency_id.is_(None)) | (Holiday.agency_id == agency_id)
            )
        ).all()
        kinds: dict[date, str] = {}
        for day, kind, _owner in sorted(rows, key=lambda r: r.agency_id is not None):
            kinds[day] = kind  # the agency's own row, sorted last, wins
    if agency_id is not None:
        for weekday, text in db.session.execute(
            select(WorkingHoursOverride.weekday, WorkingHoursOverride.hours).where(
                WorkingHoursOverride.agency_id == agency_id
            )
        ).all():
            week[weekday] = parse_spans(text)
    return WorkingCalendar(
        week,
        days_off=[d for d, k in kinds.items() if k == "holiday"],
        extra_days={d: standard for d, k in kinds.items() if k == "makeup_workday"},
        timezone=timezone,
    )
