"""Report cells from the monthly rollups, with the facts filling in partial months at the edges.

Every cell is a sum of flows over a span of time: flows *in* the period, flows *before* it (for what
was carried over) and flows *up to* its end (for what is still in progress). Whole months come from
the rollups; the days of a partial month at either edge come from the facts through their time
indexes, counted exactly as the rollups count them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from sqlalchemy import and_, case, func, literal, or_, select

from onestop.domain.statistics import timing
from onestop.domain.statistics.cells import histogram_conditions
from onestop.domain.statistics.indicators import HISTOGRAM
from onestop.domain.statistics.models import COUNTERS, MonthlyRollup
from onestop.extensions import db

R = MonthlyRollup


def whole_months(first: date, last: date) -> bool:
    """True when the period starts on a 1st and ends on a month's last day."""
    return first.day == 1 and (last + timedelta(days=1)).day == 1


def _month(day: date) -> int:
    return day.year * 100 + day.month


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def level_for(key_name: str | None, by_agency: bool, by_procedure: bool) -> str:
    """The smallest rollup level that holds the grouping and the filters."""
    needs_agency = by_agency or key_name == "agency_id"
    needs_procedure = by_procedure or key_name in ("procedure_code", "field")
    if needs_agency and needs_procedure:
        return "agency_procedure"
    return "agency" if needs_agency else "procedure"


def _rollup_buckets(query, scope, key_name, agency_ids, head: date, mid: date, end: date):
    """{key: {"pre"|"head"|"mid": Counter}} for months before `end` (pre < head <= head < mid)."""
    key = getattr(R, key_name) if key_name else None
    level = level_for(key_name, agency_ids is not None, bool(query.procedure_code or query.field))
    bucket = case((R.month < _month(head), literal("pre")),
                  (R.month < _month(mid), literal("head")), else_=literal("mid")).label("bucket")
    stmt = select(*([key] if key is not None else []), bucket,
                  *(func.sum(getattr(R, name)).label(name) for name in COUNTERS)).where(
        R.scope == scope, R.level == level, R.month < _month(end))
    if agency_ids is not None:
        stmt = stmt.where(R.agency_id.in_(agency_ids))
    if query.procedure_code:
        stmt = stmt.where(R.procedure_code == query.procedure_code)
    if query.field:
        stmt = stmt.where(R.field == query.field)
    stmt = stmt.group_by(*([key] if key is not None else []), bucket)
    out: dict = defaultdict(lambda: defaultdict(Counter))
    for row in db.session.execute(stmt).mappings():
        group = row[key_name] if key is not None else None
        out[group][row["bucket"]].update({n: int(row[n] or 0) for n in COUNTERS})
    return out


def _fact_flows(model, key, clauses, first: date, stop: date) -> dict:
    """{key: Counter} of the rollup counters for flows at instants in local days [first, stop)."""
    lo, hi = timing.day_start(first), timing.day_start(stop)
    m = model

    def inside(column):
        return and_(column >= lo, column < hi)

    received, ended, returned = inside(m.received_at), inside(m.ended_at), inside(m.returned_at)
    resolved = and_(ended, m.outcome == "resolved")
    late = case((m.late_since > m.received_at, m.late_since), else_=m.received_at)
    end_late = case((m.ended_at > late, m.ended_at), else_=late)
    has_late = m.late_since.is_not(None)

    def count(*conditions):
        return func.sum(case((and_(*conditions), 1), else_=0))

    def total(value, *conditions):
        return func.sum(case((and_(*conditions), value), else_=0))

    columns = {
        "recv_online": count(received, m.channel == "online"),
        "recv_desk": count(received, m.channel == "desk"),
        "recv_post": count(received, m.channel == "post"),
        "recv_reused": count(received, m.reused.is_(True)),
        "complaints_recv": count(received, m.complaint.is_(True)),
        "rated_recv": count(received, m.rating.is_not(None)),
        "stars_recv": total(m.rating, received, m.rating.is_not(None)),
        "ended": count(ended),
        "complaints_end": count(ended, m.complaint.is_(True)),
        "rated_end": count(ended, m.rating.is_not(None)),
        "stars_end": total(m.rating, ended, m.rating.is_not(None)),
        "ended_on_time": count(ended, m.classification.in_(("early", "on_time"))),
        "res_early": count(resolved, m.classification == "early"),
        "res_on_time": count(resolved, m.classification == "on_time"),
        "res_late_apology": count(resolved, m.classification == "late", m.apology.is_(True)),
        "res_late_no_apology": count(resolved, m.classification == "late",
                                     m.apology.is_(False)),
        "withdrawn": count(ended, m.outcome == "withdrawn"),
        "refused": count(ended, m.outcome == "refused"),
        "res_electronic": count(resolved, m.electronic_result.is_(True)),
        "res_digitised": count(resolved, m.electronic_result.is_(True), m.digitised.is_(True)),
        "res_minutes": total(func.coalesce(m.working_minutes, 0), resolved),
        "returned": count(returned),
        "late_open": count(has_late, inside(late)) - count(
            has_late, m.ended_at.is_not(None), inside(end_late)),
        **{name: count(resolved, cond)
           for name, cond in zip(HISTOGRAM, histogram_conditions(m), strict=True)},
    }
    stmt = select(*([key] if key is not None else []),
                  *(c.label(n) for n, c in columns.items())).where(
        or_(received, ended, returned, inside(m.late_since)), *clauses)
    if key is not None:
        stmt = stmt.group_by(key)
    return {(row[key.key] if key is not None else None): Counter(
        {n: int(row[n] or 0) for n in columns}) for row in db.session.execute(stmt).mappings()}


def _plus(*parts) -> Counter:
    """Sum counters keeping negative values (Counter's `+` drops them; `late_open` needs them)."""
    total = Counter()
    for part in parts:
        total.update(part)
    return total


def rollup_sums(query, model, scope: str, key, agency_ids, clauses) -> dict:
    """{group key: sums} in the shape of the facts path (every cell, minutes, stars, histogram)."""
    start, stop = query.first, query.last + timedelta(days=1)
    head = start.replace(day=1)
    mid = start if start.day == 1 else _next_month(head)
    tail = stop.replace(day=1)
    key_name = key.key if key is not None else None
    flows = {}

    def facts(first, last):
        return _fact_flows(model, key, clauses, first, last) if first < last else {}

    before_edge = facts(head, start)
    if mid <= tail:
        buckets = _rollup_buckets(query, scope, key_name, agency_ids, head, mid, tail)
        head_edge, tail_edge = facts(start, mid), facts(tail, stop)
        groups = set(buckets) | set(before_edge) | set(head_edge) | set(tail_edge)
        for g in groups:
            b, empty = buckets.get(g, {}), Counter()
            pre, month_of_start, middle = (b.get(x, empty) for x in ("pre", "head", "mid"))
            flows[g] = (
                _plus(head_edge.get(g, empty), middle, tail_edge.get(g, empty)),
                _plus(pre, before_edge.get(g, empty)),
                _plus(pre, month_of_start, middle, tail_edge.get(g, empty)),
            )
    else:  # the period lies inside one month
        buckets = _rollup_buckets(query, scope, key_name, agency_ids, head, head, head)
        inside_edge = facts(start, stop)
        for g in set(buckets) | set(before_edge) | set(inside_edge):
            empty = Counter()
            pre = buckets.get(g, {}).get("pre", empty)
            before = _plus(pre, before_edge.get(g, empty))
            flows[g] = (inside_edge.get(g, empty), before, _plus(before, inside_edge.get(g, empty)))
    return {g: _cells(*parts) for g, parts in flows.items()}


def _cells(within: Counter, before: Counter, upto: Counter) -> dict:
    """Turn flow sums into the report's cells."""

    def received(c):
        return c["recv_online"] + c["recv_desk"] + c["recv_post"]

    carried = received(before) - before["ended"]
    new = received(within)
    in_progress = received(upto) - upto["ended"]
    overdue = upto["late_open"]
    resolved = (within["res_early"] + within["res_on_time"] + within["res_late_apology"]
                + within["res_late_no_apology"])
    return {
        "carried_over": carried,
        "new_online": within["recv_online"], "new_desk": within["recv_desk"],
        "new_post": within["recv_post"],
        "received": carried + new,
        "resolved_early": within["res_early"], "resolved_on_time": within["res_on_time"],
        "resolved_late_apology": within["res_late_apology"],
        "resolved_late_no_apology": within["res_late_no_apology"],
        "resolved": resolved,
        "in_progress_within": in_progress - overdue,
        "in_progress_overdue": overdue,
        "in_progress": in_progress,
        "withdrawn": within["withdrawn"], "refused": within["refused"],
        "returned": within["returned"],
        "ended_on_time": within["ended_on_time"] + in_progress - overdue,
        "online_resolved_electronic": within["res_electronic"],
        "digitised_resolved": within["res_digitised"],
        "new_reused": within["recv_reused"],
        "complaints": upto["complaints_recv"] - before["complaints_end"],
        "rated": upto["rated_recv"] - before["rated_end"],
        "minutes": within["res_minutes"],
        "stars": upto["stars_recv"] - before["stars_end"],
        **{name: within[name] for name in HISTOGRAM},
    }
