"""Background job entry points: each takes ids, opens an app context, and commits once.

rq imports these by dotted path (`onestop.jobs.<name>`). Domain packages register their job
functions here as thin wrappers so that the worker needs to know only this module.
"""

from __future__ import annotations

import functools

from flask import Flask

_app: Flask | None = None


def set_worker_app(app: Flask) -> None:
    """Tell jobs which app to run in (the embedded worker thread and tests share one)."""
    global _app
    _app = app


def _worker_app() -> Flask:
    global _app
    if _app is None:
        from onestop import create_app

        _app = create_app()
    return _app


def job(func):
    """Run `func` inside an app context and commit once; roll back and re-raise on failure."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from onestop.extensions import db

        with _worker_app().app_context():
            try:
                result = func(*args, **kwargs)
                db.session.commit()
                return result
            except Exception:
                db.session.rollback()
                raise
            finally:
                db.session.remove()

    return wrapper


@job
def render_document(document_id: int) -> str:
    """Render and sign one paper or result (idempotent; failures are recorded, then retried)."""
    from onestop.domain.documents.jobs import run_render

    return run_render(document_id)


@job
def recover_documents(every_minutes: int | None = None) -> list[int]:
    """Scheduled: re-queue documents stuck in rendering or pending; re-arm when recurring."""
    from onestop.domain.documents.jobs import run_recovery

    return run_recovery(every_minutes)


@job
def deadline_warnings(every_minutes: int | None = None):
    """Scheduled: raise due-soon, overdue and apology-due warnings once each; re-arm."""
    from onestop.domain.calendar.deadline_warnings import raise_deadline_warnings
    from onestop.domain.calendar.schedule import rearm

    raised = len(raise_deadline_warnings())
    if every_minutes:
        rearm(every_minutes)
    return raised


@job
def refresh_statistics(*dossier_ids: int) -> int:
    """Rebuild the statistics facts of these dossiers (all dossiers when none is given)."""
    from onestop.domain.statistics.rebuild import refresh_all, refresh_dossiers

    return refresh_dossiers(dossier_ids) if dossier_ids else refresh_all()


@job
def send_notification(notification_id: int) -> str:
    """Send one e-mail or SMS to an applicant (failures recorded and retried)."""
    from onestop.domain.notifications.operations import deliver

    return deliver(notification_id)
