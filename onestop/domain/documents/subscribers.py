"""Issue the papers the rules require when the dossier lifecycle announces an event.

Each subscriber only adds the Document row (flush) and defers its render job to after the
commit, inside the caller's transaction (see onestop.domain.dossiers.events).
"""

from __future__ import annotations

from sqlalchemy import select

from onestop.domain.dossiers.events import on
from onestop.domain.org.models import Agency, Unit, User
from onestop.extensions import db

from . import context as ctx
from .operations import issue_paper, issue_result

RESULT_LABELS = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}
ACTION_LABELS = {
    "submit": "Chuyển xử lý tiếp",
    "approve": "Phê duyệt",
    "back": "Trả lại bước trước",
    "deny": "Từ chối",
    "hand_over": "Trả kết quả",
    "consult": "Xin ý kiến",
}


def _item(item) -> dict:
    if isinstance(item, dict):
        return {"name": item.get("name") or item.get("part") or "", "reason": item.get("reason")}
    return {"name": str(item), "reason": None}


@on("received")
def issue_receipt(dossier, actor=None, **_kw) -> None:
    """Form 01 when the desk receives the dossier."""
    issue_paper(dossier, "receipt", actor or dossier.applicant, at=dossier.received_at)


@on("supplement_requested")
def issue_supplement_request(dossier, actor=None, pause=None, **_kw) -> None:
    """Form 02, once per request (a second request is allowed but counts the dossier late)."""
    issue_paper(
        dossier,
        "supplement_request",
        actor,
        revision=dossier.supplement_count,
        at=pause.started_at if pause is not None else None,
        reason=pause.reason if pause is not None else "",
        items=[_item(i) for i in (pause.items or [])] if pause is not None else [],
    )


@on("refused")
def issue_refusal(dossier, actor=None, reason=None, **_kw) -> None:
    """Form 03 with the specific reason."""
    issue_paper(
        dossier,
        "refusal",
        actor,
        reason=reason or dossier.outcome_reason or "",
        at=dossier.finished_at,
    )


@on("apologised")
def issue_apology(dossier, actor=None, extension=None, **_kw) -> None:
    """Form 04 from the late unit's agency, with the previous and the new date."""
    agency = db.session.get(Agency, extension.agency_id) if extension is not None else None
    issue_paper(
        dossier,
        "apology",
        actor,
        agency=agency,
        at=extension.created_at if extension is not None else None,
        reason=extension.reason if extension else "",
        previous_due_at=ctx.when(extension.previous_due_at) if extension else "",
        new_due_at=ctx.when(extension.new_due_at) if extension else "",
    )


@on("withdrawn")
def issue_stop_notice(dossier, actor=None, reason=None, **_kw) -> None:
    """Form 05, signed at the desk that received the dossier (the applicant asked to stop)."""
    officer = db.session.get(User, dossier.received_by_id) if dossier.received_by_id else None
    issue_paper(
        dossier,
        "stop_notice",
        officer or actor,
        reason=reason or "",
        at=dossier.finished_at,
        requested_at=ctx.day(dossier.finished_at),
    )


@on("processed")
def issue_signed_result(dossier, actor=None, authorisation=None, **_kw) -> None:
    """The numbered result, signed by whoever decided, in the capacity they decided in."""
    if authorisation is None:
        return
    issue_result(dossier, authorisation, at=dossier.processed_at)


@on("returned")
def issue_control_sheet(dossier, actor=None, **_kw) -> None:
    """Form 06 as it stands when the result is handed over: one row per step handover."""
    issue_paper(
        dossier,
        "control_sheet",
        actor,
        handovers=control_sheet_rows(dossier),
        at=dossier.returned_at,
    )


def control_sheet_rows(dossier) -> list[dict]:
    """One row per closed step: unit, time, who, and whether it was early, on time or late."""
    from onestop.domain.workflow.models import Task

    tasks = db.session.scalars(
        select(Task)
        .where(Task.dossier_id == dossier.id, Task.closed_at.is_not(None))
        .order_by(Task.closed_at, Task.id)
    ).all()
    rows = []
    for task in tasks:
        unit = db.session.get(Unit, task.unit_id) if task.unit_id else None
        agency = db.session.get(Agency, task.agency_id)
        person = db.session.get(User, task.assignee_id) if task.assignee_id else None
        rows.append(
            {
                "unit": unit.name if unit else agency.name,
                "at": ctx.when(task.closed_at),
                "from": person.full_name if person else "",
                "to": "",
                "result": RESULT_LABELS.get(task.result or "", ""),
                "note": ACTION_LABELS.get(task.outcome or "", task.outcome),
            }
        )
    for current, following in zip(rows, rows[1:], strict=False):
        current["to"] = following["from"]
    return rows
