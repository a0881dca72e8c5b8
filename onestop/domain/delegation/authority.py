"""Who may act at an instant: own holding, then a delegation, then a substitution; no chains."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select

from onestop.domain import Forbidden
from onestop.domain.org.models import Position, PositionHolding, User
from onestop.extensions import db

from .competence import procedure_authority
from .models import Delegation, Substitution
from .scope import covers, precedence

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
KINDS = ("own", "delegation", "substitution")
DEPUTY_OF = {"leader": "deputy_leader", "head": "deputy_head"}


@dataclass(frozen=True)
class Authorisation:
    """The capacity in which `actor` acts: for `principal_position`, maybe under `delegation`."""

    actor: User
    principal_position: Position
    delegation: Delegation | None
    form_line: str | None
    kind: str
    substitution: Substitution | None = None
    # The signer's own position (the one printed under the form line); None for a person delegate
    # holding no position in force.
    signer_position: Position | None = None

    @property
    def delegation_id(self) -> int | None:
        return self.delegation.id if self.delegation is not None else None

    def audit_kwargs(self) -> dict:
        """Keyword arguments for `audit.log.record`: actor, principal, delegation and capacity."""
        extra = {"substitution_id": self.substitution.id} if self.substitution is not None else {}
        return {
            "actor": self.actor,
            "principal_position_id": self.principal_position.id,
            "delegation_id": self.delegation_id,
            "capacity": self.kind,
            **extra,
        }

    @property
    def on_behalf(self) -> bool:
        """True when the actor acts for a position they do not hold themselves."""
        return self.kind != "own"


def _aware(at: datetime) -> datetime:
    if at is None or at.tzinfo is None:
        raise ValueError("authorise() needs an aware `at` instant")
    return at


def matching_positions(
    *, agency_id=None, unit_id=None, role=None, position_id=None
) -> list[Position]:
    """The active positions a step designates: exactly `position_id`, else agency/unit/role."""
    query = select(Position).where(Position.active.is_(True))
    if position_id is not None:
        query = query.where(Position.id == position_id)
    else:
        if agency_id is None:
            raise ValueError("a step names an agency or a position")
        query = query.where(Position.agency_id == agency_id)
        if unit_id is not None:
            query = query.where(Position.unit_id == unit_id)
        if role is not None:
            query = query.where(Position.role == role)
    return list(db.session.scalars(query.order_by(Position.id)))


def _holding_in_force(at: datetime):
    return (PositionHolding.starts_at <= at) & (
        PositionHolding.ends_at.is_(None) | (PositionHolding.ends_at > at)
    )


def own_positions(user: User, at: datetime, among: list[int] | None = None) -> list[Position]:
    """The active positions `user` holds in their own right at `at` (never via substitution)."""
    query = (
        select(Position)
        .join(PositionHolding, PositionHolding.position_id == Position.id)
        .where(PositionHolding.user_id == user.id, Position.active.is_(True), _holding_in_force(at))
    )
    if among is not None:
        query = query.where(Position.id.in_(among))
    return list(db.session.scalars(query.order_by(Position.id)).unique())


def holders_of(agency_id, unit_id, role, at, *, position_id=None) -> list[User]:
    """Active users holding, in their own right at `at`, a position the step designates."""
    ids = [
        p.id
        for p in matching_positions(
            agency_id=agency_id, unit_id=unit_id, role=role, position_id=position_id
        )
    ]
    if not ids:
        return []
    query = (
        select(User)
        .join(PositionHolding, PositionHolding.user_id == User.id)
        .where(PositionHolding.position_id.in_(ids), User.active.is_(True), _holding_in_force(at))
        .order_by(User.id)
    )
    return list(db.session.scalars(query).unique())


def delegations_in_force(delegator_ids: list[int], at: datetime) -> list[Delegation]:
    """Delegations from these positions that are valid and unrevoked at `at`."""
    if not delegator_ids:
        return []
    query = select(Delegation).where(
        Delegation.delegator_position_id.in_(delegator_ids),
        Delegation.valid_from <= at,
        or_(Delegation.valid_to.is_(None), Delegation.valid_to > at),
        or_(Delegation.revoked_at.is_(None), Delegation.revoked_at > at),
    )
    return list(db.session.scalars(query))


def substitutions_in_force(user: User, at: datetime, among: list[int] | None = None):
    """Substitutions appointing `user` that are valid and unrevoked at `at`."""
    query = select(Substitution).where(
        Substitution.substitute_user_id == user.id,
        Substitution.valid_from <= at,
        Substitution.valid_to > at,
        or_(Substitution.revoked_at.is_(None), Substitution.revoked_at > at),
    )
    if among is not None:
        query = query.where(Substitution.position_id.in_(among))
    query = query.order_by(Substitution.valid_from.desc(), Substitution.id.desc())
    return list(db.session.scalars(query))


def _title(position: Position) -> str:
    return position.title.upper()


def _collective_line(principal: Position, collective: bool) -> str | None:
    agency = principal.agency
    if collective and agency.collective and principal.role == "leader":
        return f"TM. {agency.collective.upper()}"
    return None


def _lines(*lines: str | None) -> str | None:
    kept = [line for line in lines if line]
    return "\n".join(kept) if kept else None


def usable_delegations(user: User, delegations: list[Delegation], at: datetime) -> list[Delegation]:
    """Those naming `user`, or a position `user` holds in their own right at `at`."""
    delegate_position_ids = {d.delegate_position_id for d in delegations if d.delegate_position_id}
    held = (
        {p.id for p in own_positions(user, at, among=list(delegate_position_ids))}
        if (delegate_position_ids)
        else set()
    )
    return [
        d for d in delegations if d.delegate_user_id == user.id or (d.delegate_position_id in held)
    ]


def _signer_for_delegation(user: User, delegation: Delegation, at: datetime) -> Position | None:
    if delegation.delegate_position_id is not None:
        return delegation.delegate_position
    held = own_positions(user, at)
    same_agency = [p for p in held if p.agency_id == delegation.delegator_position.agency_id]
    return (same_agency or held or [None])[0]


def _describe(positions: list[Position], agency_id, unit_id, role, position_id) -> str:
    if positions:
        names = sorted({f"{p.title} ({p.agency.display_name})" for p in positions})
        return ", ".join(names)
    if position_id:
        return f"số {position_id} (không còn hoạt động)"
    return f"nào có vai trò «{role or 'bất kỳ'}» tại cơ quan số {agency_id}"


def authorise(
    user,
    *,
    agency_id,
    unit_id=None,
    role=None,
    position_id=None,
    procedure_code=None,
    action=None,
    at,
    collective: bool | None = None,
) -> Authorisation:
    """Decide whether `user` may act on a step at `at`; raise Forbidden saying why not."""
    at = _aware(at)
    if user is None or not getattr(user, "active", False) or user.kind == "citizen":
        raise Forbidden("Chỉ cán bộ đang hoạt động mới được xử lý bước này.", field="user")
    positions = matching_positions(
        agency_id=agency_id, unit_id=unit_id, role=role, position_id=position_id
    )
    ids = [p.id for p in positions]
    facts = procedure_authority(procedure_code)
    if collective is None:
        collective = bool(facts and facts.collective)

    own = own_positions(user, at, among=ids) if ids else []
    if own:
        principal = own[0]
        return Authorisation(
            user,
            principal,
            None,
            _collective_line(principal, collective),
            "own",
            signer_position=principal,
        )

    # A procedure whose authority is not delegable is decided only by its holder or a substitute.
    delegable = facts is None or facts.delegable
    in_force = usable_delegations(user, delegations_in_force(ids, at), at) if delegable else []
    field = facts.field if facts is not None else None
    covering = [d for d in in_force if covers(d, procedure_code, field, action)]
    if covering:
        delegation = sorted(covering, key=lambda d: precedence(d, procedure_code, action))[0]
        principal = delegation.delegator_position
        # A deputy signing for the head of a collective signs TM. … then KT. …; TUQ. and TL. act
        # in the head's own name (the delegation is the head's, not the collective's), so no TM.
        in_collective = collective and delegation.kind == "KT"
        line = _lines(
            _collective_line(principal, in_collective), f"{delegation.kind}. {_title(principal)}"
        )
        return Authorisation(
            user,
            principal,
            delegation,
            line,
            "delegation",
            signer_position=_signer_for_delegation(user, delegation, at),
        )

    substitutions = substitutions_in_force(user, at, among=ids) if ids else []
    if substitutions:
        substitution = substitutions[0]
        principal = substitution.position
        own_all = own_positions(user, at)
        same_agency = [p for p in own_all if p.agency_id == principal.agency_id]
        # NĐ 30/2020 Art. 13: whoever is put in charge during the head's absence signs as KT.
        heads = principal.role in DEPUTY_OF
        line = _lines(
            _collective_line(principal, collective), f"KT. {_title(principal)}" if heads else None
        )
        return Authorisation(
            user,
            principal,
            None,
            line,
            "substitution",
            substitution=substitution,
            signer_position=(same_agency or own_all or [principal])[0],
        )

    when = at.astimezone(LOCAL).strftime("%H:%M %d/%m/%Y")
    scope = f" thủ tục {procedure_code}" if procedure_code else ""
    verb = f" thao tác «{action}»" if action else ""
    raise Forbidden(
        f"Vào {when}, {user.full_name} không giữ chức danh "
        f"{_describe(positions, agency_id, unit_id, role, position_id)} và không có ủy quyền "
        f"hay phân công thay thế còn hiệu lực cho{verb}{scope}.",
        field="user",
    )
