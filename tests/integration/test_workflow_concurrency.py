"""Concurrency on a real database (SQLite by default, PostgreSQL with ONESTOP_TEST_DATABASE_URL):
two officers on one task, simultaneous receipts, a repeated submission."""

from __future__ import annotations

import os
import threading
import uuid
from datetime import timedelta

import pytest
from dossier_support import KHAI_SINH, KHAI_SINH_FORM, T0, khai_sinh_parts
from sqlalchemy import create_engine, select, text

from onestop.domain import Conflict
from onestop.extensions import db

pytestmark = pytest.mark.no_db_isolation
H = timedelta(hours=1)
THREADS = 8


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A separate app on its own fresh database, whose threads commit for real."""
    from tests_support_app import make_app

    from onestop.seed.org import load_province

    url = os.environ.get("ONESTOP_TEST_DATABASE_URL")
    name = None
    if url:
        name = f"onestop_wf_{uuid.uuid4().hex[:8]}"
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
        admin.dispose()
        url = url.rsplit("/", 1)[0] + "/" + name
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.db'}"
    app = make_app(tmp_path_factory, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.create_all()
        load_province(password_hash="x")
        from onestop.domain.procedures.publish import publish
        from onestop.domain.workflow.definition import load_path

        publish(load_path(KHAI_SINH))
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if name:
        admin = create_engine(os.environ["ONESTOP_TEST_DATABASE_URL"], isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def user(username):
    from onestop.domain.org.models import User

    return db.session.scalar(select(User).where(User.username == username))


def new_dossier(key: str, agency="XA-AN-BINH"):
    from onestop.domain.dossiers import lifecycle
    from onestop.domain.org.models import Agency
    from onestop.domain.procedures.models import Procedure

    version = db.session.scalar(
        select(Procedure).where(Procedure.code == "1.001193")
    ).current_version
    agency_id = db.session.scalar(select(Agency.id).where(Agency.key == agency))
    return lifecycle.submit_online(
        user("001090001234"),
        version,
        KHAI_SINH_FORM,
        khai_sinh_parts(),
        key,
        agency_id=agency_id,
        at=T0,
    )


def run_together(app, work, count=THREADS):
    """Run `work(i)` in `count` threads released at once; returns results or exceptions."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def target(i):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[i] = work(i)
                db.session.commit()
            except Exception as exc:  # collected and asserted on by the test
                db.session.rollback()
                results[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_two_officers_acting_on_one_task_exactly_one_wins(live):
    """When several officers submit the same task at once, does exactly one succeed with 409s
    for the others?"""
    from onestop.domain.dossiers import lifecycle
    from onestop.domain.workflow.runtime import open_tasks

    with live.app_context():
        dossier = new_dossier(f"race-{uuid.uuid4().hex[:6]}")
        lifecycle.receive(dossier, user("motcua.anbinh"), T0 + H)
        task = open_tasks(dossier)[0]
        task.assignee_id = None
        db.session.commit()
        task_id, dossier_id = task.id, dossier.id

    def work(i):
        from onestop.domain.workflow import runtime
        from onestop.domain.workflow.models import Task

        return runtime.act(
            db.session.get(Task, task_id),
            user("motcua.anbinh"),
            "submit",
            comment=f"officer {i}",
            at=T0 + 2 * H,
        ).id

    results = run_together(live, work)
    wins = [r for r in results if isinstance(r, int)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(wins) == 1 and len(conflicts) == THREADS - 1, results
    assert conflicts[0].status == 409 and "already completed" in conflicts[0].message
    with live.app_context():
        from onestop.domain.workflow.models import Task, Transition

        assert (
            db.session.scalar(
                select(Task.step_id).where(Task.dossier_id == dossier_id, Task.state == "open")
            )
            == "appraise"
        )
        moves = db.session.scalars(
            select(Transition).where(Transition.dossier_id == dossier_id)
        ).all()
        assert len(moves) == 1


def test_simultaneous_receipts_never_share_a_code(live):
    """Do dossiers received at the same instant at one agency get distinct consecutive codes?"""
    from onestop.domain.dossiers import lifecycle
    from onestop.domain.dossiers.models import Dossier

    with live.app_context():
        ids = [new_dossier(f"codes-{uuid.uuid4().hex[:6]}-{i}").id for i in range(THREADS)]
        db.session.commit()

    def work(i):
        dossier = db.session.get(Dossier, ids[i])
        return lifecycle.receive(dossier, user("motcua.anbinh"), T0 + 3 * H).code

    codes = run_together(live, work)
    assert all(isinstance(c, str) for c in codes), codes
    assert len(set(codes)) == THREADS
    numbers = sorted(int(c.rsplit("-", 1)[1]) for c in codes)
    assert numbers == list(range(numbers[0], numbers[0] + THREADS))


def test_a_repeated_submission_with_one_key_creates_one_dossier(live):
    """Do simultaneous submissions with the same idempotency key create a single dossier?"""
    key = f"same-{uuid.uuid4().hex[:6]}"
    results = run_together(live, lambda i: new_dossier(key).id, count=4)
    assert all(isinstance(r, int) for r in results), results
    assert len(set(results)) == 1


def test_receiving_one_dossier_twice_at_once_gives_one_code_and_a_conflict(live):
    """When two desk officers receive the same dossier at once, does one get a 409?"""
    from onestop.domain.dossiers import lifecycle
    from onestop.domain.dossiers.models import Dossier

    with live.app_context():
        dossier_id = new_dossier(f"twice-{uuid.uuid4().hex[:6]}").id
        db.session.commit()

    def work(i):
        dossier = db.session.get(Dossier, dossier_id)
        return lifecycle.receive(dossier, user("motcua.anbinh"), T0 + 4 * H).code

    results = run_together(live, work, count=4)
    codes = [r for r in results if isinstance(r, str)]
    assert len(codes) == 1, results
    assert all(isinstance(r, Conflict) for r in results if not isinstance(r, str)), results
