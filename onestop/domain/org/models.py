"""The organisation tree and the people in it."""

from __future__ import annotations

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from onestop.extensions import db
from onestop.infra.db import UTCDateTime, utcnow

AGENCY_LEVELS = ("province", "department", "district", "commune")
USER_KINDS = ("citizen", "officer", "admin")
ROLES = ("receiver", "specialist", "head", "deputy_head", "leader", "deputy_leader", "office_chief")


class Agency(db.Model):
    """A cơ quan: People's Committee, department, district or commune, in a tree."""

    __tablename__ = "agencies"
    __table_args__ = (CheckConstraint(f"level IN {AGENCY_LEVELS}", name="level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    eid: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    short_name: Mapped[str | None] = mapped_column(String(120))
    level: Mapped[str] = mapped_column(String(20))
    collective: Mapped[str | None] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[Agency | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Agency]] = relationship(back_populates="parent")
    units: Mapped[list[Unit]] = relationship(back_populates="agency", order_by="Unit.id")

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def __repr__(self) -> str:
        return f"<Agency {self.key}>"


class Unit(db.Model):
    """A unit inside an agency (a phòng, the one-stop desk)."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("agency_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(255))
    one_stop: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)

    agency: Mapped[Agency] = relationship(back_populates="units")

    def __repr__(self) -> str:
        return f"<Unit {self.agency_id}/{self.key}>"


class Position(db.Model):
    """A chức danh in an agency (optionally in one of its units), with the role it plays."""

    __tablename__ = "positions"
    __table_args__ = (
        UniqueConstraint("agency_id", "key"),
        CheckConstraint(f"role IN {ROLES}", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(160))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)

    agency: Mapped[Agency] = relationship()
    unit: Mapped[Unit | None] = relationship()

    def __repr__(self) -> str:
        return f"<Position {self.agency_id}/{self.key}>"


class User(UserMixin, db.Model):
    """Anyone who logs in: a citizen or business, an officer, an administrator."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"kind IN {USER_KINDS}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(10))
    full_name: Mapped[str] = mapped_column(String(160))
    email: Mapped[str | None] = mapped_column(String(160))
    phone: Mapped[str | None] = mapped_column(String(20))
    id_number: Mapped[str | None] = mapped_column(String(20), index=True)
    address: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    holdings: Mapped[list[PositionHolding]] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:  # flask-login refuses inactive users
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class PositionHolding(db.Model):
    """A user holds a position over a period; open-ended when `ends_at` is null."""

    __tablename__ = "position_holdings"
    __table_args__ = (
        CheckConstraint("ends_at IS NULL OR ends_at > starts_at", name="period"),
        Index("ix_position_holdings_position_period", "position_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"))
    starts_at: Mapped[object] = mapped_column(UTCDateTime)
    ends_at: Mapped[object | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="holdings")
    position: Mapped[Position] = relationship()
