"""Queue notifications for a dossier event and deliver one notification (with retries)."""

from __future__ import annotations

from datetime import timedelta

from onestop.extensions import db
from onestop.infra import clock

from . import messages
from .models import Notification
from .senders import sender_for

SEND_JOB = "onestop.jobs.send_notification"
MAX_ATTEMPTS = 3


def notify(event: str, dossier) -> list[Notification]:
    """Add an e-mail and an SMS for the applicant (where known); they are sent after the commit."""
    from onestop.services import queue

    created = []
    if dossier.applicant_email:
        subject, body = messages.email(event, dossier)
        created.append(
            Notification(
                channel="email", recipient=dossier.applicant_email, subject=subject, body=body
            )
        )
    if dossier.applicant_phone:
        text = messages.sms(event, dossier)
        created.append(
            Notification(
                channel="sms", recipient=dossier.applicant_phone, subject=text[:255], body=text
            )
        )
    for notification in created:
        notification.dossier_id = dossier.id
        notification.user_id = dossier.applicant_id
        notification.event = event
        notification.created_at = clock.now()
        db.session.add(notification)
    db.session.flush()
    for notification in created:
        queue().defer(SEND_JOB, notification.id)
    return created


def deliver(notification_id: int) -> str:
    """Send one notification; a failure is recorded and retried later, up to MAX_ATTEMPTS."""
    from onestop.services import queue

    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.state == "sent":
        return "skipped"
    notification.attempts += 1
    try:
        notification.backend = sender_for(notification.channel)(notification)
    except Exception as exc:  # noqa: BLE001 - any transport error is recorded, never lost
        notification.error = f"{type(exc).__name__}: {exc}"[:2000]
        if notification.attempts >= MAX_ATTEMPTS:
            notification.state = "failed"
        else:
            queue().defer(
                SEND_JOB, notification.id, delay=timedelta(minutes=2 * notification.attempts)
            )
        db.session.flush()
        return notification.state
    notification.state, notification.sent_at, notification.error = "sent", clock.now(), None
    db.session.flush()
    return "sent"
