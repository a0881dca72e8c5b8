"""The officer's work queues: mine, my units', on behalf of others, overdue; keyset-paginated.

One page costs a fixed number of queries whatever the number of dossiers: the user's positions,
their on-behalf capacities, one page query (tasks with dossier, procedure, unit and assignee
joined in), one query for the delegability of the procedures on the page, and one count query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import and_, case, false, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from onestop.domain import DomainError
from onestop.domain.dossiers.models import Dossier
from onestop.domain.dossiers.queries import step_name
from onestop.domain.procedures.models import Procedure, ProcedureVersion
from onestop.domain.workflow.models import Task
from onestop.extensions import db

VIEWS = ("all", "mine", "unit", "delegated", "overdue")
VIEW_LABELS = {
    "all": "Tất cả",
    "mine": "Của tôi",
    "unit": "Của đơn vị (chưa nhận)",
    "delegated": "Ủy quyền / thay thế",
    "overdue": "Quá hạn",
}
DUE_FILTERS = ("soon", "overdue")
PAGE_SIZE = 25


@dataclass(frozen=True)
class Row:
    """One task on a queue page, with why the user sees it and how close its due time is."""

    task: Task
    step: str
    on_behalf: str | None
    overdue: bool
    due_soon: bool

    @property
    def dossier(self) -> Dossier:
        """The task's dossier (loaded with the page)."""
        return self.task.dossier

    @property
    def mark(self) -> str | None:
        """The CSS badge name of the due-time mark."""
        return "overdue" if self.overdue else ("due_soon" if self.due_soon else None)


@dataclass(frozen=True)
class Page:
    """A page of a queue, the cursor of the next page, and the count of each view."""

    rows: list[Row]
    next_cursor: str | None
    counts: dict[str, int]


@dataclass(frozen=True)
class Scope:
    """What the user may see at an instant: own positions and on-behalf capacities."""

    user: object
    at: datetime
    own: list
    capacities: list
    soon_until: datetime

    def mine(self):
        """Tasks assigned to the user."""
        return Task.assignee_id == self.user.id

    def unit(self):
        """Unclaimed tasks of the user's own positions (their units' group queues)."""
        return or_(false(), *[_claimable(p) for p in self.own])

    def delegated(self):
        """Unclaimed tasks of positions the user acts for by delegation or substitution."""
        return or_(false(), *[_claimable(c.principal_position, c) for c in self.capacities])

    def any(self):
        """Every task the user may see."""
        return or_(self.mine(), self.unit(), self.delegated())

    @property
    def scoped_by_procedure(self) -> bool:
        """Whether a delegation limits the user to some procedures (the queries join them)."""
        return any(
            c.delegation is not None and (c.delegation.procedure_codes or c.delegation.fields)
            for c in self.capacities
        )

    def capacity_for(self, task: Task):
        """The on-behalf capacity when the user sees the task only through one, else None."""
        if task.assignee_id == self.user.id or any(_qualifies(task, p) for p in self.own):
            return None
        return next((c for c in self.capacities if _qualifies(task, c.principal_position)), None)


def scope_for(user, at: datetime) -> Scope:
    """The positions and capacities of `user` at `at` (two or three queries)."""
    from onestop.domain.calendar.service import calendar_for
    from onestop.domain.delegation.authority import own_positions
    from onestop.domain.delegation.queries import on_behalf_capacities

    soon = current_app.config.get("ONESTOP_DUE_SOON_HOURS", 8) * 60
    return Scope(
        user,
        at,
        own_positions(user, at),
        on_behalf_capacities(user, at),
        calendar_for(None).add_minutes(at, soon),
    )


def _claimable(position, capacity=None):
    """Open unassigned tasks a holder of `position` qualifies for (within a delegation's scope)."""
    by_group = and_(
        Task.position_id.is_(None),
        Task.agency_id == position.agency_id,
        Task.role == position.role,
        or_(Task.unit_id.is_(None), Task.unit_id == position.unit_id),
    )
    condition = and_(Task.assignee_id.is_(None), or_(Task.position_id == position.id, by_group))
    delegation = capacity.delegation if capacity is not None else None
    if delegation is not None and (delegation.procedure_codes or delegation.fields):
        condition = and_(
            condition,
            or_(
                Procedure.code.in_(delegation.procedure_codes or []),
                Procedure.field.in_(delegation.fields or []),
            ),
        )
    return condition


def _qualifies(task: Task, position) -> bool:
    if task.position_id is not None:
        return task.position_id == position.id
    return (
        task.agency_id == position.agency_id
        and task.role == position.role
        and (task.unit_id is None or task.unit_id == position.unit_id)
    )


def encode_cursor(task: Task) -> str:
    """The keyset position after `task`: its due instant (microseconds) and id."""
    due = task.due_at or datetime.max.replace(tzinfo=UTC)
    return f"{int(due.timestamp() * 1_000_000)}.{task.id}"


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The (due_at, id) of a cursor; DomainError naming the field when it is malformed."""
    if not cursor:
        return None
    try:
        micros, task_id = cursor.split(".")
        return datetime.fromtimestamp(int(micros) / 1_000_000, UTC), int(task_id)
    except (ValueError, OverflowError, OSError):
        raise DomainError(
            "the page cursor is not valid; start from the first page", field="after"
        ) from None


def _view_condition(scope: Scope, view: str):
    if view not in VIEWS:
        raise DomainError(f"the view must be one of {', '.join(VIEWS)}", field="view")
    if view == "overdue":
        return and_(scope.any(), Task.due_at < scope.at)
    return scope.any() if view == "all" else getattr(scope, view)()


def _filters(scope: Scope, procedure: str | None, status: str | None, due: str | None) -> list:
    conditions = []
    if procedure:
        conditions.append(Procedure.code == procedure)
    if status:
        conditions.append(Dossier.status == status)
    if due == "soon":
        conditions.append(and_(Task.due_at >= scope.at, Task.due_at <= scope.soon_until))
    elif due == "overdue":
        conditions.append(Task.due_at < scope.at)
    elif due:
        raise DomainError("the due filter is 'soon' or 'overdue'", field="due")
    return conditions


def _base(extra: list):
    return (
        select(Task)
        .join(Dossier, Dossier.id == Task.dossier_id)
        .join(ProcedureVersion, ProcedureVersion.id == Dossier.procedure_version_id)
        .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
        .where(Task.state == "open", *extra)
    )


def counts(scope: Scope, procedure=None, status=None, due=None) -> dict[str, int]:
    """How many open tasks each view holds (one query, narrowed to the user's tasks first)."""
    conditions = [scope.any(), *_filters(scope, procedure, status, due)]
    overdue = Task.due_at < scope.at
    columns = [func.count()] + [
        func.coalesce(func.sum(case((condition, 1), else_=0)), 0)
        for condition in (scope.mine(), scope.unit(), scope.delegated(), overdue)
    ]
    if procedure or status or scope.scoped_by_procedure:
        query = _base(conditions)
    else:  # no column of the dossier or procedure is needed: count the tasks alone
        query = select(Task).where(Task.state == "open", *conditions)
    values = db.session.execute(query.with_only_columns(*columns)).one()
    return dict(zip(VIEWS, (int(v) for v in values), strict=True))


def page(
    user,
    *,
    view="all",
    procedure=None,
    status=None,
    due=None,
    after=None,
    limit=PAGE_SIZE,
    at: datetime,
) -> Page:
    """One page of a queue, soonest due first, starting after the cursor."""
    scope = scope_for(user, at)
    conditions = [_view_condition(scope, view), *_filters(scope, procedure, status, due)]
    position = decode_cursor(after)
    if position is not None:
        due_at, task_id = position
        conditions.append(or_(Task.due_at > due_at, and_(Task.due_at == due_at, Task.id > task_id)))
    query = (
        _base(conditions)
        .options(
            contains_eager(Task.dossier)
            .contains_eager(Dossier.procedure_version)
            .contains_eager(ProcedureVersion.procedure),
            # The definition JSON is large and the same for every row of a version: load it once
            # per distinct version when a step name is needed, not decoded again on every row.
            contains_eager(Task.dossier)
            .contains_eager(Dossier.procedure_version)
            .defer(ProcedureVersion.definition),
            joinedload(Task.unit),
            joinedload(Task.agency),
            joinedload(Task.assignee),
        )
        .order_by(Task.due_at, Task.id)
        .limit(limit + 1)
    )
    tasks = list(db.session.scalars(query).unique())
    more = len(tasks) > limit
    tasks = tasks[:limit]
    rows = _rows(scope, tasks)
    return Page(
        rows, encode_cursor(tasks[-1]) if more else None, counts(scope, procedure, status, due)
    )


def _rows(scope: Scope, tasks: list[Task]) -> list[Row]:
    undelegable = _undelegable_codes(scope, tasks)
    rows = []
    for task in tasks:
        capacity = scope.capacity_for(task)
        code = task.dossier.procedure_version.procedure.code
        if capacity is not None and capacity.delegation is not None and code in undelegable:
            continue  # the procedure's authority cannot be delegated: not this user's work
        label = capacity.label if capacity is not None else None
        due = task.due_at
        overdue = due is not None and due < scope.at
        rows.append(
            Row(
                task,
                step_name(
                    task.dossier,
                    task.step_id if task.branch is None else f"{task.step_id}/{task.branch}",
                ),
                label,
                overdue,
                not overdue and due is not None and due <= scope.soon_until,
            )
        )
    return rows


def _undelegable_codes(scope: Scope, tasks: list[Task]) -> set[str]:
    """Procedures on the page whose authority is not delegable (read from the loaded versions)."""
    if not any(c.delegation is not None for c in scope.capacities):
        return set()
    return {
        t.dossier.procedure_version.procedure.code
        for t in tasks
        if not (t.dossier.procedure_version.definition.get("authority") or {}).get(
            "delegable", True
        )
    }
