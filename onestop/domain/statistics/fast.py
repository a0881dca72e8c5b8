"""Report cells from the monthly rollups, for periods of whole months (month, quarter, year).

Flows of the period are sums over its months; stocks are running sums over every month up to a
boundary: carried over = received − ended before the first month, in progress = received − ended up
to the last month, overdue = the running sum of `late_open`.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date

from sqlalchemy import case, func, select

from onestop.domain.statistics.indicators import HISTOGRAM
from onestop.domain.statistics.models import MonthlyRollup
from onestop.extensions import db

R = MonthlyRollup


def whole_months(first: date, last: date) -> bool:
    """True when the period starts on a 1st and ends on a month's last day."""
    return first.day == 1 and last.day == monthrange(last.year, last.month)[1]


def _month(day: date) -> int:
    return day.year * 100 + day.month


def rollup_sums(query, scope: str, key_name: str | None, agency_ids: list[int] | None) -> dict:
    """{group key: sums} in the shape of the facts path (every cell, minutes, stars)."""
    first, last = _month(query.first), _month(query.last)
    within = R.month >= first
    before = R.month < first

    def in_period(column):
        return func.sum(case((within, column), else_=0))

    def before_period(column):
        return func.sum(case((before, column), else_=0))

    received_all = R.recv_online + R.recv_desk + R.recv_post
    columns = {
        "new_online": in_period(R.recv_online), "new_desk": in_period(R.recv_desk),
        "new_post": in_period(R.recv_post), "new_reused": in_period(R.recv_reused),
        "recv_before": before_period(received_all), "ended_before": before_period(R.ended),
        "recv_upto": func.sum(received_all), "ended_upto": func.sum(R.ended),
        "in_progress_overdue": func.sum(R.late_open),
        "resolved_early": in_period(R.res_early), "resolved_on_time": in_period(R.res_on_time),
        "resolved_late_apology": in_period(R.res_late_apology),
        "resolved_late_no_apology": in_period(R.res_late_no_apology),
        "withdrawn": in_period(R.withdrawn), "refused": in_period(R.refused),
        "returned": in_period(R.returned), "ended_in_time": in_period(R.ended_on_time),
        "online_resolved_electronic": in_period(R.res_electronic),
        "digitised_resolved": in_period(R.res_digitised), "minutes": in_period(R.res_minutes),
        "complaints_upto": func.sum(R.complaints_recv),
        "complaints_before": before_period(R.complaints_end),
        "rated_upto": func.sum(R.rated_recv), "rated_before": before_period(R.rated_end),
        "stars_upto": func.sum(R.stars_recv), "stars_before": before_period(R.stars_end),
        **{name: in_period(getattr(R, name)) for name in HISTOGRAM},
    }
    key = getattr(R, key_name) if key_name else None
    level = level_for(key_name, agency_ids is not None,
                   bool(query.procedure_code or query.field))
    stmt = select(*([key] if key is not None else []),
                  *(c.label(n) for n, c in columns.items())).where(
        R.scope == scope, R.level == level, R.month <= last)
    if agency_ids is not None:
        stmt = stmt.where(R.agency_id.in_(agency_ids))
    if query.procedure_code:
        stmt = stmt.where(R.procedure_code == query.procedure_code)
    if query.field:
        stmt = stmt.where(R.field == query.field)
    if key is not None:
        stmt = stmt.group_by(key)
    result = {}
    for row in db.session.execute(stmt).mappings():
        raw = {n: int(row[n] or 0) for n in columns}
        result[row[key_name] if key is not None else None] = _cells(raw)
    return result


def level_for(key_name: str | None, by_agency: bool, by_procedure: bool) -> str:
    """The smallest rollup level that holds the grouping and the filters."""
    needs_agency = by_agency or key_name == "agency_id"
    needs_procedure = by_procedure or key_name in ("procedure_code", "field")
    if needs_agency and needs_procedure:
        return "agency_procedure"
    return "agency" if needs_agency else "procedure"


def _cells(raw: dict) -> dict:
    """Turn flow sums into the report's cells."""
    carried = raw["recv_before"] - raw["ended_before"]
    new = raw["new_online"] + raw["new_desk"] + raw["new_post"]
    in_progress = raw["recv_upto"] - raw["ended_upto"]
    overdue = raw["in_progress_overdue"]
    resolved = (raw["resolved_early"] + raw["resolved_on_time"] + raw["resolved_late_apology"]
                + raw["resolved_late_no_apology"])
    return {
        "carried_over": carried,
        "new_online": raw["new_online"], "new_desk": raw["new_desk"], "new_post": raw["new_post"],
        "received": carried + new,
        "resolved_early": raw["resolved_early"], "resolved_on_time": raw["resolved_on_time"],
        "resolved_late_apology": raw["resolved_late_apology"],
        "resolved_late_no_apology": raw["resolved_late_no_apology"],
        "resolved": resolved,
        "in_progress_within": in_progress - overdue,
        "in_progress_overdue": overdue,
        "in_progress": in_progress,
        "withdrawn": raw["withdrawn"], "refused": raw["refused"], "returned": raw["returned"],
        "ended_on_time": raw["ended_in_time"] + in_progress - overdue,
        "online_resolved_electronic": raw["online_resolved_electronic"],
        "digitised_resolved": raw["digitised_resolved"],
        "new_reused": raw["new_reused"],
        "complaints": raw["complaints_upto"] - raw["complaints_before"],
        "rated": raw["rated_upto"] - raw["rated_before"],
        "minutes": raw["minutes"],
        "stars": raw["stars_upto"] - raw["stars_before"],
        **{name: raw[name] for name in HISTOGRAM},
    }
