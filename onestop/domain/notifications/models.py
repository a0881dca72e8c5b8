"""Notification: one message to one recipient over one channel, kept as the outbox."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from onestop.extensions import db
from onestop.infra.db import UTCDateTime, utcnow

CHANNELS = ("email", "sms")
STATES = ("pending", "sent", "failed")


class Notification(db.Model):
    """A message about a dossier for its applicant; `state` tells whether it left the building."""

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(f"channel IN {CHANNELS}", name="channel"),
        CheckConstraint(f"state IN {STATES}", name="state"),
        CheckConstraint("attempts >= 0", name="attempts"),
        CheckConstraint("state <> 'sent' OR sent_at IS NOT NULL", name="sent_at"),
        Index("ix_notifications_dossier", "dossier_id", "created_at"),
        Index("ix_notifications_state", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    event: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(8))
    recipient: Mapped[str] = mapped_column(String(160))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    # How it left: "smtp", "outbox" (kept here only) or "log"; the last error when it failed.
    backend: Mapped[str | None] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[object | None] = mapped_column(UTCDateTime)

    dossier = relationship("Dossier")

    def __repr__(self) -> str:
        return f"<Notification {self.channel} {self.event} {self.state}>"
