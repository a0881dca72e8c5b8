"""What the generator draws on: the demo province, its procedures in force, routes and officers."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

from sqlalchemy import select

from onestop.domain.calendar.service import calendar_for
from onestop.domain.org.models import Agency, User
from onestop.domain.procedures.models import Procedure
from onestop.domain.workflow.runtime import assignment
from onestop.extensions import db

from .mix import PROCEDURE_WEIGHTS


@dataclass(frozen=True)
class Step:
    """One task of a route: where it runs, its budget, the officers who act on it."""

    step_id: str
    branch: str | None
    agency_id: int
    unit_id: int | None
    role: str | None
    position_id: int | None
    budget_minutes: int
    action: str
    to_steps: list
    officers: tuple[int, ...]


@dataclass
class Route:
    """A procedure version as received by one agency: the steps a dossier walks, in order."""

    version_id: int
    code: str
    name: str
    field: str
    agency_id: int
    agency_eid: str
    legal_minutes: int
    same_day: bool
    cutoff: str | None
    return_methods: list
    parts: list
    stages: list[list[Step]] = field(default_factory=list)  # a stage: one task or parallel branches
    weight: float = 1.0

    @property
    def desk_officers(self) -> tuple[int, ...]:
        """The receivers of the one-stop desk (the first stage's officers)."""
        return self.stages[0][0].officers


def load_routes(at) -> list[Route]:
    """A route per (procedure in force, receiving agency), weighted by the mix."""
    agencies = {a.key: a for a in db.session.scalars(select(Agency))}
    routes = []
    for procedure in db.session.scalars(select(Procedure).where(Procedure.active.is_(True))):
        version = procedure.current_version
        if version is None or procedure.code not in PROCEDURE_WEIGHTS:
            continue
        keys = [k for k in version.definition["agencies"] if k in agencies]
        for key in keys:
            route = _route(version, agencies[key], at)
            route.weight = PROCEDURE_WEIGHTS[procedure.code] / len(keys)
            routes.append(route)
    if not routes:
        raise RuntimeError("no procedure of the synthetic mix is published; seed the demo first")
    return routes


def _route(version, agency: Agency, at) -> Route:
    definition = version.definition
    procedure = version.procedure
    route = Route(
        version_id=version.id,
        code=procedure.code,
        name=procedure.name,
        field=procedure.field,
        agency_id=agency.id,
        agency_eid=agency.eid,
        legal_minutes=version.legal_minutes,
        same_day=bool(definition["legal_time"].get("same_day")),
        cutoff=definition.get("cutoff"),
        return_methods=definition["return_methods"],
        parts=definition["parts"],
    )
    dossier = SimpleNamespace(procedure_version=version, receiving_agency_id=agency.id)
    steps = definition["steps"]
    for index, step in enumerate(steps):
        following = steps[index + 1]["id"] if index + 1 < len(steps) else "@returned"
        holders = step["branches"] if step.get("kind") == "parallel" else [step]
        stage = []
        for holder in holders:
            branch = step["id"] if step.get("kind") == "parallel" else None
            step_id = holder["id"]
            where = assignment(dossier, holder)
            action = next(iter(holder.get("actions") or {"submit": None}))
            stage.append(
                Step(
                    step_id,
                    branch,
                    where["agency_id"],
                    where["unit_id"],
                    where["role"],
                    where["position_id"],
                    holder["budget_minutes"],
                    action,
                    ["@join" if branch else following],
                    _officers(where, at),
                )
            )
        route.stages.append(stage)
    return route


def _officers(where: dict, at) -> tuple[int, ...]:
    from onestop.domain.delegation.queries import holders_of

    users = holders_of(
        where["agency_id"], where["unit_id"], where["role"], at, position_id=where["position_id"]
    )
    return tuple(u.id for u in users)


def calendars(routes: list[Route]) -> dict:
    """The working calendar of every agency a route touches."""
    ids = {s.agency_id for r in routes for stage in r.stages for s in stage}
    return {agency_id: calendar_for(agency_id) for agency_id in ids | {r.agency_id for r in routes}}


def next_user_id() -> int:
    """The first free user id (synthetic citizens are inserted in bulk with explicit ids)."""
    return (db.session.scalar(select(db.func.max(User.id))) or 0) + 1
