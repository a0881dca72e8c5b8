"""Read-side questions: whose work a user may do today, who may decide a procedure, overlaps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from onestop.domain.audit.models import AuditEvent
from onestop.domain.org.models import Agency, Position, User
from onestop.extensions import db

from .authority import (
    delegations_in_force,
    holders_of,
    substitutions_in_force,
    usable_delegations,
)
from .competence import procedure_authority
from .models import Delegation, Substitution
from .scope import covers, covers_procedure, precedence


@dataclass(frozen=True)
class OnBehalf:
    """A capacity in which a user may act for a position they do not hold ("on behalf of …")."""

    principal_position: Position
    kind: str  # "delegation" | "substitution"
    delegation: Delegation | None = None
    substitution: Substitution | None = None

    @property
    def label(self) -> str:
        """The queue marker, e.g. `TUQ. Chủ tịch (UBND tỉnh)` or `Thay thế Giám đốc (Sở Nội vụ)`."""
        who = f"{self.principal_position.title} ({self.principal_position.agency.display_name})"
        if self.delegation is not None:
            return f"{self.delegation.kind}. {who}"
        return f"Thay thế {who}"

    def covers(self, procedure_code: str | None, action: str | None = None) -> bool:
        """True when this capacity extends to the procedure (and action, when given)."""
        if self.delegation is None:
            return True
        facts = procedure_authority(procedure_code)
        if facts is not None and not facts.delegable:
            return False
        field = facts.field if facts is not None else None
        if action is None:
            return covers_procedure(self.delegation, procedure_code, field)
        return covers(self.delegation, procedure_code, field, action)

    def matches_step(self, *, agency_id, unit_id=None, role=None, position_id=None) -> bool:
        """True when a step (task) designated this way is the principal position's work."""
        principal = self.principal_position
        if position_id is not None:
            return position_id == principal.id
        return (
            agency_id == principal.agency_id
            and (unit_id is None or unit_id == principal.unit_id)
            and (role is None or role == principal.role)
        )

    def applies_to(self, task) -> bool:
        """True when a workflow task is this capacity's work: the step and the procedure match."""
        return self.matches_step(
            agency_id=task.agency_id,
            unit_id=task.unit_id,
            role=task.role,
            position_id=task.position_id,
        ) and self.covers(task.dossier.procedure_version.procedure.code)


def list_delegations(
    at: datetime, *, agency_id: int | None = None, states: tuple[str, ...] | None = None
) -> list[Delegation]:
    """Delegations for the administration list: by the delegator's agency and state at `at`."""
    query = select(Delegation).join(Position, Position.id == Delegation.delegator_position_id)
    if agency_id is not None:
        query = query.where(Position.agency_id == agency_id)
    found = db.session.scalars(query.order_by(Delegation.valid_from.desc(), Delegation.id.desc()))
    return [d for d in found if states is None or d.state(at) in states]


def delegations_for(user: User, at: datetime) -> list[Delegation]:
    """Delegations `user` may use at `at`: named, or via a position held in their own right."""
    candidates = db.session.scalars(
        select(Delegation)
        .where(
            Delegation.valid_from <= at,
            or_(Delegation.valid_to.is_(None), Delegation.valid_to > at),
            or_(Delegation.revoked_at.is_(None), Delegation.revoked_at > at),
        )
        .order_by(Delegation.id)
    ).all()
    usable = usable_delegations(user, list(candidates), at)
    return sorted(usable, key=lambda d: precedence(d, None, None))


def on_behalf_capacities(user: User, at: datetime) -> list[OnBehalf]:
    """Every position whose queue `user` may work at `at` without holding it: for "on behalf of"."""
    capacities = [
        OnBehalf(d.delegator_position, "delegation", delegation=d)
        for d in delegations_for(user, at)
        if d.delegator_position.active
    ]
    capacities += [
        OnBehalf(s.position, "substitution", substitution=s)
        for s in substitutions_in_force(user, at)
        if s.position.active
    ]
    return capacities


@dataclass(frozen=True)
class Decider:
    """One person who may decide a procedure at an instant, and in what capacity."""

    user: User
    principal_position: Position
    kind: str
    delegation: Delegation | None = None
    substitution: Substitution | None = None


def who_can_decide(
    procedure_code: str, at: datetime, agency_id: int | None = None
) -> list[Decider]:
    """The holders of the procedure's authority, its delegates and substitutes at `at`, in order."""
    facts = procedure_authority(procedure_code)
    if facts is None or facts.position_key is None:
        return []
    query = (
        select(Position)
        .join(Agency, Agency.id == Position.agency_id)
        .where(
            Position.key == facts.position_key,
            Agency.key.in_(facts.agency_keys),
            Position.active.is_(True),
        )
    )
    if agency_id is not None:
        query = query.where(Position.agency_id == agency_id)
    deciders: list[Decider] = []
    for position in db.session.scalars(query.order_by(Position.id)):
        for user in holders_of(None, None, None, at, position_id=position.id):
            deciders.append(Decider(user, position, "own"))
        if facts.delegable:
            covering = [
                d
                for d in delegations_in_force([position.id], at)
                if covers_procedure(d, procedure_code, facts.field)
            ]
            for delegation in sorted(covering, key=lambda d: precedence(d, procedure_code, None)):
                for user in _delegates(delegation, at):
                    deciders.append(Decider(user, position, "delegation", delegation=delegation))
        subs = db.session.scalars(
            select(Substitution).where(
                Substitution.position_id == position.id,
                Substitution.valid_from <= at,
                Substitution.valid_to > at,
                or_(Substitution.revoked_at.is_(None), Substitution.revoked_at > at),
            )
        ).all()
        for substitution in subs:
            deciders.append(
                Decider(
                    substitution.substitute, position, "substitution", substitution=substitution
                )
            )
    return deciders


def _delegates(delegation: Delegation, at: datetime) -> list[User]:
    if delegation.delegate_user_id is not None:
        return [delegation.delegate_user] if delegation.delegate_user.active else []
    return holders_of(None, None, None, at, position_id=delegation.delegate_position_id)


def _scopes_meet(a: Delegation, b: Delegation) -> bool:
    """Conservative: a code in one and a field in the other count as meeting (shown, not hidden)."""

    def meets(x: list, y: list) -> bool:
        return not x or not y or bool(set(x) & set(y))

    a_codes, a_fields, b_codes, b_fields = a.procedure_codes, a.fields, b.procedure_codes, b.fields
    if not (a_codes or a_fields) or not (b_codes or b_fields):
        procedures = True
    else:
        procedures = bool(
            set(a_codes) & set(b_codes)
            or set(a_fields) & set(b_fields)
            or (a_codes and b_fields)
            or (a_fields and b_codes)
        )
    return procedures and meets(a.actions, b.actions)


def overlapping_delegations(delegation: Delegation) -> list[Delegation]:
    """Other unrevoked delegations from the same position whose window and scope meet this one."""
    query = select(Delegation).where(
        Delegation.delegator_position_id == delegation.delegator_position_id,
        Delegation.id != delegation.id,
        Delegation.revoked_at.is_(None),
        or_(Delegation.valid_to.is_(None), Delegation.valid_to > delegation.valid_from),
    )
    if delegation.valid_to is not None:
        query = query.where(Delegation.valid_from < delegation.valid_to)
    found = db.session.scalars(query.order_by(Delegation.id))
    return [d for d in found if _scopes_meet(delegation, d)]


def overlapping_substitutions(position_id: int, valid_from: datetime, valid_to: datetime):
    """Unrevoked substitutions for the position whose window meets [valid_from, valid_to)."""
    return list(
        db.session.scalars(
            select(Substitution)
            .where(
                Substitution.position_id == position_id,
                Substitution.revoked_at.is_(None),
                Substitution.valid_from < valid_to,
                Substitution.valid_to > valid_from,
            )
            .order_by(Substitution.id)
        )
    )


def delegation_history(delegation: Delegation) -> list[AuditEvent]:
    """The audit events of one delegation, oldest first (created, revoked, acts done under it)."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                or_(
                    AuditEvent.subject == f"delegation:{delegation.id}",
                    AuditEvent.delegation_id == delegation.id,
                ),
            )
            .order_by(AuditEvent.id)
        )
    )
