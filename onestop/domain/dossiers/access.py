"""Who may act on a dossier: the desk of the receiving agency, or an officer of an open step."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from onestop.domain import Forbidden
from onestop.domain.audit.log import record
from onestop.domain.org.models import Unit
from onestop.extensions import db


def calendar_of(agency_id):
    """The working calendar of an agency (the calendar feature's `calendar_for`)."""
    from onestop.domain.calendar.service import calendar_for

    return calendar_for(agency_id)


def authorise_user(user, **kwargs):
    """The delegation feature's `authorise`: own position, delegation or substitution."""
    from onestop.domain.delegation.authority import authorise

    return authorise(user, **kwargs)


def subject(dossier) -> str:
    """The audit subject of a dossier: its code once issued, else its id."""
    return f"dossier:{dossier.code or dossier.id}"


def desk(dossier, officer, action: str, at: datetime):
    """The officer must be a receiver (or act for one) at the receiving agency."""
    one_stop = db.session.scalar(
        select(Unit.id).where(
            Unit.agency_id == dossier.receiving_agency_id, Unit.one_stop.is_(True)
        )
    )
    return authorise_user(
        officer,
        agency_id=dossier.receiving_agency_id,
        unit_id=one_stop,
        role="receiver",
        procedure_code=dossier.procedure_version.procedure.code,
        action=action,
        at=at,
    )


def acting_task(dossier, officer, action: str, at: datetime):
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


def audit(action: str, dossier, actor, at: datetime, authorisation=None, **data) -> None:
    """Record an audit event on the dossier with the actor, principal and delegation."""
    who = authorisation.audit_kwargs() if authorisation else {"actor": actor}
    record(action, subject(dossier), at=at, **who, **data)


def lock(dossier) -> None:
    """Lock the dossier row (PostgreSQL) and re-read it, so status checks see the latest state.

    Concurrent verbs on one dossier then run one after the other; the later one finds the
    state the earlier one left and is refused with a clear message instead of a lost update.
    """
    from .models import Dossier

    db.session.execute(
        select(Dossier)
        .where(Dossier.id == dossier.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
