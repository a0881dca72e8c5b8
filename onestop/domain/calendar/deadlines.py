"""Deadline rules over the working calendar: due dates, pauses, the extension, warnings, results.

Every function takes the calendar explicitly (get it with `calendar_for(agency_id)`), so the rules
stay testable without a database. Settings are read from the app when there is one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app, has_app_context

from onestop.domain import DomainError

from .workingtime import MINUTES_PER_DAY, WorkingCalendar

Period = tuple[datetime, datetime | None]
DUE_SOON_SHARE = 4  # at most a quarter of the budget


def _setting(key: str, default: int) -> int:
    return current_app.config.get(key, default) if has_app_context() else default


# -- the dossier's due time ---------------------------------------------------------------------


def legal_due_at(
    calendar: WorkingCalendar, definition: dict, legal_minutes: int, received_at: datetime
) -> datetime:
    """The dossier's due time from a procedure version's legal time and cut-off (before pauses)."""
    legal = (definition or {}).get("legal_time") or {}
    return calendar.due_at(
        received_at,
        legal_minutes,
        (definition or {}).get("cutoff"),
        same_day=bool(legal.get("same_day")),
    )


def merge_periods(periods: Iterable[Period], until: datetime) -> list[tuple[datetime, datetime]]:
    """Pauses as sorted, non-overlapping (start, end) pairs; an open pause ends at `until`."""
    closed = sorted((start, end or until) for start, end in periods if (end or until) > start)
    merged: list[list[datetime]] = []
    for start, end in closed:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def paused_minutes(
    calendar: WorkingCalendar,
    periods: Iterable[Period],
    until: datetime,
    since: datetime | None = None,
) -> int:
    """Working minutes inside the pause periods (clipped to start at `since`)."""
    total = 0
    for start, end in merge_periods(periods, until):
        if since is not None:
            if end <= since:
                continue
            start = max(start, since)
        total += calendar.minutes_between(start, end)
    return total


def due_after_pauses(
    calendar: WorkingCalendar,
    original_due_at: datetime,
    periods: Iterable[Period],
    until: datetime,
    since: datetime | None = None,
) -> datetime:
    """The original due time pushed by exactly the paused working time (never earlier)."""
    minutes = paused_minutes(calendar, periods, until, since)
    return calendar.add_minutes(original_due_at, minutes) if minutes else original_due_at


def extended_due_at(calendar: WorkingCalendar, current_due_at: datetime, new_day: date) -> datetime:
    """The one extension (form 04): the end of `new_day`, which must be a later working day."""
    if not isinstance(new_day, date) or isinstance(new_day, datetime):
        raise DomainError("give the new due date as a calendar day", field="new_due_date")
    spans = calendar.spans_on(new_day)
    if not spans:
        raise DomainError(
            f"{new_day:%d/%m/%Y} is not a working day; choose a working day", field="new_due_date"
        )
    if new_day <= calendar.local(current_due_at).date():
        raise DomainError(
            "the new due date must be after the current due date", field="new_due_date"
        )
    end = datetime.combine(new_day, time(), calendar.tz) + timedelta(seconds=spans[-1][1])
    return end.astimezone(current_due_at.tzinfo)


# -- step budgets and warnings ------------------------------------------------------------------


def task_due_at(
    calendar: WorkingCalendar,
    opened_at: datetime,
    budget_minutes: int,
    periods: Iterable[Period] = (),
    until: datetime | None = None,
) -> datetime:
    """A task's due time: its budget in working minutes from opening, pushed by later pauses."""
    due = calendar.add_minutes(opened_at, budget_minutes)
    if until is None:
        return due
    return due_after_pauses(calendar, due, periods, until, since=opened_at)


def due_soon_minutes(budget_minutes: int | None) -> int:
    """The due-soon window: ONESTOP_DUE_SOON_HOURS or a quarter of the budget, if shorter."""
    window = _setting("ONESTOP_DUE_SOON_HOURS", 8) * 60
    if budget_minutes:
        window = min(window, max(budget_minutes // DUE_SOON_SHARE, 1))
    return window


def due_soon_from(
    calendar: WorkingCalendar, due_at: datetime, budget_minutes: int | None
) -> datetime:
    """The instant from which a due time counts as due soon."""
    return calendar.subtract_minutes(due_at, due_soon_minutes(budget_minutes))


def apology_due_by(calendar: WorkingCalendar, due_at: datetime) -> datetime:
    """Deadline of the apology letter: ONESTOP_APOLOGY_LEAD_DAYS working days before the due."""
    return calendar.subtract_minutes(
        due_at, _setting("ONESTOP_APOLOGY_LEAD_DAYS", 1) * MINUTES_PER_DAY
    )


def deadline_state(
    calendar: WorkingCalendar, due_at: datetime, budget_minutes: int | None, at: datetime
) -> str:
    """ "overdue", "due_soon" or "in_time" at an instant."""
    if at > due_at:
        return "overdue"
    if at >= due_soon_from(calendar, due_at, budget_minutes):
        return "due_soon"
    return "in_time"


# -- classification -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Judgement:
    """How a dossier or a step ended against its due time, with the working time it took."""

    result: str  # "early" | "on_time" | "late"
    elapsed_minutes: int  # working minutes, pauses excluded
    budget_minutes: int | None
    due_at: datetime
    finished_at: datetime


def judge(
    calendar: WorkingCalendar,
    started_at: datetime,
    finished_at: datetime,
    due_at: datetime,
    periods: Sequence[Period] = (),
    budget_minutes: int | None = None,
) -> Judgement:
    """Classify a finished dossier or step and measure its working time without pauses."""
    if finished_at < started_at:
        raise DomainError("the end is before the start", field="finished_at")
    elapsed = calendar.minutes_between(started_at, finished_at)
    clipped = [
        (max(s, started_at), min(e or finished_at, finished_at))
        for s, e in periods
        if s < finished_at and (e or finished_at) > started_at
    ]
    elapsed -= paused_minutes(calendar, clipped, finished_at)
    return Judgement(
        calendar.classify(finished_at, due_at), max(elapsed, 0), budget_minutes, due_at, finished_at
    )


def dossier_finished_at(dossier) -> datetime | None:
    """The end that classification uses: processed, else returned, else stopped or refused."""
    return (
        dossier.processed_at
        or dossier.returned_at
        or (
            dossier.finished_at if dossier.status in ("refused", "withdrawn", "cancelled") else None
        )
    )


def dossier_periods(dossier) -> list[Period]:
    """The dossier's pauses as (start, end) periods."""
    return [(p.started_at, p.ended_at) for p in dossier.pauses]
