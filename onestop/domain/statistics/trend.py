"""Month-by-month counts for the dashboard's trend chart, in one grouped query per measure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, literal_column, select

from onestop.domain.statistics import timing
from onestop.domain.statistics.models import DossierFact
from onestop.domain.statistics.report import ReportQuery, fact_filters
from onestop.extensions import db


@dataclass
class MonthPoint:
    month: str  # YYYY-MM, local time
    received: int = 0
    resolved: int = 0
    late: int = 0


def _month_of(column):
    """The local YYYY-MM of a UTC timestamp column, on PostgreSQL or SQLite."""
    tz = timing.zone().key
    if db.engine.dialect.name == "postgresql":
        return func.to_char(func.timezone(tz, column), "YYYY-MM")
    offset = timing.day_start(date(2000, 1, 1)).utcoffset()
    hours = int(offset.total_seconds() // 3600)
    return func.strftime("%Y-%m", column, literal_column(f"'{hours:+d} hours'"))


def months_between(first: date, last: date) -> list[str]:
    """Every YYYY-MM from first's month to last's month."""
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def monthly_trend(query: ReportQuery) -> list[MonthPoint]:
    """Received, resolved and late-resolved dossiers per month of the query's period."""
    start, end = query.bounds
    m = DossierFact
    points = {key: MonthPoint(key) for key in months_between(query.first, query.last)}
    filters = fact_filters(m, query)
    received = _month_of(m.received_at)
    for month, count in db.session.execute(
            select(received, func.count()).where(m.received_at >= start, m.received_at < end,
                                                 *filters).group_by(received)):
        if month in points:
            points[month].received = count
    ended = _month_of(m.ended_at)
    late = func.sum(func.coalesce((m.classification == "late").cast(db.Integer), 0))
    for month, count, late_count in db.session.execute(
            select(ended, func.count(), late).where(m.ended_at >= start, m.ended_at < end,
                                                    m.outcome == "resolved", *filters)
            .group_by(ended)):
        if month in points:
            points[month].resolved = count
            points[month].late = int(late_count or 0)
    return list(points.values())
