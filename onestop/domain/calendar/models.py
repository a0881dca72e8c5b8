"""The calendar as data: days off, make-up days, per-agency hours, raised deadline warnings."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from onestop.extensions import db
from onestop.infra.db import UTCDateTime, utcnow

HOLIDAY_KINDS = ("holiday", "makeup_workday")
HOLIDAY_SOURCES = ("library", "government", "admin")
WARNING_KINDS = ("due_soon", "overdue", "apology_due")


class Holiday(db.Model):
    """A day off or a make-up working day, everywhere (agency_id NULL) or for one agency."""

    __tablename__ = "holidays"
    __table_args__ = (
        CheckConstraint(f"kind IN {HOLIDAY_KINDS}", name="kind"),
        CheckConstraint(f"source IN {HOLIDAY_SOURCES}", name="source"),
        UniqueConstraint("day", "agency_id"),
        # NULL never equals NULL in a unique constraint, so national days need their own index.
        Index(
            "ux_holidays_national_day",
            "day",
            unique=True,
            sqlite_where=text("agency_id IS NULL"),
            postgresql_where=text("agency_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(16), default="holiday")
    agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agencies.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(12), default="admin")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    agency = relationship("Agency")

    def __repr__(self) -> str:
        return f"<Holiday {self.day} {self.kind} {self.name}>"


class WorkingHoursOverride(db.Model):
    """An agency's own hours on one weekday (0 = Monday), e.g. a desk open on Saturday mornings."""

    __tablename__ = "working_hours_overrides"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        UniqueConstraint("agency_id", "weekday"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column()
    # "08:00-11:30" or "08:00-12:00,13:00-17:00"; empty means closed that weekday.
    hours: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str | None] = mapped_column(String(255))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    agency = relationship("Agency")


class DeadlineWarning(db.Model):
    """A due-soon, overdue or apology-due warning, raised once per dossier (and task) and kind."""

    __tablename__ = "deadline_warnings"
    __table_args__ = (
        CheckConstraint(f"kind IN {WARNING_KINDS}", name="kind"),
        UniqueConstraint("dossier_id", "task_id", "kind"),
        Index(
            "ux_deadline_warnings_dossier_kind",
            "dossier_id",
            "kind",
            unique=True,
            sqlite_where=text("task_id IS NULL"),
            postgresql_where=text("task_id IS NULL"),
        ),
        Index("ix_deadline_warnings_raised", "raised_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    due_at: Mapped[object] = mapped_column(UTCDateTime)
    raised_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    # Who should act: the task's assignee, else nobody in particular (the unit's queue shows it).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    dossier = relationship("Dossier")
    task = relationship("Task")
