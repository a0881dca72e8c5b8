"""The embedded queue: jobs wait for the commit; delayed jobs run from the in-process scheduler."""

import time
from datetime import timedelta
from pathlib import Path

import pytest

from onestop.infra.queue import start_embedded_worker
from onestop.services import queue
from tests.conftest import make_test_app

MARKS: list[str] = []


def mark(path: str, text: str) -> None:
    """A job that leaves a trace in a file."""
    Path(path).write_text(text)


def test_deferred_job_is_enqueued_only_after_commit(db, app):
    jobs = queue()
    jobs.defer("tests.unit.infra.test_queue.mark", "/dev/null", "x")
    assert jobs.queue.count == 0
    db.session.commit()
    assert jobs.queue.count == 1


def test_deferred_job_is_dropped_on_rollback(db, app):
    jobs = queue()
    jobs.defer("tests.unit.infra.test_queue.mark", "/dev/null", "x")
    db.session.rollback()
    db.session.commit()
    assert jobs.queue.count == 0


@pytest.mark.no_db_isolation
def test_embedded_worker_runs_delayed_jobs_in_this_process(tmp_path_factory, tmp_path):
    fresh = make_test_app(tmp_path_factory, REDIS_URL=None)
    with fresh.app_context():
        start_embedded_worker(fresh)
        target = tmp_path / "ran"
        fresh.extensions["onestop.queue"].enqueue(
            "tests.unit.infra.test_queue.mark", str(target), "later", delay=timedelta(seconds=1)
        )
        deadline = time.monotonic() + 20
        while not target.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert target.read_text() == "later"
