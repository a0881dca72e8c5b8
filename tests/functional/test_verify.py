"""The public verification page and API, through HTTP."""

from __future__ import annotations

from io import BytesIO

import pytest

from onestop.domain.documents.jobs import run_render
from onestop.domain.documents.operations import issue_result
from onestop.extensions import db
from onestop.services import storage
from tests.unit.domain.documents.conftest import (  # noqa: F401 - fixtures shared with the unit tests
    authorisation,
    make_dossier,
    pki_root,
    real_signer,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def signed_result(make_dossier, authorisation, real_signer):  # noqa: F811
    document = issue_result(make_dossier(), authorisation)
    run_render(document.id)
    db.session.refresh(document)
    return document, storage().get(document.blob_sha256)


def test_the_api_confirms_an_untouched_result(client, signed_result):
    document, pdf = signed_result
    response = client.post(
        "/api/v1/verify",
        data={"file": (BytesIO(pdf), "kq.pdf")},
        content_type="multipart/form-data",
    )
    body = response.get_json()
    assert response.status_code == 200
    assert body["ok"] and body["valid"] and body["trusted"] and body["unchanged"]
    assert body["document"]["dossier_code"] == document.dossier.code
    assert body["document"]["number"] == document.symbol
    assert body["document"]["signer_name"] == "Nguyễn Văn Hùng"
    assert body["problems"] == []


def test_the_api_explains_a_tampered_file(client, signed_result):
    _, pdf = signed_result
    tampered = bytearray(pdf)
    tampered[tampered.index(b"stream\n", 2000) + 20] ^= 0x01
    response = client.post("/api/v1/verify", data=bytes(tampered), content_type="application/pdf")
    body = response.get_json()
    assert not body["ok"] and not body["valid"]
    assert {p["code"] for p in body["problems"]} >= {"signature_broken", "differs_from_issued"}


def test_the_api_asks_for_a_file(client):
    response = client.post("/api/v1/verify")
    assert response.status_code == 400
    assert "file" in response.get_json()["errors"]


def test_the_qr_link_shows_the_document_and_the_page_checks_an_upload(client, signed_result):
    document, pdf = signed_result
    page = client.get(f"/verify/{document.verification_code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert document.dossier.code in html and "1/QĐ-UBND" in html
    assert client.get(f"/verify/{document.verification_code}/pdf").data == pdf
    result = client.post(
        "/verify", data={"file": (BytesIO(pdf), "kq.pdf")}, content_type="multipart/form-data"
    )
    assert "Hợp lệ." in result.get_data(as_text=True)
    assert client.get("/verify/AAAA-BBBB-CCCC").status_code == 404
