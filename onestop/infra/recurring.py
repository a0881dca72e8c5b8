"""Recurring jobs on rq's scheduler: each run is named after its time slot and re-arms the next.

Naming a run after its slot (`<prefix>-<epoch minute>`) means arming twice for one slot (two app
processes starting, a retry) schedules one run.
"""

from __future__ import annotations

import time
from datetime import timedelta

# (job path, job-id prefix, minutes between runs); armed when a server or worker starts.
RECURRING: list[tuple[str, str, int]] = [
    ("onestop.jobs.deadline_warnings", "onestop-deadline-warnings", 15),
    ("onestop.jobs.recover_documents", "onestop-document-recovery", 5),
]


def next_slot(prefix: str, every_minutes: int, now: float | None = None) -> tuple[str, timedelta]:
    """The job id and delay of the next run on the `every_minutes` grid."""
    if every_minutes <= 0:
        raise ValueError("every_minutes must be positive")
    now = time.time() if now is None else now
    period = every_minutes * 60
    at = (int(now) // period + 1) * period
    return f"{prefix}-{at // 60}", timedelta(seconds=max(at - now, 1))


def arm(jobs, path: str, prefix: str, every_minutes: int):
    """Schedule the next run now (outside a transaction); returns the rq job."""
    job_id, delay = next_slot(prefix, every_minutes)
    return jobs.enqueue(path, every_minutes, delay=delay, job_id=job_id, retries=0)


def rearm(path: str, prefix: str, every_minutes: int) -> None:
    """Queue the next run once the current transaction commits (called by the job itself)."""
    from onestop.services import queue

    job_id, delay = next_slot(prefix, every_minutes)
    queue().defer(path, every_minutes, delay=delay, job_id=job_id, retries=0)


def arm_recurring_jobs(jobs) -> None:
    """Arm every recurring job (server and worker start-up)."""
    for path, prefix, every in RECURRING:
        arm(jobs, path, prefix, every)
