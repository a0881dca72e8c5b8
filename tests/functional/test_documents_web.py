"""Officers see failed documents and retry them; applicants download results from their store."""

from __future__ import annotations

import pytest

from onestop.domain.documents.jobs import run_render
from onestop.domain.documents.operations import issue_paper, issue_result
from onestop.extensions import db
from tests.unit.domain.documents.conftest import (  # noqa: F401 - fixtures shared with unit tests
    authorisation,
    fake_signer,
    make_dossier,
)


@pytest.fixture
def failed_receipt(make_dossier, demo_org):  # noqa: F811
    document = issue_paper(make_dossier(), "receipt", demo_org.user("motcua.tinh"))
    document.state, document.error, document.attempts = "failed", "OSError: disk full", 3
    db.session.flush()
    return document


def test_an_officer_sees_the_error_and_retries(client, login_as, failed_receipt):
    login_as("motcua.tinh")
    page = client.get("/can-bo/van-ban")
    assert "OSError: disk full" in page.get_data(as_text=True)
    response = client.post(f"/can-bo/van-ban/{failed_receipt.id}/thu-lai")
    assert response.status_code == 302
    db.session.refresh(failed_receipt)
    assert failed_receipt.state == "pending" and failed_receipt.error is None
    progress = client.get(f"/api/v1/documents/{failed_receipt.id}").get_json()
    assert progress["state"] == "pending" and progress["download"] is None


def test_the_applicant_downloads_a_result_from_the_store(
    client,
    login_as,
    make_dossier,  # noqa: F811 - pytest fixture imported above
    authorisation,  # noqa: F811
    fake_signer,  # noqa: F811
):
    from onestop.domain.org.models import User

    dossier = make_dossier()
    citizen = User(
        username="cong.dan",
        kind="citizen",
        full_name="Trần Thị Ánh Tuyết",
        password_hash=db.session.get(User, dossier.applicant_id).password_hash,
    )
    db.session.add(citizen)
    db.session.flush()
    dossier.applicant_id = citizen.id
    document = issue_result(dossier, authorisation)
    run_render(document.id)
    login_as("cong.dan")
    store = client.get("/cong-dan/kho-du-lieu").get_data(as_text=True)
    assert document.symbol in store
    pdf = client.get(f"/van-ban/{document.id}/tai-ve")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    progress = client.get(f"/api/v1/documents/{document.id}").get_json()
    assert progress["state"] == "signed" and progress["error"] is None


def test_another_citizen_cannot_see_the_document(client, login_as, failed_receipt):
    from onestop.domain.org.models import User

    db.session.add(
        User(
            username="nguoi.khac",
            kind="citizen",
            full_name="Người khác",
            password_hash=failed_receipt.signer.password_hash,
        )
    )
    db.session.flush()
    login_as("nguoi.khac")
    assert client.get(f"/api/v1/documents/{failed_receipt.id}").status_code == 404
