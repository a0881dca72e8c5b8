"""The persisted engine: tasks for open steps; claim, act and reassign with optimistic locking.

Every verb takes the acting user, checks authority through the delegation rules, records a
Transition and an audit event, and flushes; the caller commits once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from onestop.domain import Conflict, DomainError, Forbidden
from onestop.domain.audit.log import record
from onestop.domain.dossiers import events
from onestop.domain.org.models import Agency, Position, Unit
from onestop.extensions import db
from onestop.infra import clock

from .engine import Instance, Token, Workflow
from .models import Task, Transition
from .schema import REFUSE, RETURNED

ACTIVE_STATUSES = ("received", "processing", "processed")
LEADER_ROLES = ("head", "deputy_head", "leader", "deputy_leader")


def workflow_of(version) -> Workflow:
    """The engine view of a procedure version (cheap: two indexes over its steps)."""
    return Workflow(version.definition)


def _calendar(agency_id: int | None):
    from onestop.domain.calendar.service import calendar_for

    return calendar_for(agency_id)


def _authorise(user, **kwargs):
    from onestop.domain.delegation.authority import authorise

    return authorise(user, **kwargs)


def open_tasks(dossier) -> list[Task]:
    """The dossier's open tasks in the order they were opened."""
    return list(
        db.session.scalars(
            select(Task)
            .where(Task.dossier_id == dossier.id, Task.state == "open")
            .order_by(Task.id)
        )
    )


def _agency_id(key: str) -> int:
    agency_id = db.session.scalar(select(Agency.id).where(Agency.key == key))
    if agency_id is None:
        raise DomainError(f"agency '{key}' named by the workflow no longer exists", field="agency")
    return agency_id


def _by_key(model, agency_id: int, key: str) -> int:
    found = db.session.scalar(
        select(model.id).where(model.agency_id == agency_id, model.key == key)
    )
    if found is None:
        raise DomainError(
            f"{model.__name__.lower()} '{key}' named by the workflow does not exist "
            f"in agency {agency_id}",
            field=model.__name__.lower(),
        )
    return found


def assignment(dossier, holder: dict) -> dict:
    """Where a step runs: agency, unit, role, position (authority steps: the authority position)."""
    definition = dossier.procedure_version.definition
    if holder.get("authority"):
        auth = definition["authority"]
        agency_id = (
            _agency_id(auth["agency"]) if auth.get("agency") else dossier.receiving_agency_id
        )
        return {
            "agency_id": agency_id,
            "unit_id": None,
            "role": None,
            "position_id": _by_key(Position, agency_id, auth["position"]),
        }
    agency_id = (
        _agency_id(holder["agency"]) if holder.get("agency") else dossier.receiving_agency_id
    )
    return {
        "agency_id": agency_id,
        "unit_id": _by_key(Unit, agency_id, holder["unit"]) if holder.get("unit") else None,
        "role": holder.get("role"),
        "position_id": _by_key(Position, agency_id, holder["position"])
        if holder.get("position")
        else None,
    }


def open_task(dossier, token: Token, at: datetime, workflow: Workflow | None = None) -> Task:
    """Create the task for a token, due after its budget in its own agency's calendar."""
    workflow = workflow or workflow_of(dossier.procedure_version)
    holder = workflow.holder(token)
    where = assignment(dossier, holder)
    budget = holder["budget_minutes"]
    task = Task(
        dossier_id=dossier.id,
        step_id=token[0],
        branch=token[1],
        state="open",
        opened_at=at,
        budget_minutes=budget,
        due_at=_calendar(where["agency_id"]).add_minutes(at, budget),
        **where,
    )
    db.session.add(task)
    return task


def start(dossier, at: datetime) -> list[Task]:
    """Open the first step of the dossier's workflow (called on receipt)."""
    workflow = workflow_of(dossier.procedure_version)
    tasks = [open_task(dossier, token, at, workflow) for token in Instance(workflow).start()]
    db.session.flush()
    return tasks


def authorise_task(task: Task, user, action: str, at: datetime):
    """Whether `user` may act on `task` now (own position, delegation or substitution)."""
    return _authorise(
        user,
        agency_id=task.agency_id,
        unit_id=task.unit_id,
        role=task.role,
        position_id=task.position_id,
        procedure_code=task.dossier.procedure_version.procedure.code,
        action=action,
        at=at,
    )


def _lock(task: Task) -> None:
    """Lock the dossier row, then re-read the task; someone else's finished move is a Conflict."""
    from onestop.domain.dossiers.models import Dossier

    db.session.execute(
        select(Dossier)
        .where(Dossier.id == task.dossier_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    db.session.execute(
        select(Task).where(Task.id == task.id).execution_options(populate_existing=True)
    ).scalar_one()
    if task.state != "open":
        who = f" by {task.assignee.full_name}" if task.assignee else ""
        raise Conflict(
            f"This task was already {'completed' if task.state == 'done' else 'closed'}"
            f"{who}; reload the dossier to see its current step.",
            field="task",
        )


def _flush() -> None:
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(
            "Someone else changed this task at the same moment; reload and try again.", field="task"
        ) from None


def _check_version(task: Task, expected_version: int | None) -> None:
    if expected_version is not None and task.version != expected_version:
        raise Conflict("This task changed since you opened it; reload and try again.", field="task")


def claim(
    task: Task, user, at: datetime | None = None, expected_version: int | None = None
) -> Task:
    """Take an open task from the group queue into the user's own queue."""
    at = at or clock.now()
    _check_version(task, expected_version)
    _lock(task)
    if task.assignee_id == user.id:
        return task
    if task.assignee_id is not None:
        raise Conflict(f"{task.assignee.full_name} already took this task.", field="task")
    authorisation = authorise_task(task, user, "claim", at)
    task.assignee = user
    _flush()
    record(
        "dossier:task:claim",
        f"dossier:{task.dossier.code}",
        at=at,
        **authorisation.audit_kwargs(),
        task=task.id,
        step=task.step_id,
    )
    return task


def reassign(
    task: Task, leader, assignee, at: datetime | None = None, expected_version: int | None = None
) -> Transition:
    """A head or leader of the task's unit or agency gives the task to a qualified officer."""
    at = at or clock.now()
    _check_version(task, expected_version)
    _lock(task)
    authorisation = None
    for role in LEADER_ROLES:
        unit_id = task.unit_id if role in ("head", "deputy_head") else None
        try:
            authorisation = _authorise(
                leader,
                agency_id=task.agency_id,
                unit_id=unit_id,
                role=role,
                procedure_code=None,
                action="reassign",
                at=at,
            )
            break
        except Forbidden:
            continue
    if authorisation is None:
        raise Forbidden(
            "Only the head of the unit or a leader of the agency may reassign this task.",
            field="user",
        )
    try:
        authorise_task(task, assignee, "assign", at)
    except Forbidden as exc:
        raise DomainError(
            f"{assignee.full_name} cannot handle this step: {exc.message}", field="assignee"
        ) from None
    previous = task.assignee
    task.assignee = assignee
    transition = Transition(
        dossier_id=task.dossier_id,
        task_id=task.id,
        action="reassign",
        from_step=task.step_id,
        to_steps=[task.step_id],
        actor_id=leader.id,
        principal_position_id=authorisation.principal_position.id,
        delegation_id=authorisation.delegation_id,
        at=at,
        comment=f"{previous.full_name if previous else '—'} → {assignee.full_name}",
    )
    db.session.add(transition)
    _flush()
    record(
        "dossier:task:reassign",
        f"dossier:{task.dossier.code}",
        at=at,
        **authorisation.audit_kwargs(),
        task=task.id,
        assignee=assignee.id,
        previous=previous.id if previous else None,
    )
    return transition


def act(
    task: Task,
    user,
    action: str,
    comment: str | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Transition:
    """Take a named action on an open task: close it, open what follows, record and audit it."""
    from onestop.domain.dossiers import states

    at = at or clock.now()
    _check_version(task, expected_version)
    _lock(task)
    dossier = task.dossier
    if dossier.status not in ACTIVE_STATUSES:
        raise DomainError(_status_message(dossier), field="status")
    if task.assignee_id is not None and task.assignee_id != user.id:
        raise Forbidden(
            f"This task is assigned to {task.assignee.full_name}; ask the head of the "
            "unit to reassign it.",
            field="task",
        )
    workflow = workflow_of(dossier.procedure_version)
    token = (task.step_id, task.branch)
    comment = (comment or "").strip() or None
    if workflow.comment_required(token, action) and not comment:
        raise DomainError(
            f"Give a reason for '{action}'; it is sent to the applicant.", field="comment"
        )
    authorisation = authorise_task(task, user, action, at)
    tasks = open_tasks(dossier)
    instance = Instance(workflow, [(t.step_id, t.branch) for t in tasks])
    outcome = instance.fire(token, action, dossier.form_data)

    task.state, task.outcome, task.closed_at = "done", action, at
    task.assignee_id = task.assignee_id or user.id
    task.result = _calendar(task.agency_id).classify(at, task.due_at) if task.due_at else None
    cancelled = [t for t in tasks if (t.step_id, t.branch) in outcome.cancelled]
    for other in cancelled:
        other.state, other.closed_at, other.outcome = "cancelled", at, f"cancelled:{action}"
    opened = [open_task(dossier, t, at, workflow) for t in outcome.opened]
    transition = Transition(
        dossier_id=dossier.id,
        task_id=task.id,
        action=action,
        from_step=token[0] if token[1] is None else f"{token[0]}/{token[1]}",
        to_steps=[t[0] if t[1] is None else f"{t[0]}/{t[1]}" for t in outcome.opened]
        or ([outcome.end] if outcome.end else []),
        actor_id=user.id,
        principal_position_id=authorisation.principal_position.id,
        delegation_id=authorisation.delegation_id,
        comment=comment,
        at=at,
    )
    db.session.add(transition)
    if dossier.status == "received":
        dossier.status = "processing"
    _flush()
    record(
        f"dossier:task:{action}",
        f"dossier:{dossier.code}",
        at=at,
        **authorisation.audit_kwargs(),
        task=task.id,
        step=transition.from_step,
        to=transition.to_steps,
        result=task.result,
        comment=comment,
        cancelled=[t.id for t in cancelled],
        opened=[t.id for t in opened],
    )
    if outcome.issues_result:
        states.mark_processed(dossier, user, at, authorisation=authorisation, task=task)
    if outcome.end == REFUSE:
        states.finish_refused(dossier, user, comment or action, at, stage="processing")
    elif outcome.end == RETURNED:
        states.finish_returned(dossier, user, at)
    events.emit("step_done", dossier, task=task, transition=transition, authorisation=authorisation)
    return transition


def _status_message(dossier) -> str:
    return {
        "submitted": "The dossier has not been received yet.",
        "supplement_requested": "The dossier is waiting for the applicant's supplement; processing "
        "resumes when it arrives.",
        "suspended": "Processing of this dossier is suspended.",
    }.get(dossier.status, f"The dossier is {dossier.status}; no step can be taken any more.")
