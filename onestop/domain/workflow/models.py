"""Tasks (step instances) and transitions (who did what, on whose behalf)."""

from __future__ import annotations

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from onestop.extensions import db
from onestop.infra.db import UTCDateTime, utcnow

TASK_STATES = ("open", "done", "cancelled")
STEP_RESULTS = ("early", "on_time", "late")


class Task(db.Model):
    """One step of a dossier's workflow, held by a unit (and possibly one officer)."""

    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint(f"state IN {TASK_STATES}", name="state"),
        CheckConstraint("state = 'open' OR closed_at IS NOT NULL", name="closed_at"),
        Index("ix_tasks_queue", "state", "unit_id", "due_at"),
        Index("ix_tasks_assignee_state", "assignee_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    step_id: Mapped[str] = mapped_column(String(60))
    branch: Mapped[str | None] = mapped_column(String(60))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    role: Mapped[str | None] = mapped_column(String(20))
    position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(10), default="open")
    opened_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    budget_minutes: Mapped[int] = mapped_column(default=0)
    due_at: Mapped[object | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[object | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(40))
    result: Mapped[str | None] = mapped_column(String(10))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    dossier = relationship("Dossier")
    agency = relationship("Agency")
    unit = relationship("Unit")
    position = relationship("Position")
    assignee = relationship("User")


class Transition(db.Model):
    """A recorded move: the action taken on a task, by whom, for whom, under which delegation."""

    __tablename__ = "transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    from_step: Mapped[str | None] = mapped_column(String(60))
    to_steps: Mapped[list | None] = mapped_column(JSON)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    principal_position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"))
    delegation_id: Mapped[int | None] = mapped_column()
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    actor = relationship("User")
    task: Mapped[Task | None] = relationship()
