"""Security headers, role checks and login loading, in one place."""

from __future__ import annotations

import functools

from flask import Flask, abort
from flask_login import current_user

from onestop.extensions import db, login_manager

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def init_security(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str):
        from onestop.domain.org.models import User

        return db.session.get(User, int(user_id))

    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        return response


def role_required(*kinds: str):
    """Allow only logged-in users of these kinds (citizen, officer, admin)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.kind not in kinds:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


citizen_required = role_required("citizen")
officer_required = role_required("officer")
admin_required = role_required("admin")
