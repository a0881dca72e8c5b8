"""Applicants get an e-mail (over real SMTP) and an SMS on each status change of their dossier."""

from __future__ import annotations

import logging
import socket
from datetime import timedelta

import pytest
from sqlalchemy import select

from onestop.domain.dossiers import lifecycle
from onestop.domain.notifications.models import Notification
from onestop.domain.notifications.operations import MAX_ATTEMPTS, SEND_JOB, deliver
from onestop.extensions import db
from tests.unit.domain.dossiers.dossier_support import (
    KHAI_SINH,
    KHAI_SINH_FORM,
    T0,
    khai_sinh_parts,
    publish_file,
)

H = timedelta(hours=1)


@pytest.fixture
def submitted(demo_org):
    version = publish_file(KHAI_SINH)
    return lifecycle.submit_online(
        demo_org.user("001090001234"),
        version,
        KHAI_SINH_FORM,
        khai_sinh_parts(),
        "n1",
        agency_id=demo_org.agency("XA-AN-BINH").id,
        at=T0,
    )


def notifications(dossier, event=None):
    query = select(Notification).where(Notification.dossier_id == dossier.id)
    if event:
        query = query.where(Notification.event == event)
    return db.session.scalars(query.order_by(Notification.id)).all()


def test_each_status_change_queues_an_email_and_an_sms(submitted, demo_org):
    lifecycle.receive(submitted, demo_org.user("motcua.anbinh"), T0 + H)
    email, sms = notifications(submitted, "received")
    assert (email.channel, email.recipient) == ("email", "binh@example.vn")
    assert (sms.channel, sms.recipient) == ("sms", "0912345678")
    assert submitted.code in email.subject and "17:00 02/12/2026" in email.body
    assert f"/cong-dan/ho-so/{submitted.id}" in email.body
    assert email.state == sms.state == "pending"
    lifecycle.withdraw(submitted, submitted.applicant, "Nộp nhầm", T0 + 2 * H)
    (withdrawn_email, _sms) = notifications(submitted, "withdrawn")
    assert "Nộp nhầm" in withdrawn_email.body


def test_sending_is_deferred_until_the_commit(app, submitted):
    from onestop.infra import queue as queue_module

    pending = db.session().info.get(queue_module._PENDING_KEY, [])
    ids = {n.id for n in notifications(submitted)}
    assert {args[0] for func, args, _kw in pending if func == SEND_JOB} == ids


def test_no_email_address_means_sms_only(submitted, demo_org):
    submitted.applicant_email = None
    lifecycle.receive(submitted, demo_org.user("motcua.anbinh"), T0 + H)
    assert [n.channel for n in notifications(submitted, "received")] == ["sms"]


def test_outbox_backend_keeps_the_message(app, submitted, monkeypatch):
    monkeypatch.setitem(app.config, "ONESTOP_MAIL_BACKEND", "outbox")
    email = notifications(submitted, "submitted")[0]
    assert deliver(email.id) == "sent"
    assert email.backend == "outbox" and email.attempts == 1 and email.sent_at is not None
    assert deliver(email.id) == "skipped" and email.attempts == 1


def test_sms_goes_to_the_log_by_default(submitted, caplog):
    sms = notifications(submitted, "submitted")[1]
    with caplog.at_level(logging.INFO, logger="onestop.notifications"):
        assert deliver(sms.id) == "sent"
    assert "0912345678" in caplog.text and sms.backend == "log"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 collecting what it receives."""
    from aiosmtpd.controller import Controller

    class Collect:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            self.messages.append(envelope)
            return "250 OK"

    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler.messages
    controller.stop()


def test_email_over_smtp(app, submitted, smtp_server, monkeypatch):
    controller, received = smtp_server
    monkeypatch.setitem(app.config, "ONESTOP_MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "ONESTOP_SMTP_PORT", controller.port)
    email = notifications(submitted, "submitted")[0]
    assert deliver(email.id) == "sent"
    assert email.backend == "smtp"
    (envelope,) = received
    assert envelope.rcpt_tos == ["binh@example.vn"]
    text = envelope.content.decode()
    assert "Subject:" in text and "binh@example.vn" in text


def test_a_failed_send_is_recorded_and_retried_then_given_up(app, submitted, monkeypatch):
    from onestop.infra import queue as queue_module

    monkeypatch.setitem(app.config, "ONESTOP_MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "ONESTOP_SMTP_PORT", free_port())  # nobody listens
    email = notifications(submitted, "submitted")[0]
    db.session().info.pop(queue_module._PENDING_KEY, None)
    assert deliver(email.id) == "pending"
    assert email.attempts == 1 and "ConnectionRefusedError" in email.error
    retries = [c for c in db.session().info.get(queue_module._PENDING_KEY, []) if c[0] == SEND_JOB]
    assert (
        retries and retries[0][1] == (email.id,) and retries[0][2]["delay"] == timedelta(minutes=2)
    )
    for _ in range(MAX_ATTEMPTS - 1):
        deliver(email.id)
    assert email.state == "failed" and email.attempts == MAX_ATTEMPTS
