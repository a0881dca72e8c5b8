"""Login and logout for every kind of user."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from onestop.domain import DomainError
from onestop.domain.org.logins import TooManyAttempts, authenticate

bp = Blueprint("auth", __name__)


def landing_url(user) -> str:
    return {
        "citizen": "main.citizen_home",
        "officer": "main.officer_home",
        "admin": "main.admin_home",
    }.get(user.kind, "main.home")


@bp.route("/dang-nhap", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for(landing_url(current_user)))
    error = None
    status = 200
    if request.method == "POST":
        try:
            user = authenticate(
                request.form.get("username", ""),
                request.form.get("password", ""),
                request.remote_addr or "-",
            )
        except TooManyAttempts as exc:
            error, status = exc.message, 429
        except DomainError as exc:
            error, status = exc.message, 401
        else:
            session.clear()
            login_user(user, remember=False)
            target = request.args.get("next", "")
            if not target.startswith("/") or target.startswith("//"):
                target = url_for(landing_url(user))
            return redirect(target)
    return render_template(
        "auth/login.html", error=error, username=request.form.get("username", "")
    ), status


@bp.post("/dang-xuat")
def logout():
    logout_user()
    session.clear()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("main.home"))


@bp.post("/ngon-ngu")
def set_language():
    lang = request.form.get("lang")
    if lang in ("vi", "en"):
        session["lang"] = lang
    target = request.form.get("next", "/")
    return redirect(target if target.startswith("/") and not target.startswith("//") else "/")
