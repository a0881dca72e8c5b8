"""People: accounts, the positions they hold over periods, and the CSV import."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import or_, select

from onestop.domain import DomainError
from onestop.domain.org import operations
from onestop.domain.org.csv_import import COLUMNS, import_people
from onestop.domain.org.models import USER_KINDS, Position, PositionHolding, User
from onestop.extensions import db
from onestop.infra import clock

from . import bp, section
from .forms import actor, day, errors_of, flag, get_or_404, integer, local_start, row, text

section("admin.people", "Người dùng", "Tài khoản, chức danh đang giữ theo thời kỳ, nhập từ CSV")

KIND_LABELS = {
    "citizen": "Công dân, tổ chức",
    "officer": "Cán bộ, công chức",
    "admin": "Quản trị viên",
}
PAGE_SIZE = 50


@bp.get("/nguoi-dung")
def people():
    query = select(User).order_by(User.kind.desc(), User.username)
    search = (request.args.get("q") or "").strip()
    if search:
        like = f"%{search}%"
        query = query.where(
            or_(User.username.ilike(like), User.full_name.ilike(like), User.email.ilike(like))
        )
    kind = request.args.get("loai")
    if kind in USER_KINDS:
        query = query.where(User.kind == kind)
    position_id = request.args.get("chuc_danh", type=int)
    position = db.session.get(Position, position_id) if position_id else None
    if position is not None:
        query = query.where(
            User.id.in_(
                select(PositionHolding.user_id).where(PositionHolding.position_id == position.id)
            )
        )
    page = max(request.args.get("trang", 1, type=int), 1)
    users = db.session.scalars(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    return render_template(
        "admin/people.html",
        users=users[:PAGE_SIZE],
        more=len(users) > PAGE_SIZE,
        page=page,
        search=search,
        kind=kind,
        position=position,
        kinds=KIND_LABELS,
        now=clock.now(),
    )


def _person_values() -> dict:
    return {
        "username": text("username"),
        "full_name": text("full_name"),
        "kind": text("kind"),
        "email": text("email"),
        "phone": text("phone"),
        "id_number": text("id_number"),
        "address": text("address"),
        "active": flag("active"),
    }


def _person_page(user, values, errors, status=200, holding_errors=None, holding_values=None):
    positions = db.session.scalars(
        select(Position).where(Position.active.is_(True)).order_by(Position.agency_id, Position.id)
    ).all()
    return render_template(
        "admin/person_form.html",
        user=user,
        values=values,
        errors=errors,
        kinds=list(KIND_LABELS.items()),
        now=clock.now(),
        positions=[("", "—")] + [(p.id, f"{p.agency.display_name} · {p.title}") for p in positions],
        holding_errors=holding_errors or {},
        holding_values=holding_values or {},
    ), status


@bp.route("/nguoi-dung/moi", methods=["GET", "POST"])
def person_new():
    if request.method == "GET":
        return _person_page(None, {"kind": "officer", "active": True}, {})
    try:
        user = operations.create_person(
            actor(), password=request.form.get("password"), **_person_values()
        )
    except DomainError as exc:
        return _person_page(None, request.form, errors_of(exc), 400)
    db.session.commit()
    flash(f"Đã tạo tài khoản {user.username}.", "success")
    return redirect(url_for("admin.person_edit", user_id=user.id))


@bp.route("/nguoi-dung/<int:user_id>", methods=["GET", "POST"])
def person_edit(user_id: int):
    user = get_or_404(User, user_id)
    if request.method == "GET":
        values = {name: getattr(user, name) for name in operations.USER_FIELDS}
        return _person_page(user, values, {})
    try:
        operations.update_person(
            actor(), user, password=request.form.get("password") or None, **_person_values()
        )
    except DomainError as exc:
        return _person_page(user, request.form, errors_of(exc), 400)
    db.session.commit()
    flash("Đã lưu.", "success")
    return redirect(url_for("admin.person_edit", user_id=user.id))


@bp.post("/nguoi-dung/<int:user_id>/chuc-danh")
def holding_new(user_id: int):
    user = get_or_404(User, user_id)
    try:
        position = row(
            Position, integer("position_id", "chức danh", required=True), "position_id", "chức danh"
        )
        ends_on = day("ends_on", "ngày kết thúc")
        operations.assign_position(
            actor(),
            user,
            position,
            starts_at=local_start(day("starts_on", "ngày bắt đầu", required=True)),
            ends_at=local_start(ends_on + timedelta(days=1)) if ends_on else None,
        )
    except DomainError as exc:
        values = {name: getattr(user, name) for name in operations.USER_FIELDS}
        return _person_page(
            user, values, {}, 400, holding_errors=errors_of(exc), holding_values=request.form
        )
    db.session.commit()
    flash(f"Đã giao chức danh {position.title}.", "success")
    return redirect(url_for("admin.person_edit", user_id=user.id))


@bp.post("/chuc-danh-nam-giu/<int:holding_id>/ket-thuc")
def holding_end(holding_id: int):
    holding = get_or_404(PositionHolding, holding_id)
    user = holding.user
    try:
        ends_on = day("ends_on", "ngày kết thúc")
        operations.end_holding(
            actor(), holding, ends_at=local_start(ends_on + timedelta(days=1)) if ends_on else None
        )
    except DomainError as exc:
        values = {name: getattr(user, name) for name in operations.USER_FIELDS}
        return _person_page(user, values, {}, 400, holding_errors=errors_of(exc))
    db.session.commit()
    flash("Đã kết thúc việc giữ chức danh.", "success")
    return redirect(url_for("admin.person_edit", user_id=user.id))


@bp.route("/nguoi-dung/nhap-csv", methods=["GET", "POST"])
def people_import():
    if request.method == "GET":
        return render_template("admin/people_import.html", columns=COLUMNS, report=None, errors={})
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise DomainError("Chọn tệp CSV.", field="file")
        report = import_people(actor(), upload.read())
    except DomainError as exc:
        return render_template(
            "admin/people_import.html", columns=COLUMNS, report=None, errors=errors_of(exc)
        ), 400
    db.session.commit()
    status = 200 if report.ok else 422
    return render_template(
        "admin/people_import.html", columns=COLUMNS, report=report, errors={}
    ), status
