"""My dossiers: tracking, supplement, withdrawal, results, rating; nobody sees another's dossier."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from onestop.domain.documents.models import Document
from onestop.domain.documents.pipeline import finish
from onestop.domain.dossiers import lifecycle
from onestop.domain.workflow import runtime
from onestop.extensions import db
from onestop.infra import clock
from tests.unit.domain.dossiers.dossier_support import (
    KHAI_SINH,
    KHAI_SINH_FORM,
    PDF,
    T0,
    khai_sinh_parts,
    open_task,
    publish_file,
)

CITIZEN, OTHER = "001090001234", "001085005678"
H = timedelta(hours=1)


@pytest.fixture
def dossier(demo_org, frozen_clock):
    frozen_clock(T0)
    version = publish_file(KHAI_SINH)
    dossier = lifecycle.submit_online(
        demo_org.user(CITIZEN),
        version,
        KHAI_SINH_FORM,
        khai_sinh_parts(),
        "k1",
        agency_id=demo_org.agency("XA-AN-BINH").id,
        at=T0,
    )
    db.session.commit()  # inside the test's outer transaction: survives a request's rollback
    return dossier


@pytest.fixture
def received(dossier, demo_org):
    lifecycle.receive(dossier, demo_org.user("motcua.anbinh"), T0 + H)
    db.session.commit()
    return dossier


def sign(document: Document) -> Document:
    """Stand in for the render job: the document gets a signed PDF."""
    document.signed_at = clock.now()
    finish(document, PDF)
    db.session.commit()
    return document


def test_tracking_page_shows_code_due_date_step_and_timeline(client, login_as, received):
    login_as(CITIZEN)
    page = client.get(f"/cong-dan/ho-so/{received.id}").get_data(as_text=True)
    assert received.code in page and "Đã tiếp nhận" in page
    assert "17:00 02/12/2026" in page  # same-day procedure: due at the end of the day
    assert "Tiếp nhận và chuyển hồ sơ" in page and "Bộ phận Một cửa xã An Bình" in page
    assert "Nộp hồ sơ" in page and "Tiếp nhận hồ sơ" in page
    listing = client.get("/cong-dan/ho-so").get_data(as_text=True)
    assert received.code in listing and "17:00 02/12/2026" in listing


def test_the_receipt_can_be_downloaded_and_verified_once_signed(client, login_as, received):
    receipt = db.session.scalar(
        select(Document).where(Document.dossier_id == received.id, Document.kind == "receipt")
    )
    login_as(CITIZEN)
    assert "đang tạo và ký số" in client.get(f"/cong-dan/ho-so/{received.id}").get_data(
        as_text=True
    )
    sign(receipt)
    page = client.get(f"/cong-dan/ho-so/{received.id}").get_data(as_text=True)
    assert (
        f"/van-ban/{receipt.id}/tai-ve" in page and f"/verify/{receipt.verification_code}" in page
    )
    download = client.get(f"/van-ban/{receipt.id}/tai-ve")
    assert download.status_code == 200 and download.data == PDF


def test_supplement_round(client, login_as, received, demo_org):
    lifecycle.request_supplement(
        received,
        demo_org.user("motcua.anbinh"),
        "Giấy chứng sinh bị mờ",
        ["Giấy chứng sinh"],
        at=T0 + 2 * H,
    )
    db.session.commit()
    login_as(CITIZEN)
    page = client.get(f"/cong-dan/ho-so/{received.id}").get_data(as_text=True)
    assert "Giấy chứng sinh bị mờ" in page and 'id="supplement"' in page
    bad = client.post(
        f"/cong-dan/ho-so/{received.id}/bo-sung",
        content_type="multipart/form-data",
        data={"part_giay_chung_sinh": (io.BytesIO(b"plain text"), "x.pdf")},
    )
    assert bad.status_code == 400 and "không được chấp nhận" in bad.get_data(as_text=True)
    assert received.status == "supplement_requested"
    empty = client.post(f"/cong-dan/ho-so/{received.id}/bo-sung", data={})
    assert empty.status_code == 400 and "send the documents" in empty.get_data(as_text=True)
    clock.freeze(T0 + 3 * H)
    good = client.post(
        f"/cong-dan/ho-so/{received.id}/bo-sung",
        content_type="multipart/form-data",
        data={"part_giay_chung_sinh": (io.BytesIO(PDF), "chung-sinh-moi.pdf")},
    )
    assert good.status_code == 302
    db.session.refresh(received)
    assert received.status == "received"
    assert [p.filename for p in received.parts].count("chung-sinh-moi.pdf") == 1


def test_withdrawal_needs_a_reason(client, login_as, received):
    login_as(CITIZEN)
    response = client.post(f"/cong-dan/ho-so/{received.id}/rut", data={"reason": " "})
    assert response.status_code == 400 and "Nêu lý do" in response.get_data(as_text=True)
    assert received.status == "received"
    response = client.post(f"/cong-dan/ho-so/{received.id}/rut", data={"reason": "Nộp nhầm xã"})
    assert response.status_code == 302
    db.session.refresh(received)
    assert received.status == "withdrawn" and received.outcome_reason == "Nộp nhầm xã"


def test_an_unreceived_dossier_is_cancelled_on_withdrawal(client, login_as, dossier):
    login_as(CITIZEN)
    client.post(f"/cong-dan/ho-so/{dossier.id}/rut", data={"reason": "Không cần nữa"})
    db.session.refresh(dossier)
    assert dossier.status == "cancelled"


def walk_to_returned(dossier, demo_org):
    desk, clerk = demo_org.user("motcua.anbinh"), demo_org.user("hotich.anbinh")
    runtime.act(open_task(dossier, "receive"), desk, "submit", at=T0 + 2 * H)
    runtime.act(open_task(dossier, "appraise"), clerk, "submit", at=T0 + 3 * H)
    runtime.act(
        open_task(dossier, "decide"), demo_org.user("chutich.anbinh"), "approve", at=T0 + 4 * H
    )
    lifecycle.hand_over(dossier, desk, "electronic", T0 + 5 * H)
    db.session.commit()


def test_result_download_and_rating_once_returned(client, login_as, received, demo_org):
    login_as(CITIZEN)
    early = client.post(f"/cong-dan/ho-so/{received.id}/danh-gia", data={"stars": "5"})
    assert early.status_code == 400 and received.rating is None
    walk_to_returned(received, demo_org)
    result = db.session.scalar(
        select(Document).where(Document.dossier_id == received.id, Document.kind == "result")
    )
    sign(result)
    db.session.commit()
    page = client.get(f"/cong-dan/ho-so/{received.id}").get_data(as_text=True)
    assert "Đã trả kết quả" in page and f"/van-ban/{result.id}/tai-ve" in page
    assert f"/verify/{result.verification_code}" in page and 'id="rating"' in page
    assert (
        client.post(f"/cong-dan/ho-so/{received.id}/danh-gia", data={"stars": "9"}).status_code
        == 400
    )
    response = client.post(
        f"/cong-dan/ho-so/{received.id}/danh-gia", data={"stars": "4", "comment": "Nhanh, chu đáo"}
    )
    assert response.status_code == 302
    assert received.rating == 4 and received.rating_comment == "Nhanh, chu đáo"
    again = client.post(f"/cong-dan/ho-so/{received.id}/danh-gia", data={"stars": "1"})
    assert again.status_code == 409 and received.rating == 4


ROUTES = [
    ("get", "/cong-dan/ho-so/{id}", {}),
    ("post", "/cong-dan/ho-so/{id}/bo-sung", {"part_to_khai": (io.BytesIO(PDF), "a.pdf")}),
    ("post", "/cong-dan/ho-so/{id}/rut", {"reason": "thử"}),
    ("post", "/cong-dan/ho-so/{id}/danh-gia", {"stars": "1"}),
]


@pytest.mark.parametrize("method,path,data", ROUTES)
def test_another_citizen_gets_404_on_every_route(
    client, login_as, received, demo_org, method, path, data
):
    lifecycle.request_supplement(
        received, demo_org.user("motcua.anbinh"), "Thiếu", ["Tờ khai"], at=T0 + 2 * H
    )
    db.session.commit()
    parts_before = len(received.parts)
    login_as(OTHER)
    call = getattr(client, method)
    kwargs = {"data": data, "content_type": "multipart/form-data"} if method == "post" else {}
    response = call(path.format(id=received.id), **kwargs)
    assert response.status_code == 404
    assert received.code not in response.get_data(as_text=True)
    db.session.refresh(received)
    assert received.status == "supplement_requested" and len(received.parts) == parts_before
    assert received.code not in client.get("/cong-dan/ho-so").get_data(as_text=True)


def test_another_citizen_cannot_download_the_receipt(client, login_as, received):
    receipt = sign(
        db.session.scalar(
            select(Document).where(Document.dossier_id == received.id, Document.kind == "receipt")
        )
    )
    login_as(OTHER)
    assert client.get(f"/van-ban/{receipt.id}/tai-ve").status_code == 404


def test_an_unknown_dossier_is_404(client, login_as, demo_org):
    login_as(CITIZEN)
    assert client.get("/cong-dan/ho-so/999999").status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, received):
    response = client.get(f"/cong-dan/ho-so/{received.id}")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]
