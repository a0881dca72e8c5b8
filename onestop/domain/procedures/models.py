"""Procedures (thủ tục hành chính) and their immutable versions."""

from __future__ import annotations

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from onestop.extensions import db
from onestop.infra.db import UTCDateTime, utcnow

PROCEDURE_LEVELS = ("province", "district", "commune", "inter")


class Procedure(db.Model):
    """A procedure of the national catalogue, e.g. 1.001193 Đăng ký khai sinh."""

    __tablename__ = "procedures"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(400))
    field: Mapped[str] = mapped_column(String(160))
    level: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("procedure_versions.id", use_alter=True)
    )

    versions: Mapped[list[ProcedureVersion]] = relationship(
        back_populates="procedure",
        foreign_keys="ProcedureVersion.procedure_id",
        order_by="ProcedureVersion.number",
    )
    current_version: Mapped[ProcedureVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )


class ProcedureVersion(db.Model):
    """One published version of a procedure: its rules, form and workflow, never edited."""

    __tablename__ = "procedure_versions"
    __table_args__ = (
        UniqueConstraint("procedure_id", "number"),
        UniqueConstraint("procedure_id", "content_hash"),
        CheckConstraint("legal_minutes > 0", name="legal_minutes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"))
    number: Mapped[int] = mapped_column()
    content_hash: Mapped[str] = mapped_column(String(64))
    # The whole validated definition (steps, parts, form, fees, result) as loaded from YAML.
    definition: Mapped[dict] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(Text)
    legal_minutes: Mapped[int] = mapped_column()
    authority_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    receiving_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    published_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    procedure: Mapped[Procedure] = relationship(
        back_populates="versions", foreign_keys=[procedure_id]
    )
