"""Statistics facts: one row per dossier and per agency part, kept without FKs to dossiers.

Facts carry everything a report needs (times, outcome, classification), so reports never rescan
dossiers, tasks or events, and the numbers survive when dossiers are purged under data retention.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from onestop.extensions import db
from onestop.infra.db import UTCDateTime, utcnow

OUTCOMES = ("resolved", "withdrawn", "refused")
CLASSIFICATIONS = ("early", "on_time", "late")


class _FactColumns:
    """The columns shared by dossier facts and agency-part facts (one report engine reads both)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # Deliberately no FK: the fact outlives the dossier.
    dossier_id: Mapped[int] = mapped_column()
    dossier_code: Mapped[str | None] = mapped_column(String(40))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    procedure_code: Mapped[str] = mapped_column(String(40))
    procedure_name: Mapped[str] = mapped_column(String(400))
    field: Mapped[str] = mapped_column(String(160))
    channel: Mapped[str] = mapped_column(String(10))
    # For a part: when the agency's first step opened; for a dossier: when it was received.
    received_at: Mapped[object] = mapped_column(UTCDateTime)
    # The due time the outcome is judged against (before any extension of form 04).
    due_at: Mapped[object | None] = mapped_column(UTCDateTime)
    new_due_at: Mapped[object | None] = mapped_column(UTCDateTime)
    # From this instant on the dossier counts as late: the due time or a second supplement request.
    late_since: Mapped[object | None] = mapped_column(UTCDateTime)
    processed_at: Mapped[object | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[object | None] = mapped_column(UTCDateTime)
    # The end of DOMAIN.md: processed, else returned, else stopped/refused; null while open.
    ended_at: Mapped[object | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(10))
    classification: Mapped[str | None] = mapped_column(String(8))
    apology: Mapped[bool] = mapped_column(default=False)
    supplement_count: Mapped[int] = mapped_column(default=0)
    paused_minutes: Mapped[int] = mapped_column(default=0)
    # Working minutes from receipt to end, pauses excluded; null while open.
    working_minutes: Mapped[int | None] = mapped_column()
    electronic_result: Mapped[bool] = mapped_column(default=False)
    digitised: Mapped[bool] = mapped_column(default=False)
    reused: Mapped[bool] = mapped_column(default=False)
    rating: Mapped[int | None] = mapped_column()
    complaint: Mapped[bool] = mapped_column(default=False)
    refreshed_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @declared_attr.directive
    def __table_args__(cls):  # noqa: N805 - declared_attr receives the class
        name = cls.__tablename__
        return (
            CheckConstraint(f"outcome IS NULL OR outcome IN {OUTCOMES}", name="outcome"),
            CheckConstraint(
                f"classification IS NULL OR classification IN {CLASSIFICATIONS}",
                name="classification",
            ),
            CheckConstraint("(outcome IS NULL) = (ended_at IS NULL)", name="ended_with_outcome"),
            CheckConstraint("(ended_at IS NULL) = (classification IS NULL)", name="classified_end"),
            CheckConstraint("ended_at IS NULL OR ended_at >= received_at", name="period"),
            CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating"),
            CheckConstraint("channel IN ('online', 'desk', 'post')", name="channel"),
            Index(f"ix_{name}_received", "received_at"),
            Index(f"ix_{name}_ended", "ended_at"),
            # Partial months at a period's edges are counted from facts by these four instants.
            Index(f"ix_{name}_returned", "returned_at"),
            Index(f"ix_{name}_late_since", "late_since"),
            Index(f"ix_{name}_agency_received", "agency_id", "received_at"),
            Index(f"ix_{name}_procedure", "procedure_code"),
            *cls._extra_args(),
        )


class DossierFact(_FactColumns, db.Model):
    """A dossier as statistics see it, counted once overall under the agency that received it."""

    __tablename__ = "dossier_facts"

    @classmethod
    def _extra_args(cls):
        return (UniqueConstraint("dossier_id"),)


class AgencyPartFact(_FactColumns, db.Model):
    """One agency's share of a dossier (its steps), judged against that part's own due times."""

    __tablename__ = "agency_part_facts"

    @classmethod
    def _extra_args(cls):
        return (UniqueConstraint("dossier_id", "agency_id"),)


class FactOfficer(db.Model):
    """An officer who handled a dossier (received it or held one of its steps)."""

    __tablename__ = "fact_officers"

    dossier_id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)


class FactUnit(db.Model):
    """A unit that held one of a dossier's steps (for rows and ratings per unit)."""

    __tablename__ = "fact_units"

    dossier_id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True, index=True)


# The flows a monthly rollup row adds up (see rollups.py for what each fact contributes).
COUNTERS = (
    "recv_online",
    "recv_desk",
    "recv_post",
    "recv_reused",
    "ended",
    "res_early",
    "res_on_time",
    "res_late_apology",
    "res_late_no_apology",
    "withdrawn",
    "refused",
    "ended_on_time",
    "res_electronic",
    "res_digitised",
    "res_minutes",
    "returned",
    "late_open",
    "complaints_recv",
    "complaints_end",
    "rated_recv",
    "rated_end",
    "stars_recv",
    "stars_end",
    # resolved dossiers by processing time (indicators.HISTOGRAM_DAYS)
    "hist_00",
    "hist_01",
    "hist_02",
    "hist_03",
    "hist_04",
    "hist_05",
    "hist_06",
    "hist_07",
    "hist_08",
    "hist_09",
    "hist_10",
    "hist_11",
    "hist_12",
)


def _counter() -> Mapped[int]:
    return mapped_column(BigInteger, default=0, server_default="0")


# Rollup levels: one row per agency and procedure, per agency (all its procedures, procedure_code
# ''), and per procedure (all agencies, agency_id 0); a report reads the smallest that answers it.
LEVELS = ("agency_procedure", "agency", "procedure")


class MonthlyRollup(db.Model):
    """Flows of one local month for an agency and/or procedure, for dossier or agency-part facts."""

    __tablename__ = "statistics_monthly"
    __table_args__ = (
        CheckConstraint("scope IN ('dossier', 'part')", name="scope"),
        CheckConstraint(f"level IN {LEVELS}", name="level"),
        CheckConstraint(
            "(level = 'agency') = (procedure_code = '') "
            "AND (level = 'procedure') = (agency_id = 0)",
            name="level_keys",
        ),
    )

    scope: Mapped[str] = mapped_column(String(8), primary_key=True)
    level: Mapped[str] = mapped_column(String(16), primary_key=True)
    month: Mapped[int] = mapped_column(primary_key=True)  # YYYYMM, local time
    agency_id: Mapped[int] = mapped_column(primary_key=True)
    procedure_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    field: Mapped[str] = mapped_column(String(160))
    recv_online: Mapped[int] = _counter()
    recv_desk: Mapped[int] = _counter()
    recv_post: Mapped[int] = _counter()
    recv_reused: Mapped[int] = _counter()
    ended: Mapped[int] = _counter()
    res_early: Mapped[int] = _counter()
    res_on_time: Mapped[int] = _counter()
    res_late_apology: Mapped[int] = _counter()
    res_late_no_apology: Mapped[int] = _counter()
    withdrawn: Mapped[int] = _counter()
    refused: Mapped[int] = _counter()
    ended_on_time: Mapped[int] = _counter()
    res_electronic: Mapped[int] = _counter()
    res_digitised: Mapped[int] = _counter()
    res_minutes: Mapped[int] = _counter()
    returned: Mapped[int] = _counter()
    late_open: Mapped[int] = _counter()
    complaints_recv: Mapped[int] = _counter()
    complaints_end: Mapped[int] = _counter()
    rated_recv: Mapped[int] = _counter()
    rated_end: Mapped[int] = _counter()
    stars_recv: Mapped[int] = _counter()
    stars_end: Mapped[int] = _counter()
    hist_00: Mapped[int] = _counter()
    hist_01: Mapped[int] = _counter()
    hist_02: Mapped[int] = _counter()
    hist_03: Mapped[int] = _counter()
    hist_04: Mapped[int] = _counter()
    hist_05: Mapped[int] = _counter()
    hist_06: Mapped[int] = _counter()
    hist_07: Mapped[int] = _counter()
    hist_08: Mapped[int] = _counter()
    hist_09: Mapped[int] = _counter()
    hist_10: Mapped[int] = _counter()
    hist_11: Mapped[int] = _counter()
    hist_12: Mapped[int] = _counter()
