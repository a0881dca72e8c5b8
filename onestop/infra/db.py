"""Database base pieces: UTC timestamps, common columns, SQLite pragmas."""

from datetime import UTC, datetime

from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current instant, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite keeps no offset, so values are normalised to UTC on the way in and tagged on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware datetime (UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """Foreign keys on and WAL for every SQLite connection; other backends are left alone."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    # Let SQLAlchemy issue BEGIN itself so that writers take the lock up front (see begin listener).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin_immediate(conn):
    """Serialise SQLite writers at BEGIN, so read-then-write never deadlocks between threads."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class Session(FlaskSession):
    """Flask-SQLAlchemy's session, but a bind given to the session itself wins.

    Tests bind every session to one outer transaction per test; Flask-SQLAlchemy would otherwise
    pick the engine by table and escape it.
    """

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)
