"""Working-time arithmetic: table tests around Vietnamese holidays, hypothesis properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.domain import DomainError
from onestop.domain.calendar.seed import LIBRARY_YEARS, national_days
from onestop.domain.calendar.workingtime import (
    WorkingCalendar,
    format_budget,
    parse_budget,
    parse_spans,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DAYS = national_days(LIBRARY_YEARS)
CAL = WorkingCalendar.standard(
    holidays=[d.day for d in DAYS if d.kind == "holiday"],
    makeup_days=[d.day for d in DAYS if d.kind == "makeup_workday"],
)


def vn(*parts) -> datetime:
    return datetime(*parts, tzinfo=VN)


def local(at: datetime) -> datetime:
    return at.astimezone(VN)


@pytest.mark.parametrize(
    ("received", "days", "expected", "why"),
    [
        (vn(2026, 12, 3, 9), 1, vn(2026, 12, 4, 17), "counting starts the next working day"),
        (vn(2026, 12, 4, 10), 1, vn(2026, 12, 7, 17), "weekend skipped"),
        (vn(2026, 2, 13, 10), 1, vn(2026, 2, 23, 17), "Tết 2026: civil servants off 14–22/2"),
        (vn(2026, 2, 12, 10), 3, vn(2026, 2, 24, 17), "Tết 2026 in the middle of a period"),
        (vn(2027, 2, 3, 16, 30), 5, vn(2027, 2, 17, 17), "Tết 2027: off 4–10/2"),
        (vn(2026, 4, 29, 9), 2, vn(2026, 5, 5, 17), "30/4 and 1/5 2026"),
        (
            vn(2026, 8, 28, 9),
            1,
            vn(2026, 9, 3, 17),
            "2/9 2026 with its adjacent days (31/8 swapped)",
        ),
        (
            vn(2026, 8, 21, 10),
            1,
            vn(2026, 8, 22, 17),
            "make-up Saturday 22/8/2026 is a working day",
        ),
        (vn(2026, 12, 31, 10), 1, vn(2027, 1, 4, 17), "year boundary and 1/1 2027"),
        (
            vn(2026, 12, 5, 22),
            1,
            vn(2026, 12, 8, 17),
            "online on Saturday night: receipt day is Monday",
        ),
        (
            vn(2026, 12, 3, 23),
            1,
            vn(2026, 12, 7, 17),
            "online at night: receipt day is the next working day",
        ),
        (vn(2025, 4, 25, 9), 1, vn(2025, 4, 26, 17), "make-up Saturday 26/4/2025"),
    ],
)
def test_whole_day_periods_follow_civil_code_counting(received, days, expected, why):
    """Does a period of N working days end at the end of the right working day?"""
    assert local(CAL.due_at(received, days * 480)) == expected, why


def test_cutoff_moves_late_receipts_to_the_next_working_day():
    """Is a dossier received after the 15:00 cut-off counted from the next working day?"""
    assert local(CAL.due_at(vn(2026, 12, 3, 15, 30), 480)) == vn(2026, 12, 4, 17)
    assert local(CAL.due_at(vn(2026, 12, 3, 15, 30), 480, "15:00")) == vn(2026, 12, 7, 17)
    assert local(CAL.due_at(vn(2026, 12, 3, 14, 59), 480, "15:00")) == vn(2026, 12, 4, 17)
    assert local(CAL.due_at(vn(2026, 12, 3, 15, 30), 120, "15:00")) == vn(2026, 12, 4, 10)


def test_same_day_procedures_end_on_the_receipt_day_unless_late():
    """Is a same-day procedure due at the end of the receipt day (next day after the cut-off)?"""
    assert local(CAL.due_at(vn(2026, 12, 3, 10), 480, "15:00", same_day=True)) == vn(
        2026, 12, 3, 17
    )
    assert local(CAL.due_at(vn(2026, 12, 4, 16), 480, "15:00", same_day=True)) == vn(
        2026, 12, 7, 17
    )


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        (vn(2026, 12, 3, 9), 60, vn(2026, 12, 3, 10)),
        (vn(2026, 12, 3, 11, 30), 60, vn(2026, 12, 3, 13, 30)),
        (vn(2026, 12, 4, 16, 30), 60, vn(2026, 12, 7, 8, 30)),
        (vn(2026, 12, 3, 8), 480, vn(2026, 12, 3, 17)),
        (vn(2026, 12, 5, 22), 60, vn(2026, 12, 7, 9)),
        (vn(2026, 12, 3, 12, 30), 30, vn(2026, 12, 3, 13, 30)),
        (vn(2026, 2, 13, 16), 120, vn(2026, 2, 23, 9)),
    ],
)
def test_adding_working_minutes(start, minutes, expected):
    """Do hour budgets skip lunch, nights, weekends and holidays?"""
    assert local(CAL.add_minutes(start, minutes)) == expected


def test_measuring_and_predicates():
    """Are working minutes measured across lunch and weekends, and working time recognised?"""
    assert CAL.minutes_between(vn(2026, 12, 3, 11), vn(2026, 12, 3, 14)) == 120
    assert CAL.minutes_between(vn(2026, 12, 4, 16), vn(2026, 12, 7, 9)) == 120
    assert CAL.minutes_between(vn(2026, 12, 7, 9), vn(2026, 12, 4, 16)) == -120
    assert CAL.is_working_time(vn(2026, 12, 3, 9))
    assert not CAL.is_working_time(vn(2026, 12, 3, 12, 30))
    assert not CAL.is_working_time(vn(2026, 9, 2, 9))
    assert CAL.is_working_time(vn(2026, 8, 22, 9))
    assert local(CAL.next_working_start(vn(2026, 12, 3, 12, 30))) == vn(2026, 12, 3, 13)
    assert local(CAL.subtract_minutes(vn(2026, 12, 7, 9), 120)) == vn(2026, 12, 4, 16)


def test_classification():
    """Early before the due day, on time by the due instant, late after it."""
    due = vn(2026, 12, 8, 17)
    assert CAL.classify(vn(2026, 12, 7, 16), due) == "early"
    assert CAL.classify(vn(2026, 12, 8, 9), due) == "on_time"
    assert CAL.classify(due, due) == "on_time"
    assert CAL.classify(due + timedelta(seconds=1), due) == "late"


def test_agency_with_saturday_mornings():
    """Does an agency's Saturday morning desk count as working time for it only?"""
    spans = parse_spans("08:00-12:00,13:00-17:00")
    week = {wd: spans for wd in range(5)} | {5: parse_spans("08:00-11:30")}
    desk = WorkingCalendar(week)
    assert local(desk.add_minutes(vn(2026, 12, 4, 16, 30), 60)) == vn(2026, 12, 5, 8, 30)
    assert desk.minutes_between(vn(2026, 12, 5, 8), vn(2026, 12, 7, 8)) == 210


def test_bad_inputs_name_the_field():
    """Are naive datetimes, negative durations and bad budgets refused with the field named?"""
    with pytest.raises(DomainError) as naive:
        CAL.add_minutes(datetime(2026, 12, 3, 9), 10)
    assert naive.value.field == "at"
    with pytest.raises(DomainError) as negative:
        CAL.add_minutes(vn(2026, 12, 3, 9), -1)
    assert negative.value.field == "minutes"
    with pytest.raises(DomainError) as outside:
        CAL.add_minutes(vn(1990, 1, 1, 9), 1)
    assert outside.value.field == "at"
    for bad in ("", "2x", "-1d", "0h", "0.3m", "d"):
        with pytest.raises(DomainError) as budget:
            parse_budget(bad)
        assert budget.value.field == "budget"
    with pytest.raises(DomainError):
        parse_spans("12:00-08:00")
    with pytest.raises(DomainError):
        parse_spans("08:00-12:00,11:00-13:00")


def test_budgets():
    """Are budgets in days, half days, hours and minutes turned into working minutes?"""
    assert [parse_budget(b) for b in ("2d", "0.5d", "4h", "30m", "1.5h")] == [960, 240, 240, 30, 90]
    assert [format_budget(m) for m in (960, 240, 90)] == ["2d", "4h", "90m"]


# -- properties -----------------------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2029, 12, 31), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))
durations = st.integers(min_value=1, max_value=480 * 120)


def naive_add_minutes(start: datetime, minutes: int) -> datetime:
    """Minute-by-minute reference: walk forward one minute at a time through working time."""
    at = CAL.next_working_start(start)
    remaining = minutes
    step = timedelta(minutes=1)
    while remaining:
        if CAL.is_working_time(at):
            remaining -= 1
        at += step
    return at if CAL.is_working_time(at - step) else at


@settings(max_examples=150, deadline=None)
@given(instants, durations)
def test_add_then_measure_round_trips(start, minutes):
    """Does measuring from the start to start + N working minutes give back N?"""
    assert CAL.minutes_between(start, CAL.add_minutes(start, minutes)) == minutes


@settings(max_examples=150, deadline=None)
@given(instants, durations, st.sampled_from([None, "15:00"]))
def test_due_time_never_falls_outside_working_hours(start, minutes, cutoff):
    """Is every due time the end of (or inside) a working span?"""
    due = CAL.due_at(start, minutes, cutoff)
    assert CAL.is_working_time(due - timedelta(seconds=1))
    if minutes % 480 == 0:
        assert local(due).time().hour == 17


@settings(max_examples=150, deadline=None)
@given(instants, instants, durations, durations)
def test_results_are_monotonic(a, b, m, n):
    """Is a later start or a longer duration never due earlier?"""
    a, b = sorted((a, b))
    m, n = sorted((m, n))
    assert CAL.add_minutes(a, m) <= CAL.add_minutes(b, m)
    assert CAL.add_minutes(a, m) <= CAL.add_minutes(a, n)
    assert CAL.due_at(a, m) <= CAL.due_at(b, m)
    days, more = m % 200 + 1, n % 200 + 1
    assert CAL.due_at(a, min(days, more) * 480) <= CAL.due_at(a, max(days, more) * 480)
    assert CAL.due_at(a, days * 480, "15:00") <= CAL.due_at(b, days * 480, "15:00")


@settings(max_examples=40, deadline=None)
@given(instants, st.integers(min_value=1, max_value=480 * 3))
def test_matches_a_minute_by_minute_walk(start, minutes):
    """Does the O(log n) lookup agree with a naive walk through working time?"""
    start = start.replace(second=0)  # the reference walks whole minutes
    assert CAL.add_minutes(start, minutes) == naive_add_minutes(start, minutes)


@settings(max_examples=60, deadline=None)
@given(instants, st.integers(min_value=1, max_value=60))
def test_day_counting_matches_a_day_by_day_loop(start, days):
    """Does Civil Code day counting agree with stepping one calendar day at a time?"""
    day = local(CAL.next_working_start(start)).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        counted += bool(CAL.spans_on(day))
    assert local(CAL.due_at(start, days * 480)).date() == day


def test_calendar_years_cover_the_seeded_years():
    """Does the calendar know the seeded years and refuse instants far outside them?"""
    assert len(CAL.working_days_in(2026)) > 240
    assert date(2026, 2, 16) not in CAL.working_days_in(2026)
