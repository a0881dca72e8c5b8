"""Load an org tree (agencies, units, positions, people) from YAML such as demo_province.yaml."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import yaml
from sqlalchemy import select

from onestop.domain.org.models import Agency, Position, PositionHolding, Unit, User
from onestop.domain.org.passwords import hash_password
from onestop.extensions import db

DEMO_PROVINCE = Path(__file__).with_name("demo_province.yaml")
HOLDINGS_START = datetime(2025, 1, 1, tzinfo=UTC)


def load_province(path: Path = DEMO_PROVINCE, *, password_hash: str | None = None) -> dict:
    """Create the org tree and its people if absent (idempotent); flushes, never commits."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    password_hash = password_hash or hash_password(data["password"])
    agencies: dict[str, Agency] = {}
    for spec in data["agencies"]:
        agency = db.session.scalar(select(Agency).where(Agency.key == spec["key"]))
        if agency is None:
            agency = Agency(
                key=spec["key"],
                eid=spec["eid"],
                name=spec["name"],
                short_name=spec.get("short"),
                level=spec["level"],
                collective=spec.get("collective"),
                parent=agencies.get(spec.get("parent")),
            )
            db.session.add(agency)
            db.session.flush()
        agencies[agency.key] = agency
        units = {u.key: u for u in agency.units}
        for unit_spec in spec.get("units", []):
            if unit_spec["key"] not in units:
                unit = Unit(
                    agency=agency,
                    key=unit_spec["key"],
                    name=unit_spec["name"],
                    one_stop=unit_spec.get("one_stop", False),
                )
                db.session.add(unit)
                units[unit.key] = unit
        db.session.flush()
        for pos_spec in spec.get("positions", []):
            position = db.session.scalar(
                select(Position).where(
                    Position.agency_id == agency.id, Position.key == pos_spec["key"]
                )
            )
            if position is None:
                position = Position(
                    agency=agency,
                    key=pos_spec["key"],
                    title=pos_spec["title"],
                    role=pos_spec["role"],
                    unit=units.get(pos_spec.get("unit")),
                )
                db.session.add(position)
                db.session.flush()
            person = pos_spec.get("person")
            if person:
                user = _user(person, "officer", password_hash)
                if not any(h.position_id == position.id for h in user.holdings):
                    db.session.add(
                        PositionHolding(user=user, position=position, starts_at=HOLDINGS_START)
                    )
    for person in data.get("admins", []):
        _user(person, "admin", password_hash)
    for person in data.get("citizens", []):
        _user(person, "citizen", password_hash)
    db.session.flush()
    return {"agencies": agencies, "password": data["password"]}


def _user(spec: dict, kind: str, password_hash: str) -> User:
    username = str(spec["username"])
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(
            username=username,
            kind=kind,
            full_name=spec["name"],
            email=spec.get("email"),
            phone=spec.get("phone"),
            address=spec.get("address"),
            id_number=username if kind == "citizen" else None,
            password_hash=password_hash,
        )
        db.session.add(user)
        db.session.flush()
    return user
