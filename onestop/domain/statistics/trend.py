"""Month-by-month counts for the dashboard's trend chart, read from the monthly rollups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from onestop.domain.statistics.fast import level_for
from onestop.domain.statistics.models import MonthlyRollup as R
from onestop.domain.statistics.report import ReportQuery, subtree_ids
from onestop.domain.statistics.rollups import write_pending
from onestop.extensions import db


@dataclass
class MonthPoint:
    month: str  # YYYY-MM, local time
    received: int = 0
    resolved: int = 0
    late: int = 0


def months_between(first: date, last: date) -> list[str]:
    """Every YYYY-MM from first's month to last's month."""
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def monthly_trend(query: ReportQuery) -> list[MonthPoint]:
    """Received, resolved and late-resolved dossiers in each calendar month the period touches."""
    write_pending()
    points = {key: MonthPoint(key) for key in months_between(query.first, query.last)}
    agency_ids = subtree_ids(query.agency_id) if query.agency_id is not None else None
    level = level_for(None, agency_ids is not None, bool(query.procedure_code or query.field))
    stmt = (
        select(
            R.month,
            func.sum(R.recv_online + R.recv_desk + R.recv_post),
            func.sum(R.res_early + R.res_on_time + R.res_late_apology + R.res_late_no_apology),
            func.sum(R.res_late_apology + R.res_late_no_apology),
        )
        .where(
            R.scope == "dossier",
            R.level == level,
            R.month >= query.first.year * 100 + query.first.month,
            R.month <= query.last.year * 100 + query.last.month,
        )
        .group_by(R.month)
    )
    if agency_ids is not None:
        stmt = stmt.where(R.agency_id.in_(agency_ids))
    if query.procedure_code:
        stmt = stmt.where(R.procedure_code == query.procedure_code)
    if query.field:
        stmt = stmt.where(R.field == query.field)
    for month, received, resolved, late in db.session.execute(stmt):
        key = f"{month // 100:04d}-{month % 100:02d}"
        if key in points:
            points[key] = MonthPoint(key, int(received or 0), int(resolved or 0), int(late or 0))
    return list(points.values())
