"""Shared helpers of the officer workspace tests: a published birth registration and dossiers."""

from __future__ import annotations

import contextlib

from sqlalchemy import event

from onestop.extensions import db
from tests.unit.domain.dossiers.dossier_support import (
    KHAI_SINH,
    KHAI_SINH_FORM,
    T0,
    khai_sinh_parts,
    publish_file,
)

__all__ = ["KHAI_SINH_FORM", "T0", "count_queries", "publish_khai_sinh", "submit", "receive"]


def publish_khai_sinh():
    """Publish the birth registration procedure into the test transaction."""
    return publish_file(KHAI_SINH)


def submit(version, citizen, agency, key="k-1", at=T0):
    """An online birth registration submitted by `citizen` to `agency`."""
    from onestop.domain.dossiers.lifecycle import submit_online

    return submit_online(
        citizen, version, KHAI_SINH_FORM, khai_sinh_parts(), key, agency_id=agency.id, at=at
    )


def receive(dossier, officer, at=T0):
    """The desk receives the dossier (its receive step is the officer's)."""
    from onestop.domain.dossiers.lifecycle import receive as receive_

    return receive_(dossier, officer, at)


@contextlib.contextmanager
def count_queries():
    """Count the SQL statements run inside the block: `with count_queries() as queries:`."""
    statements: list[str] = []

    def listener(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
