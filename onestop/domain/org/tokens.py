"""Bearer tokens for integrations (national portal sync, mobile apps), stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from onestop.domain import DomainError
from onestop.domain.audit.log import record
from onestop.extensions import db
from onestop.infra import clock
from onestop.infra.db import UTCDateTime

from .models import User

PREFIX = "os_"


class ApiToken(db.Model):
    """A token acting as its user through /api/v1; only the sha256 of the secret is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_used_at: Mapped[object | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[object | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(admin: User | None, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the row and the secret, shown once."""
    if not name or not name.strip():
        raise DomainError(
            "Đặt tên cho mã truy cập (ví dụ: Đồng bộ Cổng DVC quốc gia).", field="name"
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip(),
        token_hash=_hash(secret),
        created_at=clock.now(),
        created_by_id=admin.id if admin else None,
    )
    db.session.add(token)
    db.session.flush()
    record(
        "org:api_token:create", f"user:{user.id}", actor=admin, token_id=token.id, name=token.name
    )
    return token, secret


def user_for_token(secret: str) -> User | None:
    """The active user behind a bearer secret, or None."""
    if not secret.startswith(PREFIX):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(secret)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    return token.user
