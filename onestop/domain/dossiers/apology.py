"""After the decision or when late: the one new date with an apology (form 04), and the rating."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from onestop.domain import Conflict, DomainError, Forbidden
from onestop.extensions import db
from onestop.infra import clock

from . import events
from .access import acting_task, audit, lock
from .models import Dossier, Extension


def apologise(dossier, officer, reason: str, new_due_at: datetime, at: datetime | None = None):
    """The late unit apologises and sets the one new date (form 04)."""
    at = at or clock.now()
    lock(dossier)
    if not dossier.is_open or dossier.received_at is None:
        raise DomainError(
            "only a received dossier still in processing can get a new date", field="status"
        )
    if not (reason or "").strip():
        raise DomainError("give the reason for the delay", field="reason")
    if new_due_at is None or new_due_at.tzinfo is None or new_due_at <= dossier.due_at:
        raise DomainError("the new date must be after the current due date", field="new_due_at")
    if db.session.scalar(select(Extension.id).where(Extension.dossier_id == dossier.id)):
        raise Conflict(
            "A new date was already set once for this dossier; it cannot be moved again.",
            field="new_due_at",
        )
    task, authorisation = acting_task(dossier, officer, "apologise", at)
    extension = Extension(
        dossier_id=dossier.id,
        previous_due_at=dossier.due_at,
        new_due_at=new_due_at,
        reason=reason.strip(),
        agency_id=task.agency_id,
        created_by_id=officer.id,
        created_at=at,
    )
    db.session.add(extension)
    dossier.due_at = new_due_at
    db.session.flush()
    audit(
        "dossier:apologise",
        dossier,
        officer,
        at,
        authorisation,
        reason=extension.reason,
        previous_due_at=extension.previous_due_at,
        new_due_at=new_due_at,
    )
    events.emit("apologised", dossier, actor=officer, extension=extension)
    return extension


def rate(
    dossier,
    applicant,
    stars: int,
    comment: str | None = None,
    complaint: bool = False,
    at: datetime | None = None,
) -> Dossier:
    """The applicant rates the service once the dossier is finished (1 to 5 stars)."""
    at = at or clock.now()
    lock(dossier)
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
    audit("dossier:rate", dossier, applicant, at, stars=stars, complaint=bool(complaint))
    events.emit("rated", dossier, actor=applicant)
    return dossier
