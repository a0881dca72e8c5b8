"""Recompute the due times of open dossiers and tasks after a calendar change; audit each move."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from onestop.domain import DomainError
from onestop.domain.audit.log import record
from onestop.domain.dossiers.models import OPEN_STATUSES, Dossier, Extension
from onestop.domain.workflow.models import Task
from onestop.extensions import db
from onestop.infra import clock

from .deadlines import due_after_pauses, legal_due_at, task_due_at
from .service import calendar_for


@dataclass(frozen=True)
class Moved:
    """One due time that a calendar change moved."""

    subject: str
    previous: datetime | None
    new: datetime


def _closed_periods(dossier: Dossier) -> list[tuple[datetime, datetime]]:
    # An open pause is added when it ends (the lifecycle pushes the due time on resume).
    return [(p.started_at, p.ended_at) for p in dossier.pauses if p.ended_at is not None]


def dossier_due_at(dossier: Dossier) -> datetime | None:
    """The due time from the legal time, cut-off and finished pauses (None before receipt)."""
    if dossier.received_at is None:
        return None
    version = dossier.procedure_version
    calendar = calendar_for(dossier.receiving_agency_id)
    base = legal_due_at(calendar, version.definition, version.legal_minutes, dossier.received_at)
    return due_after_pauses(calendar, base, _closed_periods(dossier), until=clock.now())


def recompute_open_deadlines(actor, reason: str, agency_id: int | None = None) -> list[Moved]:
    """Move the due times of the open dossiers and tasks a calendar change affects; flushes."""
    if not reason or not reason.strip():
        raise DomainError("say why the due times move", field="reason")
    query = (
        select(Dossier)
        .where(Dossier.status.in_(OPEN_STATUSES), Dossier.received_at.is_not(None))
        .options(selectinload(Dossier.pauses), selectinload(Dossier.procedure_version))
        .order_by(Dossier.id)
    )
    extended = set(db.session.scalars(select(Extension.dossier_id)))
    moved: list[Moved] = []
    dossiers = {}
    for dossier in db.session.scalars(query):
        dossiers[dossier.id] = dossier
        if dossier.id in extended:
            continue  # the one extension fixed a date by a signed letter; it is not recounted
        if agency_id is not None and dossier.receiving_agency_id != agency_id:
            continue
        new = dossier_due_at(dossier)
        if new is not None and new != dossier.due_at:
            moved.append(Moved(f"dossier:{dossier.code}", dossier.due_at, new))
            record(
                "dossier:due_moved",
                f"dossier:{dossier.code}",
                actor=actor,
                reason=reason,
                previous=_iso(dossier.due_at),
                new=_iso(new),
            )
            dossier.due_at = new
            dossier.original_due_at = legal_due_at(
                calendar_for(dossier.receiving_agency_id),
                dossier.procedure_version.definition,
                dossier.procedure_version.legal_minutes,
                dossier.received_at,
            )
    tasks = (
        select(Task)
        .where(
            Task.state == "open",
            Task.budget_minutes > 0,
            Task.dossier_id.in_(list(dossiers) or [0]),
        )
        .order_by(Task.id)
    )
    if agency_id is not None:
        tasks = tasks.where(Task.agency_id == agency_id)
    for task in db.session.scalars(tasks):
        new = task_due_at(
            calendar_for(task.agency_id),
            task.opened_at,
            task.budget_minutes,
            _closed_periods(dossiers[task.dossier_id]),
            until=clock.now(),
        )
        if new != task.due_at:
            subject = f"dossier:{dossiers[task.dossier_id].code}:task:{task.id}"
            moved.append(Moved(subject, task.due_at, new))
            record(
                "task:due_moved",
                subject,
                actor=actor,
                reason=reason,
                step=task.step_id,
                previous=_iso(task.due_at),
                new=_iso(new),
            )
            task.due_at = new
    db.session.flush()
    return moved


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None
