"""Audit events: append-only, each carrying the hash of the one before."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from onestop.extensions import db
from onestop.infra.db import UTCDateTime, utcnow


class AuditEvent(db.Model):
    """Who did what to which subject, for whom and under which delegation, with before/after."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    principal_position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"))
    delegation_id: Mapped[int | None] = mapped_column()
    action: Mapped[str] = mapped_column(String(80), index=True)
    subject: Mapped[str] = mapped_column(String(80), index=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(db.Model):
    """The single row holding the latest hash; locking it orders concurrent appends."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_hash: Mapped[str] = mapped_column(String(64))
    last_event_id: Mapped[int | None] = mapped_column()
