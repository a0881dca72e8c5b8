"""The leader view: load and lateness of the leader's units, and reassignment of tasks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from onestop.domain import DomainError
from onestop.domain.delegation.authority import holders_of, own_positions
from onestop.domain.dossiers.models import Dossier
from onestop.domain.org.models import Agency, Unit, User
from onestop.domain.procedures.models import ProcedureVersion
from onestop.domain.workflow import runtime
from onestop.domain.workflow.models import Task
from onestop.extensions import db
from onestop.infra import clock
from onestop.web.security import officer_required

from .blueprint import bp, get_or_404, me

UNIT_ROLES = ("head", "deputy_head")
AGENCY_ROLES = ("leader", "deputy_leader")
LATE_WINDOW_DAYS = 30
TASK_LIMIT = 200


@dataclass
class Load:
    """Open, overdue and recently late tasks of one unit (or an agency's tasks outside units)."""

    agency: Agency
    unit: Unit | None
    open: int = 0
    overdue: int = 0
    late: int = 0
    done: int = 0
    tasks: list = field(default_factory=list)


def led_scope(user, at):
    """(agency ids the user leads, unit ids the user heads)."""
    positions = own_positions(user, at)
    agencies = {p.agency_id for p in positions if p.role in AGENCY_ROLES}
    units = {p.unit_id for p in positions if p.role in UNIT_ROLES and p.unit_id}
    return agencies, units


def _scope_condition(agencies, units):
    return or_(Task.agency_id.in_(agencies or [-1]), Task.unit_id.in_(units or [-1]))


def loads(user, at) -> list[Load]:
    """Per unit: open and overdue tasks now, and late / finished steps over the last 30 days."""
    agencies, units = led_scope(user, at)
    if not agencies and not units:
        return []
    since = at - timedelta(days=LATE_WINDOW_DAYS)
    scope = _scope_condition(agencies, units)
    is_open = Task.state == "open"
    recent = and_(Task.state == "done", Task.closed_at >= since)
    figures = db.session.execute(
        select(
            Task.agency_id,
            Task.unit_id,
            func.sum(case((is_open, 1), else_=0)),
            func.sum(case((and_(is_open, Task.due_at < at), 1), else_=0)),
            func.sum(case((and_(recent, Task.result == "late"), 1), else_=0)),
            func.sum(case((recent, 1), else_=0)),
        )
        .where(scope, or_(is_open, recent))
        .group_by(Task.agency_id, Task.unit_id)
    ).all()
    agencies_by_id = {
        a.id: a
        for a in db.session.scalars(
            select(Agency).where(Agency.id.in_({row[0] for row in figures} or [-1]))
        )
    }
    units_by_id = {
        u.id: u
        for u in db.session.scalars(
            select(Unit).where(Unit.id.in_({row[1] for row in figures if row[1]} or [-1]))
        )
    }
    result = {}
    for agency_id, unit_id, open_, overdue, late, done in figures:
        result[(agency_id, unit_id)] = Load(
            agencies_by_id[agency_id],
            units_by_id.get(unit_id),
            int(open_),
            int(overdue),
            int(late),
            int(done),
        )
    tasks = db.session.scalars(
        select(Task)
        .where(scope, is_open)
        .options(
            joinedload(Task.dossier)
            .joinedload(Dossier.procedure_version)
            .joinedload(ProcedureVersion.procedure),
            joinedload(Task.assignee),
        )
        .order_by(Task.due_at, Task.id)
        .limit(TASK_LIMIT)
    ).all()
    for task in tasks:
        result[(task.agency_id, task.unit_id)].tasks.append(task)
    return sorted(result.values(), key=lambda x: (x.agency.name, x.unit.name if x.unit else ""))


def candidates(task, at) -> list[User]:
    """Officers who hold the step's role (or position) and could take the task."""
    return holders_of(task.agency_id, task.unit_id, task.role, at, position_id=task.position_id)


@bp.get("/lanh-dao")
@officer_required
def leader():
    """The leader's units: load, lateness, and each open task with whom it may go to."""
    at = clock.now()
    unit_loads = loads(me(), at)
    people = {}
    for load in unit_loads:
        for task in load.tasks:
            key = (task.agency_id, task.unit_id, task.role, task.position_id)
            if key not in people:
                people[key] = candidates(task, at)
    return render_template("officer/leader.html", loads=unit_loads, people=people, at=at)


@bp.post("/nhiem-vu/<int:task_id>/giao-lai")
@officer_required
def reassign(task_id: int):
    """Give the task to another qualified officer."""
    task = get_or_404(Task, task_id)
    raw = request.form.get("assignee_id", "")
    assignee = db.session.get(User, int(raw)) if raw.isdigit() else None
    try:
        if assignee is None:
            raise DomainError("chọn cán bộ nhận việc", field="assignee")
        version = request.form.get("version", "")
        runtime.reassign(
            task,
            me(),
            assignee,
            clock.now(),
            expected_version=int(version) if version.isdigit() else None,
        )
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("officer.leader"))
    flash(f"Đã giao hồ sơ {task.dossier.code} cho {assignee.full_name}.", "success")
    return redirect(url_for("officer.leader"))
