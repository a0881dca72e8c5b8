"""The task page: claim, act (with a comment), approve and sign; conflicts keep the comment."""

from __future__ import annotations

from flask import flash, redirect, request, url_for

from onestop.domain import Conflict, DomainError
from onestop.domain.dossiers import lifecycle
from onestop.domain.workflow import runtime
from onestop.domain.workflow.models import Task
from onestop.extensions import db
from onestop.infra import clock
from onestop.web.security import officer_required

from .blueprint import bp, form_text, get_or_404, me, visible_dossier
from .pages import ACTION_LABELS, render_dossier


def _version() -> int | None:
    raw = request.form.get("version") or ""
    return int(raw) if raw.isdigit() else None


def _visible_task(task_id: int) -> Task:
    """The task, when its dossier is visible to the officer (404 otherwise)."""
    task = get_or_404(Task, task_id)
    visible_dossier(task.dossier_id)
    return task


def refused(task_id: int, exc: DomainError):
    """Re-render the task page with the refusal next to its field and the form as submitted."""
    db.session.rollback()
    task = get_or_404(Task, task_id)
    field = exc.field if exc.field in ("comment", "method", "assignee") else "action"
    return render_dossier(
        task.dossier,
        me(),
        clock.now(),
        task=task,
        errors={field: exc.message},
        form=request.form,
        status=exc.status,
    )


@bp.get("/nhiem-vu/<int:task_id>")
@officer_required
def task(task_id: int):
    """The dossier seen from one of its steps, with the actions this officer may take now."""
    task = get_or_404(Task, task_id)
    return render_dossier(visible_dossier(task.dossier_id), me(), clock.now(), task=task)


@bp.post("/nhiem-vu/<int:task_id>/nhan")
@officer_required
def claim(task_id: int):
    """Take a task from the unit's queue into one's own."""
    task = _visible_task(task_id)
    try:
        runtime.claim(task, me(), clock.now(), expected_version=_version())
        db.session.commit()
    except DomainError as exc:
        return refused(task_id, exc)
    flash("Đã nhận xử lý hồ sơ.", "success")
    return redirect(url_for("officer.task", task_id=task_id))


@bp.post("/nhiem-vu/<int:task_id>/xu-ly")
@officer_required
def act(task_id: int):
    """Take one action on the task; the result's hand-over records the return method."""
    task = _visible_task(task_id)
    action = form_text("action")
    dossier = task.dossier
    at = clock.now()
    try:
        if action == "hand_over" and request.form.get("method"):
            if _version() is not None and task.version != _version():
                raise Conflict(
                    "Hồ sơ vừa được người khác xử lý; tải lại trang để xem bước hiện tại.",
                    field="action",
                )
            lifecycle.hand_over(dossier, me(), form_text("method"), at)
        else:
            runtime.act(task, me(), action, form_text("comment"), at, expected_version=_version())
        db.session.commit()
    except DomainError as exc:
        return refused(task_id, exc)
    flash(
        f"Hồ sơ {dossier.code}: {ACTION_LABELS.get(action, action).lower()} — đã ghi nhận.",
        "success",
    )
    return redirect(url_for("officer.queue"))
