"""Fixtures shared by every test: one app per session, each test inside a rolled-back transaction.

Backend: SQLite in a temporary folder by default; `ONESTOP_TEST_DATABASE_URL` (PostgreSQL) and
`ONESTOP_TEST_REDIS_URL` select the production backends (see .ci/run).
"""

from __future__ import annotations

import os
from datetime import datetime

import pytest
from sqlalchemy.orm import scoped_session

from onestop import create_app
from onestop.extensions import db as _db
from onestop.infra import clock
from onestop.infra.db import Session

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _per_worker_database(url: str | None) -> str | None:
    """Each xdist worker gets its own PostgreSQL database next to the one CI created."""
    if not url or not WORKER:
        return url
    from sqlalchemy import create_engine

    base, _, name = url.rpartition("/")
    worker_db = f"{name}_{WORKER}"
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.exec_driver_sql(
            "SELECT 1 FROM pg_database WHERE datname = %s", (worker_db,)
        ).scalar()
        if not exists:
            conn.exec_driver_sql(f'CREATE DATABASE "{worker_db}"')
    admin.dispose()
    return f"{base}/{worker_db}"


def _per_worker_redis(url: str | None) -> str | None:
    """Each xdist worker uses its own Redis database number, so flushing one spares the others."""
    if not url or not WORKER:
        return url
    base = url.rsplit("/", 1)[0] if url.count("/") > 2 else url
    return f"{base}/{1 + int(WORKER.removeprefix('gw') or 0)}"


TEST_DATABASE_URL = _per_worker_database(os.environ.get("ONESTOP_TEST_DATABASE_URL"))
TEST_REDIS_URL = _per_worker_redis(os.environ.get("ONESTOP_TEST_REDIS_URL"))


def make_test_app(tmp_path_factory, **overrides):
    instance = tmp_path_factory.mktemp("instance")
    settings = {
        "ONESTOP_ENV": "testing",
        "TESTING": True,
        "ONESTOP_INSTANCE_PATH": str(instance),
        "ONESTOP_STORAGE_PATH": str(instance / "files"),
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL or f"sqlite:///{instance / 'test.db'}",
        "REDIS_URL": TEST_REDIS_URL,
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test-secret",
        "ONESTOP_SIGNER": "fake",
        "ONESTOP_EMBEDDED_WORKER": False,
    }
    settings.update(overrides)
    return create_app(settings)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = make_test_app(tmp_path_factory)
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        if TEST_REDIS_URL:
            app.extensions["onestop.queue"].connection.flushdb()
    yield app
    with app.app_context():
        _db.session.remove()
        if TEST_DATABASE_URL:
            _db.drop_all()
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def db(request, app):
    """Run the test inside one outer transaction that is rolled back afterwards."""
    if "no_db_isolation" in request.keywords:
        yield _db
        return
    ctx = app.app_context()
    ctx.push()
    connection = _db.engine.connect()
    outer = connection.begin()
    original = _db.session
    factory = _db._make_session_factory(
        {"class_": Session, "bind": connection, "join_transaction_mode": "create_savepoint"}
    )
    _db.session = scoped_session(factory, scopefunc=original.registry.scopefunc)
    try:
        yield _db
    finally:
        _db.session.remove()
        _db.session = original
        if outer.is_active:
            outer.rollback()
        connection.close()
        ctx.pop()
        clock.freeze(None)
        queue = app.extensions["onestop.queue"]
        queue.connection.flushdb()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo_org(db):
    """The demo province loaded into this test's transaction, with lookups by key."""
    from onestop.seed.org import load_province

    return DemoOrg(load_province(password_hash=_cached_hash()))


_HASH: list[str] = []


def _cached_hash() -> str:
    """Hash the demo password once per process; Argon2 is slow on purpose."""
    from onestop.domain.org.passwords import hash_password

    if not _HASH:
        _HASH.append(hash_password("demo-2026-onestop"))
    return _HASH[0]


class DemoOrg:
    """Lookups into the demo province: agencies by key, users by username, positions by key."""

    password = "demo-2026-onestop"

    def __init__(self, loaded: dict):
        self.agencies = loaded["agencies"]

    def agency(self, key: str):
        return self.agencies[key]

    def user(self, username: str):
        from sqlalchemy import select

        from onestop.domain.org.models import User

        return _db.session.scalar(select(User).where(User.username == username))

    def position(self, agency_key: str, key: str):
        from sqlalchemy import select

        from onestop.domain.org.models import Position

        return _db.session.scalar(
            select(Position).where(
                Position.agency_id == self.agencies[agency_key].id, Position.key == key
            )
        )

    def unit(self, agency_key: str, key: str):
        return next(u for u in self.agencies[agency_key].units if u.key == key)


@pytest.fixture
def frozen_clock():
    """Freeze the domain clock: `frozen_clock(datetime(..., tzinfo=UTC))`."""

    def freeze(instant: datetime):
        clock.freeze(instant)
        return instant

    yield freeze
    clock.freeze(None)


def login(client, username: str, password: str = "demo-2026-onestop"):
    """Log a test client in through the real login form."""
    response = client.post("/dang-nhap", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture
def login_as(client):
    return lambda username, password="demo-2026-onestop": login(client, username, password)
