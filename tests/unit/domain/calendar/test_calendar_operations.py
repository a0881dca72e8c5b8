"""Calendar as data: per-agency calendars, changes that move open due times, their audit."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from onestop.domain import Conflict, DomainError, Forbidden
from onestop.domain.audit.models import AuditEvent
from onestop.domain.calendar.models import Holiday
from onestop.domain.calendar.operations import (
    add_day,
    clear_weekday_hours,
    remove_day,
    seed_national_days,
    set_weekday_hours,
)
from onestop.domain.calendar.queries import calendar_days
from onestop.domain.calendar.service import calendar_for
from onestop.domain.dossiers.models import Extension
from onestop.domain.workflow.models import Task
from onestop.extensions import db

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(*parts) -> datetime:
    return datetime(*parts, tzinfo=VN)


def test_empty_table_uses_the_builtin_national_days():
    """Before any seeding, is Tết 2026 already a holiday?"""
    assert not calendar_for(None).is_working_time(vn(2026, 2, 18, 9))
    assert {e.day for e in calendar_days(2026)} >= {date(2026, 2, 16), date(2026, 9, 2)}


def test_seeding_is_idempotent_and_matches_the_builtin(admin):
    """Does seeding twice add nothing the second time and keep due dates the same?"""
    before = calendar_for(None).due_at(vn(2027, 2, 3, 16, 30), 5 * 480)
    added, kept, _ = seed_national_days(admin, [2026, 2027])
    assert added > 20 and kept == 0
    assert seed_national_days(admin, [2026, 2027])[:2] == (0, added)
    assert calendar_for(None).due_at(vn(2027, 2, 3, 16, 30), 5 * 480) == before
    sources = set(db.session.scalars(select(Holiday.source)))
    assert sources == {"library", "government"}


def test_holiday_added_while_dossiers_are_open_moves_them_and_says_why(admin, make_dossier):
    """Does a new day off push open dossiers and tasks, with an audit event naming the reason?"""
    seed_national_days(admin, [2026, 2027])
    dossier = make_dossier(vn(2026, 12, 23, 9), 480, task_budget=8 * 60)
    task = db.session.scalar(select(Task).where(Task.dossier_id == dossier.id))
    assert dossier.due_at == vn(2026, 12, 24, 17)
    assert task.due_at == vn(2026, 12, 24, 9)
    other = make_dossier(vn(2026, 12, 28, 9), 480)
    _, moved = add_day(admin, date(2026, 12, 24), "Nghỉ đột xuất (thử)")
    assert dossier.due_at == vn(2026, 12, 25, 17)
    assert task.due_at == vn(2026, 12, 25, 9)
    assert other.due_at == vn(2026, 12, 29, 17)
    assert {m.subject for m in moved} == {
        f"dossier:{dossier.code}",
        f"dossier:{dossier.code}:task:{task.id}",
    }
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "dossier:due_moved",
            AuditEvent.subject == f"dossier:{dossier.code}",
        )
    )
    assert "24/12/2026" in event.data["reason"] and event.data["new"].startswith("2026-12-25")
    assert event.actor_id == admin.id

    holiday = db.session.scalar(select(Holiday).where(Holiday.day == date(2026, 12, 24)))
    remove_day(admin, holiday.id)
    assert dossier.due_at == vn(2026, 12, 24, 17)


def test_agency_day_moves_only_that_agencys_dossiers(admin, demo_org, make_dossier):
    """Does a local day off leave other agencies' deadlines alone?"""
    snv = make_dossier(vn(2026, 12, 23, 9), 480, agency_key="SNV")
    stp = make_dossier(vn(2026, 12, 23, 9), 480, agency_key="STP")
    add_day(admin, date(2026, 12, 24), "Nghỉ của Sở", agency_id=demo_org.agency("SNV").id)
    assert snv.due_at == vn(2026, 12, 25, 17)
    assert stp.due_at == vn(2026, 12, 24, 17)
    assert calendar_for(None).is_working_time(vn(2026, 12, 24, 9))


def test_extended_dossiers_keep_their_one_new_date(admin, demo_org, make_dossier):
    """Is the date set by the single extension (form 04) left as it is?"""
    dossier = make_dossier(vn(2026, 12, 23, 9), 480, due_at=vn(2026, 12, 31, 17))
    db.session.add(
        Extension(
            dossier_id=dossier.id,
            previous_due_at=vn(2026, 12, 24, 17),
            new_due_at=vn(2026, 12, 31, 17),
            reason="Chậm",
            agency_id=dossier.receiving_agency_id,
            created_by_id=admin.id,
        )
    )
    db.session.flush()
    add_day(admin, date(2026, 12, 24), "Nghỉ")
    assert dossier.due_at == vn(2026, 12, 31, 17)


def test_pauses_are_recounted_on_the_new_calendar(admin, make_dossier):
    """Does a day off inside a finished pause leave the due time alone, and one after it move it?"""
    pause = (vn(2026, 12, 15, 8), vn(2026, 12, 17, 8))  # two working days stopped
    dossier = make_dossier(
        vn(2026, 12, 14, 9), 480 * 5, pauses=[pause], due_at=vn(2026, 12, 23, 17)
    )
    _, moved = add_day(admin, date(2026, 12, 16), "Nghỉ")  # the clock was stopped that day anyway
    assert moved == [] and dossier.due_at == vn(2026, 12, 23, 17)
    add_day(admin, date(2026, 12, 22), "Nghỉ")
    assert dossier.due_at == vn(2026, 12, 24, 17)
    assert dossier.original_due_at == vn(2026, 12, 23, 17)


def test_saturday_morning_desk(admin, demo_org):
    """Does an agency's own Saturday hours count for it only, and can it be undone?"""
    agency = demo_org.agency("XA-AN-BINH")
    set_weekday_hours(admin, agency.id, 5, "08:00-11:30")
    assert calendar_for(agency.id).is_working_time(vn(2026, 12, 5, 9))
    assert not calendar_for(None).is_working_time(vn(2026, 12, 5, 9))
    set_weekday_hours(admin, agency.id, 5, "07:30-11:00")
    assert calendar_for(agency.id).is_working_time(vn(2026, 12, 5, 7, 45))
    clear_weekday_hours(admin, agency.id, 5)
    assert not calendar_for(agency.id).is_working_time(vn(2026, 12, 5, 9))


def test_calendar_changes_are_refused_clearly(admin, demo_org):
    """Are non-admins, duplicates, weekday make-up days and bad hours refused, field named?"""
    with pytest.raises(Forbidden):
        add_day(demo_org.user("chutich.tinh"), date(2026, 12, 24), "Nghỉ")
    add_day(admin, date(2026, 12, 24), "Nghỉ")
    with pytest.raises(Conflict):
        add_day(admin, date(2026, 12, 24), "Nghỉ lần hai")
    with pytest.raises(DomainError) as weekday:
        add_day(admin, date(2026, 12, 23), "Làm bù", kind="makeup_workday")
    assert weekday.value.field == "day"
    with pytest.raises(DomainError) as name:
        add_day(admin, date(2026, 12, 25), " ")
    assert name.value.field == "name"
    with pytest.raises(DomainError) as hours:
        set_weekday_hours(admin, demo_org.agency("SNV").id, 5, "11:00-08:00")
    assert hours.value.field == "hours"
    with pytest.raises(DomainError) as day:
        set_weekday_hours(admin, demo_org.agency("SNV").id, 7, "08:00-11:00")
    assert day.value.field == "weekday"


def test_make_up_saturday_added_by_an_administrator(admin, make_dossier):
    """Does a make-up Saturday become working time and pull due times earlier?"""
    dossier = make_dossier(vn(2026, 12, 11, 9), 480)  # Friday → due Monday 14/12
    assert dossier.due_at == vn(2026, 12, 14, 17)
    add_day(admin, date(2026, 12, 12), "Làm bù", kind="makeup_workday")
    assert dossier.due_at == vn(2026, 12, 12, 17)
