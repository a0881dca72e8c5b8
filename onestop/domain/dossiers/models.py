"""Dossiers (hồ sơ), their parts and attachments, pauses and the one extension."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from onestop.extensions import db
from onestop.infra.db import UTCDateTime, utcnow

STATUSES = (
    "draft",
    "submitted",
    "received",
    "processing",
    "supplement_requested",
    "suspended",
    "processed",
    "returned",
    "refused",
    "withdrawn",
    "cancelled",
)
OPEN_STATUSES = ("submitted", "received", "processing", "supplement_requested", "suspended")
CHANNELS = ("online", "desk", "post")
RETURN_METHODS = ("desk", "post", "electronic")
PAUSE_KINDS = ("supplement", "suspension")


class Dossier(db.Model):
    """One application by one applicant for one procedure version."""

    __tablename__ = "dossiers"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES}", name="status"),
        CheckConstraint(f"channel IN {CHANNELS}", name="channel"),
        # A code is issued at receipt; before it a dossier can be checked, sent back for a
        # supplement, refused at the desk, or abandoned.
        CheckConstraint("code IS NOT NULL OR received_at IS NULL", name="code_once_received"),
        CheckConstraint("received_at IS NULL OR due_at IS NOT NULL", name="due_once_received"),
        CheckConstraint(
            "status NOT IN ('refused', 'withdrawn', 'cancelled', 'returned') "
            "OR finished_at IS NOT NULL",
            name="finished_at",
        ),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating"),
        CheckConstraint(
            "status NOT IN ('processed', 'returned') OR processed_at IS NOT NULL",
            name="processed_at",
        ),
        CheckConstraint("status <> 'returned' OR returned_at IS NOT NULL", name="returned_at"),
        CheckConstraint("supplement_count >= 0", name="supplement_count"),
        UniqueConstraint("applicant_id", "idempotency_key"),
        Index("ix_dossiers_agency_status", "receiving_agency_id", "status"),
        Index("ix_dossiers_applicant_created", "applicant_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(40), unique=True)
    procedure_version_id: Mapped[int] = mapped_column(
        ForeignKey("procedure_versions.id"), index=True
    )
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    receiving_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    channel: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(24), default="draft")
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    form_data: Mapped[dict] = mapped_column(JSON, default=dict)
    # Contact and return details as given on this dossier (they may differ from the profile).
    applicant_name: Mapped[str] = mapped_column(String(160))
    applicant_phone: Mapped[str | None] = mapped_column(String(20))
    applicant_email: Mapped[str | None] = mapped_column(String(160))
    applicant_address: Mapped[str | None] = mapped_column(String(255))
    applicant_id_number: Mapped[str | None] = mapped_column(String(20))
    return_method: Mapped[str] = mapped_column(String(12), default="desk")
    sets: Mapped[int] = mapped_column(default=1)

    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[object | None] = mapped_column(UTCDateTime)
    check_due_at: Mapped[object | None] = mapped_column(UTCDateTime)
    received_at: Mapped[object | None] = mapped_column(UTCDateTime)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_at: Mapped[object | None] = mapped_column(UTCDateTime)
    original_due_at: Mapped[object | None] = mapped_column(UTCDateTime)
    processed_at: Mapped[object | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[object | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[object | None] = mapped_column(UTCDateTime)
    paused_minutes: Mapped[int] = mapped_column(default=0)
    supplement_count: Mapped[int] = mapped_column(default=0)
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[int | None] = mapped_column()
    rating_comment: Mapped[str | None] = mapped_column(Text)
    complaint: Mapped[bool] = mapped_column(default=False)
    tracking_number: Mapped[int | None] = mapped_column()
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    procedure_version = relationship("ProcedureVersion")
    applicant = relationship("User", foreign_keys=[applicant_id])
    receiving_agency = relationship("Agency")
    parts: Mapped[list[DossierPart]] = relationship(
        back_populates="dossier", order_by="DossierPart.id", cascade="all, delete-orphan"
    )
    pauses: Mapped[list[Pause]] = relationship(back_populates="dossier", order_by="Pause.id")

    @property
    def is_open(self) -> bool:
        """Whether the dossier is still being handled (its clock may still run)."""
        return self.status in OPEN_STATUSES

    @property
    def late_by_supplement(self) -> bool:
        """A second supplement request makes the dossier count as late (DOMAIN.md, receipt)."""
        return self.supplement_count >= 2

    def __repr__(self) -> str:
        return f"<Dossier {self.code or self.id} {self.status}>"


class Blob(db.Model):
    """A stored file, addressed by its sha256; the bytes live in the file store."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)


class DossierPart(db.Model):
    """One document submitted for a dossier part (thành phần hồ sơ)."""

    __tablename__ = "dossier_parts"
    __table_args__ = (
        CheckConstraint(
            "copy_kind IN ('original', 'copy', 'certified_copy', 'electronic')", name="copy_kind"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossiers.id", ondelete="CASCADE"), index=True
    )
    part_code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(255))
    blob_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    filename: Mapped[str | None] = mapped_column(String(255))
    copy_kind: Mapped[str] = mapped_column(String(16), default="electronic")
    reused_from_id: Mapped[int | None] = mapped_column(ForeignKey("dossier_parts.id"))
    note: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    dossier: Mapped[Dossier] = relationship(back_populates="parts")
    blob: Mapped[Blob | None] = relationship()


class Pause(db.Model):
    """A period in which the clock stopped: a supplement request or an agreed suspension."""

    __tablename__ = "pauses"
    __table_args__ = (
        CheckConstraint(f"kind IN {PAUSE_KINDS}", name="kind"),
        CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text)
    items: Mapped[list | None] = mapped_column(JSON)
    started_at: Mapped[object] = mapped_column(UTCDateTime)
    ended_at: Mapped[object | None] = mapped_column(UTCDateTime)
    working_minutes: Mapped[int | None] = mapped_column()
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The task that asked (processing resumes there) and the status the dossier returns to.
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    resume_status: Mapped[str] = mapped_column(String(24), default="processing")

    dossier: Mapped[Dossier] = relationship(back_populates="pauses")


class Extension(db.Model):
    """The one new due date allowed to a late dossier, with its apology (form 04)."""

    __tablename__ = "extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), unique=True)
    previous_due_at: Mapped[object] = mapped_column(UTCDateTime)
    new_due_at: Mapped[object] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)


class DossierCodeSequence(db.Model):
    """The per-agency, per-day counter behind dossier codes; the row is locked while issuing."""

    __tablename__ = "dossier_code_sequences"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    day: Mapped[str] = mapped_column(String(6), primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)
