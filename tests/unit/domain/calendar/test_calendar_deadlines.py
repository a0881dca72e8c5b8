"""Deadline rules: pauses, the extension, step budgets, due-soon windows, judgement, warnings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from onestop.domain import DomainError
from onestop.domain.calendar.deadline_warnings import open_warnings, raise_deadline_warnings
from onestop.domain.calendar.deadlines import (
    apology_due_by,
    deadline_state,
    due_after_pauses,
    due_soon_minutes,
    extended_due_at,
    judge,
    legal_due_at,
    merge_periods,
    paused_minutes,
    task_due_at,
)
from onestop.domain.calendar.models import DeadlineWarning
from onestop.domain.calendar.seed import LIBRARY_YEARS, national_days
from onestop.domain.calendar.workingtime import WorkingCalendar
from onestop.domain.workflow.models import Task
from onestop.extensions import db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DAYS = national_days(LIBRARY_YEARS)
CAL = WorkingCalendar.standard(
    holidays=[d.day for d in DAYS if d.kind == "holiday"],
    makeup_days=[d.day for d in DAYS if d.kind == "makeup_workday"],
)


def vn(*parts) -> datetime:
    return datetime(*parts, tzinfo=VN)


def test_resuming_pushes_the_due_time_by_exactly_the_paused_working_time():
    """Is a 1.5-working-day supplement wait added to the due time, lunch and weekend skipped?"""
    due = vn(2026, 12, 8, 17)
    pause = (vn(2026, 12, 3, 13), vn(2026, 12, 7, 8))  # Thu 13:00 → Mon 08:00 = 12 working hours
    assert paused_minutes(CAL, [pause], until=vn(2026, 12, 9)) == 720
    assert due_after_pauses(CAL, due, [pause], until=vn(2026, 12, 9)).astimezone(VN) == vn(
        2026, 12, 10, 12
    )


def test_overlapping_and_open_pauses_count_once():
    """Do overlapping pauses count their union, and does an open pause run until `until`?"""
    periods = [
        (vn(2026, 12, 3, 8), vn(2026, 12, 3, 10)),
        (vn(2026, 12, 3, 9), vn(2026, 12, 3, 11)),
        (vn(2026, 12, 4, 8), None),
    ]
    assert len(merge_periods(periods, vn(2026, 12, 4, 9))) == 2
    assert paused_minutes(CAL, periods, until=vn(2026, 12, 4, 9)) == 180 + 60


@settings(max_examples=100, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(2025, 1, 1), max_value=datetime(2028, 6, 1), timezones=st.just(UTC)
    ),
    st.lists(st.tuples(st.integers(0, 60 * 24 * 60), st.integers(0, 60 * 24 * 20)), max_size=4),
)
def test_a_pause_never_shortens_a_deadline(received, pauses):
    """Whatever the pauses, is the pushed due time never before the original one?"""
    due = CAL.due_at(received, 5 * 480)
    periods = [
        (received + timedelta(minutes=a), received + timedelta(minutes=a + b)) for a, b in pauses
    ]
    pushed = due_after_pauses(CAL, due, periods, until=received + timedelta(days=200))
    assert pushed >= due
    assert CAL.minutes_between(due, pushed) == paused_minutes(
        CAL, periods, received + timedelta(days=200)
    )


def test_the_extension_sets_one_later_working_day():
    """Is the new due date the end of a later working day, and anything else refused?"""
    current = vn(2026, 12, 8, 17)
    assert extended_due_at(CAL, current, date(2026, 12, 15)).astimezone(VN) == vn(2026, 12, 15, 17)
    for bad in (date(2026, 12, 12), date(2026, 12, 8), date(2026, 9, 2)):
        with pytest.raises(DomainError) as refused:
            extended_due_at(CAL, current, bad)
        assert refused.value.field == "new_due_date"


def test_same_day_procedure_from_its_definition():
    """Does the birth registration (same day, cut-off 15:00) follow its definition?"""
    definition = {"legal_time": {"same_day": True}, "cutoff": "15:00"}
    assert legal_due_at(CAL, definition, 480, vn(2026, 12, 3, 10)) == vn(2026, 12, 3, 17)
    assert legal_due_at(CAL, definition, 480, vn(2026, 12, 3, 15, 5)) == vn(2026, 12, 4, 17)
    assert legal_due_at(CAL, {"legal_time": {"working_days": 5}}, 2400, vn(2026, 12, 3, 10)) == vn(
        2026, 12, 10, 17
    )


def test_step_budgets_and_due_soon_windows():
    """Does a step get its own due time; is due soon the shorter of 8 h and a quarter budget?"""
    opened = vn(2026, 12, 3, 9)
    assert task_due_at(CAL, opened, 180) == vn(2026, 12, 3, 12)
    assert due_soon_minutes(180) == 45
    assert due_soon_minutes(480 * 10) == 480
    due = task_due_at(CAL, opened, 180)
    assert deadline_state(CAL, due, 180, vn(2026, 12, 3, 11, 14)) == "in_time"
    assert deadline_state(CAL, due, 180, vn(2026, 12, 3, 11, 15)) == "due_soon"
    assert deadline_state(CAL, due, 180, vn(2026, 12, 3, 12, 1)) == "overdue"
    pause = [(vn(2026, 12, 3, 10), vn(2026, 12, 3, 11))]
    assert task_due_at(CAL, opened, 180, pause, until=vn(2026, 12, 4)) == vn(2026, 12, 3, 14)


def test_apology_is_due_one_working_day_before():
    """Is the apology reminder one working day before the due time, skipping the weekend?"""
    assert apology_due_by(CAL, vn(2026, 12, 7, 17)).astimezone(VN) == vn(2026, 12, 4, 17)


def test_judgement_excludes_pauses_and_classifies():
    """Is a finished step judged against its due time with paused working time left out?"""
    pauses = [(vn(2026, 12, 3, 13), vn(2026, 12, 4, 8))]
    result = judge(CAL, vn(2026, 12, 3, 8), vn(2026, 12, 4, 12), vn(2026, 12, 4, 17), pauses, 480)
    assert (result.result, result.elapsed_minutes) == ("on_time", 480)
    assert judge(CAL, vn(2026, 12, 3, 8), vn(2026, 12, 3, 9), vn(2026, 12, 4, 17)).result == "early"
    assert (
        judge(CAL, vn(2026, 12, 3, 8), vn(2026, 12, 7, 8, 1), vn(2026, 12, 4, 17)).result == "late"
    )


# -- warnings (database) -------------------------------------------------------------------------


def test_warnings_are_raised_once_each(make_dossier, demo_org):
    """Does the job raise due-soon, then overdue and apology-due, each only once?"""
    officer = demo_org.user("chuyenvien.tcbc")
    dossier = make_dossier(vn(2026, 12, 1, 9), 480 * 3, task_budget=480)  # due Fri 4/12 17:00
    task = db.session.scalar(select(Task).where(Task.dossier_id == dossier.id))
    task.assignee_id = officer.id
    early = raise_deadline_warnings(vn(2026, 12, 1, 10))
    assert early == []
    assert raise_deadline_warnings(vn(2026, 12, 1, 15, 59)) == []  # task due 2/12 09:00: 2 h window
    first = raise_deadline_warnings(vn(2026, 12, 1, 16))
    assert [(w.task_id, w.kind) for w in first] == [(task.id, "due_soon")]
    assert raise_deadline_warnings(vn(2026, 12, 1, 16, 30)) == []
    later = raise_deadline_warnings(vn(2026, 12, 3, 17, 30))  # apology due by Thu 3/12 17:00
    assert sorted((w.task_id or 0, w.kind) for w in later) == [
        (0, "apology_due"),
        (task.id, "overdue"),
    ]
    final = raise_deadline_warnings(vn(2026, 12, 7, 9))
    assert [(w.task_id, w.kind) for w in final] == [(None, "overdue")]
    assert raise_deadline_warnings(vn(2026, 12, 8, 9)) == []
    assert {w.kind for w in open_warnings(user_id=officer.id)} == {"due_soon", "overdue"}


def test_paused_dossiers_are_not_warned_about(make_dossier):
    """Is a dossier waiting for a supplement left alone (its clock is stopped)?"""
    make_dossier(vn(2026, 12, 1, 9), 480, status="supplement_requested")
    assert raise_deadline_warnings(vn(2026, 12, 10, 9)) == []


def test_the_scheduled_job_commits_its_warnings(app, make_dossier):
    """Does the job entry point raise warnings in its own transaction and re-arm itself?"""
    from onestop import jobs
    from onestop.infra import clock

    make_dossier(vn(2026, 12, 1, 9), 480)
    clock.freeze(vn(2026, 12, 10, 9).astimezone(UTC))
    jobs.set_worker_app(app)
    assert jobs.deadline_warnings(15) >= 2
    assert db.session.scalar(select(DeadlineWarning.id).limit(1)) is not None
    queued = app.extensions["onestop.queue"].queue
    scheduled = queued.scheduled_job_registry.get_job_ids()
    assert any(job_id.startswith("onestop-deadline-warnings-") for job_id in scheduled)
