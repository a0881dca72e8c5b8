"""Dossier codes `{agency eid}-{YYMMDD}-{sequence}`: one row-locked counter per agency and day."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from onestop.extensions import db

from .models import DossierCodeSequence


def next_sequence(agency_id: int, day: str) -> int:
    """Take the next number of the agency's day counter; concurrent callers wait on the row lock."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert(DossierCodeSequence)
        .values(agency_id=agency_id, day=day, last_value=0)
        .on_conflict_do_nothing()
    )
    # SELECT ... FOR UPDATE on PostgreSQL; SQLite already serialises writers (BEGIN IMMEDIATE).
    current = db.session.execute(
        select(DossierCodeSequence.last_value)
        .where(DossierCodeSequence.agency_id == agency_id, DossierCodeSequence.day == day)
        .with_for_update()
    ).scalar_one()
    db.session.execute(
        update(DossierCodeSequence)
        .where(DossierCodeSequence.agency_id == agency_id, DossierCodeSequence.day == day)
        .values(last_value=current + 1)
        .execution_options(synchronize_session=False)
    )
    return current + 1


def format_code(eid: str, local_day: datetime, sequence: int) -> str:
    """The printed code, e.g. H99.30.01-261203-0001 (at least four digits)."""
    return f"{eid}-{local_day:%y%m%d}-{sequence:04d}"


def issue_code(agency, at: datetime, local) -> str:
    """A new code for `agency` on the local day of `at` (`local` converts to local time)."""
    day = local(at)
    return format_code(agency.eid, day, next_sequence(agency.id, f"{day:%y%m%d}"))
