"""Publish validated definitions as procedure versions: a new immutable one only on new content."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event, func, select

from onestop.domain import DomainError
from onestop.domain.audit.log import record
from onestop.domain.org.models import Agency
from onestop.domain.workflow.definition import DefinitionError, LoadedDefinition, load_path
from onestop.extensions import db
from onestop.infra import clock

from .models import Procedure, ProcedureVersion

WORKFLOWS_DIR = Path(__file__).resolve().parents[3] / "workflows"


@dataclass(frozen=True)
class Published:
    """What publishing one file did: `created` is False when the content was already known."""

    version: ProcedureVersion
    created: bool


def definition_files(paths) -> list[Path]:
    """The YAML files named, folders expanded to their *.yaml files in name order."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        found.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    return found


def _agency_id(key: str) -> int:
    agency_id = db.session.scalar(select(Agency.id).where(Agency.key == key))
    if agency_id is None:
        raise DomainError(
            f"agency '{key}' is not in the database; load the org tree first", field="agencies"
        )
    return agency_id


def publish(loaded: LoadedDefinition, *, actor=None) -> Published:
    """Make `loaded` the current version of its procedure; flush and audit, never commit."""
    data = loaded.data
    procedure = db.session.scalar(select(Procedure).where(Procedure.code == data["code"]))
    if procedure is None:
        procedure = Procedure(
            code=data["code"], name=data["name"], field=data["field"], level=data["level"]
        )
        db.session.add(procedure)
        db.session.flush()
    procedure.name, procedure.field, procedure.level = data["name"], data["field"], data["level"]
    known = db.session.scalar(
        select(ProcedureVersion).where(
            ProcedureVersion.procedure_id == procedure.id,
            ProcedureVersion.content_hash == loaded.content_hash,
        )
    )
    if known is not None:
        changed = procedure.current_version_id != known.id
        procedure.current_version = known
        if changed:
            db.session.flush()
            record(
                "procedure:restore",
                f"procedure:{procedure.code}",
                actor=actor,
                version=known.number,
            )
        return Published(known, False)
    number = (
        db.session.scalar(
            select(func.max(ProcedureVersion.number)).where(
                ProcedureVersion.procedure_id == procedure.id
            )
        )
        or 0
    ) + 1
    receiving_id = _agency_id(data["agencies"][0])
    authority_key = data["authority"].get("agency")
    version = ProcedureVersion(
        procedure=procedure,
        number=number,
        content_hash=loaded.content_hash,
        definition=data,
        source=loaded.source,
        legal_minutes=data["legal_minutes"],
        authority_agency_id=_agency_id(authority_key) if authority_key else receiving_id,
        receiving_agency_id=receiving_id,
        published_at=clock.now(),
        published_by_id=getattr(actor, "id", None),
    )
    db.session.add(version)
    db.session.flush()
    procedure.current_version = version
    db.session.flush()
    record(
        "procedure:publish",
        f"procedure:{procedure.code}",
        actor=actor,
        version=number,
        content_hash=loaded.content_hash,
        file=Path(loaded.file).name,
    )
    return Published(version, True)


def publish_paths(paths, *, actor=None) -> list[Published]:
    """Validate every file first (all or nothing), then publish each; flush, never commit."""
    loaded, problems = [], []
    for path in definition_files(paths):
        try:
            loaded.append(load_path(path))
        except DefinitionError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DefinitionError(problems)
    return [publish(item, actor=actor) for item in loaded]


def seed_workflows() -> None:
    """Demo seed step: publish every shipped definition in workflows/ (unchanged ones are kept)."""
    publish_paths([WORKFLOWS_DIR])


@event.listens_for(ProcedureVersion, "before_update")
def _versions_are_immutable(mapper, connection, target):
    """A published version is never edited: changes are new versions."""
    state = db.inspect(target)
    for attr in (
        "definition",
        "source",
        "content_hash",
        "legal_minutes",
        "number",
        "authority_agency_id",
        "receiving_agency_id",
        "procedure_id",
    ):
        if state.attrs[attr].history.has_changes():
            raise DomainError(
                f"procedure version {target.number} is published and immutable; "
                "publish a new version instead",
                field=attr,
            )
