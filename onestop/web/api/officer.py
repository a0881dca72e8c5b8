"""Officer API: my queue (keyset pages), a task with its allowed actions, acting on a task."""

from __future__ import annotations

from flask import jsonify, request
from marshmallow import Schema, fields, validate

from onestop.domain import DomainError
from onestop.domain.workflow import runtime
from onestop.domain.workflow.models import Task
from onestop.extensions import db
from onestop.infra import clock

from .spec import ApiError, api_user, endpoint, json_body

QUEUE_PARAMS = [
    {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": description,
    }
    for name, description in (
        ("view", "all | mine | unit | delegated | overdue"),
        ("procedure", "mã thủ tục"),
        ("status", "tình trạng hồ sơ"),
        ("due", "soon | overdue"),
        ("after", "con trỏ trang (next_cursor của trang trước)"),
        ("limit", "số dòng mỗi trang, 1-100"),
    )
]


class QueueTaskSchema(Schema):
    """One task on a queue page."""

    id = fields.Integer()
    version = fields.Integer()
    step = fields.String()
    dossier_id = fields.Integer()
    dossier_code = fields.String(allow_none=True)
    procedure = fields.String()
    applicant = fields.String()
    status = fields.String()
    due_at = fields.DateTime(allow_none=True)
    overdue = fields.Boolean()
    due_soon = fields.Boolean()
    on_behalf = fields.String(allow_none=True, metadata={"description": "ví dụ TUQ. Chủ tịch (…)"})
    assignee = fields.String(allow_none=True)


class QueuePageSchema(Schema):
    """A queue page, the cursor of the next one and the count of each view."""

    tasks = fields.List(fields.Nested(QueueTaskSchema))
    next_cursor = fields.String(allow_none=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())


class CountsSchema(Schema):
    """How many tasks each view holds."""

    counts = fields.Dict(keys=fields.String(), values=fields.Integer())


class TaskActionRequestSchema(Schema):
    """An action on a task (`claim` takes it), with the version read and a comment."""

    action = fields.String(required=True, validate=validate.Length(min=1, max=40))
    comment = fields.String(load_default=None, validate=validate.Length(max=4000))
    version = fields.Integer(
        load_default=None,
        metadata={"description": "phiên bản của bước khi đọc; khác đi thì trả 409"},
    )


def _row(row) -> dict:
    task = row.task
    return {
        "id": task.id,
        "version": task.version,
        "step": row.step,
        "step_id": task.step_id,
        "branch": task.branch,
        "dossier_id": task.dossier_id,
        "dossier_code": task.dossier.code,
        "procedure": task.dossier.procedure_version.procedure.code,
        "applicant": task.dossier.applicant_name,
        "status": task.dossier.status,
        "due_at": task.due_at.isoformat() if task.due_at else None,
        "overdue": row.overdue,
        "due_soon": row.due_soon,
        "on_behalf": row.on_behalf,
        "assignee": task.assignee.full_name if task.assignee else None,
    }


def call_domain(call):
    """Run a domain operation; its DomainError becomes an API error naming the field."""
    try:
        return call()
    except DomainError as exc:
        db.session.rollback()
        raise ApiError(
            exc.status, exc.message, {exc.field: [exc.message]} if exc.field else None
        ) from None


@endpoint(
    "/officer/tasks",
    summary="Hàng đợi công việc của cán bộ (phân trang theo con trỏ)",
    tag="Cán bộ",
    auth="officer",
    response=QueuePageSchema,
    params=QUEUE_PARAMS,
)
def officer_tasks():
    """A page of the officer's queue, soonest due first."""
    from onestop.web.officer import worklist

    limit = request.args.get("limit", type=int) or worklist.PAGE_SIZE
    if not 1 <= limit <= 100:
        raise ApiError(400, "limit phải từ 1 đến 100.", {"limit": ["1-100"]})
    args = {k: request.args.get(k) or None for k in ("procedure", "status", "due", "after")}
    page = call_domain(
        lambda: worklist.page(
            api_user(), view=request.args.get("view") or "all", limit=limit, at=clock.now(), **args
        )
    )
    return jsonify(
        {
            "tasks": [_row(r) for r in page.rows],
            "next_cursor": page.next_cursor,
            "counts": page.counts,
        }
    )


@endpoint(
    "/officer/counts",
    summary="Số việc trong từng hàng đợi (cập nhật trực tiếp)",
    tag="Cán bộ",
    auth="officer",
    response=CountsSchema,
)
def officer_counts():
    """The count of each queue view, for live updates."""
    from onestop.web.officer import worklist

    at = clock.now()
    return jsonify({"counts": worklist.counts(worklist.scope_for(api_user(), at))})


def _task(task_id: int) -> Task:
    task = db.session.get(Task, task_id)
    if task is None:
        raise ApiError(404, "Không có bước xử lý này.")
    return task


@endpoint(
    "/officer/tasks/<int:task_id>",
    summary="Một bước xử lý: hồ sơ và các thao tác được phép",
    tag="Cán bộ",
    auth="officer",
)
def officer_task(task_id: int):
    """A task with its dossier and the actions this officer may take now."""
    from onestop.domain.dossiers.queries import facts
    from onestop.web.officer.blueprint import officer_sees
    from onestop.web.officer.pages import allowed_actions

    task = _task(task_id)
    if not officer_sees(api_user(), task.dossier):
        raise ApiError(404, "Không tìm thấy bước xử lý.")
    actions, why_not = allowed_actions(task, api_user(), clock.now())
    return jsonify(
        {
            "id": task.id,
            "version": task.version,
            "state": task.state,
            "step": task.step_id,
            "branch": task.branch,
            "due_at": task.due_at.isoformat() if task.due_at else None,
            "assignee": task.assignee.full_name if task.assignee else None,
            "actions": [
                {
                    "name": a.name,
                    "comment_required": a.comment_required,
                    "issues_result": a.issues_result,
                    "on_behalf": a.on_behalf,
                    "signature": a.signature.lines if a.signature else None,
                }
                for a in actions
            ],
            "why_not": why_not,
            "dossier": _jsonable(facts(task.dossier)),
        }
    )


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value.isoformat() if hasattr(value, "isoformat") else value


@endpoint(
    "/officer/tasks/<int:task_id>/actions",
    methods=("POST",),
    summary="Xử lý một bước",
    tag="Cán bộ",
    auth="officer",
    body=TaskActionRequestSchema,
)
def officer_act(task_id: int):
    """Claim a task or take an action on it; 409 when someone else moved it first."""
    data = json_body(TaskActionRequestSchema())
    task = _task(task_id)
    user = api_user()
    if data["action"] == "claim":
        call_domain(
            lambda: runtime.claim(task, user, clock.now(), expected_version=data["version"])
        )
    else:
        call_domain(
            lambda: runtime.act(
                task,
                user,
                data["action"],
                data["comment"],
                clock.now(),
                expected_version=data["version"],
            )
        )
    db.session.commit()
    return jsonify(
        {
            "id": task.id,
            "state": task.state,
            "version": task.version,
            "dossier_status": task.dossier.status,
        }
    ), 200
