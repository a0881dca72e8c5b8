"""Login checks with a moving-window limit on failures per account and address."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from onestop.domain import DomainError
from onestop.extensions import db
from onestop.infra import clock
from onestop.infra.db import UTCDateTime

from .models import User
from .passwords import check_password


class LoginFailure(db.Model):
    """One failed login; counted over a moving window to slow guessing down."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    address: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[object] = mapped_column(UTCDateTime, index=True)


class TooManyAttempts(DomainError):
    status = 429


def authenticate(username: str, password: str, address: str) -> User:
    """The user with these credentials; raises DomainError (or TooManyAttempts) otherwise."""
    username = (username or "").strip()
    if not username or not password:
        raise DomainError("Nhập tên đăng nhập và mật khẩu.", field="username")
    window = timedelta(seconds=current_app.config["ONESTOP_LOGIN_WINDOW_SECONDS"])
    limit = current_app.config["ONESTOP_LOGIN_ATTEMPTS"]
    since = clock.now() - window
    failures = db.session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(
            LoginFailure.username == username,
            LoginFailure.address == address,
            LoginFailure.at > since,
        )
    )
    if failures >= limit:
        minutes = max(1, window.seconds // 60)
        raise TooManyAttempts(
            f"Đăng nhập sai quá {limit} lần. Vui lòng thử lại sau {minutes} phút.", field="username"
        )
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not check_password(user.password_hash, password):
        db.session.add(
            LoginFailure(
                username=username,
                address=address,
                user_id=user.id if user else None,
                at=clock.now(),
            )
        )
        db.session.commit()  # the failure must count even though the request fails
        raise DomainError("Tên đăng nhập hoặc mật khẩu không đúng.", field="password")
    return user
