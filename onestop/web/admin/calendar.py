"""The working calendar: days off, make-up days, agency hours; moved due dates previewed first."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from onestop.domain import DomainError
from onestop.domain.calendar import operations, service
from onestop.domain.calendar.models import HOLIDAY_KINDS, Holiday, WorkingHoursOverride
from onestop.domain.calendar.queries import calendar_days
from onestop.domain.calendar.seed import SEED_YEARS
from onestop.domain.calendar.workingtime import DEFAULT_HOURS
from onestop.domain.org.models import Agency
from onestop.extensions import db
from onestop.infra import clock

from . import bp, section
from .forms import actor, day, errors_of, integer, text

section(
    "admin.calendar",
    "Lịch làm việc",
    "Ngày nghỉ lễ, ngày làm bù, giờ làm việc từng cơ quan; xem trước hạn trả bị dời",
)

KIND_LABELS = {"holiday": "Ngày nghỉ", "makeup_workday": "Ngày làm việc bù"}
WEEKDAYS = list(enumerate(operations.WEEKDAY_LABELS))


def _year() -> int:
    year = request.values.get("nam", type=int) or clock.now().year
    return year if 2000 <= year <= 2100 else clock.now().year


def _page(errors=None, preview=None, status=200):
    year = _year()
    holidays = db.session.scalars(
        select(Holiday)
        .where(Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31))
        .order_by(Holiday.day, Holiday.agency_id)
    ).all()
    hours = db.session.scalars(
        select(WorkingHoursOverride).order_by(
            WorkingHoursOverride.agency_id, WorkingHoursOverride.weekday
        )
    ).all()
    agencies = db.session.scalars(select(Agency).order_by(Agency.eid)).all()
    # With no day stored at all the calendar runs on the holiday library: show what it uses.
    library = [] if db.session.scalar(select(func.count(Holiday.id))) else calendar_days(year)
    return render_template(
        "admin/calendar.html",
        year=year,
        holidays=holidays,
        hours=hours,
        agencies={a.id: a for a in agencies},
        agency_options=[(a.id, a.name) for a in agencies],
        kinds=KIND_LABELS,
        weekdays=WEEKDAYS,
        default_hours=DEFAULT_HOURS,
        errors=errors or {},
        preview=preview,
        library=library,
        values=request.form if request.method == "POST" else {},
        seed_years=SEED_YEARS,
    ), status


@bp.get("/lich")
def calendar():
    return _page()


def _change(describe: str, apply):
    """Preview (run in a savepoint, then undo) or save a calendar change, by the form's intent."""
    if request.form.get("intent") == "save":
        try:
            moved = apply()
        except DomainError as exc:
            return _page(errors_of(exc), status=400)
        db.session.commit()
        flash(f"{describe}: đã lưu; {len(moved)} hạn trả/hạn bước được tính lại.", "success")
        return redirect(url_for("admin.calendar", nam=_year()))
    savepoint = db.session.begin_nested()
    try:
        moved = apply()
    except DomainError as exc:
        savepoint.rollback()
        service.invalidate()
        return _page(errors_of(exc), status=400)
    savepoint.rollback()
    service.invalidate()
    return _page(preview={"describe": describe, "moved": moved, "form": request.form})


def _agency_id() -> int | None:
    agency_id = integer("agency_id", "cơ quan")
    if agency_id is not None and db.session.get(Agency, agency_id) is None:
        raise DomainError("Không có cơ quan này.", field="agency_id")
    return agency_id


@bp.post("/lich/ngay")
def calendar_day_add():
    def apply():
        kind = text("kind") or "holiday"
        if kind not in HOLIDAY_KINDS:
            raise DomainError("Chọn loại ngày.", field="kind")
        _holiday, moved = operations.add_day(
            actor(), day("day", "ngày", required=True), text("name") or "", kind, _agency_id()
        )
        return moved

    return _change(f"Thêm ngày {request.form.get('day', '')}", apply)


@bp.post("/lich/ngay/<int:holiday_id>/xoa")
def calendar_day_remove(holiday_id: int):
    return _change("Bỏ một ngày khỏi lịch", lambda: operations.remove_day(actor(), holiday_id))


@bp.post("/lich/gio")
def calendar_hours_set():
    def apply():
        agency_id = _agency_id()
        if agency_id is None:
            raise DomainError("Chọn cơ quan.", field="agency_id")
        weekday = integer("weekday", "thứ", required=True)
        return operations.set_weekday_hours(
            actor(), agency_id, weekday, request.form.get("hours") or "", text("note")
        )

    return _change("Đặt giờ làm việc riêng", apply)


@bp.post("/lich/gio/xoa")
def calendar_hours_clear():
    def apply():
        agency_id = _agency_id()
        if agency_id is None:
            raise DomainError("Chọn cơ quan.", field="agency_id")
        return operations.clear_weekday_hours(
            actor(), agency_id, integer("weekday", "thứ", required=True)
        )

    return _change("Trả giờ làm việc về giờ chung", apply)


@bp.post("/lich/nap-ngay-le")
def calendar_seed():
    def apply():
        _added, _kept, moved = operations.seed_national_days(actor())
        return moved

    return _change("Nạp ngày nghỉ lễ quốc gia từ thư viện", apply)
