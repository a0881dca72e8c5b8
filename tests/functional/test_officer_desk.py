"""The one-stop desk over HTTP: check and receive, supplement, refuse, paper intake, hand-over."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from onestop.domain.documents.models import Document
from onestop.domain.dossiers.models import Dossier
from onestop.domain.org.models import User
from onestop.domain.workflow.runtime import act, open_tasks
from onestop.extensions import db
from tests.functional.officer_support import T0, publish_khai_sinh, receive, submit
from tests.unit.domain.dossiers.dossier_support import PDF, PNG


@pytest.fixture
def khai_sinh(demo_org, frozen_clock):
    frozen_clock(T0 + timedelta(minutes=30))
    version = publish_khai_sinh()
    db.session.commit()  # inside the test's outer transaction: survives a request's rollback
    return version


@pytest.fixture
def submitted(khai_sinh, demo_org):
    dossier = submit(khai_sinh, demo_org.user("001090001234"), demo_org.agency("XA-AN-BINH"))
    db.session.commit()  # inside the test's outer transaction: survives a request's rollback
    return dossier


def _papers(dossier, kind):
    return db.session.scalars(
        select(Document).where(Document.dossier_id == dossier.id, Document.kind == kind)
    ).all()


def test_the_desk_lists_online_dossiers_to_check(client, login_as, submitted):
    login_as("motcua.anbinh")
    page = client.get("/can-bo/mot-cua").get_data(as_text=True)
    assert "Nguyễn Thị Bình" in page and f"/can-bo/ho-so/{submitted.id}" in page
    login_as("motcua.hoalac")
    assert f"/can-bo/ho-so/{submitted.id}" not in client.get("/can-bo/mot-cua").get_data(
        as_text=True
    )


def test_receiving_issues_the_code_and_form_01(client, login_as, submitted):
    login_as("motcua.anbinh")
    page = client.get(f"/can-bo/ho-so/{submitted.id}").get_data(as_text=True)
    assert 'id="receive"' in page and "Nguyễn An Khang" in page and "to-khai.pdf" in page
    response = client.post(f"/can-bo/ho-so/{submitted.id}/tiep-nhan")
    assert response.status_code == 302
    db.session.refresh(submitted)
    assert submitted.status == "received" and submitted.code
    assert len(_papers(submitted, "receipt")) == 1


def test_receiving_twice_is_a_clear_conflict(client, login_as, submitted):
    login_as("motcua.anbinh")
    client.post(f"/can-bo/ho-so/{submitted.id}/tiep-nhan")
    again = client.post(f"/can-bo/ho-so/{submitted.id}/tiep-nhan")
    assert again.status_code == 409
    assert "không tiếp nhận lại được" in again.get_data(as_text=True)


def test_supplement_once_then_a_second_needs_confirmation(client, login_as, submitted):
    login_as("motcua.anbinh")
    missing = client.post(f"/can-bo/ho-so/{submitted.id}/bo-sung", data={"reason": "Thiếu"})
    assert missing.status_code == 400 and 'id="error-items"' in missing.get_data(as_text=True)
    ok = client.post(
        f"/can-bo/ho-so/{submitted.id}/bo-sung",
        data={"reason": "Ảnh mờ", "items": "Giấy chứng sinh\nTờ khai"},
    )
    assert ok.status_code == 302
    db.session.refresh(submitted)
    assert submitted.status == "supplement_requested" and submitted.supplement_count == 1
    assert submitted.pauses[0].items == ["Giấy chứng sinh", "Tờ khai"]
    assert len(_papers(submitted, "supplement_request")) == 1


def test_refusal_needs_a_reason_and_issues_form_03(client, login_as, submitted):
    login_as("motcua.anbinh")
    bare = client.post(f"/can-bo/ho-so/{submitted.id}/tu-choi", data={"reason": " "})
    assert bare.status_code == 400 and 'id="error-reason"' in bare.get_data(as_text=True)
    done = client.post(
        f"/can-bo/ho-so/{submitted.id}/tu-choi", data={"reason": "Không thuộc thẩm quyền của xã"}
    )
    assert done.status_code == 302
    db.session.refresh(submitted)
    assert submitted.status == "refused" and len(_papers(submitted, "refusal")) == 1


def test_an_officer_of_another_commune_neither_sees_nor_receives(client, login_as, submitted):
    login_as("motcua.hoalac")
    response = client.post(f"/can-bo/ho-so/{submitted.id}/tiep-nhan")
    assert response.status_code == 404 and "Nguyễn An Khang" not in response.get_data(as_text=True)
    assert client.get(f"/can-bo/ho-so/{submitted.id}").status_code == 404
    part = submitted.parts[0]
    assert client.get(f"/can-bo/ho-so/{submitted.id}/thanh-phan/{part.id}").status_code == 404
    db.session.refresh(submitted)
    assert submitted.status == "submitted"


def _intake_form(**overrides):
    data = {
        "id_number": "001201009876",
        "full_name": "Lê Văn Nam",
        "phone": "0911222333",
        "address": "Xóm Bãi, xã An Bình",
        "channel": "desk",
        "return_method": "desk",
        "field_child_name": "Lê Minh An",
        "field_child_birth_date": "2026-11-25",
        "field_child_sex": "Nữ",
        "field_birth_place": "Trạm y tế xã An Bình",
        "field_mother_name": "Phạm Thị Hoa",
        "field_requester_relation": "Cha",
        "part_to_khai": (io.BytesIO(PDF), "to khai.pdf"),
        "part_giay_chung_sinh": (io.BytesIO(PNG), "chung-sinh.png"),
        "copy_giay_chung_sinh": "original",
    }
    data.update(overrides)
    return data


def test_paper_intake_registers_the_applicant_and_receives(client, login_as, khai_sinh):
    login_as("motcua.anbinh")
    form = client.get("/can-bo/mot-cua/tiep-nhan-ho-so-giay?procedure=1.001193")
    assert 'name="part_to_khai"' in form.get_data(as_text=True)
    response = client.post(
        "/can-bo/mot-cua/tiep-nhan-ho-so-giay?procedure=1.001193",
        data=_intake_form(),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    applicant = db.session.scalar(select(User).where(User.id_number == "001201009876"))
    assert applicant.kind == "citizen" and applicant.password_hash is None
    dossier = db.session.scalar(select(Dossier).where(Dossier.applicant_id == applicant.id))
    assert dossier.channel == "desk" and dossier.status == "received" and dossier.code
    assert {p.copy_kind for p in dossier.parts} == {"copy", "original"}
    assert len(_papers(dossier, "receipt")) == 1


def test_paper_intake_reuses_a_known_applicant(client, login_as, khai_sinh, demo_org):
    login_as("motcua.anbinh")
    known = demo_org.user("001090001234")
    response = client.post(
        "/can-bo/mot-cua/tiep-nhan-ho-so-giay?procedure=1.001193",
        data=_intake_form(id_number="001090001234", full_name="Nguyễn Thị Bình"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Dossier).where(Dossier.applicant_id == known.id)) is not None


def test_the_desk_looks_up_a_known_applicant_first(client, login_as, khai_sinh):
    login_as("motcua.anbinh")
    found = client.get(
        "/can-bo/mot-cua/tiep-nhan-ho-so-giay?procedure=1.001193&id_number=001090001234"
    ).get_data(as_text=True)
    assert 'id="applicant-found"' in found and 'value="Nguyễn Thị Bình"' in found
    unknown = client.get(
        "/can-bo/mot-cua/tiep-nhan-ho-so-giay?procedure=1.001193&id_number=001201000000"
    ).get_data(as_text=True)
    assert 'id="applicant-new"' in unknown


def test_paper_intake_without_a_required_part_keeps_the_form(client, login_as, khai_sinh):
    login_as("motcua.anbinh")
    data = _intake_form()
    del data["part_giay_chung_sinh"]
    response = client.post(
        "/can-bo/mot-cua/tiep-nhan-ho-so-giay?procedure=1.001193",
        data=data,
        content_type="multipart/form-data",
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="error-giay_chung_sinh"' in body and 'value="Lê Văn Nam"' in body
    assert db.session.scalar(select(User).where(User.id_number == "001201009876")) is None


def test_a_malformed_identity_number_is_refused_by_name(client, login_as, khai_sinh):
    login_as("motcua.anbinh")
    response = client.post(
        "/can-bo/mot-cua/tiep-nhan-ho-so-giay?procedure=1.001193",
        data=_intake_form(id_number="12ab"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and 'id="error-id_number"' in response.get_data(as_text=True)


def _processed(dossier, demo_org):
    desk = demo_org.user("motcua.anbinh")
    receive(dossier, desk, T0)
    act(open_tasks(dossier)[0], desk, "submit", at=T0)
    act(open_tasks(dossier)[0], demo_org.user("hotich.anbinh"), "submit", at=T0)
    act(open_tasks(dossier)[0], demo_org.user("chutich.anbinh"), "approve", at=T0)
    db.session.commit()
    return dossier


def test_hand_over_returns_the_result_and_enters_the_book(client, login_as, submitted, demo_org):
    dossier = _processed(submitted, demo_org)
    assert dossier.status == "processed"
    login_as("motcua.anbinh")
    desk = client.get("/can-bo/mot-cua").get_data(as_text=True)
    assert dossier.code in desk
    response = client.post(f"/can-bo/ho-so/{dossier.id}/tra-ket-qua", data={"method": "post"})
    assert response.status_code == 302
    db.session.refresh(dossier)
    assert dossier.status == "returned" and dossier.return_method == "post"
    assert len(_papers(dossier, "control_sheet")) == 1
    book = client.get("/can-bo/mot-cua/so-theo-doi?from=2026-12-01&to=2026-12-31")
    assert dossier.code in book.get_data(as_text=True)
    issued = client.post(
        "/can-bo/mot-cua/so-theo-doi", data={"from": "2026-12-01", "to": "2026-12-31"}
    )
    assert issued.status_code == 302
    books = db.session.scalars(select(Document).where(Document.kind == "tracking_book")).all()
    assert len(books) == 1 and books[0].context["rows"][0]["code"] == dossier.code


def test_the_control_sheet_lists_each_handover_with_its_result(
    client, login_as, submitted, demo_org
):
    dossier = _processed(submitted, demo_org)
    login_as("motcua.anbinh")
    page = client.get(f"/can-bo/ho-so/{dossier.id}/phieu-kiem-soat").get_data(as_text=True)
    assert page.count("badge-early") + page.count("badge-on_time") == 3


def test_parts_are_served_inline_and_as_download(client, login_as, submitted):
    login_as("motcua.anbinh")
    part = submitted.parts[1]
    inline = client.get(f"/can-bo/ho-so/{submitted.id}/thanh-phan/{part.id}")
    assert inline.status_code == 200 and inline.mimetype == "image/png"
    assert "attachment" not in inline.headers.get("Content-Disposition", "")
    download = client.get(f"/can-bo/ho-so/{submitted.id}/thanh-phan/{part.id}?tai=1")
    assert "attachment" in download.headers["Content-Disposition"]
    assert client.get(f"/can-bo/ho-so/{submitted.id + 1}/thanh-phan/{part.id}").status_code == 404


def test_citizens_cannot_open_the_workspace(client, login_as, submitted):
    login_as("001090001234")
    assert client.get("/can-bo/mot-cua").status_code == 403
    assert client.get(f"/can-bo/ho-so/{submitted.id}").status_code == 403
