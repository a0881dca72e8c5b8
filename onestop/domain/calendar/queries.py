"""Read-only calendar questions: a year's days off and make-up days, a procedure's due time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from onestop.domain import NotFound
from onestop.extensions import db

from .deadlines import legal_due_at
from .seed import national_days
from .service import calendar_for


@dataclass(frozen=True)
class CalendarEntry:
    """A day off or make-up day as listed to people (where it comes from included)."""

    day: date
    kind: str
    name: str
    source: str
    agency_id: int | None = None


def calendar_days(year: int, agency_id: int | None = None) -> list[CalendarEntry]:
    """The year's days off and make-up days in force for an agency (its own rows win per day)."""
    from .models import Holiday

    if not db.session.scalar(select(func.count(Holiday.id))):
        return [CalendarEntry(e.day, e.kind, e.name, e.source) for e in national_days([year])]
    rows = db.session.scalars(
        select(Holiday).where(
            Holiday.day >= date(year, 1, 1),
            Holiday.day <= date(year, 12, 31),
            (Holiday.agency_id.is_(None)) | (Holiday.agency_id == agency_id),
        )
    )
    by_day: dict[date, CalendarEntry] = {}
    for row in sorted(rows, key=lambda r: (r.day, r.agency_id is not None)):
        by_day[row.day] = CalendarEntry(row.day, row.kind, row.name, row.source, row.agency_id)
    return [by_day[d] for d in sorted(by_day)]


def agency_id_for(key: str | None) -> int | None:
    """The id of the agency with that key (None for None); NotFound names the key."""
    if key is None:
        return None
    from onestop.domain.org.models import Agency

    agency_id = db.session.scalar(select(Agency.id).where(Agency.key == key))
    if agency_id is None:
        raise NotFound(f"no agency with key {key!r}", field="agency")
    return agency_id


def current_version(procedure_code: str):
    """The procedure's current published version; NotFound names the code."""
    from onestop.domain.procedures.models import Procedure

    procedure = db.session.scalar(select(Procedure).where(Procedure.code == procedure_code))
    if procedure is None or procedure.current_version is None:
        raise NotFound(f"no published procedure with code {procedure_code!r}", field="procedure")
    return procedure.current_version


def procedure_due_at(
    procedure_code: str, received_at: datetime, agency_id: int | None = None
) -> datetime:
    """When a dossier of the procedure received at `received_at` falls due (no pauses)."""
    version = current_version(procedure_code)
    calendar = calendar_for(agency_id if agency_id is not None else version.receiving_agency_id)
    return legal_due_at(calendar, version.definition, version.legal_minutes, received_at)
