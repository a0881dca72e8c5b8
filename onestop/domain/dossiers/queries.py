"""Read-side questions about dossiers: lookups, the applicant's list, the timeline, form 06 rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from onestop.domain import NotFound
from onestop.extensions import db

from .models import Dossier


@dataclass(frozen=True)
class TimelineEntry:
    """One moment in a dossier's history, as the applicant and officers see it."""

    at: datetime
    kind: str  # submitted, received, step, supplement_requested, supplement_completed, ...
    label: str
    actor: str | None = None
    unit: str | None = None
    comment: str | None = None
    result: str | None = None  # early / on_time / late for steps


def dossier_by_code(code: str) -> Dossier:
    """The dossier with this code, or NotFound."""
    dossier = db.session.scalar(select(Dossier).where(Dossier.code == (code or "").strip()))
    if dossier is None:
        raise NotFound(f"No dossier has the code {code!r}.", field="code")
    return dossier


def dossiers_of(applicant, *, limit: int = 100) -> list[Dossier]:
    """The applicant's dossiers, newest first."""
    return list(
        db.session.scalars(
            select(Dossier)
            .where(Dossier.applicant_id == applicant.id)
            .order_by(Dossier.created_at.desc(), Dossier.id.desc())
            .limit(limit)
        )
    )


def step_name(dossier, step_ref: str | None) -> str:
    """The display name of a step (or `step/branch`) of the dossier's workflow."""
    if not step_ref:
        return ""
    if step_ref.startswith("@"):
        return {"@returned": "Trả kết quả", "@refuse": "Từ chối"}.get(step_ref, step_ref)
    step_id, _, branch = step_ref.partition("/")
    for step in dossier.procedure_version.definition["steps"]:
        if step["id"] == step_id:
            holder = next((b for b in step.get("branches", []) if b["id"] == branch), step)
            return holder.get("name") or holder["id"]
    return step_ref


def current_steps(dossier) -> list[dict]:
    """The open steps: name, agency, unit, assignee and own due time."""
    from onestop.domain.workflow.runtime import open_tasks

    return [
        {
            "task": task,
            "name": step_name(dossier, _ref(task)),
            "agency": task.agency.display_name,
            "unit": task.unit.name if task.unit else None,
            "assignee": task.assignee.full_name if task.assignee else None,
            "due_at": task.due_at,
        }
        for task in open_tasks(dossier)
    ]


def _ref(task) -> str:
    return task.step_id if task.branch is None else f"{task.step_id}/{task.branch}"


def timeline(dossier) -> list[TimelineEntry]:
    """Every milestone, step move and pause of the dossier in time order."""
    from onestop.domain.workflow.models import Transition

    entries: list[TimelineEntry] = []
    if dossier.submitted_at:
        entries.append(
            TimelineEntry(dossier.submitted_at, "submitted", "Nộp hồ sơ", dossier.applicant_name)
        )
    if dossier.received_at:
        entries.append(
            TimelineEntry(
                dossier.received_at, "received", "Tiếp nhận hồ sơ", _name(dossier.received_by_id)
            )
        )
    moves = db.session.scalars(
        select(Transition)
        .where(Transition.dossier_id == dossier.id)
        .order_by(Transition.at, Transition.id)
    ).all()
    for move in moves:
        task = move.task
        entries.append(
            TimelineEntry(
                move.at,
                "step",
                f"{step_name(dossier, move.from_step)}: {move.action}",
                move.actor.full_name if move.actor else None,
                task.unit.name if task and task.unit else None,
                move.comment,
                task.result if task and move.action != "reassign" else None,
            )
        )
    for pause in dossier.pauses:
        kind = "supplement" if pause.kind == "supplement" else "suspension"
        entries.append(
            TimelineEntry(
                pause.started_at,
                f"{kind}_requested",
                "Yêu cầu bổ sung hồ sơ" if kind == "supplement" else "Tạm dừng giải quyết",
                _name(pause.requested_by_id),
                comment=pause.reason,
            )
        )
        if pause.ended_at:
            entries.append(
                TimelineEntry(
                    pause.ended_at,
                    f"{kind}_completed",
                    "Đã bổ sung hồ sơ" if kind == "supplement" else "Tiếp tục giải quyết",
                )
            )
    ends = {
        "processed": (dossier.processed_at, "Đã có kết quả"),
        "returned": (dossier.returned_at, "Đã trả kết quả"),
    }
    for kind, (at, label) in ends.items():
        if at:
            entries.append(TimelineEntry(at, kind, label))
    if dossier.status in ("refused", "withdrawn", "cancelled") and dossier.finished_at:
        labels = {
            "refused": "Từ chối",
            "withdrawn": "Dừng giải quyết theo yêu cầu",
            "cancelled": "Hủy hồ sơ",
        }
        entries.append(
            TimelineEntry(
                dossier.finished_at,
                dossier.status,
                labels[dossier.status],
                comment=dossier.outcome_reason,
            )
        )
    return sorted(entries, key=lambda e: e.at)


def control_sheet(dossier) -> list[dict]:
    """Form 06 rows: each hand-over with from, to, time, the step's result and a note."""
    from onestop.domain.workflow.models import Transition

    moves = db.session.scalars(
        select(Transition)
        .where(Transition.dossier_id == dossier.id, Transition.action != "reassign")
        .order_by(Transition.at, Transition.id)
    ).all()
    return [
        {
            "at": m.at,
            "from": step_name(dossier, m.from_step),
            "to": ", ".join(step_name(dossier, t) for t in (m.to_steps or [])),
            "actor": m.actor.full_name if m.actor else None,
            "result": m.task.result if m.task else None,
            "note": m.comment,
        }
        for m in moves
    ]


def _name(user_id: int | None) -> str | None:
    from onestop.domain.org.models import User

    user = db.session.get(User, user_id) if user_id else None
    return user.full_name if user else None


def facts(dossier) -> dict:
    """The dossier as the applicant follows it: status, dates, open steps and the timeline."""
    return {
        "id": dossier.id,
        "code": dossier.code,
        "status": dossier.status,
        "channel": dossier.channel,
        "procedure": {
            "code": dossier.procedure_version.procedure.code,
            "name": dossier.procedure_version.procedure.name,
            "version": dossier.procedure_version.number,
        },
        "agency": dossier.receiving_agency.name,
        "applicant": dossier.applicant_name,
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "original_due_at": dossier.original_due_at,
        "processed_at": dossier.processed_at,
        "returned_at": dossier.returned_at,
        "finished_at": dossier.finished_at,
        "paused_minutes": dossier.paused_minutes,
        "supplement_count": dossier.supplement_count,
        "return_method": dossier.return_method,
        "outcome_reason": dossier.outcome_reason,
        "form_data": dossier.form_data,
        "parts": [
            {"code": p.part_code, "name": p.name, "filename": p.filename, "sha256": p.blob_sha256}
            for p in dossier.parts
        ],
        "current_steps": [
            {k: v for k, v in step.items() if k != "task"} | {"task_id": step["task"].id}
            for step in current_steps(dossier)
        ],
        "timeline": [entry.__dict__ for entry in timeline(dossier)],
    }
