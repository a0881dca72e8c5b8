"""Documents: the official papers and signed results a dossier produces, and their number series."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from onestop.extensions import db
from onestop.infra.db import UTCDateTime, utcnow

KINDS = (
    "receipt",
    "supplement_request",
    "refusal",
    "apology",
    "stop_notice",
    "control_sheet",
    "tracking_book",
    "result",
)
STATES = ("pending", "rendering", "signed", "failed")
# Columns that may still change on a signed document: none of its content, only bookkeeping.
_MUTABLE_AFTER_SIGNING = frozenset({"updated_at"})


class Document(db.Model):
    """One paper or result: rendered to PDF, signed, numbered, verifiable; immutable once signed."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(f"kind IN {KINDS}", name="kind"),
        CheckConstraint(f"state IN {STATES}", name="state"),
        CheckConstraint("dossier_id IS NOT NULL OR kind = 'tracking_book'", name="dossier"),
        CheckConstraint(
            "state <> 'signed' OR (blob_sha256 IS NOT NULL AND signed_at IS NOT NULL)",
            name="signed_has_file",
        ),
        CheckConstraint("(number IS NULL) = (series IS NULL)", name="number_series"),
        CheckConstraint("number IS NULL OR number > 0", name="number_positive"),
        CheckConstraint("attempts >= 0", name="attempts"),
        UniqueConstraint("agency_id", "series", "year", "number"),
        UniqueConstraint("issue_key"),
        UniqueConstraint("verification_code"),
        Index("ix_documents_dossier_kind", "dossier_id", "kind"),
        Index("ix_documents_state_started", "state", "render_started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    kind: Mapped[str] = mapped_column(String(24))
    # Makes issuing idempotent: the same event issues the same paper once (e.g. "12:receipt").
    issue_key: Mapped[str] = mapped_column(String(120))
    template: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(255))
    # Everything the template prints, frozen when the paper is issued so a re-render is identical.
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(12), default="pending")

    series: Mapped[str | None] = mapped_column(String(40))
    year: Mapped[int | None] = mapped_column()
    number: Mapped[int | None] = mapped_column()
    verification_code: Mapped[str] = mapped_column(String(24))

    # Who signs: the acting officer, the position signed for, the delegation used, the form line.
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signer_name: Mapped[str | None] = mapped_column(String(160))
    signer_title: Mapped[str | None] = mapped_column(String(160))
    form_line: Mapped[str | None] = mapped_column(String(160))
    principal_position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"))
    delegation_id: Mapped[int | None] = mapped_column()
    signer_key: Mapped[str | None] = mapped_column(String(120))
    organisation_key: Mapped[str] = mapped_column(String(120))

    blob_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    page_count: Mapped[int | None] = mapped_column()
    signed_at: Mapped[object | None] = mapped_column(UTCDateTime)
    certificate_subject: Mapped[str | None] = mapped_column(String(400))
    certificate_sha256: Mapped[str | None] = mapped_column(String(64))

    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    render_started_at: Mapped[object | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    dossier = relationship("Dossier")
    agency = relationship("Agency")
    signer = relationship("User", foreign_keys=[signer_id])
    blob = relationship("Blob")

    @property
    def symbol(self) -> str | None:
        """The official number and symbol, e.g. `123/QĐ-UBND`."""
        return f"{self.number}/{self.series}" if self.number is not None else None

    @property
    def is_signed(self) -> bool:
        return self.state == "signed"

    def __repr__(self) -> str:
        return f"<Document {self.id} {self.kind} {self.state}>"


class DocumentCounter(db.Model):
    """The last number of an agency's series in a year; its row is locked while numbering."""

    __tablename__ = "document_counters"
    __table_args__ = (CheckConstraint("last_value >= 0", name="last_value"),)

    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    series: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)


class ImmutableDocument(RuntimeError):
    """Raised when code tries to change a signed document."""


@event.listens_for(Document, "before_update")
def _signed_documents_are_immutable(mapper, connection, target: Document) -> None:
    """A signed document never changes: the signature and the number vouch for its bytes."""
    state = db.inspect(target)
    was_signed = state.attrs.state.history.deleted == ["signed"] or (
        not state.attrs.state.history.has_changes() and target.state == "signed"
    )
    if not was_signed:
        return
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    if changed - _MUTABLE_AFTER_SIGNING:
        raise ImmutableDocument(
            f"document {target.id} is signed and cannot change ({', '.join(sorted(changed))})"
        )
