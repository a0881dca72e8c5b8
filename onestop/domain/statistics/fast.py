"""Report cells from the monthly rollups, with the facts filling in partial months at the edges.

Every cell is a sum of flows over a span of time: flows *in* the period, flows *before* it (for what
was carried over) and flows *up to* its end (for what is still in progress). Whole months come from
the rollups; the days of a partial month at either edge come from the facts through their time
indexes, counted exactly as the rollups count them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from sqlalchemy import and_, case, func, literal, literal_column, or_, select

from onestop.domain.statistics import timing
from onestop.domain.statistics.indicators import HISTOGRAM, HISTOGRAM_DAYS, MINUTES_PER_DAY
from onestop.domain.statistics.models import COUNTERS, MonthlyRollup
from onestop.domain.statistics.rollups import write_pending
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
    bucket = case(
        (R.month < _month(head), literal("pre")),
        (R.month < _month(mid), literal("head")),
        else_=literal("mid"),
    ).label("bucket")
    stmt = select(
        *([key] if key is not None else []),
        bucket,
        *(func.sum(getattr(R, name)).label(name) for name in COUNTERS),
    ).where(R.scope == scope, R.level == level, R.month < _month(end))
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
    """{key: Counter} of the rollup counters for flows at instants in local days [first, stop).

    A few narrow GROUP BY queries over the time indexes, folded into counters exactly as
    `rollups.contributions` folds one fact.
    """
    lo, hi = timing.day_start(first), timing.day_start(stop)
    m = model
    keys = [key] if key is not None else []
    out: dict = defaultdict(Counter)

    def inside(column):
        return and_(column >= lo, column < hi)

    def rows(*columns, where, sums=()):
        stmt = select(*keys, *columns, *sums, func.count().label("n")).where(where, *clauses)
        return db.session.execute(stmt.group_by(*keys, *columns)).all()

    def group(row):
        return row[0] if key is not None else None

    for row in rows(m.channel, m.reused, m.complaint, m.rating, where=inside(m.received_at)):
        channel, reused, complaint, rating, n = row[len(keys) :]
        c = out[group(row)]
        c[f"recv_{channel}"] += n
        c["recv_reused"] += n if reused else 0
        c["complaints_recv"] += n if complaint else 0
        if rating:
            c["rated_recv"] += n
            c["stars_recv"] += n * rating
    # Literal numbers (no bound parameters) so the CASE reads the same in SELECT and GROUP BY.
    minutes = func.coalesce(m.working_minutes, literal_column("0"))
    bounds = [int(d * MINUTES_PER_DAY) for d in HISTOGRAM_DAYS[:-1]]
    bucket = case(
        *(
            (minutes <= literal_column(str(b)), literal_column(str(i)))
            for i, b in enumerate(bounds)
        ),
        else_=literal_column(str(len(bounds))),
    )
    ended_rows = rows(
        m.outcome,
        m.classification,
        m.apology,
        m.electronic_result,
        m.digitised,
        m.complaint,
        m.rating,
        bucket,
        where=inside(m.ended_at),
        sums=(func.sum(minutes),),
    )
    for row in ended_rows:
        (
            outcome,
            classification,
            apology,
            electronic,
            digitised,
            complaint,
            rating,
            index,
            total_minutes,
            n,
        ) = row[len(keys) :]
        c = out[group(row)]
        c["ended"] += n
        c["complaints_end"] += n if complaint else 0
        if rating:
            c["rated_end"] += n
            c["stars_end"] += n * rating
        c["ended_on_time"] += n if classification in ("early", "on_time") else 0
        if outcome != "resolved":
            c[outcome] += n
            continue
        name = classification
        if name == "late":
            name = "late_apology" if apology else "late_no_apology"
        c[f"res_{name}"] += n
        c["res_minutes"] += int(total_minutes or 0)
        c["res_electronic"] += n if electronic else 0
        c["res_digitised"] += n if electronic and digitised else 0
        c[HISTOGRAM[index]] += n
    for row in rows(where=inside(m.returned_at)):
        out[group(row)]["returned"] += row[-1]
    late = case((m.late_since > m.received_at, m.late_since), else_=m.received_at)
    for row in rows(where=and_(or_(inside(m.late_since), inside(m.received_at)), inside(late))):
        out[group(row)]["late_open"] += row[-1]
    end_late = case((m.ended_at > late, m.ended_at), else_=late)
    for row in rows(where=and_(m.late_since.is_not(None), inside(m.ended_at), inside(end_late))):
        out[group(row)]["late_open"] -= row[-1]
    return out


def _plus(*parts) -> Counter:
    """Sum counters keeping negative values (Counter's `+` drops them; `late_open` needs them)."""
    total = Counter()
    for part in parts:
        total.update(part)
    return total


def rollup_sums(query, model, scope: str, key, agency_ids, clauses) -> dict:
    """{group key: sums} in the shape of the facts path (every cell, minutes, stars, histogram)."""
    write_pending()  # this transaction's own changes, if it reads before committing
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
    resolved = (
        within["res_early"]
        + within["res_on_time"]
        + within["res_late_apology"]
        + within["res_late_no_apology"]
    )
    return {
        "carried_over": carried,
        "new_online": within["recv_online"],
        "new_desk": within["recv_desk"],
        "new_post": within["recv_post"],
        "received": carried + new,
        "resolved_early": within["res_early"],
        "resolved_on_time": within["res_on_time"],
        "resolved_late_apology": within["res_late_apology"],
        "resolved_late_no_apology": within["res_late_no_apology"],
        "resolved": resolved,
        "in_progress_within": in_progress - overdue,
        "in_progress_overdue": overdue,
        "in_progress": in_progress,
        "withdrawn": within["withdrawn"],
        "refused": within["refused"],
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
