"""Dossier lifecycle verbs: submit, receive, refuse, withdraw, hand over (and re-exported others).

Each verb takes the acting user, checks the rule, changes state, audits and emits its event, and
flushes; the web request or job commits once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from onestop.domain import Conflict, DomainError, Forbidden
from onestop.domain.org.models import Agency
from onestop.domain.procedures.forms import clean_form_data
from onestop.extensions import db
from onestop.infra import clock

from . import events, states
from .access import acting_task, audit, calendar_of, desk, lock
from .apology import apologise, rate  # noqa: F401  (lifecycle verbs, re-exported)
from .attachments import attach_all
from .codes import issue_code
from .models import RETURN_METHODS, Dossier
from .pauses import complete_supplement, request_supplement, resume, suspend  # noqa: F401

CHECK_MINUTES = 480  # online dossiers are checked within 8 working hours (DOMAIN.md, submission)


def _receiving_agency(version, agency_id: int | None) -> Agency:
    keys = version.definition["agencies"]
    agencies = {a.key: a for a in db.session.scalars(select(Agency).where(Agency.key.in_(keys)))}
    if agency_id is None:
        if len(keys) != 1:
            raise DomainError(
                "Chọn nơi nộp hồ sơ: " + ", ".join(agencies[k].name for k in keys if k in agencies),
                field="agency",
            )
        return agencies[keys[0]]
    agency = next((a for a in agencies.values() if a.id == agency_id), None)
    if agency is None:
        raise DomainError(
            "Cơ quan này không tiếp nhận thủ tục này; chọn nơi nộp khác", field="agency"
        )
    return agency


def _new_dossier(
    applicant,
    version,
    form_data,
    parts,
    *,
    agency_id,
    channel,
    return_method,
    contact: dict | None,
    at: datetime,
) -> Dossier:
    procedure = version.procedure
    if procedure.current_version_id != version.id or not procedure.active:
        raise DomainError(
            "Phiên bản thủ tục này không còn hiệu lực; hãy tải lại trang thủ tục",
            field="procedure_version",
        )
    if return_method not in version.definition["return_methods"]:
        raise DomainError(
            "Kết quả của thủ tục này chỉ trả theo cách: "
            + ", ".join(version.definition["return_methods"]),
            field="return_method",
        )
    agency = _receiving_agency(version, agency_id)
    contact = contact or {}
    dossier = Dossier(
        procedure_version=version,
        applicant_id=applicant.id,
        receiving_agency_id=agency.id,
        channel=channel,
        status="submitted",
        created_at=at,
        submitted_at=at,
        form_data=clean_form_data(version.definition["form"], form_data),
        applicant_name=contact.get("name") or applicant.full_name,
        applicant_phone=contact.get("phone") or applicant.phone,
        applicant_email=contact.get("email") or applicant.email,
        applicant_address=contact.get("address") or applicant.address,
        applicant_id_number=contact.get("id_number") or applicant.id_number,
        return_method=return_method,
    )
    db.session.add(dossier)
    db.session.flush()
    attach_all(dossier, version.definition["parts"], parts, require_all=True)
    return dossier


def submit_online(
    applicant,
    version,
    form_data,
    parts,
    idempotency_key: str,
    *,
    agency_id: int | None = None,
    return_method: str = "electronic",
    contact: dict | None = None,
    at: datetime | None = None,
) -> Dossier:
    """An online submission; the same idempotency key returns the dossier already created."""
    at = at or clock.now()
    if applicant is None or applicant.kind != "citizen":
        raise Forbidden("Hồ sơ trực tuyến do công dân, tổ chức nộp.", field="user")
    key = (idempotency_key or "").strip()
    if not key or len(key) > 64:
        raise DomainError(
            "an idempotency key of 1 to 64 characters is required", field="idempotency_key"
        )
    existing = db.session.scalar(
        select(Dossier).where(Dossier.applicant_id == applicant.id, Dossier.idempotency_key == key)
    )
    if existing is not None:
        return existing
    try:
        with db.session.begin_nested():
            dossier = _new_dossier(
                applicant,
                version,
                form_data,
                parts,
                agency_id=agency_id,
                channel="online",
                return_method=return_method,
                contact=contact,
                at=at,
            )
            dossier.idempotency_key = key
            dossier.check_due_at = calendar_of(dossier.receiving_agency_id).add_minutes(
                at, CHECK_MINUTES
            )
            db.session.flush()
    except IntegrityError:
        # The same key committed concurrently by another request: that dossier is the answer.
        existing = db.session.scalar(
            select(Dossier).where(
                Dossier.applicant_id == applicant.id, Dossier.idempotency_key == key
            )
        )
        if existing is None:
            raise
        return existing
    audit(
        "dossier:submit",
        dossier,
        applicant,
        at,
        channel="online",
        procedure=version.procedure.code,
        version=version.number,
    )
    events.emit("submitted", dossier, actor=applicant)
    return dossier


def register_at_desk(
    officer,
    version,
    applicant,
    form_data,
    parts,
    *,
    agency_id: int,
    channel: str = "desk",
    return_method: str = "desk",
    contact: dict | None = None,
    at: datetime | None = None,
) -> Dossier:
    """A paper dossier brought to the desk (or by post): registered and received at once."""
    at = at or clock.now()
    if channel not in ("desk", "post"):
        raise DomainError(
            "Hồ sơ giấy được nộp tại Bộ phận Một cửa hoặc qua bưu chính", field="channel"
        )
    dossier = _new_dossier(
        applicant,
        version,
        form_data,
        parts,
        agency_id=agency_id,
        channel=channel,
        return_method=return_method,
        contact=contact,
        at=at,
    )
    audit("dossier:register", dossier, officer, at, channel=channel)
    return receive(dossier, officer, at)


def due_at_for(dossier, at: datetime) -> datetime:
    """The promised return instant for a receipt at `at` (same-day procedures end that day)."""
    definition = dossier.procedure_version.definition
    calendar = calendar_of(dossier.receiving_agency_id)
    if definition["legal_time"].get("same_day"):
        return calendar.end_of_working_day(calendar.receipt_day(at, definition.get("cutoff")))
    return calendar.due_at(at, definition["legal_minutes"], definition.get("cutoff"))


def receive(dossier, officer, at: datetime | None = None) -> Dossier:
    """Accept the dossier: issue its code and due date, and start its workflow."""
    from onestop.domain.workflow import runtime

    at = at or clock.now()
    lock(dossier)
    if dossier.status != "submitted":
        raise Conflict(
            f"Hồ sơ đang ở trạng thái {dossier.status}; không tiếp nhận lại được.",
            field="status",
        )
    authorisation = desk(dossier, officer, "receive", at)
    calendar = calendar_of(dossier.receiving_agency_id)
    dossier.code = issue_code(dossier.receiving_agency, at, calendar.local)
    # The entry in the day's tracking book (form 07) is the code's sequence number.
    dossier.tracking_number = int(dossier.code.rsplit("-", 1)[1])
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
    audit(
        "dossier:receive",
        dossier,
        officer,
        at,
        authorisation,
        due_at=dossier.due_at,
        channel=dossier.channel,
    )
    events.emit("received", dossier, actor=officer, authorisation=authorisation)
    return dossier


def refuse(dossier, officer, reason: str, at: datetime | None = None) -> Dossier:
    """Refuse with a reason: at the desk (form 03) or, in processing, by an officer of a step."""
    at = at or clock.now()
    lock(dossier)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Nêu rõ lý do từ chối", field="reason")
    if dossier.status in ("submitted", "supplement_requested") and dossier.received_at is None:
        desk(dossier, officer, "refuse", at)
        states.finish_refused(dossier, officer, reason, at, stage="reception")
        return dossier
    if dossier.status not in ("received", "processing", "supplement_requested", "suspended"):
        raise DomainError(f"Hồ sơ ở trạng thái {dossier.status} không thể từ chối", field="status")
    task, authorisation = acting_task(dossier, officer, "refuse", at)
    from onestop.domain.workflow.models import Transition

    db.session.add(
        Transition(
            dossier_id=dossier.id,
            task_id=task.id,
            action="refuse",
            from_step=task.step_id,
            to_steps=["@refuse"],
            actor_id=officer.id,
            principal_position_id=authorisation.principal_position.id,
            delegation_id=authorisation.delegation_id,
            comment=reason,
            at=at,
        )
    )
    states.finish_refused(dossier, officer, reason, at, stage="processing")
    return dossier


def withdraw(dossier, applicant, reason: str, at: datetime | None = None) -> Dossier:
    """The applicant stops the dossier before a decision (form 05); unreceived: cancelled."""
    at = at or clock.now()
    lock(dossier)
    if applicant.id != dossier.applicant_id:
        raise Forbidden("Chỉ người nộp mới rút được hồ sơ này.", field="user")
    if not dossier.is_open:
        raise DomainError(f"Hồ sơ ở trạng thái {dossier.status} không còn rút được", field="status")
    status = "cancelled" if dossier.received_at is None else "withdrawn"
    states.close_open_tasks(dossier, at, status)
    states.close_open_pause(dossier, at)
    dossier.status, dossier.finished_at = status, at
    dossier.outcome_reason = (reason or "").strip() or None
    db.session.flush()
    audit(
        f"dossier:{'cancel' if status == 'cancelled' else 'withdraw'}",
        dossier,
        applicant,
        at,
        reason=dossier.outcome_reason,
    )
    events.emit(status, dossier, actor=applicant, reason=dossier.outcome_reason)
    return dossier


def hand_over(dossier, officer, method: str, at: datetime | None = None) -> Dossier:
    """Deliver the result (form 07 entry); closes the return step when the workflow has one."""
    from onestop.domain.workflow.engine import Instance
    from onestop.domain.workflow.runtime import act, open_tasks, workflow_of

    at = at or clock.now()
    lock(dossier)
    if method not in RETURN_METHODS:
        raise DomainError(
            f"return method must be one of {', '.join(RETURN_METHODS)}", field="method"
        )
    if dossier.status != "processed":
        raise DomainError("Chỉ trả kết quả của hồ sơ đã có kết quả", field="status")
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
    desk(dossier, officer, "hand_over", at)
    states.finish_returned(dossier, officer, at)
    return dossier
