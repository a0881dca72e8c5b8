"""Rebuild the monthly rollups inside PostgreSQL in one statement per scope (seconds, not minutes).

The SQL spells out, flow by flow, what `rollups.contributions` adds for one fact; a test on
PostgreSQL checks that both give the same rows.
"""

from __future__ import annotations

from sqlalchemy import text

from onestop.domain.statistics.indicators import HISTOGRAM, HISTOGRAM_DAYS, MINUTES_PER_DAY
from onestop.domain.statistics.models import COUNTERS

RESOLVED = "outcome = 'resolved'"


def _bucket_sql() -> str:
    bounds = [int(d * MINUTES_PER_DAY) for d in HISTOGRAM_DAYS[:-1]]
    whens = " ".join(
        f"WHEN coalesce(working_minutes, 0) <= {b} THEN {i}" for i, b in enumerate(bounds)
    )
    return f"CASE {whens} ELSE {len(bounds)} END"


def _flows() -> list[tuple[str, str, dict[str, str]]]:
    """(month expression, WHERE, {counter: expression}) for each kind of flow of a fact."""
    on_time = "classification IN ('early', 'on_time')"
    ended = {
        "ended": "1",
        "complaints_end": "complaint::int",
        "rated_end": "(rating IS NOT NULL)::int",
        "stars_end": "coalesce(rating, 0)",
        "ended_on_time": f"({on_time})::int",
        "res_early": f"({RESOLVED} AND classification = 'early')::int",
        "res_on_time": f"({RESOLVED} AND classification = 'on_time')::int",
        "res_late_apology": f"({RESOLVED} AND classification = 'late' AND apology)::int",
        "res_late_no_apology": f"({RESOLVED} AND classification = 'late' AND NOT apology)::int",
        "withdrawn": "(outcome = 'withdrawn')::int",
        "refused": "(outcome = 'refused')::int",
        "res_electronic": f"({RESOLVED} AND electronic_result)::int",
        "res_digitised": f"({RESOLVED} AND electronic_result AND digitised)::int",
        "res_minutes": f"CASE WHEN {RESOLVED} THEN coalesce(working_minutes, 0) ELSE 0 END",
        **{name: f"({RESOLVED} AND bucket = {i})::int" for i, name in enumerate(HISTOGRAM)},
    }
    return [
        (
            "rm",
            "TRUE",
            {
                "recv_online": "(channel = 'online')::int",
                "recv_desk": "(channel = 'desk')::int",
                "recv_post": "(channel = 'post')::int",
                "recv_reused": "reused::int",
                "complaints_recv": "complaint::int",
                "rated_recv": "(rating IS NOT NULL)::int",
                "stars_recv": "coalesce(rating, 0)",
            },
        ),
        ("em", "ended_at IS NOT NULL", ended),
        ("tm", "returned_at IS NOT NULL", {"returned": "1"}),
        ("lm", "late IS NOT NULL", {"late_open": "1"}),
        ("xm", "late IS NOT NULL AND ended_at IS NOT NULL", {"late_open": "-1"}),
    ]


def _statement(table: str, scope: str) -> str:
    month = "to_char({} AT TIME ZONE :tz, 'YYYYMM')::int"
    parts = [
        f"SELECT agency_id, procedure_code, field, {month_col} AS month, "
        + ", ".join(f"{exprs.get(c, '0')}::bigint AS {c}" for c in COUNTERS)
        + f" FROM f WHERE {where}"
        for month_col, where, exprs in _flows()
    ]
    sums = ", ".join(f"sum({c})" for c in COUNTERS)
    levels = [
        (
            "agency_procedure",
            "agency_id",
            "procedure_code",
            "max(field)",
            "month, agency_id, procedure_code",
        ),
        ("agency", "agency_id", "''", "''", "month, agency_id"),
        ("procedure", "0", "procedure_code", "max(field)", "month, procedure_code"),
    ]
    inserts = " UNION ALL ".join(
        f"SELECT '{scope}', '{level}', month, {agency}, {procedure}, {field}, {sums} "
        f"FROM flows GROUP BY {group}"
        for level, agency, procedure, field, group in levels
    )
    return (
        f"WITH base AS (SELECT *, CASE WHEN late_since IS NOT NULL THEN "
        f"greatest(late_since, received_at) END AS late, {_bucket_sql()} AS bucket FROM {table}), "
        f"f AS (SELECT *, {month.format('received_at')} AS rm, {month.format('ended_at')} AS em, "
        f"{month.format('returned_at')} AS tm, {month.format('late')} AS lm, "
        f"{month.format('greatest(late, ended_at)')} AS xm FROM base), "
        f"flows AS ({' UNION ALL '.join(parts)}) "
        f"INSERT INTO statistics_monthly (scope, level, month, agency_id, procedure_code, field, "
        f"{', '.join(COUNTERS)}) {inserts}"
    )


def rebuild_in_postgresql(session, tz: str) -> int:
    """Replace every rollup row with sums computed by PostgreSQL; returns the row count."""
    session.execute(text("DELETE FROM statistics_monthly"))
    for table, scope in (("dossier_facts", "dossier"), ("agency_part_facts", "part")):
        session.execute(text(_statement(table, scope)), {"tz": tz})
    return session.execute(text("SELECT count(*) FROM statistics_monthly")).scalar_one()
