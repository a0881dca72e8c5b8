"""The recurring deadline-warning job on rq's scheduler, re-armed by each run.

Each run is named after its time slot (`onestop-deadline-warnings-<epoch minute>`), so arming twice
for the same slot (two app processes starting, a retry) schedules one run; and a duplicate run would
do no harm anyway, because each warning is unique in the database.
"""

from __future__ import annotations

import time
from datetime import timedelta

JOB_PATH = "onestop.jobs.deadline_warnings"
JOB_PREFIX = "onestop-deadline-warnings"
DEFAULT_EVERY_MINUTES = 15


def next_slot(every_minutes: int, now: float | None = None) -> tuple[str, timedelta]:
    """The job id and delay of the next run on the `every_minutes` grid."""
    if every_minutes <= 0:
        raise ValueError("every_minutes must be positive")
    now = time.time() if now is None else now
    period = every_minutes * 60
    at = (int(now) // period + 1) * period
    return f"{JOB_PREFIX}-{at // 60}", timedelta(seconds=max(at - now, 1))


def schedule_deadline_warnings(jobs, every_minutes: int = DEFAULT_EVERY_MINUTES):
    """Arm the recurring job for the next slot now (outside a transaction); returns the rq job."""
    job_id, delay = next_slot(every_minutes)
    return jobs.enqueue(JOB_PATH, every_minutes, delay=delay, job_id=job_id, retries=0)


def rearm(every_minutes: int) -> None:
    """Queue the next run once the current transaction commits (called by the job itself)."""
    from onestop.services import queue

    job_id, delay = next_slot(every_minutes)
    queue().defer(JOB_PATH, every_minutes, delay=delay, job_id=job_id, retries=0)
