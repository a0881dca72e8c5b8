"""Pluggable senders chosen by name: e-mail over SMTP or kept in the outbox; SMS to the log."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app

log = logging.getLogger("onestop.notifications")


def smtp_email(notification) -> str:
    """Send one e-mail through the configured SMTP server."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["ONESTOP_MAIL_FROM"]
    message["To"] = notification.recipient
    message["Subject"] = notification.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="onestop.local")
    message.set_content(notification.body)
    with smtplib.SMTP(config["ONESTOP_SMTP_HOST"], config["ONESTOP_SMTP_PORT"], timeout=10) as smtp:
        smtp.send_message(message)
    return "smtp"


def outbox(notification) -> str:
    """Keep the message in the database only (development, demos)."""
    return "outbox"


def log_sms(notification) -> str:
    """Write the SMS to the log instead of a carrier gateway."""
    log.info("SMS to %s: %s", notification.recipient, notification.body)
    return "log"


EMAIL_SENDERS = {"smtp": smtp_email, "outbox": outbox}
SMS_SENDERS = {"log": log_sms, "outbox": outbox}


def sender_for(channel: str):
    """The sender function configured for a channel."""
    config = current_app.config
    if channel == "email":
        return EMAIL_SENDERS[config["ONESTOP_MAIL_BACKEND"]]
    return SMS_SENDERS[config.get("ONESTOP_SMS_BACKEND", "log")]
