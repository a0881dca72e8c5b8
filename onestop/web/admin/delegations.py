"""Delegations of authority and substitutions: list by state, create, revoke, history."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from onestop.domain import DomainError
from onestop.domain.delegation.models import Delegation, Substitution
from onestop.domain.delegation.operations import (
    appoint_substitute,
    delegate_authority,
    revoke_delegation,
    revoke_substitution,
)
from onestop.domain.delegation.queries import delegation_history, list_delegations
from onestop.domain.org.models import Agency, Position, User
from onestop.extensions import db
from onestop.infra import clock
from onestop.web.helpers import format_date

from . import bp, section
from .forms import actor, day, errors_of, get_or_404, integer, row, text

section(
    "admin.delegations",
    "Ủy quyền, ký thay",
    "Ủy quyền (TUQ.), ký thay (KT.), thừa lệnh (TL.), phân công người thay thế",
)

STATE_LABELS = {
    "in_force": "Đang hiệu lực",
    "scheduled": "Sắp có hiệu lực",
    "expired": "Hết hiệu lực",
    "revoked": "Đã thu hồi",
}
KIND_LABELS = {"TUQ": "Ủy quyền (TUQ.)", "KT": "Ký thay (KT.)", "TL": "Thừa lệnh (TL.)"}


def split_list(raw: str | None) -> list[str]:
    """Codes or names typed one a line or separated by commas or semicolons."""
    return [item.strip() for item in re.split(r"[,;\n]", raw or "") if item.strip()]


def position_choices() -> list[tuple]:
    positions = db.session.scalars(
        select(Position).where(Position.active.is_(True)).order_by(Position.agency_id, Position.id)
    ).all()
    return [("", "—")] + [(p.id, f"{p.agency.display_name} · {p.title}") for p in positions]


def officer_choices() -> list[tuple]:
    officers = db.session.scalars(
        select(User).where(User.kind == "officer", User.active.is_(True)).order_by(User.full_name)
    ).all()
    return [("", "—")] + [(u.id, f"{u.full_name} ({u.username})") for u in officers]


def last_day(valid_to) -> str:
    """The last local day of an end-exclusive validity (ends 00:00 on 01/01 → 31/12)."""
    return format_date(valid_to - timedelta(seconds=1)) if valid_to else ""


@bp.app_template_global("admin_last_day")
def _last_day_global(valid_to) -> str:
    return last_day(valid_to)


@bp.get("/uy-quyen")
def delegations():
    now = clock.now()
    state = request.args.get("trang_thai")
    agency_id = request.args.get("co_quan", type=int)
    found = list_delegations(
        now, agency_id=agency_id, states=(state,) if state in STATE_LABELS else None
    )
    substitutions = db.session.scalars(
        select(Substitution).order_by(Substitution.valid_from.desc()).limit(100)
    ).all()
    agencies = db.session.scalars(select(Agency).order_by(Agency.eid)).all()
    return render_template(
        "admin/delegations.html",
        delegations=found,
        now=now,
        state=state,
        states=STATE_LABELS,
        kinds=KIND_LABELS,
        substitutions=substitutions,
        agencies=agencies,
        agency_id=agency_id,
    )


def _delegation_values() -> dict:
    delegate_position_id = integer("delegate_position_id", "chức danh nhận ủy quyền")
    delegate_user_id = integer("delegate_user_id", "người nhận ủy quyền")
    return {
        "kind": text("kind"),
        "delegator_position": row(
            Position,
            integer("delegator_position_id", "chức danh ủy quyền", required=True),
            "delegator_position_id",
            "chức danh ủy quyền",
        ),
        "delegate_position": db.session.get(Position, delegate_position_id)
        if delegate_position_id
        else None,
        "delegate_user": db.session.get(User, delegate_user_id) if delegate_user_id else None,
        "procedure_codes": split_list(request.form.get("procedure_codes")),
        "fields": split_list(request.form.get("fields")),
        "actions": split_list(request.form.get("actions")),
        "basis_type": text("basis_type") or "Quyết định",
        "basis_number": text("basis_number"),
        "basis_date": day("basis_date", "ngày ban hành văn bản căn cứ"),
        "valid_from": day("valid_from", "ngày bắt đầu hiệu lực"),
        "valid_to": day("valid_to", "ngày hết hiệu lực"),
        "note": text("note"),
    }


def _delegation_page(values, errors, status=200):
    return render_template(
        "admin/delegation_form.html",
        values=values,
        errors=errors,
        kinds=list(KIND_LABELS.items()),
        positions=position_choices(),
        officers=officer_choices(),
    ), status


@bp.route("/uy-quyen/moi", methods=["GET", "POST"])
def delegation_new():
    if request.method == "GET":
        return _delegation_page({"kind": "TUQ", "basis_type": "Quyết định"}, {})
    try:
        delegation = delegate_authority(actor(), **_delegation_values())
    except DomainError as exc:
        errors = errors_of(exc)
        if "delegate" in errors:
            errors["delegate_position_id"] = errors["delegate_user_id"] = errors["delegate"]
        return _delegation_page(request.form, errors, 400)
    db.session.commit()
    flash(f"Đã lập {KIND_LABELS[delegation.kind].lower()} số {delegation.id}.", "success")
    return redirect(url_for("admin.delegation_detail", delegation_id=delegation.id))


@bp.get("/uy-quyen/<int:delegation_id>")
def delegation_detail(delegation_id: int, errors=None, status=200):
    delegation = get_or_404(Delegation, delegation_id)
    return render_template(
        "admin/delegation_detail.html",
        delegation=delegation,
        history=delegation_history(delegation),
        now=clock.now(),
        states=STATE_LABELS,
        kinds=KIND_LABELS,
        errors=errors or {},
    ), status


@bp.post("/uy-quyen/<int:delegation_id>/thu-hoi")
def delegation_revoke(delegation_id: int):
    delegation = get_or_404(Delegation, delegation_id)
    try:
        revoke_delegation(delegation, actor(), request.form.get("reason") or "")
    except DomainError as exc:
        return delegation_detail(delegation_id, errors_of(exc), 400)
    db.session.commit()
    flash("Đã thu hồi ủy quyền.", "success")
    return redirect(url_for("admin.delegation_detail", delegation_id=delegation.id))


def _substitution_page(values, errors, status=200):
    return render_template(
        "admin/substitution_form.html",
        values=values,
        errors=errors,
        positions=position_choices(),
        officers=officer_choices(),
    ), status


@bp.route("/thay-the/moi", methods=["GET", "POST"])
def substitution_new():
    if request.method == "GET":
        return _substitution_page({"basis_type": "Quyết định"}, {})
    try:
        valid_to = day("valid_to", "ngày hết hiệu lực")
        appoint_substitute(
            actor(),
            position=row(
                Position,
                integer("position_id", "chức danh", required=True),
                "position_id",
                "chức danh",
            ),
            substitute=row(
                User,
                integer("substitute_user_id", "người thay thế", required=True),
                "substitute_user_id",
                "người thay thế",
            ),
            reason=request.form.get("reason") or "",
            basis_type=text("basis_type") or "Quyết định",
            basis_number=text("basis_number"),
            basis_date=day("basis_date", "ngày ban hành văn bản căn cứ"),
            valid_from=day("valid_from", "ngày bắt đầu"),
            valid_to=valid_to,
        )
    except DomainError as exc:
        return _substitution_page(request.form, errors_of(exc), 400)
    db.session.commit()
    flash("Đã phân công người thay thế.", "success")
    return redirect(url_for("admin.delegations") + "#thay-the")


@bp.post("/thay-the/<int:substitution_id>/thu-hoi")
def substitution_revoke(substitution_id: int):
    substitution = get_or_404(Substitution, substitution_id)
    try:
        revoke_substitution(substitution, actor(), request.form.get("reason") or "")
    except DomainError as exc:
        flash(exc.message, "error")
        db.session.rollback()
        return redirect(url_for("admin.delegations") + "#thay-the")
    db.session.commit()
    flash("Đã thu hồi phân công thay thế.", "success")
    return redirect(url_for("admin.delegations") + "#thay-the")
