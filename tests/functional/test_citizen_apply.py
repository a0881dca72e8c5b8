"""Register, apply online with attachments, and get one dossier per rendered form."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from onestop.domain.dossiers.models import Dossier
from onestop.domain.org.models import User
from onestop.extensions import db
from tests.unit.domain.dossiers.dossier_support import (
    KHAI_SINH,
    KHAI_SINH_FORM,
    PDF,
    PNG,
    publish_file,
)

CITIZEN = "001090001234"


@pytest.fixture
def khai_sinh(demo_org):
    version = publish_file(KHAI_SINH)
    db.session.commit()  # inside the test's outer transaction: survives a request's rollback
    return version


def dossier_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Dossier))


def application(demo_org, **changes):
    """A complete multipart application for the birth registration at xã An Bình."""
    data = {f"f_{k}": v for k, v in KHAI_SINH_FORM.items()}
    data.update(
        {
            "agency": str(demo_org.agency("XA-AN-BINH").id),
            "return_method": "electronic",
            "phone": "0912345678",
            "email": "binh@example.vn",
            "idempotency_key": "form-key-1",
            "part_to_khai": (io.BytesIO(PDF), "to-khai.pdf"),
            "part_giay_chung_sinh": (io.BytesIO(PNG), "chung-sinh.png"),
        }
    )
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_register_creates_a_citizen_with_the_id_number_as_username(client, demo_org):
    response = client.post(
        "/cong-dan/dang-ky",
        data={
            "id_number": "001099012345",
            "full_name": "Lê  Văn An",
            "phone": "0911222333",
            "email": "an@example.vn",
            "password": "mat-khau-dai-1",
            "password_confirm": "mat-khau-dai-1",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "001099012345"))
    assert (
        user.kind == "citizen"
        and user.full_name == "Lê Văn An"
        and user.id_number == "001099012345"
    )
    assert client.get("/cong-dan/ho-so").status_code == 200  # logged in


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("id_number", "12345", "12 chữ số"),
        ("phone", "12", "Số điện thoại"),
        ("password", "short", "ít nhất 10 ký tự"),
        ("id_number", CITIZEN, "đã có tài khoản"),
    ],
)
def test_register_explains_each_bad_field(client, demo_org, field, value, message):
    data = {
        "id_number": "001099012345",
        "full_name": "Lê Văn An",
        "phone": "0911222333",
        "password": "mat-khau-dai-1",
        "password_confirm": "mat-khau-dai-1",
        field: value,
    }
    response = client.post("/cong-dan/dang-ky", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and f'id="{field}-error"' in page
    assert (
        db.session.scalar(
            select(func.count()).select_from(User).where(User.username == "001099012345")
        )
        == 0
    )


def test_profile_update(client, login_as, demo_org):
    login_as(CITIZEN)
    response = client.post(
        "/cong-dan/tai-khoan",
        data={
            "full_name": "Nguyễn Thị Bình",
            "phone": "0912000111",
            "email": "",
            "address": "Xóm Mới",
        },
    )
    assert response.status_code == 302
    assert demo_org.user(CITIZEN).phone == "0912000111" and demo_org.user(CITIZEN).email is None


def test_apply_form_is_rendered_from_the_schema(client, login_as, khai_sinh):
    login_as(CITIZEN)
    page = client.get("/cong-dan/nop/1.001193").get_data(as_text=True)
    assert 'name="f_child_name"' in page and 'type="date"' in page and '<option value="Nữ"' in page
    assert 'name="part_to_khai"' in page and 'name="idempotency_key"' in page
    assert "Ủy ban nhân dân xã An Bình" in page or "xã An Bình" in page
    keys = re.findall(r'name="idempotency_key" value="([0-9a-f]+)"', page)
    other = client.get("/cong-dan/nop/1.001193").get_data(as_text=True)
    assert keys and keys[0] not in other  # a new key per rendered form


def test_apply_creates_the_dossier_and_shows_its_tracking_page(
    client, login_as, demo_org, khai_sinh
):
    login_as(CITIZEN)
    response = client.post(
        "/cong-dan/nop/1.001193", data=application(demo_org), content_type="multipart/form-data"
    )
    assert response.status_code == 302
    dossier = db.session.scalar(select(Dossier).where(Dossier.idempotency_key == "form-key-1"))
    assert dossier.status == "submitted" and dossier.return_method == "electronic"
    assert dossier.form_data["child_name"] == "Nguyễn An Khang"
    assert sorted(p.part_code for p in dossier.parts) == ["giay_chung_sinh", "to_khai"]
    assert response.headers["Location"].endswith(f"/cong-dan/ho-so/{dossier.id}")
    page = client.get(f"/cong-dan/ho-so/{dossier.id}").get_data(as_text=True)
    assert "Chờ tiếp nhận" in page and "Nộp hồ sơ" in page
    listing = client.get("/cong-dan/ho-so").get_data(as_text=True)
    assert f"/cong-dan/ho-so/{dossier.id}" in listing


def test_a_double_submit_creates_one_dossier(client, login_as, demo_org, khai_sinh):
    login_as(CITIZEN)
    first = client.post(
        "/cong-dan/nop/1.001193", data=application(demo_org), content_type="multipart/form-data"
    )
    before = dossier_count()
    second = client.post(
        "/cong-dan/nop/1.001193", data=application(demo_org), content_type="multipart/form-data"
    )
    assert dossier_count() == before
    assert first.headers["Location"] == second.headers["Location"]


def test_missing_fields_each_get_a_message_and_nothing_is_created(
    client, login_as, demo_org, khai_sinh
):
    login_as(CITIZEN)
    before = dossier_count()
    response = client.post(
        "/cong-dan/nop/1.001193",
        data=application(
            demo_org, f_child_name="", f_child_birth_date="20/11/2026", part_to_khai=None
        ),
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="f_child_name-error"' in page and "Vui lòng nhập" in page
    assert 'id="f_child_birth_date-error"' in page and "YYYY-MM-DD" in page
    assert 'id="part_to_khai-error"' in page and "bắt buộc" in page
    assert 'value="Nguyễn Thị Bình"' in page  # what was typed is kept
    assert dossier_count() == before


def test_a_file_is_judged_by_its_content_not_its_name(client, login_as, demo_org, khai_sinh):
    login_as(CITIZEN)
    before = dossier_count()
    response = client.post(
        "/cong-dan/nop/1.001193",
        data=application(
            demo_org, part_to_khai=(io.BytesIO(b"MZ\x90\x00 not a pdf at all"), "to-khai.pdf")
        ),
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="part_to_khai-error"' in page and "không được chấp nhận" in page
    assert dossier_count() == before


def test_an_oversized_file_is_refused(app, client, login_as, demo_org, khai_sinh, monkeypatch):
    monkeypatch.setitem(app.config, "ONESTOP_MAX_UPLOAD_MB", 1)
    login_as(CITIZEN)
    big = PDF + b"0" * (1024 * 1024 + 10)
    response = client.post(
        "/cong-dan/nop/1.001193",
        data=application(demo_org, part_to_khai=(io.BytesIO(big), "to-khai.pdf")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "lớn hơn 1 MB" in response.get_data(as_text=True)
    assert dossier_count() == 0


def test_a_stored_file_can_be_reused_for_a_part(client, login_as, demo_org, khai_sinh):
    login_as(CITIZEN)
    client.post(
        "/cong-dan/nop/1.001193", data=application(demo_org), content_type="multipart/form-data"
    )
    first = db.session.scalar(select(Dossier).where(Dossier.idempotency_key == "form-key-1"))
    stored = next(p for p in first.parts if p.part_code == "to_khai")
    page = client.get("/cong-dan/nop/1.001193").get_data(as_text=True)
    assert f'value="part:{stored.id}"' in page
    response = client.post(
        "/cong-dan/nop/1.001193",
        data=application(
            demo_org,
            idempotency_key="form-key-2",
            part_to_khai=None,
            reuse_to_khai=f"part:{stored.id}",
        ),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    second = db.session.scalar(select(Dossier).where(Dossier.idempotency_key == "form-key-2"))
    reused = next(p for p in second.parts if p.part_code == "to_khai")
    assert reused.reused_from_id == stored.id and reused.blob_sha256 == stored.blob_sha256


def test_someone_elses_stored_file_cannot_be_reused(client, login_as, demo_org, khai_sinh):
    login_as(CITIZEN)
    client.post(
        "/cong-dan/nop/1.001193", data=application(demo_org), content_type="multipart/form-data"
    )
    first = db.session.scalar(select(Dossier).where(Dossier.idempotency_key == "form-key-1"))
    client.post("/dang-xuat")
    login_as("001085005678")
    response = client.post(
        "/cong-dan/nop/1.001193",
        data=application(
            demo_org,
            idempotency_key="other",
            part_to_khai=None,
            reuse_to_khai=f"part:{first.parts[0].id}",
        ),
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "không có trong kho của bạn" in response.get_data(as_text=True)


def test_officers_cannot_use_the_citizen_portal(client, login_as, khai_sinh):
    login_as("motcua.anbinh")
    assert client.get("/cong-dan/nop/1.001193").status_code == 403


def test_a_draft_is_saved_resumed_and_forgotten_on_submission(
    client, login_as, demo_org, khai_sinh
):
    from onestop.domain.dossiers.drafts import ApplicationDraft

    login_as(CITIZEN)
    saved = client.post(
        "/cong-dan/nop/1.001193",
        data={
            "action": "draft",
            "f_child_name": "Nguyễn An Khang",
            "f_child_birth_date": "",
            "return_method": "post",
            "idempotency_key": "k",
        },
    )
    assert saved.status_code == 302
    assert dossier_count() == 0
    page = client.get("/cong-dan/nop/1.001193").get_data(as_text=True)
    assert 'id="draft-note"' in page
    assert 'value="Nguyễn An Khang"' in page
    assert "/cong-dan/nop/1.001193" in client.get("/cong-dan/ho-so").get_data(as_text=True)
    response = client.post(
        "/cong-dan/nop/1.001193", data=application(demo_org), content_type="multipart/form-data"
    )
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ApplicationDraft)) == 0


def test_every_shipped_procedure_renders_its_form(client, login_as, demo_org):
    from tests.unit.domain.dossiers.dossier_support import WORKFLOWS

    versions = [publish_file(path) for path in sorted(WORKFLOWS.glob("*.yaml"))]
    db.session.commit()
    login_as(CITIZEN)
    for version in versions:
        page = client.get(f"/cong-dan/nop/{version.procedure.code}")
        assert page.status_code == 200, version.procedure.code
        html = page.get_data(as_text=True)
        for spec in version.definition["form"]["fields"]:
            assert f'name="f_{spec["name"]}"' in html
        for part in version.definition["parts"]:
            assert f'name="part_{part["code"]}"' in html
