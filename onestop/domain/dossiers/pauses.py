"""Pauses of the clock: the supplement request (form 02, once) and an agreed suspension."""

from __future__ import annotations

from datetime import datetime

from onestop.domain import DomainError, Forbidden
from onestop.domain.procedures.forms import clean_form_data
from onestop.extensions import db
from onestop.infra import clock

from . import events
from .access import acting_task, audit, calendar_of, desk, lock
from .attachments import attach_all
from .models import Dossier, Pause


def request_supplement(
    dossier,
    officer,
    reason: str,
    items,
    *,
    at: datetime | None = None,
    acknowledge_late: bool = False,
) -> Pause:
    """Ask the applicant to add or correct documents (form 02); the clock pauses meanwhile."""
    at = at or clock.now()
    lock(dossier)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("say why the dossier needs a supplement", field="reason")
    if not items or not all(isinstance(i, (str, dict)) and i for i in items):
        raise DomainError("list the documents to add or correct", field="items")
    if dossier.status not in ("submitted", "received", "processing"):
        raise DomainError(
            f"a supplement cannot be requested while the dossier is {dossier.status}",
            field="status",
        )
    if dossier.supplement_count >= 1 and not acknowledge_late:
        raise DomainError(
            "A supplement was already requested for this dossier; the rules allow "
            "one request. A second request makes the dossier count as late: confirm "
            "it explicitly to go ahead.",
            field="acknowledge_late",
        )
    task = None
    if dossier.status == "submitted":
        authorisation = desk(dossier, officer, "request_supplement", at)
    else:
        task, authorisation = acting_task(dossier, officer, "request_supplement", at)
    pause = Pause(
        dossier=dossier,
        kind="supplement",
        reason=reason,
        items=list(items),
        started_at=at,
        requested_by_id=officer.id,
        task_id=task.id if task else None,
        resume_status=dossier.status,  # submitted, received or processing: where it goes back
    )
    db.session.add(pause)
    dossier.status = "supplement_requested"
    dossier.supplement_count += 1
    db.session.flush()
    audit(
        "dossier:supplement:request",
        dossier,
        officer,
        at,
        authorisation,
        reason=reason,
        items=list(items),
        count=dossier.supplement_count,
        late=dossier.late_by_supplement,
    )
    events.emit("supplement_requested", dossier, actor=officer, pause=pause)
    return pause


def _end_pause(dossier, kind: str, at: datetime) -> Pause:
    pause = next((p for p in dossier.pauses if p.kind == kind and p.ended_at is None), None)
    if pause is None:
        raise DomainError(f"no {kind} is running for this dossier", field="status")
    pause.ended_at = at
    if dossier.received_at is None:
        pause.working_minutes = 0
        return pause
    calendar = calendar_of(dossier.receiving_agency_id)
    minutes = calendar.minutes_between(pause.started_at, at)
    pause.working_minutes = minutes
    dossier.paused_minutes += minutes
    if minutes:
        dossier.due_at = calendar.add_minutes(dossier.due_at, minutes)
        from onestop.domain.workflow.runtime import open_tasks

        for task in open_tasks(dossier):
            if task.due_at is not None:
                task.due_at = calendar_of(task.agency_id).add_minutes(task.due_at, minutes)
    return pause


def complete_supplement(
    dossier, applicant, parts, *, form_data: dict | None = None, at: datetime | None = None
) -> Dossier:
    """The applicant sends what was asked; processing resumes at the step that asked."""
    at = at or clock.now()
    lock(dossier)
    if dossier.status != "supplement_requested":
        raise DomainError("no supplement is awaited for this dossier", field="status")
    if applicant.id != dossier.applicant_id:
        raise Forbidden("Only the applicant can complete the supplement.", field="user")
    if not parts and not form_data:
        raise DomainError("send the documents that were asked for", field="parts")
    definition = dossier.procedure_version.definition
    if form_data:
        dossier.form_data = clean_form_data(definition["form"], {**dossier.form_data, **form_data})
    attach_all(dossier, definition["parts"], parts, require_all=False)
    pause = _end_pause(dossier, "supplement", at)
    dossier.status = pause.resume_status
    db.session.flush()
    audit(
        "dossier:supplement:complete", dossier, applicant, at, paused_minutes=pause.working_minutes
    )
    events.emit("supplement_completed", dossier, actor=applicant, pause=pause)
    return dossier


def suspend(dossier, officer, reason: str, at: datetime | None = None) -> Pause:
    """An agreed suspension: the clock stops until `resume`."""
    at = at or clock.now()
    lock(dossier)
    if dossier.status != "processing":
        raise DomainError("only a dossier in processing can be suspended", field="status")
    if not (reason or "").strip():
        raise DomainError("give the reason and basis of the suspension", field="reason")
    task, authorisation = acting_task(dossier, officer, "suspend", at)
    pause = Pause(
        dossier=dossier,
        kind="suspension",
        reason=reason.strip(),
        started_at=at,
        requested_by_id=officer.id,
        task_id=task.id,
        resume_status="processing",
    )
    db.session.add(pause)
    dossier.status = "suspended"
    db.session.flush()
    audit("dossier:suspend", dossier, officer, at, authorisation, reason=pause.reason)
    events.emit("suspended", dossier, actor=officer, pause=pause)
    return pause


def resume(dossier, officer, at: datetime | None = None) -> Dossier:
    """End a suspension; due times move by the suspended working time."""
    at = at or clock.now()
    lock(dossier)
    if dossier.status != "suspended":
        raise DomainError("this dossier is not suspended", field="status")
    _task, authorisation = acting_task(dossier, officer, "resume", at)
    dossier.status = "processing"
    pause = _end_pause(dossier, "suspension", at)
    db.session.flush()
    audit(
        "dossier:resume", dossier, officer, at, authorisation, paused_minutes=pause.working_minutes
    )
    events.emit("resumed", dossier, actor=officer, pause=pause)
    return dossier
