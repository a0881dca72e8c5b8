"""Refresh the statistics facts of one dossier from its state, in the caller's transaction."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import delete, select

from onestop.domain.dossiers.models import Dossier, Extension, Pause
from onestop.domain.statistics import rollups, timing
from onestop.domain.statistics.models import AgencyPartFact, DossierFact, FactOfficer, FactUnit
from onestop.domain.workflow.models import Task
from onestop.extensions import db

ENDING_STATUSES = {"withdrawn": "withdrawn", "refused": "refused"}


def refresh_fact(dossier: Dossier) -> DossierFact | None:
    """Bring the dossier's fact, agency-part facts and officer links up to date; flush, no commit.

    A dossier that was never received (a draft, an abandoned or rejected online submission) has no
    facts: statistics count dossiers from receipt.
    """
    session = db.session
    if dossier.received_at is None or dossier.status in ("draft", "submitted", "cancelled"):
        forget_fact(dossier.id)
        return None
    tasks = session.scalars(
        select(Task).where(Task.dossier_id == dossier.id).order_by(Task.id)
    ).all()
    extension = session.scalar(select(Extension).where(Extension.dossier_id == dossier.id))
    pauses = session.scalars(
        select(Pause).where(Pause.dossier_id == dossier.id).order_by(Pause.started_at)
    ).all()
    fact, parts = _facts_of(dossier.id)
    before = rollups.snapshot(_scoped(fact, parts.values()))
    with session.no_autoflush:
        if fact is None:
            fact = DossierFact(dossier_id=dossier.id)
            session.add(fact)
        _fill_dossier_fact(fact, dossier, extension, pauses)
        parts = _refresh_parts(dossier, fact, tasks, pauses, parts)
        _refresh_links(dossier, tasks)
    rollups.apply_difference(before, rollups.snapshot(_scoped(fact, parts)))
    session.flush()
    return fact


def forget_fact(dossier_id: int) -> None:
    """Remove every fact of a dossier (it left the statistics, e.g. its receipt was undone)."""
    fact, parts = _facts_of(dossier_id)
    rollups.apply_difference(rollups.snapshot(_scoped(fact, parts.values())), {})
    for model in (DossierFact, AgencyPartFact, FactOfficer, FactUnit):
        db.session.execute(delete(model).where(model.dossier_id == dossier_id))


def _facts_of(dossier_id: int) -> tuple[DossierFact | None, dict[int, AgencyPartFact]]:
    fact = db.session.scalar(select(DossierFact).where(DossierFact.dossier_id == dossier_id))
    parts = {
        p.agency_id: p
        for p in db.session.scalars(
            select(AgencyPartFact).where(AgencyPartFact.dossier_id == dossier_id)
        )
    }
    return fact, parts


def _scoped(fact, parts) -> list[tuple[str, object]]:
    return [("dossier", fact), *(("part", p) for p in parts)]


def _fill_dossier_fact(fact: DossierFact, dossier: Dossier, extension, pauses) -> None:
    version = dossier.procedure_version
    procedure = version.procedure
    agency_id = dossier.receiving_agency_id
    ended_at, outcome = _end_of(dossier)
    due_at = extension.previous_due_at if extension else dossier.due_at
    second_request = _second_supplement_at(pauses)
    _set_common(fact, dossier, procedure, agency_id)
    fact.received_at = dossier.received_at
    fact.due_at = due_at
    fact.new_due_at = extension.new_due_at if extension else None
    fact.late_since = _earliest(due_at, second_request)
    fact.ended_at = ended_at
    fact.outcome = outcome
    fact.apology = extension is not None
    fact.supplement_count = max(
        dossier.supplement_count or 0, sum(1 for p in pauses if p.kind == "supplement")
    )
    fact.paused_minutes = _paused_minutes(
        agency_id, pauses, dossier.received_at, ended_at, fallback=dossier.paused_minutes or 0
    )
    if ended_at is None:
        fact.classification = None
        fact.working_minutes = None
    else:
        late_by_rule = second_request is not None and second_request <= ended_at
        fact.classification = (
            "late" if late_by_rule else timing.classify(agency_id, ended_at, due_at)
        )
        elapsed = timing.working_minutes(agency_id, dossier.received_at, ended_at)
        fact.working_minutes = max(0, elapsed - fact.paused_minutes)


def _set_common(fact, dossier: Dossier, procedure, agency_id: int) -> None:
    parts = dossier.parts
    fact.dossier_code = dossier.code
    fact.agency_id = agency_id
    fact.procedure_code = procedure.code
    fact.procedure_name = procedure.name
    fact.field = procedure.field
    fact.channel = dossier.channel
    fact.processed_at = dossier.processed_at
    fact.returned_at = dossier.returned_at
    resolved = dossier.status in ("processed", "returned")
    fact.electronic_result = resolved and dossier.return_method == "electronic"
    fact.digitised = bool(parts) and all(p.blob_sha256 for p in parts)
    fact.reused = any(p.reused_from_id for p in parts)
    fact.rating = dossier.rating
    fact.complaint = bool(dossier.complaint)


def _end_of(dossier: Dossier) -> tuple[datetime | None, str | None]:
    """The end instant and outcome of DOMAIN.md: processed, else returned, else stopped/refused."""
    # Clamped to the receipt so that a clock skew can never make a negative period.
    if dossier.processed_at is not None:
        return max(dossier.processed_at, dossier.received_at), "resolved"
    if dossier.returned_at is not None:
        return max(dossier.returned_at, dossier.received_at), "resolved"
    if dossier.status in ENDING_STATUSES:
        ended = dossier.finished_at or dossier.received_at
        return max(ended, dossier.received_at), ENDING_STATUSES[dossier.status]
    return None, None


def _second_supplement_at(pauses) -> datetime | None:
    """When the second supplement request was made: from then on the dossier counts as late."""
    requests = [p.started_at for p in pauses if p.kind == "supplement"]
    return sorted(requests)[1] if len(requests) >= 2 else None


def _earliest(*instants):
    present = [i for i in instants if i is not None]
    return min(present) if present else None


def _paused_minutes(agency_id, pauses, start, end, fallback: int) -> int:
    """Working minutes of the pauses inside [start, end]; an open pause runs to `end` if any."""
    if not pauses:
        return fallback
    total = 0
    for pause in pauses:
        p_end = pause.ended_at or end
        if p_end is None:
            continue
        if (
            pause.ended_at is not None
            and pause.working_minutes is not None
            and pause.started_at >= start
            and (end is None or pause.ended_at <= end)
        ):
            total += pause.working_minutes
            continue
        lo = max(pause.started_at, start)
        hi = min(p_end, end) if end is not None else p_end
        total += timing.working_minutes(agency_id, lo, hi)
    return total


def _refresh_parts(
    dossier: Dossier, fact: DossierFact, tasks, pauses, existing: dict[int, AgencyPartFact]
) -> list[AgencyPartFact]:
    """One part fact per agency that holds steps of the dossier (the receiving agency at least)."""
    by_agency: dict[int, list[Task]] = defaultdict(list)
    for task in tasks:
        by_agency[task.agency_id].append(task)
    existing = dict(existing)
    for agency_id in set(existing) - set(by_agency) - {dossier.receiving_agency_id}:
        db.session.delete(existing.pop(agency_id))
    procedure = dossier.procedure_version.procedure
    for agency_id in set(by_agency) | {dossier.receiving_agency_id}:
        part = existing.get(agency_id)
        if part is None:
            part = AgencyPartFact(dossier_id=dossier.id)
            db.session.add(part)
        _set_common(part, dossier, procedure, agency_id)
        existing[agency_id] = part
        agency_tasks = by_agency.get(agency_id)
        if agency_tasks:
            _fill_part_from_tasks(part, fact, agency_tasks, pauses)
        else:
            _copy_dossier_times(part, fact)
    return list(existing.values())


def _copy_dossier_times(part: AgencyPartFact, fact: DossierFact) -> None:
    for name in (
        "received_at",
        "due_at",
        "new_due_at",
        "late_since",
        "ended_at",
        "outcome",
        "classification",
        "apology",
        "supplement_count",
        "paused_minutes",
        "working_minutes",
    ):
        setattr(part, name, getattr(fact, name))


def _fill_part_from_tasks(part: AgencyPartFact, fact: DossierFact, tasks, pauses) -> None:
    """The part runs from its first step's opening to its last step's close, judged step by step."""
    agency_id = part.agency_id
    part.received_at = max(min(t.opened_at for t in tasks), fact.received_at)
    dues = [t.due_at for t in tasks if t.due_at is not None]
    part.due_at = max(dues) if dues else fact.due_at
    part.new_due_at = None
    part.apology = fact.apology and fact.agency_id == agency_id
    part.supplement_count = fact.supplement_count
    late_marks = [
        t.due_at
        for t in tasks
        if t.due_at is not None and (t.closed_at is None or t.closed_at > t.due_at)
    ]
    part.late_since = _earliest(
        min(late_marks) if late_marks else None, _second_supplement_at(pauses)
    )
    open_tasks = [t for t in tasks if t.state == "open"]
    if open_tasks and fact.ended_at is None:
        part.ended_at = part.outcome = part.classification = part.working_minutes = None
        part.paused_minutes = _paused_minutes(agency_id, pauses, part.received_at, None, 0)
        return
    done = [t for t in tasks if t.state == "done"]
    if open_tasks or not done:
        # The dossier ended (withdrawn, refused) while this part was still at work.
        part.ended_at, part.outcome = max(fact.ended_at, part.received_at), fact.outcome
    else:
        part.ended_at = max(max(t.closed_at for t in done), part.received_at)
        part.outcome = "resolved" if fact.outcome in (None, "resolved") else fact.outcome
    part.classification = _worst(_step_result(agency_id, t) for t in done) if done else "on_time"
    if part.late_since is not None and part.late_since < part.ended_at:
        part.classification = "late"
    part.paused_minutes = _paused_minutes(agency_id, pauses, part.received_at, part.ended_at, 0)
    elapsed = timing.working_minutes(agency_id, part.received_at, part.ended_at)
    part.working_minutes = max(0, elapsed - part.paused_minutes)


def _step_result(agency_id: int, task: Task) -> str:
    if task.result:
        return task.result
    return timing.classify(agency_id, task.closed_at, task.due_at)


def _worst(results) -> str:
    order = {"early": 0, "on_time": 1, "late": 2}
    found = list(results)
    return max(found, key=order.__getitem__) if found else "on_time"


def _refresh_links(dossier: Dossier, tasks) -> None:
    """The officers (receiver, step holders) and units (step holders) linked to the dossier."""
    officers = {t.assignee_id for t in tasks if t.assignee_id} | (
        {dossier.received_by_id} if dossier.received_by_id else set()
    )
    _sync(FactOfficer, FactOfficer.user_id, "user_id", dossier.id, officers)
    units = {t.unit_id for t in tasks if t.unit_id}
    _sync(FactUnit, FactUnit.unit_id, "unit_id", dossier.id, units)


def _sync(model, column, name: str, dossier_id: int, wanted: set[int]) -> None:
    have = set(db.session.scalars(select(column).where(model.dossier_id == dossier_id)))
    stale = have - wanted
    if stale:
        db.session.execute(delete(model).where(model.dossier_id == dossier_id, column.in_(stale)))
    for value in wanted - have:
        db.session.add(model(dossier_id=dossier_id, **{name: value}))
