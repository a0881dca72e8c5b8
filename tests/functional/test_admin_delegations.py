"""Delegation admin pages and the /api/v1/delegations API: list by state, create, revoke."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "domain" / "delegation"))
from delegation_helpers import JOB_SCHEME, add_procedure  # noqa: E402

from onestop.domain.delegation.models import Delegation  # noqa: E402
from onestop.extensions import db  # noqa: E402

NOW = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)


@pytest.fixture
def admin_client(client, demo_org, login_as, frozen_clock):
    frozen_clock(NOW)
    add_procedure(
        db,
        JOB_SCHEME,
        "Tổ chức - Biên chế",
        "chairman",
        ["UBND-TINH"],
        authority_agency=demo_org.agency("UBND-TINH"),
        collective=True,
    )
    db.session.commit()
    login_as("admin")
    return client


def _form(demo_org, **overrides):
    form = {
        "kind": "TUQ",
        "delegator_position_id": str(demo_org.position("UBND-TINH", "chairman").id),
        "delegate_position_id": str(demo_org.position("SNV", "director").id),
        "procedure_codes": JOB_SCHEME,
        "basis_number": "12/QĐ-UBND",
        "basis_date": "2026-12-01",
        "valid_from": "2026-12-01",
        "valid_to": "2027-12-31",
    }
    form.update(overrides)
    return form


def test_create_with_field_message_then_revoke(admin_client, demo_org):
    """Is a bad delegation refused by field, a good one saved, and can it be revoked?"""
    response = admin_client.post("/quan-tri/uy-quyen/moi", data=_form(demo_org, valid_to=""))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="e-valid_to"' in html and "thời hạn" in html
    response = admin_client.post("/quan-tri/uy-quyen/moi", data=_form(demo_org))
    assert response.status_code == 302
    delegation = db.session.query(Delegation).one()
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-state="in_force"' in page and "12/QĐ-UBND" in page
    response = admin_client.post(f"/quan-tri/uy-quyen/{delegation.id}/thu-hoi", data={"reason": ""})
    assert response.status_code == 400 and 'id="e-reason"' in response.get_data(as_text=True)
    response = admin_client.post(
        f"/quan-tri/uy-quyen/{delegation.id}/thu-hoi", data={"reason": "Đã kiện toàn chức danh"}
    )
    assert response.status_code == 302 and delegation.revoked_at is not None
    listing = admin_client.get("/quan-tri/uy-quyen?trang_thai=revoked").get_data(as_text=True)
    assert 'data-state="revoked"' in listing
    assert 'data-state="in_force"' not in admin_client.get(
        "/quan-tri/uy-quyen?trang_thai=in_force"
    ).get_data(as_text=True)


def test_neither_delegate_chosen_marks_both_fields(admin_client, demo_org):
    """Is a form with no delegate refused with the message next to both delegate choices?"""
    response = admin_client.post(
        "/quan-tri/uy-quyen/moi", data=_form(demo_org, delegate_position_id="")
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="e-delegate_position_id"' in html and 'id="e-delegate_user_id"' in html


def test_substitution_form(admin_client, demo_org):
    """Can an administrator appoint a substitute, and is a missing reason refused by field?"""
    form = {
        "position_id": str(demo_org.position("SNV", "director").id),
        "substitute_user_id": str(demo_org.user("phogiamdoc.snv").id),
        "reason": "",
        "basis_number": "5/QĐ-SNV",
        "basis_date": "2026-12-01",
        "valid_from": "2026-12-03",
        "valid_to": "2026-12-10",
    }
    response = admin_client.post("/quan-tri/thay-the/moi", data=form)
    assert response.status_code == 400 and 'id="e-reason"' in response.get_data(as_text=True)
    response = admin_client.post("/quan-tri/thay-the/moi", data={**form, "reason": "Đi công tác"})
    assert response.status_code == 302
    assert "Đi công tác" in admin_client.get("/quan-tri/uy-quyen").get_data(as_text=True)


def test_api_create_list_revoke(admin_client, demo_org):
    """Does the API create, list by state and revoke a delegation, with field errors in JSON?"""
    body = {
        "kind": "TUQ",
        "delegator_position_id": demo_org.position("UBND-TINH", "chairman").id,
        "delegate_position_id": demo_org.position("SNV", "director").id,
        "procedure_codes": [JOB_SCHEME],
        "basis_number": "12/QĐ-UBND",
        "basis_date": "2026-12-01",
        "valid_from": "2026-12-01",
        "valid_to": "2027-12-31",
    }
    bad = admin_client.post("/api/v1/delegations", json={**body, "valid_to": None})
    assert bad.status_code == 400 and "valid_to" in bad.get_json()["errors"]
    created = admin_client.post("/api/v1/delegations", json=body)
    assert created.status_code == 201, created.get_json()
    data = created.get_json()
    assert data["state"] == "in_force" and data["fields"] == []
    assert [d["id"] for d in admin_client.get("/api/v1/delegations?state=in_force").get_json()] == [
        data["id"]
    ]
    revoked = admin_client.post(f"/api/v1/delegations/{data['id']}/revoke", json={"reason": "Hết"})
    assert revoked.status_code == 200 and revoked.get_json()["state"] == "revoked"
    again = admin_client.post(f"/api/v1/delegations/{data['id']}/revoke", json={"reason": "Hết"})
    assert again.status_code == 409
    assert admin_client.get("/api/v1/delegations?state=in_force").get_json() == []


def test_api_is_for_administrators(client, demo_org, login_as):
    """Is an officer refused by the delegation API?"""
    db.session.commit()
    login_as("giamdoc.snv")
    assert client.get("/api/v1/delegations").status_code == 403


def test_api_org_tree(admin_client):
    """Does the org API list agencies with their units and positions?"""
    agencies = {a["key"]: a for a in admin_client.get("/api/v1/org/agencies").get_json()}
    assert agencies["SNV"]["eid"] == "H99.10"
    assert {p["key"] for p in agencies["SNV"]["positions"]} >= {"director", "tcbc_head"}


def test_api_people_and_holdings(admin_client, demo_org):
    """Can an integration create an officer, give them a position and end it, with field errors?"""
    bad = admin_client.post(
        "/api/v1/org/users", json={"username": "x y", "full_name": "X", "kind": "officer"}
    )
    assert bad.status_code == 400 and "username" in bad.get_json()["errors"]
    created = admin_client.post(
        "/api/v1/org/users",
        json={"username": "api.officer", "full_name": "Cán bộ API", "kind": "officer"},
    )
    assert created.status_code == 201 and demo_org.user("api.officer").password_hash is None
    body = {
        "username": "api.officer",
        "agency": "SNV",
        "position": "nope",
        "starts_on": "2026-12-01",
    }
    assert "position" in admin_client.post("/api/v1/org/holdings", json=body).get_json()["errors"]
    holding = admin_client.post(
        "/api/v1/org/holdings", json={**body, "position": "tcbc_specialist"}
    ).get_json()
    assert holding["ends_at"] is None
    ended = admin_client.post(f"/api/v1/org/holdings/{holding['id']}/end")
    assert ended.status_code == 200 and ended.get_json()["ends_at"].startswith("2026-12-03")
