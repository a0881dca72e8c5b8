"""The org tree as definitions see it: agency keys, their units and positions (DB or YAML)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

DEMO_ORG = Path(__file__).resolve().parents[2] / "seed" / "demo_province.yaml"


@dataclass
class AgencyEntry:
    """One agency of the tree: its unit keys and its positions with their unit and role."""

    key: str
    units: set[str] = field(default_factory=set)
    # position key -> (unit key or None, role)
    positions: dict[str, tuple[str | None, str]] = field(default_factory=dict)

    def roles_in(self, unit: str | None) -> set[str]:
        """Roles held by some position of this agency (in `unit` when given)."""
        return {
            role for pos_unit, role in self.positions.values() if unit is None or pos_unit == unit
        }


@dataclass
class OrgDirectory:
    """Agency entries by key; `source` says where they came from (shown in messages)."""

    agencies: dict[str, AgencyEntry]
    source: str

    @classmethod
    def from_yaml(cls, path: str | Path = DEMO_ORG) -> OrgDirectory:
        """Read an org tree in the seed format (onestop/seed/demo_province.yaml)."""
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        agencies = {}
        for item in data.get("agencies", []):
            entry = AgencyEntry(item["key"], {unit["key"] for unit in item.get("units", [])})
            for pos in item.get("positions", []):
                entry.positions[pos["key"]] = (pos.get("unit"), pos["role"])
            agencies[entry.key] = entry
        return cls(agencies, str(path))

    @classmethod
    def from_db(cls) -> OrgDirectory:
        """Read the org tree from the database (active agencies, units and positions)."""
        from onestop.domain.org.models import Agency, Position, Unit
        from onestop.extensions import db

        agencies = {}
        by_id = {}
        for agency in db.session.query(Agency).filter_by(active=True):
            agencies[agency.key] = by_id[agency.id] = AgencyEntry(agency.key)
        units = {}
        for unit in db.session.query(Unit).filter_by(active=True):
            if unit.agency_id in by_id:
                by_id[unit.agency_id].units.add(unit.key)
                units[unit.id] = unit.key
        for pos in db.session.query(Position).filter_by(active=True):
            if pos.agency_id in by_id:
                by_id[pos.agency_id].positions[pos.key] = (units.get(pos.unit_id), pos.role)
        return cls(agencies, "the database")

    @classmethod
    def current(cls) -> OrgDirectory:
        """The database's tree when it has agencies, otherwise the demo YAML."""
        try:
            directory = cls.from_db()
        except Exception:  # no app context or no schema yet: validate against the demo tree
            _forget_failed_read()
            return cls.from_yaml()
        return directory if directory.agencies else cls.from_yaml()


def _forget_failed_read() -> None:
    """Roll back a read that failed (PostgreSQL refuses further statements in that transaction)."""
    from flask import has_app_context

    if has_app_context():
        from onestop.extensions import db

        db.session.rollback()
