"""Dossier lifecycle verbs: submit, receive, supplement, refuse, withdraw, hand over, apologise, rate.

Each verb takes the acting user, checks the rule, changes state, audits and emits its event, and
flushes; the web request or job commits once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from onestop.domain import Conflict, DomainError, Forbidden
from onestop.domain.audit.log import record
from onestop.domain.org.models import Agency, Unit
from onestop.domain.procedures.forms import clean_form_data
from onestop.extensions import db
from onestop.infra import clock

from . import events, states
from .attachments import attach_all
from .codes import issue_code
from .models import RETURN_METHODS, Dossier, Extension, Pause

CHECK_MINUTES = 480  # online dossiers are checked within 8 working hours (DOMAIN.md, submission)


def _calendar(agency_id):
    from onestop.domain.calendar.service import calendar_for

    return calendar_for(agency_id)


def _authorise(user, **kwargs):
    from onestop.domain.delegation.authority import authorise

    return authorise(user, **kwargs)


def _code(dossier) -> str:
    return f"dossier:{dossier.code or dossier.id}"


def _desk(dossier, officer, action: str, at: datetime):
    """The officer must be a receiver (or act for one) at the receiving agency."""
    one_stop = db.session.scalar(select(Unit.id).where(
        Unit.agency_id == dossier.receiving_agency_id, Unit.one_stop.is_(True)))
    return _authorise(officer, agency_id=dossier.receiving_agency_id, unit_id=one_stop,
                      role="receiver", procedure_code=dossier.procedure_version.procedure.code,
                      action=action, at=at)


def _acting_task(dossier, officer, action: str, at: datetime):
    """An open task the officer may act on, with the authorisation; Forbidden when none."""
    from onestop.domain.workflow.runtime import authorise_task, open_tasks

    tasks = open_tasks(dossier)
    refusal = None
    for task in tasks:
        try:
            return task, authorise_task(task, officer, action, at)
        except Forbidden as exc:
            refusal = exc
    raise refusal or Forbidden("No step of this dossier is open.", field="user")


def _audit(action: str, dossier, actor, at: datetime, authorisation=None, **data) -> None:
    record(action, _code(dossier), actor=actor, at=at,
           principal_position_id=authorisation.principal_position.id if authorisation else None,
           delegation_id=authorisation.delegation_id if authorisation else None, **data)


def _receiving_agency(version, agency_id: int | None) -> Agency:
    keys = version.definition["agencies"]
    agencies = {a.key: a for a in db.session.scalars(select(Agency).where(Agency.key.in_(keys)))}
    if agency_id is None:
        if len(keys) != 1:
            raise DomainError("choose where to submit: " + ", ".join(
                agencies[k].name for k in keys if k in agencies), field="agency")
        return agencies[keys[0]]
    agency = next((a for a in agencies.values() if a.id == agency_id), None)
    if agency is None:
        raise DomainError("this procedure is not received by that agency", field="agency")
    return agency


def _new_dossier(applicant, version, form_data, parts, *, agency_id, channel, return_method,
                 contact: dict | None, at: datetime) -> Dossier:
    procedure = version.procedure
    if procedure.current_version_id != version.id or not procedure.active:
        raise DomainError("this procedure version is no longer in force; reload the procedure",
                          field="procedure_version")
    if return_method not in version.definition["return_methods"]:
        raise DomainError("the result of this procedure can be returned by: "
                          + ", ".join(version.definition["return_methods"]), field="return_method")
    agency = _receiving_agency(version, agency_id)
    contact = contact or {}
    dossier = Dossier(
        procedure_version=version, applicant_id=applicant.id, receiving_agency_id=agency.id,
        channel=channel, status="submitted", created_at=at, submitted_at=at,
        form_data=clean_form_data(version.definition["form"], form_data),
        applicant_name=contact.get("name") or applicant.full_name,
        applicant_phone=contact.get("phone") or applicant.phone,
        applicant_email=contact.get("email") or applicant.email,
        applicant_address=contact.get("address") or applicant.address,
        applicant_id_number=contact.get("id_number") or applicant.id_number,
        return_method=return_method)
    db.session.add(dossier)
    db.session.flush()
    attach_all(dossier, version.definition["parts"], parts, require_all=True)
    return dossier


def submit_online(applicant, version, form_data, parts, idempotency_key: str, *,
                  agency_id: int | None = None, return_method: str = "electronic",
                  contact: dict | None = None, at: datetime | None = None) -> Dossier:
    """An online submission; the same idempotency key returns the dossier already created."""
    at = at or clock.now()
    if applicant is None or applicant.kind != "citizen":
        raise Forbidden("Online dossiers are submitted by citizens and businesses.", field="user")
    key = (idempotency_key or "").strip()
    if not key or len(key) > 64:
        raise DomainError("an idempotency key of 1 to 64 characters is required",
                          field="idempotency_key")
    existing = db.session.scalar(select(Dossier).where(
        Dossier.applicant_id == applicant.id, Dossier.idempotency_key == key))
    if existing is not None:
        return existing
    try:
        with db.session.begin_nested():
            dossier = _new_dossier(applicant, version, form_data, parts, agency_id=agency_id,
                                   channel="online", return_method=return_method,
                                   contact=contact, at=at)
            dossier.idempotency_key = key
            dossier.check_due_at = _calendar(dossier.receiving_agency_id).add_minutes(
                at, CHECK_MINUTES)
            db.session.flush()
    except IntegrityError:
        # The same key committed concurrently by another request: that dossier is the answer.
        existing = db.session.scalar(select(Dossier).where(
            Dossier.applicant_id == applicant.id, Dossier.idempotency_key == key))
        if existing is None:
            raise
        return existing
    _audit("dossier:submit", dossier, applicant, at, channel="online",
           procedure=version.procedure.code, version=version.number)
    events.emit("submitted", dossier, actor=applicant)
    return dossier


def register_at_desk(officer, version, applicant, form_data, parts, *, agency_id: int,
                     channel: str = "desk", return_method: str = "desk",
                     contact: dict | None = None, at: datetime | None = None) -> Dossier:
    """A paper dossier brought to the desk (or by post): registered and received at once."""
    at = at or clock.now()
    if channel not in ("desk", "post"):
        raise DomainError("a paper dossier comes to the desk or by post", field="channel")
    dossier = _new_dossier(applicant, version, form_data, parts, agency_id=agency_id,
                           channel=channel, return_method=return_method, contact=contact, at=at)
    _audit("dossier:register", dossier, officer, at, channel=channel)
    return receive(dossier, officer, at)


def due_at_for(dossier, at: datetime) -> datetime:
    """The promised return instant for a receipt at `at` (same-day procedures end that day)."""
    definition = dossier.procedure_version.definition
    calendar = _calendar(dossier.receiving_agency_id)
    if definition["legal_time"].get("same_day"):
        return calendar.end_of_working_day(calendar.receipt_day(at, definition.get("cutoff")))
    return calendar.due_at(at, definition["legal_minutes"], definition.get("cutoff"))


def receive(dossier, officer, at: datetime | None = None) -> Dossier:
    """Accept the dossier: issue its code and due date, and start its workflow."""
    from onestop.domain.workflow import runtime

    at = at or clock.now()
    if dossier.status != "submitted":
        raise Conflict(f"This dossier is already {dossier.status}; it cannot be received again.",
                       field="status")
    authorisation = _desk(dossier, officer, "receive", at)
    calendar = _calendar(dossier.receiving_agency_id)
    dossier.code = issue_code(dossier.receiving_agency, at, calendar.local)
    dossier.received_at, dossier.received_by_id = at, officer.id
    dossier.due_at = dossier.original_due_at = due_at_for(dossier, at)
    dossier.status = "received"
    db.session.flush()
    tasks = runtime.start(dossier, at)
    for task in tasks:
        try:
            runtime.authorise_task(task, officer, "claim", at)
            task.assignee_id = officer.id
        except Forbidden:
            continue
    db.session.flush()
    _audit("dossier:receive", dossier, officer, at, authorisation, due_at=dossier.due_at,
           channel=dossier.channel)
    events.emit("received", dossier, actor=officer, authorisation=authorisation)
    return dossier


def request_supplement(dossier, officer, reason: str, items, *, at: datetime | None = None,
                       acknowledge_late: bool = False) -> Pause:
    """Ask the applicant to add or correct documents (form 02); the clock pauses meanwhile."""
    at = at or clock.now()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("say why the dossier needs a supplement", field="reason")
    if not items or not all(isinstance(i, (str, dict)) and i for i in items):
        raise DomainError("list the documents to add or correct", field="items")
    if dossier.status not in ("submitted", "received", "processing"):
        raise DomainError(f"a supplement cannot be requested while the dossier is {dossier.status}",
                          field="status")
    if dossier.supplement_count >= 1 and not acknowledge_late:
        raise DomainError("A supplement was already requested for this dossier; the rules allow "
                          "one request. A second request makes the dossier count as late: confirm "
                          "it explicitly to go ahead.", field="acknowledge_late")
    task = None
    if dossier.status == "submitted":
        authorisation = _desk(dossier, officer, "request_supplement", at)
    else:
        task, authorisation = _acting_task(dossier, officer, "request_supplement", at)
    pause = Pause(dossier=dossier, kind="supplement", reason=reason, items=list(items),
                  started_at=at, requested_by_id=officer.id, task_id=task.id if task else None,
                  resume_status="submitted" if dossier.status == "submitted" else "processing")
    db.session.add(pause)
    dossier.status = "supplement_requested"
    dossier.supplement_count += 1
    db.session.flush()
    _audit("dossier:supplement:request", dossier, officer, at, authorisation, reason=reason,
           items=list(items), count=dossier.supplement_count, late=dossier.late_by_supplement)
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
    calendar = _calendar(dossier.receiving_agency_id)
    minutes = calendar.minutes_between(pause.started_at, at)
    pause.working_minutes = minutes
    dossier.paused_minutes += minutes
    if minutes:
        dossier.due_at = calendar.add_minutes(dossier.due_at, minutes)
        from onestop.domain.workflow.runtime import open_tasks

        for task in open_tasks(dossier):
            if task.due_at is not None:
                task.due_at = _calendar(task.agency_id).add_minutes(task.due_at, minutes)
    return pause


def complete_supplement(dossier, applicant, parts, *, form_data: dict | None = None,
                        at: datetime | None = None) -> Dossier:
    """The applicant sends what was asked; processing resumes at the step that asked."""
    at = at or clock.now()
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
    _audit("dossier:supplement:complete", dossier, applicant, at,
           paused_minutes=pause.working_minutes)
    events.emit("supplement_completed", dossier, actor=applicant, pause=pause)
    return dossier


def suspend(dossier, officer, reason: str, at: datetime | None = None) -> Pause:
    """An agreed suspension: the clock stops until `resume`."""
    at = at or clock.now()
    if dossier.status != "processing":
        raise DomainError("only a dossier in processing can be suspended", field="status")
    if not (reason or "").strip():
        raise DomainError("give the reason and basis of the suspension", field="reason")
    task, authorisation = _acting_task(dossier, officer, "suspend", at)
    pause = Pause(dossier=dossier, kind="suspension", reason=reason.strip(), started_at=at,
                  requested_by_id=officer.id, task_id=task.id, resume_status="processing")
    db.session.add(pause)
    dossier.status = "suspended"
    db.session.flush()
    _audit("dossier:suspend", dossier, officer, at, authorisation, reason=pause.reason)
    events.emit("suspended", dossier, actor=officer, pause=pause)
    return pause


def resume(dossier, officer, at: datetime | None = None) -> Dossier:
    """End a suspension; due times move by the suspended working time."""
    at = at or clock.now()
    if dossier.status != "suspended":
        raise DomainError("this dossier is not suspended", field="status")
    _task, authorisation = _acting_task(dossier, officer, "resume", at)
    dossier.status = "processing"
    pause = _end_pause(dossier, "suspension", at)
    db.session.flush()
    _audit("dossier:resume", dossier, officer, at, authorisation, paused_minutes=pause.working_minutes)
    events.emit("resumed", dossier, actor=officer, pause=pause)
    return dossier


def refuse(dossier, officer, reason: str, at: datetime | None = None) -> Dossier:
    """Refuse with a reason: at the desk (form 03) or, in processing, by an officer of an open step."""
    at = at or clock.now()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("give the specific reason for the refusal", field="reason")
    if dossier.status in ("submitted", "supplement_requested") and dossier.received_at is None:
        _desk(dossier, officer, "refuse", at)
        states.finish_refused(dossier, officer, reason, at, stage="reception")
        return dossier
    if dossier.status not in ("received", "processing", "supplement_requested", "suspended"):
        raise DomainError(f"a dossier that is {dossier.status} cannot be refused", field="status")
    task, authorisation = _acting_task(dossier, officer, "refuse", at)
    from onestop.domain.workflow.models import Transition

    db.session.add(Transition(dossier_id=dossier.id, task_id=task.id, action="refuse",
                              from_step=task.step_id, to_steps=["@refuse"], actor_id=officer.id,
                              principal_position_id=authorisation.principal_position.id,
                              delegation_id=authorisation.delegation_id, comment=reason, at=at))
    states.finish_refused(dossier, officer, reason, at, stage="processing")
    return dossier


def withdraw(dossier, applicant, reason: str, at: datetime | None = None) -> Dossier:
    """The applicant stops the dossier before a decision (form 05); before receipt it is cancelled."""
    at = at or clock.now()
    if applicant.id != dossier.applicant_id:
        raise Forbidden("Only the applicant can withdraw this dossier.", field="user")
    if not dossier.is_open:
        raise DomainError(f"a dossier that is {dossier.status} can no longer be withdrawn",
                          field="status")
    status = "cancelled" if dossier.received_at is None else "withdrawn"
    states.close_open_tasks(dossier, at, status)
    states.close_open_pause(dossier, at)
    dossier.status, dossier.finished_at = status, at
    dossier.outcome_reason = (reason or "").strip() or None
    db.session.flush()
    _audit(f"dossier:{'cancel' if status == 'cancelled' else 'withdraw'}", dossier, applicant, at,
           reason=dossier.outcome_reason)
    events.emit(status, dossier, actor=applicant, reason=dossier.outcome_reason)
    return dossier


def hand_over(dossier, officer, method: str, at: datetime | None = None) -> Dossier:
    """Deliver the result (form 07 entry); closes the return step when the workflow has one."""
    from onestop.domain.workflow.engine import Instance
    from onestop.domain.workflow.runtime import act, open_tasks, workflow_of

    at = at or clock.now()
    if method not in RETURN_METHODS:
        raise DomainError(f"return method must be one of {', '.join(RETURN_METHODS)}", field="method")
    if dossier.status != "processed":
        raise DomainError("only a processed dossier's result can be handed over", field="status")
    dossier.return_method = method
    workflow = workflow_of(dossier.procedure_version)
    for task in open_tasks(dossier):
        token = (task.step_id, task.branch)
        for action in workflow.actions(token):
            try:
                ends = Instance(workflow, [token]).fire(token, action, dossier.form_data).end
            except DomainError:
                continue
            if ends == "@returned":
                act(task, officer, action, at=at)
                return dossier
    _desk(dossier, officer, "hand_over", at)
    states.finish_returned(dossier, officer, at)
    return dossier


def apologise(dossier, officer, reason: str, new_due_at: datetime, at: datetime | None = None):
    """The late unit apologises and sets the one new date (form 04)."""
    at = at or clock.now()
    if not dossier.is_open or dossier.received_at is None:
        raise DomainError("only a received dossier still in processing can get a new date",
                          field="status")
    if not (reason or "").strip():
        raise DomainError("give the reason for the delay", field="reason")
    if new_due_at is None or new_due_at.tzinfo is None or new_due_at <= dossier.due_at:
        raise DomainError("the new date must be after the current due date", field="new_due_at")
    if db.session.scalar(select(Extension.id).where(Extension.dossier_id == dossier.id)):
        raise Conflict("A new date was already set once for this dossier; it cannot be moved "
                       "again.", field="new_due_at")
    task, authorisation = _acting_task(dossier, officer, "apologise", at)
    extension = Extension(dossier_id=dossier.id, previous_due_at=dossier.due_at,
                          new_due_at=new_due_at, reason=reason.strip(), agency_id=task.agency_id,
                          created_by_id=officer.id, created_at=at)
    db.session.add(extension)
    dossier.due_at = new_due_at
    db.session.flush()
    _audit("dossier:apologise", dossier, officer, at, authorisation, reason=extension.reason,
           previous_due_at=extension.previous_due_at, new_due_at=new_due_at)
    events.emit("apologised", dossier, actor=officer, extension=extension)
    return extension


def rate(dossier, applicant, stars: int, comment: str | None = None, complaint: bool = False,
         at: datetime | None = None) -> Dossier:
    """The applicant rates the service once the dossier is finished (1 to 5 stars)."""
    at = at or clock.now()
    if applicant.id != dossier.applicant_id:
        raise Forbidden("Only the applicant can rate this dossier.", field="user")
    if dossier.status not in ("processed", "returned", "refused", "withdrawn"):
        raise DomainError("a dossier can be rated once it is finished", field="status")
    if dossier.rating is not None:
        raise Conflict("This dossier was already rated.", field="stars")
    if isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
        raise DomainError("give 1 to 5 stars", field="stars")
    dossier.rating, dossier.complaint = stars, bool(complaint)
    dossier.rating_comment = (comment or "").strip() or None
    db.session.flush()
    _audit("dossier:rate", dossier, applicant, at, stars=stars, complaint=bool(complaint))
    events.emit("rated", dossier, actor=applicant)
    return dossier
