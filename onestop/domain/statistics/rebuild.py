"""Rebuild facts for many dossiers at once (after an upgrade, an import, or a calendar change)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from onestop.domain.dossiers.models import Dossier
from onestop.domain.statistics.facts import refresh_fact
from onestop.extensions import db


def refresh_dossiers(ids) -> int:
    """Refresh the facts of the given dossiers; flushes, the caller commits. Returns the count."""
    count = 0
    for dossier in db.session.scalars(select(Dossier).where(Dossier.id.in_(list(ids)))):
        refresh_fact(dossier)
        count += 1
    return count


def refresh_all(
    batch: int = 500, commit: Callable[[], None] | None = None, open_only: bool = False
) -> int:
    """Refresh every dossier's facts in batches; `commit` is called after each batch if given."""
    stmt = select(Dossier.id).order_by(Dossier.id)
    if open_only:
        from onestop.domain.dossiers.models import OPEN_STATUSES

        stmt = stmt.where(Dossier.status.in_(OPEN_STATUSES))
    ids = list(db.session.scalars(stmt))
    done = 0
    for i in range(0, len(ids), batch):
        done += refresh_dossiers(ids[i : i + batch])
        if commit is not None:
            commit()
            db.session.expunge_all()
    return done
