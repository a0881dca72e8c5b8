"""Issuing papers and results: idempotent, numbered without gaps, queued after the commit."""

from __future__ import annotations

import pytest

from onestop.domain import Conflict, DomainError
from onestop.domain.documents.models import Document, ImmutableDocument
from onestop.domain.documents.operations import (
    issue_paper,
    issue_result,
    recover_stuck_documents,
    retry_document,
)
from onestop.extensions import db


def test_issuing_the_same_paper_twice_returns_the_first(make_dossier, demo_org):
    """Does a repeated 'received' event yield one receipt, not two?"""
    dossier = make_dossier()
    officer = demo_org.user("motcua.tinh")
    first = issue_paper(dossier, "receipt", officer)
    second = issue_paper(dossier, "receipt", officer)
    assert first.id == second.id
    assert first.state == "pending"
    assert first.number is None
    assert first.context["dossier"]["code"] == dossier.code
    assert first.context["signature"]["signer_title"] == "Công chức tiếp nhận"
    assert first.context["date_line"].startswith("Hòa Bình Demo, ngày 03 tháng 12 năm 2026")


def test_an_unknown_paper_kind_names_the_field(make_dossier, demo_org):
    with pytest.raises(DomainError) as error:
        issue_paper(make_dossier(), "passport", demo_org.user("motcua.tinh"))
    assert error.value.field == "kind"


def test_results_are_numbered_in_sequence_per_series(make_dossier, authorisation):
    """Do results of one agency and series get 1, 2, 3 and a separate series start again at 1?"""
    numbers = [issue_result(make_dossier(), authorisation).symbol for _ in range(3)]
    assert numbers == ["1/QĐ-UBND", "2/QĐ-UBND", "3/QĐ-UBND"]
    other = issue_result(make_dossier(series="GP-UBND", template="giay-phep"), authorisation)
    assert other.symbol == "1/GP-UBND"


def test_a_result_carries_the_signature_block_and_the_principal(make_dossier, authorisation):
    document = issue_result(make_dossier(), authorisation)
    assert document.form_line == "TM. ỦY BAN NHÂN DÂN"
    assert document.signer_title == "CHỦ TỊCH"
    assert document.signer_key == "user-chutich.tinh"
    assert document.organisation_key == "org-ubnd-tinh"
    assert document.principal_position_id == authorisation.principal_position.id
    assert issue_result(document.dossier, authorisation).id == document.id


def test_a_rolled_back_issue_gives_its_number_back(make_dossier, authorisation):
    """Is the number taken inside the transaction, so that a rollback leaves no gap?"""
    dossier = make_dossier()
    savepoint = db.session.begin_nested()
    issue_result(dossier, authorisation)
    savepoint.rollback()
    assert issue_result(make_dossier(), authorisation).symbol == "1/QĐ-UBND"


def test_the_render_job_is_deferred_until_commit(make_dossier, demo_org, app):
    issue_paper(make_dossier(), "receipt", demo_org.user("motcua.tinh"))
    pending = db.session.info.get("onestop_pending_jobs")
    assert pending and pending[-1][0] == "onestop.jobs.render_document"
    assert app.extensions["onestop.queue"].queue.count == 0


def test_retry_refuses_signed_documents_and_requeues_failed_ones(make_dossier, demo_org):
    officer = demo_org.user("motcua.tinh")
    document = issue_paper(make_dossier(), "receipt", officer)
    document.state = "failed"
    document.error = "OSError: disk full"
    retry_document(document, officer)
    assert (document.state, document.error) == ("pending", None)
    document.state = "rendering"
    with pytest.raises(Conflict):
        retry_document(document, officer)


def test_documents_stuck_in_rendering_are_requeued(make_dossier, demo_org, frozen_clock):
    from datetime import UTC, datetime, timedelta

    now = frozen_clock(datetime(2026, 12, 3, 3, 0, tzinfo=UTC))
    document = issue_paper(make_dossier(), "receipt", demo_org.user("motcua.tinh"))
    document.state = "rendering"
    document.render_started_at = now - timedelta(minutes=30)
    document.updated_at = now
    fresh = issue_paper(make_dossier(), "receipt", demo_org.user("motcua.tinh"))
    fresh.state = "rendering"
    fresh.render_started_at = now - timedelta(minutes=2)
    fresh.updated_at = now
    db.session.flush()
    assert recover_stuck_documents(10, now=now) == [document.id]
    assert document.state == "pending" and fresh.state == "rendering"


def test_a_signed_document_cannot_change(make_dossier, demo_org):
    from onestop.domain.documents.pipeline import finish

    document = issue_paper(make_dossier(), "receipt", demo_org.user("motcua.tinh"))
    from onestop.infra import clock

    document.signed_at = clock.now()
    finish(document, b"%PDF-1.7 signed bytes")
    document.title = "Giấy khác"
    with pytest.raises(ImmutableDocument):
        db.session.flush()
    db.session.rollback()


def test_the_database_refuses_a_signed_document_without_a_file(make_dossier, demo_org):
    from sqlalchemy.exc import IntegrityError

    document = issue_paper(make_dossier(), "receipt", demo_org.user("motcua.tinh"))
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(
            Document.__table__.update().where(Document.id == document.id).values(state="signed")
        )
