"""The recurring deadline-warning job (see onestop.infra.recurring); each run re-arms the next.

A duplicate run does no harm either: each warning is unique in the database.
"""

from __future__ import annotations

from onestop.infra import recurring

JOB_PATH = "onestop.jobs.deadline_warnings"
JOB_PREFIX = "onestop-deadline-warnings"
DEFAULT_EVERY_MINUTES = 15


def schedule_deadline_warnings(jobs, every_minutes: int = DEFAULT_EVERY_MINUTES):
    """Arm the recurring job for the next slot now (outside a transaction); returns the rq job."""
    return recurring.arm(jobs, JOB_PATH, JOB_PREFIX, every_minutes)


def rearm(every_minutes: int) -> None:
    """Queue the next run once the current transaction commits (called by the job itself)."""
    recurring.rearm(JOB_PATH, JOB_PREFIX, every_minutes)
