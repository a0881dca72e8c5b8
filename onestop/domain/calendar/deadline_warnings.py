"""Due-soon, overdue and apology-due warnings, raised once each per dossier (and task) and kind.

The scheduled job calls `raise_deadline_warnings()`; officers' queues read `open_warnings(...)`.
Dossiers whose clock is stopped (supplement requested, suspended) are not warned about: their due
time moves when the clock starts again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from onestop.domain.dossiers.models import Dossier, Extension
from onestop.domain.workflow.models import Task
from onestop.extensions import db
from onestop.infra import clock

from .deadlines import apology_due_by, deadline_state
from .models import DeadlineWarning
from .service import calendar_for

RUNNING_STATUSES = ("received", "processing")


def _dossier_kinds(dossier: Dossier, at: datetime, extended: bool) -> list[str]:
    calendar = calendar_for(dossier.receiving_agency_id)
    state = deadline_state(calendar, dossier.due_at, dossier.procedure_version.legal_minutes, at)
    kinds = [state] if state != "in_time" else []
    if not extended and at >= apology_due_by(calendar, dossier.due_at):
        kinds.append("apology_due")
    return kinds


def raise_deadline_warnings(at: datetime | None = None) -> list[DeadlineWarning]:
    """Add the warnings that became due since the last run (never twice); flushes, never commits."""
    at = at or clock.now()
    dossiers = list(
        db.session.scalars(
            select(Dossier)
            .where(Dossier.status.in_(RUNNING_STATUSES), Dossier.due_at.is_not(None))
            .options(selectinload(Dossier.procedure_version))
        )
    )
    if not dossiers:
        return []
    ids = [d.id for d in dossiers]
    raised = set(
        db.session.execute(
            select(DeadlineWarning.dossier_id, DeadlineWarning.task_id, DeadlineWarning.kind).where(
                DeadlineWarning.dossier_id.in_(ids)
            )
        ).tuples()
    )
    extended = set(
        db.session.scalars(select(Extension.dossier_id).where(Extension.dossier_id.in_(ids)))
    )
    new: list[DeadlineWarning] = []

    def add(dossier_id: int, task_id: int | None, kind: str, due_at: datetime, user_id: int | None):
        if (dossier_id, task_id, kind) in raised:
            return
        # An overdue item needs no due-soon warning any more.
        if kind == "due_soon" and (dossier_id, task_id, "overdue") in raised:
            return
        raised.add((dossier_id, task_id, kind))
        warning = DeadlineWarning(
            dossier_id=dossier_id,
            task_id=task_id,
            kind=kind,
            due_at=due_at,
            raised_at=at,
            user_id=user_id,
        )
        db.session.add(warning)
        new.append(warning)

    for dossier in dossiers:
        for kind in _dossier_kinds(dossier, at, dossier.id in extended):
            add(dossier.id, None, kind, dossier.due_at, dossier.received_by_id)
    tasks = db.session.scalars(
        select(Task)
        .where(Task.state == "open", Task.due_at.is_not(None), Task.dossier_id.in_(ids))
        .order_by(Task.id)
    )
    for task in tasks:
        state = deadline_state(
            calendar_for(task.agency_id), task.due_at, task.budget_minutes or None, at
        )
        if state != "in_time":
            add(task.dossier_id, task.id, state, task.due_at, task.assignee_id)
    db.session.flush()
    return new


def open_warnings(
    *, user_id: int | None = None, unit_id: int | None = None, agency_id: int | None = None
) -> list[DeadlineWarning]:
    """Warnings on still-running dossiers, for a user's or a unit's queue, newest first."""
    query = (
        select(DeadlineWarning)
        .join(Dossier, Dossier.id == DeadlineWarning.dossier_id)
        .where(Dossier.status.in_(RUNNING_STATUSES))
        .order_by(DeadlineWarning.raised_at.desc(), DeadlineWarning.id.desc())
    )
    if user_id is not None:
        query = query.where(DeadlineWarning.user_id == user_id)
    if unit_id is not None:
        query = query.join(Task, Task.id == DeadlineWarning.task_id).where(
            Task.unit_id == unit_id, Task.state == "open"
        )
    if agency_id is not None:
        query = query.where(Dossier.receiving_agency_id == agency_id)
    return list(db.session.scalars(query))
