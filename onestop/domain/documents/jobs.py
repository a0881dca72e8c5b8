"""The bodies of the document jobs (entry points in onestop/jobs.py).

A render runs in two commits so the officer sees progress: `rendering` is committed before the
slow part, and the signed file (or the failure and its error) after it. A failure is committed in
its own transaction before re-raising, so rq retries and the officer still sees what went wrong.
"""

from __future__ import annotations

from flask import current_app

from onestop.domain.audit.log import record
from onestop.extensions import db
from onestop.infra import recurring

from .operations import recover_stuck_documents
from .pipeline import claim, fail, finish, render_and_sign

RECOVERY_JOB = "onestop.jobs.recover_documents"
RECOVERY_PREFIX = "onestop-document-recovery"


def _stale_minutes() -> int:
    return current_app.config.get("ONESTOP_DOCUMENT_STUCK_MINUTES") or 10


def run_render(document_id: int) -> str:
    """Render and sign one document; idempotent (a signed document is left alone)."""
    document = claim(document_id, _stale_minutes())
    if document is None:
        db.session.rollback()
        return "skipped"
    db.session.commit()
    try:
        data = render_and_sign(document)
        finish(document, data)
        record(
            "document:signed",
            f"document:{document.id}",
            kind=document.kind,
            sha256=document.blob_sha256,
            number=document.symbol,
        )
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        fail(document_id, exc)
        db.session.commit()
        raise
    return "signed"


def run_recovery(every_minutes: int | None = None) -> list[int]:
    """Scheduled check: re-queue documents stuck in rendering or pending; re-arm when recurring."""
    recovered = recover_stuck_documents(_stale_minutes())
    if every_minutes:
        recurring.rearm(RECOVERY_JOB, RECOVERY_PREFIX, every_minutes)
    return recovered


def schedule_recovery(jobs, every_minutes: int = 5):
    """Arm the recurring recovery check on the worker's scheduler (outside a transaction)."""
    return recurring.arm(jobs, RECOVERY_JOB, RECOVERY_PREFIX, every_minutes)
