"""The end states of a dossier, shared by the lifecycle verbs and the workflow runtime."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from onestop.domain.audit.log import record
from onestop.extensions import db

from . import events


def close_open_tasks(dossier, at: datetime, why: str) -> list:
    """Cancel the dossier's open tasks (the clock has ended); returns them."""
    from onestop.domain.workflow.models import Task

    tasks = list(
        db.session.scalars(select(Task).where(Task.dossier_id == dossier.id, Task.state == "open"))
    )
    for task in tasks:
        task.state, task.closed_at, task.outcome = "cancelled", at, f"cancelled:{why}"
    return tasks


def close_open_pause(dossier, at: datetime) -> None:
    """End a running pause without counting it any further (the dossier is stopping)."""
    for pause in dossier.pauses:
        if pause.ended_at is None:
            pause.ended_at = at
            pause.working_minutes = 0


def mark_processed(dossier, actor, at: datetime, *, authorisation=None, task=None) -> None:
    """The result is decided: processing time ends here; the result awaits hand-over."""
    dossier.status, dossier.processed_at, dossier.finished_at = "processed", at, at
    db.session.flush()
    record(
        "dossier:processed",
        f"dossier:{dossier.code}",
        actor=actor,
        at=at,
        principal_position_id=authorisation.principal_position.id if authorisation else None,
        delegation_id=authorisation.delegation_id if authorisation else None,
    )
    events.emit("processed", dossier, actor=actor, authorisation=authorisation, task=task)


def finish_refused(dossier, actor, reason: str, at: datetime, *, stage: str) -> None:
    """Refused at the desk (stage reception) or denied in processing, with the reason."""
    close_open_tasks(dossier, at, "refused")
    close_open_pause(dossier, at)
    dossier.status, dossier.outcome_reason, dossier.finished_at = "refused", reason, at
    db.session.flush()
    record(
        "dossier:refuse",
        f"dossier:{dossier.code or dossier.id}",
        actor=actor,
        at=at,
        reason=reason,
        stage=stage,
    )
    events.emit("refused", dossier, actor=actor, reason=reason, stage=stage)


def finish_returned(dossier, actor, at: datetime) -> None:
    """The result was handed over (in person, by post or electronically): the dossier closes."""
    close_open_tasks(dossier, at, "returned")
    dossier.status, dossier.returned_at = "returned", at
    db.session.flush()
    record(
        "dossier:return",
        f"dossier:{dossier.code}",
        actor=actor,
        at=at,
        method=dossier.return_method,
    )
    events.emit("returned", dossier, actor=actor, method=dossier.return_method)
