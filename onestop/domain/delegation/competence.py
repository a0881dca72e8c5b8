"""What a procedure's current version says about its authority: who, delegable or not."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from onestop.domain.org.models import Agency, Position
from onestop.domain.procedures.models import Procedure, ProcedureVersion
from onestop.extensions import db


@dataclass(frozen=True)
class ProcedureAuthority:
    """The catalogue facts the delegation rules need about one procedure."""

    code: str
    field: str
    agency_keys: tuple[str, ...]
    position_key: str | None
    delegable: bool
    collective: bool

    def competent(self, position: Position) -> bool:
        """True when `position` is, in its own right, the procedure's authority."""
        return position.key == self.position_key and position.agency.key in self.agency_keys


def procedure_authority(code: str | None) -> ProcedureAuthority | None:
    """The authority facts of a procedure's current version; None when the code is unknown."""
    if code is None:
        return None
    row = db.session.execute(
        select(Procedure, ProcedureVersion)
        .outerjoin(ProcedureVersion, ProcedureVersion.id == Procedure.current_version_id)
        .where(Procedure.code == code)
    ).first()
    if row is None:
        return None
    procedure, version = row
    definition = (version.definition or {}) if version is not None else {}
    authority = definition.get("authority") or {}
    if authority.get("agency"):
        agency_keys = (authority["agency"],)
    elif definition.get("agencies"):
        agency_keys = tuple(definition["agencies"])
    elif version is not None:
        agency_keys = (db.session.get(Agency, version.authority_agency_id).key,)
    else:
        agency_keys = ()
    return ProcedureAuthority(
        code=procedure.code,
        field=procedure.field,
        agency_keys=agency_keys,
        position_key=authority.get("position"),
        delegable=bool(authority.get("delegable", True)),
        collective=bool(authority.get("collective", False)),
    )


def procedures_in_field(field: str) -> list[ProcedureAuthority]:
    """The authority facts of every active catalogue procedure of a field."""
    codes = db.session.scalars(
        select(Procedure.code)
        .where(Procedure.field == field, Procedure.active.is_(True))
        .order_by(Procedure.code)
    )
    return [facts for code in codes if (facts := procedure_authority(code)) is not None]
