"""The citizen API: catalogue, submit with an idempotency key, my dossiers, one dossier."""

from __future__ import annotations

import base64

import pytest

from onestop.extensions import db
from tests.unit.domain.dossiers.dossier_support import (
    KHAI_SINH,
    KHAI_SINH_FORM,
    PDF,
    PNG,
    publish_file,
)

CITIZEN, OTHER = "001090001234", "001085005678"


@pytest.fixture
def khai_sinh(demo_org):
    version = publish_file(KHAI_SINH)
    db.session.commit()  # inside the test's outer transaction: survives a request's rollback
    return version


def body(demo_org, **changes):
    data = {
        "procedure_code": "1.001193",
        "form_data": KHAI_SINH_FORM,
        "idempotency_key": "api-1",
        "agency_id": demo_org.agency("XA-AN-BINH").id,
        "return_method": "post",
        "parts": [
            {
                "code": "to_khai",
                "filename": "tk.pdf",
                "content_base64": base64.b64encode(PDF).decode(),
            },
            {"code": "giay_chung_sinh", "content_base64": base64.b64encode(PNG).decode()},
        ],
    }
    data.update(changes)
    return data


def test_catalogue_search_is_public_and_diacritic_insensitive(client, khai_sinh):
    rows = client.get("/api/v1/procedures?q=khai sinh").get_json()
    assert [r["code"] for r in rows] == ["1.001193"]
    one = client.get("/api/v1/procedures/1.001193").get_json()
    assert one["name"] == "Đăng ký khai sinh" and one["parts"][0]["code"] == "to_khai"
    assert client.get("/api/v1/procedures/0.0").status_code == 404


def test_submit_then_retry_gives_one_dossier(client, login_as, demo_org, khai_sinh):
    login_as(CITIZEN)
    first = client.post("/api/v1/dossiers", json=body(demo_org))
    assert first.status_code == 201, first.get_json()
    again = client.post("/api/v1/dossiers", json=body(demo_org))
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    mine = client.get("/api/v1/dossiers").get_json()
    assert [d["id"] for d in mine] == [first.get_json()["id"]]
    status = client.get(f"/api/v1/dossiers/{first.get_json()['id']}").get_json()
    assert status["status"] == "submitted" and status["timeline"][0]["kind"] == "submitted"


def test_bad_input_names_the_field(client, login_as, demo_org, khai_sinh):
    login_as(CITIZEN)
    missing = client.post("/api/v1/dossiers", json=body(demo_org, form_data={"child_name": "A"}))
    assert missing.status_code == 400 and "child_birth_date" in missing.get_json()["errors"]
    wrong = body(demo_org)
    wrong["parts"][0]["content_base64"] = base64.b64encode(b"hello").decode()
    refused = client.post("/api/v1/dossiers", json=wrong)
    assert refused.status_code == 400 and "to_khai" in refused.get_json()["errors"]
    garbled = body(demo_org)
    garbled["parts"][0]["content_base64"] = "***"
    assert client.post("/api/v1/dossiers", json=garbled).status_code == 400
    assert client.get("/api/v1/dossiers").get_json() == []


def test_another_citizen_gets_404(client, login_as, demo_org, khai_sinh):
    login_as(CITIZEN)
    created = client.post("/api/v1/dossiers", json=body(demo_org)).get_json()
    client.post("/dang-xuat")
    login_as(OTHER)
    assert client.get(f"/api/v1/dossiers/{created['id']}").status_code == 404
    assert client.get("/api/v1/dossiers").get_json() == []


def test_submitting_needs_a_citizen(client, login_as, demo_org, khai_sinh):
    assert client.post("/api/v1/dossiers", json=body(demo_org)).status_code == 401
    login_as("motcua.anbinh")
    assert client.post("/api/v1/dossiers", json=body(demo_org)).status_code == 403
