"""The dossier page an officer works on: its data, parts, timeline, papers and allowed actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, render_template
from sqlalchemy import select

from onestop.domain import DomainError, Forbidden
from onestop.domain.documents.models import Document
from onestop.domain.dossiers.models import Extension
from onestop.domain.dossiers.queries import current_steps, step_name, timeline
from onestop.domain.workflow.runtime import authorise_task, workflow_of
from onestop.domain.workflow.schema import RETURNED
from onestop.extensions import db

ACTION_LABELS = {
    "submit": "Chuyển bước tiếp theo",
    "approve": "Phê duyệt và ký",
    "back": "Trả lại bước trước",
    "deny": "Từ chối giải quyết",
    "hand_over": "Trả kết quả",
    "consult": "Xin ý kiến",
    "agree": "Đồng ý",
    "disagree": "Không đồng ý",
    "done": "Hoàn thành phần việc",
    "complete": "Tổng hợp, ban hành kết quả",
}
PAPER_LABELS = {
    "receipt": "Mẫu 01 · Giấy tiếp nhận và hẹn trả",
    "supplement_request": "Mẫu 02 · Phiếu yêu cầu bổ sung",
    "refusal": "Mẫu 03 · Phiếu từ chối",
    "apology": "Mẫu 04 · Phiếu xin lỗi và hẹn lại",
    "stop_notice": "Mẫu 05 · Thông báo dừng giải quyết",
    "control_sheet": "Mẫu 06 · Phiếu kiểm soát",
    "tracking_book": "Mẫu 07 · Sổ theo dõi",
    "result": "Kết quả giải quyết",
}


@dataclass(frozen=True)
class TaskAction:
    """An action the user may take now on a task, and what it implies."""

    name: str
    label: str
    comment_required: bool
    issues_result: bool
    hands_over: bool
    signature: object | None  # the SignatureBlock that will be printed, for result actions
    on_behalf: str | None


def allowed_actions(task, user, at: datetime) -> tuple[list[TaskAction], str | None]:
    """The task's actions this user may take now; and why none, when none."""
    from onestop.domain.delegation.signature import signature_block

    if task.state != "open":
        return [], "Bước này đã kết thúc."
    if task.assignee_id is not None and task.assignee_id != user.id:
        return [], f"Bước này do {task.assignee.full_name} xử lý."
    dossier = task.dossier
    workflow = workflow_of(dossier.procedure_version)
    token = (task.step_id, task.branch)
    found, refusal = [], None
    for name in workflow.actions(token):
        try:
            route = workflow.route(token, name, dossier.form_data)
            authorisation = authorise_task(task, user, name, at)
        except (Forbidden, DomainError) as exc:
            refusal = refusal or exc.message
            continue
        found.append(
            TaskAction(
                name=name,
                label=ACTION_LABELS.get(name, name),
                comment_required=workflow.comment_required(token, name),
                issues_result=route.issues_result,
                hands_over=route.to == RETURNED,
                signature=signature_block(authorisation) if route.issues_result else None,
                on_behalf=authorisation.form_line if authorisation.on_behalf else None,
            )
        )
    return found, None if found else refusal


def form_fields(dossier) -> list[tuple[str, object]]:
    """The applicant's form data as (label, value) in the procedure's field order."""
    specs = dossier.procedure_version.definition.get("form", {}).get("fields", [])
    data = dossier.form_data or {}
    shown = [
        (spec.get("label", spec["name"]), data.get(spec["name"]))
        for spec in specs
        if data.get(spec["name"]) not in (None, "")
    ]
    known = {spec["name"] for spec in specs}
    return shown + [(key, value) for key, value in data.items() if key not in known]


def dossier_context(dossier, user, at: datetime, task=None) -> dict:
    """Everything the dossier (or task) page shows."""
    actions, why_not = allowed_actions(task, user, at) if task is not None else ([], None)
    documents = db.session.scalars(
        select(Document).where(Document.dossier_id == dossier.id).order_by(Document.id)
    ).all()
    extension = db.session.scalar(select(Extension).where(Extension.dossier_id == dossier.id))
    return {
        "dossier": dossier,
        "task": task,
        "task_step": step_name(
            dossier,
            task.step_id if task and task.branch is None else f"{task.step_id}/{task.branch}",
        )
        if task
        else None,
        "actions": actions,
        "why_not": why_not,
        "fields": form_fields(dossier),
        "steps": current_steps(dossier),
        "timeline": timeline(dossier),
        "documents": documents,
        "paper_labels": PAPER_LABELS,
        "extension": extension,
        "return_methods": dossier.procedure_version.definition.get("return_methods", []),
        "at": at,
        "papers_online": "documents.progress" in current_app.view_functions,
    }


def render_dossier(dossier, user, at, *, task=None, errors=None, form=None, status=200):
    """The dossier page; with `errors` and the submitted `form` kept after a refusal."""
    context = dossier_context(dossier, user, at, task)
    return render_template(
        "officer/dossier.html", errors=errors or {}, form=form or {}, **context
    ), status
