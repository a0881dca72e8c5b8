"""Official numbers under concurrency: threads numbering at once on a real database get 1..N."""

from __future__ import annotations

import os
import threading
import uuid

import pytest
from sqlalchemy import create_engine, text

from onestop.domain.documents.numbering import next_number
from onestop.domain.org.models import Agency
from onestop.extensions import db
from tests.conftest import make_test_app

pytestmark = pytest.mark.no_db_isolation
THREADS, EACH = 6, 5


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """An app on its own fresh database whose threads commit for real."""
    base = os.environ.get("ONESTOP_TEST_DATABASE_URL")
    name = None
    if base:
        name = f"onestop_num_{uuid.uuid4().hex[:8]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
        admin.dispose()
        url = base.rsplit("/", 1)[0] + "/" + name
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('numbers') / 'numbers.db'}"
    app = make_test_app(tmp_path_factory, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.create_all()
        db.session.add(Agency(key="UBND-TINH", eid="H99", name="UBND tỉnh", level="province"))
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if name:
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def test_concurrent_numbering_has_no_gaps_or_duplicates(live):
    """Do threads racing for the first number of a new series still get 1..N exactly once?"""
    barrier = threading.Barrier(THREADS)
    taken: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work():
        with live.app_context():
            try:
                agency_id = db.session.scalar(db.select(Agency.id))
                db.session.rollback()  # hold no lock while waiting for the others
                barrier.wait()
                for _ in range(EACH):
                    number = next_number(agency_id, "QĐ-UBND", 2026)
                    db.session.commit()
                    with lock:
                        taken.append(number)
            except BaseException as exc:  # noqa: BLE001 - reported below with the thread's numbers
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(taken) == list(range(1, THREADS * EACH + 1))
