"""Official numbers: a gap-free series per agency, series symbol and calendar year."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from onestop.domain import DomainError
from onestop.extensions import db

from .models import DocumentCounter


def next_number(agency_id: int, series: str, year: int) -> int:
    """Take the next number of the series, holding the counter row's lock until the commit.

    The number is taken in the same transaction that creates the document, so a rollback gives
    it back: numbers have no gaps, and the lock (or SQLite's write lock) rules out duplicates.
    """
    if not series or len(series) > 40:
        raise DomainError(
            "A number series such as 'QĐ-UBND' is required (at most 40 characters).", field="series"
        )
    counter = _locked_counter(agency_id, series, year)
    counter.last_value += 1
    db.session.flush()
    return counter.last_value


def _locked_counter(agency_id: int, series: str, year: int) -> DocumentCounter:
    query = (
        select(DocumentCounter)
        .where(
            DocumentCounter.agency_id == agency_id,
            DocumentCounter.series == series,
            DocumentCounter.year == year,
        )
        .with_for_update()
    )
    counter = db.session.execute(query).scalar_one_or_none()
    if counter is not None:
        return counter
    # First number of the year: two transactions may race to create the row; the loser re-reads.
    try:
        with db.session.begin_nested():
            db.session.add(
                DocumentCounter(agency_id=agency_id, series=series, year=year, last_value=0)
            )
    except IntegrityError:
        pass
    return db.session.execute(query.execution_options(populate_existing=True)).scalar_one()
