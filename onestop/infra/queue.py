"""Background jobs on rq: real Redis in production, otherwise an in-process stand-in and threads.

Jobs are enqueued only after the surrounding transaction commits (`after_commit`), so a worker never
sees an id that is not in the database yet, and a rolled-back request enqueues nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from flask import Flask, current_app
from redis import Redis
from rq import Queue, Retry, SimpleWorker
from rq.scheduler import RQScheduler
from rq.timeouts import TimerDeathPenalty
from sqlalchemy import event

from onestop.extensions import db

log = logging.getLogger(__name__)
QUEUE_NAME = "onestop"
_PENDING_KEY = "onestop_pending_jobs"


class JobQueue:
    """Enqueue jobs by dotted path with retries; `defer` waits for the commit."""

    def __init__(self, connection: Redis, *, embedded: bool):
        self.connection = connection
        self.embedded = embedded
        self.queue = Queue(QUEUE_NAME, connection=connection)

    def enqueue(
        self,
        func: str,
        *args,
        retries: int = 3,
        delay: timedelta | None = None,
        job_id: str | None = None,
        **kwargs,
    ):
        """Enqueue now (use `defer` inside a transaction)."""
        retry = Retry(max=retries, interval=[5, 30, 120][:retries]) if retries else None
        if delay:
            return self.queue.enqueue_in(delay, func, *args, retry=retry, job_id=job_id, **kwargs)
        return self.queue.enqueue(func, *args, retry=retry, job_id=job_id, **kwargs)

    def defer(self, func: str, *args, **kwargs) -> None:
        """Enqueue once the current database transaction commits; dropped on rollback."""
        session = db.session()
        session.connection()  # a transaction must exist for its commit or rollback to decide
        session.info.setdefault(_PENDING_KEY, []).append((func, args, kwargs))


def _after_commit(session):
    pending = session.info.pop(_PENDING_KEY, None)
    if not pending:
        return
    jobs = current_app.extensions["onestop.queue"]
    for func, args, kwargs in pending:
        jobs.enqueue(func, *args, **kwargs)


def _after_rollback(session):
    session.info.pop(_PENDING_KEY, None)


class ThreadWorker(SimpleWorker):
    """A worker that can run outside the main thread (signals belong to the main thread)."""

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self):
        pass


def init_queue(app: Flask) -> JobQueue:
    """Connect the queue named by REDIS_URL, or start the embedded stand-in and its worker."""
    url = app.config.get("REDIS_URL")
    if url:
        jobs = JobQueue(Redis.from_url(url), embedded=False)
    else:
        import fakeredis

        server = fakeredis.FakeServer()
        jobs = JobQueue(fakeredis.FakeRedis(server=server), embedded=True)
    app.extensions["onestop.queue"] = jobs
    from sqlalchemy.orm import Session

    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", lambda s, t: _after_rollback(s))
    return jobs


def start_embedded_worker(app: Flask) -> threading.Thread | None:
    """Work the embedded queue in daemon threads inside this process: a worker and a scheduler.

    rq's own scheduler forks a process, which would see a copy of the in-process Redis stand-in
    and never the jobs queued after the fork; here it runs as a thread over the same data.
    """
    jobs: JobQueue = app.extensions["onestop.queue"]
    if not jobs.embedded:
        return None
    from onestop.jobs import set_worker_app

    set_worker_app(app)
    worker = ThreadWorker([jobs.queue], connection=jobs.connection)
    scheduler = RQScheduler([jobs.queue], connection=jobs.connection, logging_level="WARNING")

    def schedule():
        while True:
            if not scheduler.acquired_locks:
                scheduler.acquire_locks()
            scheduler.enqueue_scheduled_jobs()
            time.sleep(1)

    threading.Thread(target=schedule, name="onestop-scheduler", daemon=True).start()
    thread = threading.Thread(
        target=lambda: worker.work(logging_level="WARNING"), name="onestop-worker", daemon=True
    )
    thread.start()
    return thread


def drain(app: Flask, max_jobs: int | None = None) -> int:
    """Run every queued job now, in this thread (tests and `onestop jobs run`); returns how many."""
    jobs: JobQueue = app.extensions["onestop.queue"]
    from onestop.jobs import set_worker_app

    set_worker_app(app)
    worker = ThreadWorker([jobs.queue], connection=jobs.connection)
    before = worker.successful_job_count + worker.failed_job_count
    worker.work(burst=True, max_jobs=max_jobs, logging_level="WARNING")
    return worker.successful_job_count + worker.failed_job_count - before
