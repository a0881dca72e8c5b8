"""Changing the calendar: days off, make-up days, agency hours, seeding. Flush and audit only.

Each change recomputes the due times of the open dossiers and tasks it affects, with the reason.
The acting user must be an administrator; `None` stands for the system (the `onestop` command).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from onestop.domain import Conflict, DomainError, Forbidden, NotFound
from onestop.domain.audit.log import record
from onestop.extensions import db

from . import service
from .models import HOLIDAY_KINDS, Holiday, WorkingHoursOverride
from .recompute import Moved, recompute_open_deadlines
from .seed import SEED_YEARS, national_days
from .workingtime import format_spans, parse_spans

KIND_LABELS = {"holiday": "ngày nghỉ", "makeup_workday": "ngày làm việc bù"}
WEEKDAY_LABELS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def _require_admin(actor) -> None:
    if actor is not None and getattr(actor, "kind", None) != "admin":
        raise Forbidden("only an administrator may change the working calendar")


def _changed(actor, reason: str, agency_id: int | None) -> list[Moved]:
    db.session.flush()
    service.invalidate()
    return recompute_open_deadlines(actor, reason, agency_id)


def add_day(
    actor,
    day: date,
    name: str,
    kind: str = "holiday",
    agency_id: int | None = None,
    source: str = "admin",
) -> tuple[Holiday, list[Moved]]:
    """Declare a day off or a make-up working day (everywhere, or for one agency); recompute."""
    _require_admin(actor)
    if not isinstance(day, date):
        raise DomainError("give the day as a date (YYYY-MM-DD)", field="day")
    if kind not in HOLIDAY_KINDS:
        raise DomainError(f"kind must be one of {', '.join(HOLIDAY_KINDS)}", field="kind")
    name = (name or "").strip()
    if not name:
        raise DomainError(
            "give the day a name (e.g. the Government notice it comes from)", field="name"
        )
    if kind == "makeup_workday" and day.weekday() < 5:
        raise DomainError("a make-up working day falls on a weekend", field="day")
    existing = db.session.scalar(
        select(Holiday).where(
            Holiday.day == day,
            Holiday.agency_id.is_(None) if agency_id is None else Holiday.agency_id == agency_id,
        )
    )
    if existing is not None:
        raise Conflict(f"{day:%d/%m/%Y} is already in the calendar ({existing.name})", field="day")
    holiday = Holiday(
        day=day,
        name=name[:160],
        kind=kind,
        agency_id=agency_id,
        source=source,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(holiday)
    db.session.flush()
    record(
        "calendar:day_added",
        f"calendar:{day.isoformat()}",
        actor=actor,
        kind=kind,
        name=name,
        agency_id=agency_id,
    )
    reason = f"Thêm {KIND_LABELS[kind]} {day:%d/%m/%Y} ({name})"
    return holiday, _changed(actor, reason, agency_id)


def remove_day(actor, holiday_id: int) -> list[Moved]:
    """Take a day off or make-up day out of the calendar; recompute."""
    _require_admin(actor)
    holiday = db.session.get(Holiday, holiday_id)
    if holiday is None:
        raise NotFound("no such calendar day", field="holiday_id")
    day, kind, name, agency_id = holiday.day, holiday.kind, holiday.name, holiday.agency_id
    db.session.delete(holiday)
    db.session.flush()
    record(
        "calendar:day_removed",
        f"calendar:{day.isoformat()}",
        actor=actor,
        kind=kind,
        name=name,
        agency_id=agency_id,
    )
    return _changed(actor, f"Bỏ {KIND_LABELS[kind]} {day:%d/%m/%Y} ({name})", agency_id)


def set_weekday_hours(
    actor, agency_id: int, weekday: int, hours: str, note: str | None = None
) -> list[Moved]:
    """Give an agency its own hours on a weekday ("" = closed), e.g. Sat 08:00-11:30; recompute."""
    _require_admin(actor)
    if not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise DomainError("weekday is 0 (Monday) to 6 (Sunday)", field="weekday")
    spans = parse_spans(hours, field="hours")
    row = db.session.scalar(
        select(WorkingHoursOverride).where(
            WorkingHoursOverride.agency_id == agency_id, WorkingHoursOverride.weekday == weekday
        )
    )
    if row is not None:
        db.session.delete(row)  # replaced, not updated: the cache fingerprint sees a new id
        db.session.flush()
    db.session.add(
        WorkingHoursOverride(
            agency_id=agency_id,
            weekday=weekday,
            hours=format_spans(spans),
            note=note,
            created_by_id=getattr(actor, "id", None),
        )
    )
    db.session.flush()
    record(
        "calendar:hours_set",
        f"agency:{agency_id}",
        actor=actor,
        weekday=weekday,
        hours=format_spans(spans),
    )
    label = format_spans(spans) or "nghỉ"
    return _changed(
        actor, f"Giờ làm việc {WEEKDAY_LABELS[weekday]} của cơ quan: {label}", agency_id
    )


def clear_weekday_hours(actor, agency_id: int, weekday: int) -> list[Moved]:
    """Return an agency's weekday to the standard hours; recompute."""
    _require_admin(actor)
    if not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise DomainError("weekday is 0 (Monday) to 6 (Sunday)", field="weekday")
    row = db.session.scalar(
        select(WorkingHoursOverride).where(
            WorkingHoursOverride.agency_id == agency_id, WorkingHoursOverride.weekday == weekday
        )
    )
    if row is None:
        raise NotFound("the agency has no own hours on that weekday", field="weekday")
    db.session.delete(row)
    db.session.flush()
    record("calendar:hours_cleared", f"agency:{agency_id}", actor=actor, weekday=weekday)
    return _changed(actor, f"Giờ làm việc {WEEKDAY_LABELS[weekday]} trở về giờ chung", agency_id)


def seed_national_days(actor, years: Iterable[int] = SEED_YEARS) -> tuple[int, int, list[Moved]]:
    """Insert the national days of `years` not yet present; returns (added, kept, moved)."""
    _require_admin(actor)
    years = sorted(set(years))
    present = set(db.session.scalars(select(Holiday.day).where(Holiday.agency_id.is_(None))))
    added = kept = 0
    for entry in national_days(years):
        if entry.day in present:
            kept += 1
            continue
        db.session.add(
            Holiday(
                day=entry.day,
                name=entry.name[:160],
                kind=entry.kind,
                source=entry.source,
                created_by_id=getattr(actor, "id", None),
            )
        )
        added += 1
    if not added:
        return 0, kept, []
    db.session.flush()
    record("calendar:seeded", "calendar:national", actor=actor, years=years, added=added)
    moved = _changed(actor, f"Nạp lịch nghỉ lễ quốc gia {years[0]}–{years[-1]}", None)
    return added, kept, moved
