"""The public catalogue: procedures in force, with the facts an applicant needs before applying."""

from __future__ import annotations

from sqlalchemy import or_, select

from onestop.domain import NotFound
from onestop.extensions import db

from .models import Procedure, ProcedureVersion


def current_versions(
    *, agency_key: str | None = None, level: str | None = None, search: str | None = None
) -> list[ProcedureVersion]:
    """Current versions of active procedures, by code; optionally received at one agency."""
    query = (
        select(ProcedureVersion)
        .join(Procedure, Procedure.current_version_id == ProcedureVersion.id)
        .where(Procedure.active.is_(True))
        .order_by(Procedure.code)
    )
    if level:
        query = query.where(Procedure.level == level)
    if search:
        pattern = f"%{search.strip()}%"
        query = query.where(or_(Procedure.name.ilike(pattern), Procedure.code.ilike(pattern)))
    versions = list(db.session.scalars(query))
    if agency_key:
        versions = [v for v in versions if agency_key in v.definition.get("agencies", [])]
    return versions


def version_by_code(code: str) -> ProcedureVersion:
    """The version in force of the procedure with this national code, or NotFound."""
    procedure = db.session.scalar(select(Procedure).where(Procedure.code == (code or "").strip()))
    if procedure is None or procedure.current_version is None or not procedure.active:
        raise NotFound(f"No procedure in force has the code {code!r}.", field="code")
    return procedure.current_version


def _legal_time_text(legal: dict) -> str:
    if legal.get("same_day"):
        return "Trong ngày làm việc"
    if "working_days" in legal:
        return f"{legal['working_days']:g} ngày làm việc"
    return f"{legal['working_hours']:g} giờ làm việc"


def facts(version: ProcedureVersion) -> dict:
    """Everything shown before applying: time, fee, parts, form, where and how, the steps."""
    from onestop.domain.org.models import Agency

    definition = version.definition
    keys = definition.get("agencies", [])
    agencies = {a.key: a for a in db.session.scalars(select(Agency).where(Agency.key.in_(keys)))}
    return {
        "code": version.procedure.code,
        "name": version.procedure.name,
        "field": version.procedure.field,
        "level": version.procedure.level,
        "version": version.number,
        "published_at": version.published_at,
        "description": definition.get("description"),
        "legal_time": _legal_time_text(definition["legal_time"]),
        "legal_minutes": version.legal_minutes,
        "cutoff": definition.get("cutoff"),
        "fee": definition.get("fee", {"amount": 0, "currency": "VND"}),
        "return_methods": definition.get("return_methods", []),
        "legal_basis": definition.get("legal_basis", []),
        "agencies": [
            {"id": agencies[k].id, "key": k, "name": agencies[k].name}
            for k in keys
            if k in agencies
        ],
        "parts": definition.get("parts", []),
        "form": definition.get("form", {"fields": []}),
        "result": definition.get("result", {}),
        "steps": [
            {"id": s["id"], "name": s.get("name") or s["id"], "budget_minutes": s["budget_minutes"]}
            for s in definition.get("steps", [])
        ],
    }
