"""Append to and verify the hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select

from onestop.extensions import db
from onestop.infra.db import utcnow

from .models import AuditEvent, AuditHead

GENESIS = "0" * 64


def _digest(prev_hash: str, event: AuditEvent) -> str:
    body = json.dumps(
        [
            prev_hash,
            event.at.isoformat(),
            event.actor_id,
            event.principal_position_id,
            event.delegation_id,
            event.action,
            event.subject,
            event.data,
        ],
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def record(
    action: str,
    subject: str,
    *,
    actor=None,
    principal_position_id=None,
    delegation_id=None,
    at=None,
    **data,
) -> AuditEvent:
    """Append one event (e.g. `dossier:task:approve`, `dossier:H99-261203-0001`); flushes."""
    head = db.session.execute(select(AuditHead).with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, last_hash=GENESIS)
        db.session.add(head)
    event = AuditEvent(
        at=at or utcnow(),
        actor_id=getattr(actor, "id", actor),
        principal_position_id=principal_position_id,
        delegation_id=delegation_id,
        action=action,
        subject=subject,
        data=json.loads(json.dumps(data, default=str, ensure_ascii=False)),
        prev_hash=head.last_hash,
    )
    event.hash = _digest(head.last_hash, event)
    db.session.add(event)
    db.session.flush()
    head.last_hash = event.hash
    head.last_event_id = event.id
    return event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None
    reason: str | None

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify_chain(batch: int = 5000) -> ChainReport:
    """Walk the log in id order and name the first event whose hash or link does not hold."""
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = db.session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).all()
        if not rows:
            return ChainReport(checked, None, None)
        for event in rows:
            if event.prev_hash != prev:
                return ChainReport(checked, event.id, "its link to the previous event is broken")
            if _digest(prev, event) != event.hash:
                return ChainReport(checked, event.id, "its content no longer matches its hash")
            prev = event.hash
            checked += 1
            last_id = event.id
