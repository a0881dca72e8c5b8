"""Application drafts: what a citizen typed into a procedure's form, kept until submitted."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from onestop.domain import DomainError
from onestop.extensions import db
from onestop.infra import clock
from onestop.infra.db import UTCDateTime, utcnow

# Form keys kept in a draft; files are never kept (the browser cannot give them back anyway).
KEPT_PREFIXES = ("f_", "reuse_")
KEPT_KEYS = ("agency", "return_method", "phone", "email")
MAX_VALUE = 2000


class ApplicationDraft(db.Model):
    """One unfinished application per applicant and procedure."""

    __tablename__ = "application_drafts"
    __table_args__ = (UniqueConstraint("applicant_id", "procedure_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"))
    values: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    procedure = relationship("Procedure")


def kept_values(form) -> dict:
    """The form values a draft keeps (text only, bounded)."""
    values = {}
    for key in form:
        if key.startswith(KEPT_PREFIXES) or key in KEPT_KEYS:
            value = form.get(key, "")
            if len(value) > MAX_VALUE:
                raise DomainError("Nội dung quá dài để lưu nháp.", field=key)
            values[key] = value
    return values


def draft_for(applicant, procedure_id: int) -> ApplicationDraft | None:
    """The applicant's draft for this procedure, if any."""
    return db.session.scalar(
        select(ApplicationDraft).where(
            ApplicationDraft.applicant_id == applicant.id,
            ApplicationDraft.procedure_id == procedure_id,
        )
    )


def drafts_of(applicant) -> list[ApplicationDraft]:
    """The applicant's drafts, most recently saved first."""
    return list(
        db.session.scalars(
            select(ApplicationDraft)
            .where(ApplicationDraft.applicant_id == applicant.id)
            .order_by(ApplicationDraft.updated_at.desc())
        )
    )


def save_draft(applicant, procedure_id: int, form) -> ApplicationDraft:
    """Keep what was typed so far (replacing the previous draft); flush."""
    draft = draft_for(applicant, procedure_id) or ApplicationDraft(
        applicant_id=applicant.id, procedure_id=procedure_id
    )
    draft.values = kept_values(form)
    draft.updated_at = clock.now()
    db.session.add(draft)
    db.session.flush()
    return draft


def discard_draft(applicant, procedure_id: int) -> None:
    """Forget the draft once the application is submitted; flush."""
    draft = draft_for(applicant, procedure_id)
    if draft is not None:
        db.session.delete(draft)
        db.session.flush()
