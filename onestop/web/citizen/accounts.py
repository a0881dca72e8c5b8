"""Register a citizen account and edit the profile."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user

from onestop.domain import DomainError
from onestop.extensions import db
from onestop.web.security import citizen_required

from . import bp
from .registration import register_citizen, update_profile

REGISTER_FIELDS = ("id_number", "full_name", "phone", "email", "address")


@bp.route("/dang-ky", methods=["GET", "POST"])
def register():
    """Create an account with the ID number as username, then log in."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("main.home"))
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            user = register_citizen(request.form.to_dict())
        except DomainError as exc:
            db.session.rollback()
            errors[exc.field or "form"] = exc.message
        else:
            db.session.commit()
            session.clear()
            login_user(user, remember=False)
            flash("Đã tạo tài khoản. Bạn có thể nộp hồ sơ trực tuyến.", "success")
            return redirect(url_for("main.citizen_home"))
    values = {k: request.form.get(k, "") for k in REGISTER_FIELDS}
    return render_template("citizen/register.html", errors=errors, values=values), (
        400 if errors else 200
    )


@bp.route("/tai-khoan", methods=["GET", "POST"])
@citizen_required
def profile():
    """See and change one's contact details."""
    user = current_user._get_current_object()
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            update_profile(user, request.form.to_dict())
        except DomainError as exc:
            db.session.rollback()
            errors[exc.field or "form"] = exc.message
        else:
            db.session.commit()
            flash("Đã lưu thông tin tài khoản.", "success")
            return redirect(url_for("citizen.profile"))
    values = (
        request.form.to_dict()
        if errors
        else {
            "full_name": user.full_name,
            "phone": user.phone or "",
            "email": user.email or "",
            "address": user.address or "",
        }
    )
    return render_template("citizen/profile.html", errors=errors, values=values, user=user), (
        400 if errors else 200
    )
