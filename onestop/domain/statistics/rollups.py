"""Monthly rollups: per month, agency and procedure, the flows that every report cell is built from.

Each fact contributes to the month it was received in, the month it ended in, the month it was
returned in, and the month it became late. Stocks (carried over, in progress, overdue) are running
sums of these flows, because a dossier is open at a month's end exactly when it was received by
then and had not yet ended. When a fact changes, the difference of its contributions before and
after is added to the rollup rows in the same transaction, so the rollups never drift; `rebuild`
recomputes them from the facts for checks and upgrades.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from sqlalchemy import delete, event, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from onestop.domain.statistics import timing
from onestop.domain.statistics.indicators import HISTOGRAM, bucket_of
from onestop.domain.statistics.models import COUNTERS, AgencyPartFact, DossierFact, MonthlyRollup
from onestop.extensions import db

SCOPES = {"dossier": DossierFact, "part": AgencyPartFact}


def month_of(at: datetime, tz=None) -> int:
    """The local month of an instant as YYYYMM."""
    local = at.astimezone(tz or timing.zone())
    return local.year * 100 + local.month


def contributions(scope: str, fact, tz=None) -> dict[tuple, Counter]:
    """What one fact adds to the rollups: {(scope, month, agency, procedure, field): counters}."""
    out: dict[tuple, Counter] = defaultdict(Counter)
    if fact is None or fact.received_at is None:
        return out
    flows: dict[int, Counter] = defaultdict(Counter)

    def at(instant) -> Counter:
        return flows[month_of(instant, tz)]

    received = at(fact.received_at)
    received[f"recv_{fact.channel}"] += 1
    received["recv_reused"] += int(bool(fact.reused))
    received["complaints_recv"] += int(bool(fact.complaint))
    if fact.rating:
        received["rated_recv"] += 1
        received["stars_recv"] += fact.rating
    if fact.ended_at is not None:
        ended = at(fact.ended_at)
        ended["ended"] += 1
        ended["complaints_end"] += int(bool(fact.complaint))
        if fact.rating:
            ended["rated_end"] += 1
            ended["stars_end"] += fact.rating
        ended["ended_on_time"] += int(fact.classification in ("early", "on_time"))
        if fact.outcome == "resolved":
            name = fact.classification
            if name == "late":
                name = "late_apology" if fact.apology else "late_no_apology"
            ended[f"res_{name}"] += 1
            ended["res_minutes"] += fact.working_minutes or 0
            ended[HISTOGRAM[bucket_of(fact.working_minutes or 0)]] += 1
            ended["res_electronic"] += int(bool(fact.electronic_result))
            ended["res_digitised"] += int(bool(fact.electronic_result and fact.digitised))
        else:
            ended[fact.outcome] += 1
    if fact.returned_at is not None:
        at(fact.returned_at)["returned"] += 1
    if fact.late_since is not None:
        # Overdue at a month's end = became late by then and not ended by then.
        late = max(fact.late_since, fact.received_at)
        at(late)["late_open"] += 1
        if fact.ended_at is not None:
            at(max(late, fact.ended_at))["late_open"] -= 1
    keys = (
        ("agency_procedure", fact.agency_id, fact.procedure_code, fact.field),
        ("agency", fact.agency_id, "", ""),
        ("procedure", 0, fact.procedure_code, fact.field),
    )
    for month, counters in flows.items():
        for level, agency_id, procedure_code, field in keys:
            out[(scope, level, month, agency_id, procedure_code, field)].update(counters)
    return out


def snapshot(facts: list[tuple[str, object]]) -> dict[tuple, Counter]:
    """The summed contributions of several (scope, fact) pairs."""
    total: dict[tuple, Counter] = defaultdict(Counter)
    for scope, fact in facts:
        for key, counters in contributions(scope, fact).items():
            total[key].update(counters)
    return total


PENDING = "onestop.statistics.pending_rollups"


def apply_difference(before: dict[tuple, Counter], after: dict[tuple, Counter]) -> None:
    """Queue (after − before) for the rollup rows; it is written once, just before the commit.

    Writing every rollup change of a transaction in one batch, in key order, at commit time keeps
    the shared rollup rows locked only for the commit itself and makes deadlocks between them
    impossible, however many events the transaction emitted.
    """
    pending = db.session.info.setdefault(PENDING, defaultdict(Counter))
    for key in set(before) | set(after):
        old, new = before.get(key, Counter()), after.get(key, Counter())
        for name in COUNTERS:
            if new[name] != old[name]:
                pending[key][name] += new[name] - old[name]


def write_pending(session=None) -> int:
    """Write the queued rollup differences of this session now; returns the rows touched."""
    session = session or db.session
    pending = session.info.pop(PENDING, None)
    if not pending:
        return 0
    rows = [
        _row(key, pending[key]) for key in sorted(pending, key=repr) if any(pending[key].values())
    ]
    if rows:
        _upsert(rows, session)
    return len(rows)


@event.listens_for(Session, "before_commit")
def _write_before_commit(session) -> None:
    write_pending(session)


@event.listens_for(Session, "after_transaction_end")
def _forget_unwritten(session, transaction) -> None:
    # A transaction that ends without a commit (rollback, close) takes its facts with it.
    if transaction.parent is None:
        session.info.pop(PENDING, None)


def _row(key: tuple, counters: dict) -> dict:
    scope, level, month, agency_id, procedure_code, field = key
    return {
        "scope": scope,
        "level": level,
        "month": month,
        "agency_id": agency_id,
        "procedure_code": procedure_code,
        "field": field,
        **{name: int(counters.get(name, 0)) for name in COUNTERS},
    }


def _upsert(rows: list[dict], session=None) -> None:
    session = session or db.session
    dialect = session.get_bind().dialect.name
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = MonthlyRollup.__table__
    for i in range(0, len(rows), 500):
        stmt = dialect_insert(table).values(rows[i : i + 500])
        stmt = stmt.on_conflict_do_update(
            index_elements=["scope", "level", "month", "agency_id", "procedure_code"],
            set_={name: table.c[name] + stmt.excluded[name] for name in COUNTERS},
        )
        session.execute(stmt)


def rebuild(batch: int = 20_000, in_database: bool = True) -> int:
    """Recompute every rollup row from the facts (flushes, no commit); returns the row count.

    On PostgreSQL the sums are computed by the database (`rebuild_sql`) unless `in_database` is
    False; elsewhere, and then, the facts are streamed through `contributions`.
    """
    db.session.info.pop(PENDING, None)  # the facts already hold these changes
    if in_database and db.session.get_bind().dialect.name == "postgresql":
        from onestop.domain.statistics.rebuild_sql import rebuild_in_postgresql

        db.session.flush()
        return rebuild_in_postgresql(db.session, timing.zone().key)
    db.session.execute(delete(MonthlyRollup))
    tz = timing.zone()
    total: dict[tuple, Counter] = defaultdict(Counter)
    for scope, model in SCOPES.items():
        for fact in db.session.scalars(select(model).execution_options(yield_per=batch)):
            for key, counters in contributions(scope, fact, tz).items():
                total[key].update(counters)
        db.session.expunge_all()
    rows = [_row(key, counters) for key, counters in total.items() if any(counters.values())]
    for i in range(0, len(rows), 5000):
        db.session.execute(insert(MonthlyRollup.__table__), rows[i : i + 5000])
    db.session.flush()
    return len(rows)
