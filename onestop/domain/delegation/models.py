"""Delegations of authority (ủy quyền, ký thay, thừa lệnh) and substitutions for absent officers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from onestop.extensions import db
from onestop.infra.db import UTCDateTime, utcnow

# TUQ. ủy quyền, KT. ký thay (a deputy for the head), TL. thừa lệnh (the office chief by order).
# TM. (thay mặt a collective) is not a transfer of authority: it is the capacity in which the head
# of an agency with a collective signs, so it is derived by the authority engine, never stored.
DELEGATION_KINDS = ("TUQ", "KT", "TL")


class Delegation(db.Model):
    """A written, time-limited, scoped transfer of a position's authority to another."""

    __tablename__ = "delegations"
    __table_args__ = (
        CheckConstraint(f"kind IN {DELEGATION_KINDS}", name="kind"),
        CheckConstraint(
            "(delegate_position_id IS NULL) <> (delegate_user_id IS NULL)", name="one_delegate"
        ),
        CheckConstraint(
            "delegate_position_id IS NULL OR delegate_position_id <> delegator_position_id",
            name="not_self",
        ),
        CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="window"),
        CheckConstraint("kind <> 'TUQ' OR valid_to IS NOT NULL", name="tuq_time_limited"),
        CheckConstraint("length(basis_number) > 0", name="basis_number"),
        CheckConstraint("(revoked_at IS NULL) = (revoked_by_id IS NULL)", name="revoked_by"),
        Index("ix_delegations_delegator_window", "delegator_position_id", "valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(3))
    delegator_position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"))
    delegate_position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"), index=True)
    delegate_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Scope: procedures by national code and/or by field; empty both = every procedure within the
    # delegator's competence (not allowed for TUQ). Actions: empty = every action of a covered step.
    procedure_codes: Mapped[list] = mapped_column(JSON, default=list)
    fields: Mapped[list] = mapped_column(JSON, default=list)
    actions: Mapped[list] = mapped_column(JSON, default=list)
    basis_type: Mapped[str] = mapped_column(String(60), default="Quyết định")
    basis_number: Mapped[str] = mapped_column(String(60))
    basis_date: Mapped[date] = mapped_column(Date)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_to: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revocation_reason: Mapped[str | None] = mapped_column(Text)

    delegator_position = relationship("Position", foreign_keys=[delegator_position_id])
    delegate_position = relationship("Position", foreign_keys=[delegate_position_id])
    delegate_user = relationship("User", foreign_keys=[delegate_user_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])

    def in_force(self, at: datetime) -> bool:
        """True when `at` lies in [valid_from, valid_to) and before any revocation."""
        if at < self.valid_from or (self.valid_to is not None and at >= self.valid_to):
            return False
        return self.revoked_at is None or at < self.revoked_at

    def state(self, at: datetime) -> str:
        """`scheduled`, `in_force`, `expired` or `revoked` at `at` (revocation shown once done)."""
        if self.revoked_at is not None and at >= self.revoked_at:
            return "revoked"
        if at < self.valid_from:
            return "scheduled"
        return "in_force" if self.valid_to is None or at < self.valid_to else "expired"

    @property
    def scope_text(self) -> str:
        """The scope in words for lists and history, e.g. `thủ tục 1.004227; mọi thao tác`."""
        parts = []
        if self.procedure_codes:
            parts.append("thủ tục " + ", ".join(self.procedure_codes))
        if self.fields:
            parts.append("lĩnh vực " + ", ".join(self.fields))
        procedures = "; ".join(parts) or "mọi thủ tục thuộc thẩm quyền"
        actions = ("thao tác " + ", ".join(self.actions)) if self.actions else "mọi thao tác"
        return f"{procedures}; {actions}"

    @property
    def basis(self) -> str:
        """The legal basis as cited, e.g. `Quyết định số 12/QĐ-UBND ngày 05/01/2026`."""
        return f"{self.basis_type} số {self.basis_number} ngày {self.basis_date:%d/%m/%Y}"

    def __repr__(self) -> str:
        return f"<Delegation {self.id} {self.kind} {self.delegator_position_id}>"


class Substitution(db.Model):
    """Someone acts in a position while its holder is absent; audited as a substitute."""

    __tablename__ = "substitutions"
    __table_args__ = (
        CheckConstraint("valid_to > valid_from", name="window"),
        CheckConstraint("length(basis_number) > 0", name="basis_number"),
        CheckConstraint("(revoked_at IS NULL) = (revoked_by_id IS NULL)", name="revoked_by"),
        Index("ix_substitutions_substitute_window", "substitute_user_id", "valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"), index=True)
    substitute_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    basis_type: Mapped[str] = mapped_column(String(60), default="Quyết định")
    basis_number: Mapped[str] = mapped_column(String(60))
    basis_date: Mapped[date] = mapped_column(Date)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_to: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revocation_reason: Mapped[str | None] = mapped_column(Text)

    position = relationship("Position", foreign_keys=[position_id])
    substitute = relationship("User", foreign_keys=[substitute_user_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])

    def in_force(self, at: datetime) -> bool:
        """True when `at` lies in [valid_from, valid_to) and before any revocation."""
        if at < self.valid_from or at >= self.valid_to:
            return False
        return self.revoked_at is None or at < self.revoked_at

    @property
    def basis(self) -> str:
        """The legal basis of the appointment as cited on documents."""
        return f"{self.basis_type} số {self.basis_number} ngày {self.basis_date:%d/%m/%Y}"

    def __repr__(self) -> str:
        return f"<Substitution {self.id} {self.position_id}>"
