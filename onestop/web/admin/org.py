"""The org tree: agencies with their units and positions, created and edited by administrators."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from onestop.domain import DomainError
from onestop.domain.org import operations
from onestop.domain.org.models import ROLES, Agency, Position, Unit
from onestop.extensions import db

from . import bp, section
from .forms import actor, errors_of, flag, get_or_404, integer, text

section("admin.org_tree", "Tổ chức", "Cây cơ quan, đơn vị, chức danh và mã định danh điện tử")

LEVEL_LABELS = {
    "province": "Cấp tỉnh",
    "department": "Sở, ban, ngành",
    "district": "Cấp huyện",
    "commune": "Cấp xã",
}
ROLE_LABELS = {
    "receiver": "Tiếp nhận (một cửa)",
    "specialist": "Chuyên viên",
    "head": "Trưởng đơn vị",
    "deputy_head": "Phó trưởng đơn vị",
    "leader": "Người đứng đầu cơ quan",
    "deputy_leader": "Cấp phó cơ quan",
    "office_chief": "Chánh Văn phòng",
}


def _tree() -> list[tuple[int, Agency]]:
    """Every agency with its depth, parents before children."""
    agencies = db.session.scalars(select(Agency).order_by(Agency.eid)).all()
    children: dict[int | None, list[Agency]] = {}
    for agency in agencies:
        children.setdefault(agency.parent_id, []).append(agency)
    ordered: list[tuple[int, Agency]] = []

    def walk(parent_id, depth):
        for agency in children.get(parent_id, []):
            ordered.append((depth, agency))
            walk(agency.id, depth + 1)

    walk(None, 0)
    return ordered


@bp.get("/to-chuc")
def org_tree():
    positions: dict[int, list[Position]] = {}
    for position in db.session.scalars(select(Position).order_by(Position.id)):
        positions.setdefault(position.agency_id, []).append(position)
    children: dict[int | None, list[Agency]] = {}
    for _depth, agency in _tree():
        children.setdefault(agency.parent_id, []).append(agency)
    return render_template(
        "admin/org_tree.html",
        roots=children.get(None, []),
        children=children,
        positions=positions,
        levels=LEVEL_LABELS,
        roles=ROLE_LABELS,
    )


def _agency_values() -> dict:
    parent_id = integer("parent_id", "cơ quan cấp trên")
    parent = db.session.get(Agency, parent_id) if parent_id else None
    if parent_id and parent is None:
        raise DomainError("Không có cơ quan cấp trên này.", field="parent_id")
    return {
        "key": text("key"),
        "eid": text("eid"),
        "name": text("name"),
        "short_name": text("short_name"),
        "level": text("level"),
        "parent": parent,
        "collective": text("collective"),
        "address": text("address"),
        "active": flag("active"),
    }


def _agency_page(agency, values, errors, status=200):
    parents = [(None, "— (cấp tỉnh, không có cấp trên)")] + [
        (a.id, "· " * depth + a.name) for depth, a in _tree() if agency is None or a.id != agency.id
    ]
    return render_template(
        "admin/agency_form.html",
        agency=agency,
        values=values,
        errors=errors,
        parents=[("" if k is None else k, v) for k, v in parents],
        levels=list(LEVEL_LABELS.items()),
    ), status


@bp.route("/to-chuc/co-quan/moi", methods=["GET", "POST"])
def agency_new():
    if request.method == "GET":
        return _agency_page(None, {"active": True}, {})
    try:
        agency = operations.create_agency(actor(), **_agency_values())
    except DomainError as exc:
        return _agency_page(None, request.form, errors_of(exc), 400)
    db.session.commit()
    flash(f"Đã thêm {agency.name}.", "success")
    return redirect(url_for("admin.org_tree"))


@bp.route("/to-chuc/co-quan/<int:agency_id>", methods=["GET", "POST"])
def agency_edit(agency_id: int):
    agency = get_or_404(Agency, agency_id)
    if request.method == "GET":
        values = {name: getattr(agency, name) for name in operations.AGENCY_FIELDS}
        return _agency_page(agency, values, {})
    try:
        operations.update_agency(actor(), agency, **_agency_values())
    except DomainError as exc:
        return _agency_page(agency, request.form, errors_of(exc), 400)
    db.session.commit()
    flash(f"Đã lưu {agency.name}.", "success")
    return redirect(url_for("admin.org_tree"))


def _unit_page(agency, unit, values, errors, status=200):
    return render_template(
        "admin/unit_form.html", agency=agency, unit=unit, values=values, errors=errors
    ), status


@bp.route("/to-chuc/co-quan/<int:agency_id>/don-vi/moi", methods=["GET", "POST"])
def unit_new(agency_id: int):
    agency = get_or_404(Agency, agency_id)
    if request.method == "GET":
        return _unit_page(agency, None, {"active": True}, {})
    try:
        operations.create_unit(
            actor(),
            agency,
            key=text("key"),
            name=text("name"),
            one_stop=flag("one_stop"),
            active=flag("active"),
        )
    except DomainError as exc:
        return _unit_page(agency, None, request.form, errors_of(exc), 400)
    db.session.commit()
    flash("Đã thêm đơn vị.", "success")
    return redirect(url_for("admin.org_tree") + f"#agency-{agency.id}")


@bp.route("/to-chuc/don-vi/<int:unit_id>", methods=["GET", "POST"])
def unit_edit(unit_id: int):
    unit = get_or_404(Unit, unit_id)
    if request.method == "GET":
        values = {name: getattr(unit, name) for name in operations.UNIT_FIELDS}
        return _unit_page(unit.agency, unit, values, {})
    try:
        operations.update_unit(
            actor(),
            unit,
            key=text("key"),
            name=text("name"),
            one_stop=flag("one_stop"),
            active=flag("active"),
        )
    except DomainError as exc:
        return _unit_page(unit.agency, unit, request.form, errors_of(exc), 400)
    db.session.commit()
    flash("Đã lưu đơn vị.", "success")
    return redirect(url_for("admin.org_tree") + f"#agency-{unit.agency_id}")


def _position_page(agency, position, values, errors, status=200):
    units = [("", "— (cả cơ quan)")] + [(u.id, u.name) for u in agency.units]
    return render_template(
        "admin/position_form.html",
        agency=agency,
        position=position,
        values=values,
        errors=errors,
        units=units,
        roles=[(r, ROLE_LABELS[r]) for r in ROLES],
    ), status


def _position_values() -> dict:
    return {
        "key": text("key"),
        "title": text("title"),
        "role": text("role"),
        "unit_id": integer("unit_id", "đơn vị"),
        "active": flag("active"),
    }


@bp.route("/to-chuc/co-quan/<int:agency_id>/chuc-danh/moi", methods=["GET", "POST"])
def position_new(agency_id: int):
    agency = get_or_404(Agency, agency_id)
    if request.method == "GET":
        return _position_page(agency, None, {"active": True}, {})
    try:
        operations.create_position(actor(), agency, **_position_values())
    except DomainError as exc:
        return _position_page(agency, None, request.form, errors_of(exc), 400)
    db.session.commit()
    flash("Đã thêm chức danh.", "success")
    return redirect(url_for("admin.org_tree") + f"#agency-{agency.id}")


@bp.route("/to-chuc/chuc-danh/<int:position_id>", methods=["GET", "POST"])
def position_edit(position_id: int):
    position = get_or_404(Position, position_id)
    if request.method == "GET":
        values = {name: getattr(position, name) for name in operations.POSITION_FIELDS}
        return _position_page(position.agency, position, values, {})
    try:
        operations.update_position(actor(), position, **_position_values())
    except DomainError as exc:
        return _position_page(position.agency, position, request.form, errors_of(exc), 400)
    db.session.commit()
    flash("Đã lưu chức danh.", "success")
    return redirect(url_for("admin.org_tree") + f"#agency-{position.agency_id}")
