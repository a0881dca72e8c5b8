"""Task queues: what an officer may pick up now (own positions and on-behalf capacities)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select

from onestop.extensions import db
from onestop.infra import clock

from .models import Task


@dataclass(frozen=True)
class QueueEntry:
    """One open task in a queue, with why the user sees it and how close its due time is."""

    task: Task
    on_behalf: str | None  # e.g. "TUQ. Chủ tịch (UBND tỉnh)"; None for the user's own positions
    overdue: bool
    due_soon: bool


def _matches(position):
    """Open unassigned tasks that a holder of `position` qualifies for."""
    by_group = and_(
        Task.position_id.is_(None),
        Task.agency_id == position.agency_id,
        Task.role == position.role,
        or_(Task.unit_id.is_(None), Task.unit_id == position.unit_id),
    )
    return and_(Task.assignee_id.is_(None), or_(Task.position_id == position.id, by_group))


def _due_soon_minutes() -> int:
    from flask import current_app, has_app_context

    hours = current_app.config.get("ONESTOP_DUE_SOON_HOURS", 8) if has_app_context() else 8
    return hours * 60


def my_tasks(user, at: datetime | None = None, *, limit: int = 200) -> list[QueueEntry]:
    """The user's assigned tasks and the group tasks they may claim, soonest due first."""
    from onestop.domain.calendar.service import calendar_for
    from onestop.domain.delegation.authority import own_positions
    from onestop.domain.delegation.queries import on_behalf_capacities

    at = at or clock.now()
    own = own_positions(user, at)
    capacities = on_behalf_capacities(user, at)
    conditions = [Task.assignee_id == user.id] + [_matches(p) for p in own]
    conditions += [_matches(c.principal_position) for c in capacities]
    tasks = db.session.scalars(
        select(Task)
        .where(Task.state == "open", or_(*conditions))
        .order_by(Task.due_at, Task.id)
        .limit(limit)
    ).all()
    soon = _due_soon_minutes()
    entries = []
    for task in tasks:
        label = None
        if task.assignee_id != user.id and not any(_qualifies(task, p) for p in own):
            label = next(
                (c.label for c in capacities if _qualifies(task, c.principal_position)), None
            )
        overdue = task.due_at is not None and task.due_at < at
        due_soon = (
            not overdue
            and task.due_at is not None
            and calendar_for(task.agency_id).minutes_between(at, task.due_at) <= soon
        )
        entries.append(QueueEntry(task, label, overdue, due_soon))
    return entries


def _qualifies(task: Task, position) -> bool:
    if task.position_id is not None:
        return task.position_id == position.id
    return (
        task.agency_id == position.agency_id
        and task.role == position.role
        and (task.unit_id is None or task.unit_id == position.unit_id)
    )


def unit_tasks(agency_id: int, unit_id: int | None = None) -> list[Task]:
    """Open tasks of an agency (or one of its units), for its leaders to watch and reassign."""
    query = select(Task).where(Task.state == "open", Task.agency_id == agency_id)
    if unit_id is not None:
        query = query.where(Task.unit_id == unit_id)
    return list(db.session.scalars(query.order_by(Task.due_at, Task.id)))


def overdue_tasks(agency_id: int | None = None, at: datetime | None = None) -> list[Task]:
    """Open tasks past their own due time (all agencies when `agency_id` is None)."""
    at = at or clock.now()
    query = select(Task).where(Task.state == "open", Task.due_at < at)
    if agency_id is not None:
        query = query.where(Task.agency_id == agency_id)
    return list(db.session.scalars(query.order_by(Task.due_at)))
