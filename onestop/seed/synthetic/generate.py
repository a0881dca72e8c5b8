"""Generate a synthetic province: citizens and N dossiers over two years, with their facts."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import accumulate

from sqlalchemy import select

from onestop.domain.dossiers.models import Dossier, DossierCodeSequence, Pause
from onestop.domain.org.models import Agency, User
from onestop.domain.statistics import rollups
from onestop.domain.statistics.models import AgencyPartFact, DossierFact, FactOfficer, FactUnit
from onestop.domain.workflow.models import Task, Transition
from onestop.extensions import db
from onestop.infra import clock

from . import mix
from .bulk import BulkWriter, analyse, next_id, relax_foreign_keys, reset_sequences
from .facts import FactMaker
from .province import calendars, load_routes
from .stories import Storyteller

BATCH = 5_000  # dossiers between two writes
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
GIVEN = ("Văn An", "Thị Bình", "Minh Châu", "Quang Dũng", "Thu Hà", "Đức Huy", "Ngọc Lan")


def _tables() -> dict:
    models = {
        "users": User,
        "dossiers": Dossier,
        "tasks": Task,
        "transitions": Transition,
        "pauses": Pause,
        "dossier_facts": DossierFact,
        "agency_part_facts": AgencyPartFact,
        "fact_officers": FactOfficer,
        "fact_units": FactUnit,
    }
    tables = {}
    for name, model in models.items():
        table = model.__table__
        # Facts get their ids from the database; every other table is written with explicit ids.
        skip = {"id"} if name in ("dossier_facts", "agency_part_facts") else set()
        tables[name] = (table, tuple(c.name for c in table.columns if c.name not in skip))
    return tables


def generate(
    count: int,
    *,
    seed: int = 2026,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Insert `count` dossiers (and citizens, tasks, transitions, pauses, facts); flush, no commit.

    The demo province must be seeded (its procedures are the catalogue the dossiers follow).
    Returns the rows written per table.
    """
    if count < 1:
        raise ValueError("--dossiers must be at least 1")
    now = now or clock.now()
    rng = random.Random(seed)
    routes = load_routes(now)
    cals = calendars(routes)
    tables = _tables()
    relax_foreign_keys()
    writer = BulkWriter(tables)
    applicants = _citizens(writer, max(20, count // 8), now, rng)
    ids = {
        name: next_id(tables[name][0]) for name in ("dossiers", "tasks", "transitions", "pauses")
    }
    teller = Storyteller(rng, cals, now, ids)
    teller.sequences = {
        (s.agency_id, s.day): s.last_value for s in db.session.scalars(select(DossierCodeSequence))
    }
    facts = FactMaker(cals, now)
    cumulative = list(accumulate(r.weight for r in routes))
    start, span = now - timedelta(days=365 * mix.YEARS), timedelta(days=365 * mix.YEARS)
    # Received in time order, so that ids, codes and facts lie in the order production writes them.
    offsets = sorted(rng.random() for _ in range(count))
    for done, offset in enumerate(offsets, 1):
        route = routes[bisect(cumulative, rng.random() * cumulative[-1])]
        story = teller.tell(route, start + span * offset, rng.choice(applicants))
        writer.add("dossiers", story.dossier)
        for name, rows in (
            ("tasks", story.tasks),
            ("transitions", story.transitions),
            ("pauses", story.pauses),
            *facts.rows(story).items(),
        ):
            for row in rows:
                writer.add(name, row)
        if done % BATCH == 0 or done == count:
            writer.flush()
            if progress:
                progress(min(BATCH, done - (done - 1) // BATCH * BATCH))
    _save_sequences(teller.sequences)
    reset_sequences([t for t, _ in tables.values() if "id" in t.c and t.c.id.autoincrement])
    db.session.flush()
    analyse([table for table, _ in tables.values()])
    written = dict(writer.written)
    written["statistics_monthly"] = rollups.rebuild()
    return written


def _citizens(writer: BulkWriter, count: int, now: datetime, rng: random.Random) -> list[tuple]:
    """Citizen accounts (no password: they cannot log in) the dossiers are submitted by."""
    first = next_id(User.__table__)
    people = []
    for user_id in range(first, first + count):
        name = f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}"
        id_number = f"0{user_id:011d}"
        writer.add(
            "users",
            {
                "id": user_id,
                "username": f"congdan.{user_id}",
                "kind": "citizen",
                "full_name": name,
                "id_number": id_number,
                "active": True,
                "created_at": now - timedelta(days=800),
            },
        )
        people.append((user_id, name, id_number))
    writer.flush()
    return people


def _save_sequences(sequences: dict[tuple[int, str], int]) -> None:
    """Move the dossier-code counters past the synthetic codes, so new receipts never collide."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    rows = [{"agency_id": a, "day": d, "last_value": v} for (a, d), v in sequences.items()]
    table = DossierCodeSequence.__table__
    for i in range(0, len(rows), 5_000):
        statement = insert(table).values(rows[i : i + 5_000])
        db.session.execute(
            statement.on_conflict_do_update(
                index_elements=["agency_id", "day"],
                set_={"last_value": statement.excluded.last_value},
            )
        )


def agency_count() -> int:
    """How many agencies the province has (for the command's summary)."""
    return db.session.scalar(select(db.func.count()).select_from(Agency))
