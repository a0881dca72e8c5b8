"""Admin pages for the org tree, people, holdings and the CSV import, over HTTP."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from onestop.domain.audit.models import AuditEvent
from onestop.domain.org.models import Agency, PositionHolding
from onestop.extensions import db


@pytest.fixture
def admin_client(client, demo_org, login_as):
    db.session.commit()  # a savepoint: an error page's rollback keeps the demo tree
    login_as("admin")
    return client


def test_admin_pages_are_for_administrators_only(client, demo_org, login_as):
    """Is an officer refused and an anonymous visitor sent to log in?"""
    db.session.commit()
    assert client.get("/quan-tri/to-chuc").status_code == 302
    login_as("giamdoc.snv")
    assert client.get("/quan-tri/to-chuc").status_code == 403


def test_landing_page_lists_admin_sections(admin_client):
    """Does the administrator's landing page link to the organisation and people pages?"""
    html = admin_client.get("/quan-tri").get_data(as_text=True)
    assert "/quan-tri/to-chuc" in html and "/quan-tri/nguoi-dung" in html


def test_org_tree_shows_agencies_units_positions(admin_client):
    """Does the tree show codes, units and positions?"""
    html = admin_client.get("/quan-tri/to-chuc").get_data(as_text=True)
    assert "H99.10" in html and "Phòng Tổ chức - Biên chế" in html and "Giám đốc" in html


def test_create_agency_with_errors_then_fixed(admin_client, demo_org):
    """Does a bad agency form come back with the message by its field, and a good one save?"""
    form = {
        "key": "SYT",
        "eid": "H99.10",
        "name": "Sở Y tế",
        "level": "department",
        "parent_id": str(demo_org.agency("UBND-TINH").id),
        "active": "1",
    }
    response = admin_client.post("/quan-tri/to-chuc/co-quan/moi", data=form)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="e-eid"' in html and "Sở Nội vụ" in html
    response = admin_client.post("/quan-tri/to-chuc/co-quan/moi", data={**form, "eid": "H99.77"})
    assert response.status_code == 302
    agency = db.session.scalar(select(Agency).where(Agency.key == "SYT"))
    assert agency.parent.key == "UBND-TINH"


def test_unit_and_position_forms(admin_client, demo_org):
    """Can an administrator add a unit and a position in it?"""
    snv = demo_org.agency("SNV")
    assert (
        admin_client.post(
            f"/quan-tri/to-chuc/co-quan/{snv.id}/don-vi/moi",
            data={"key": "CCVC", "name": "Phòng Công chức", "active": "1"},
        ).status_code
        == 302
    )
    unit = next(u for u in snv.units if u.key == "CCVC")
    response = admin_client.post(
        f"/quan-tri/to-chuc/co-quan/{snv.id}/chuc-danh/moi",
        data={
            "key": "ccvc_head",
            "title": "Trưởng phòng Công chức",
            "role": "nobody",
            "unit_id": str(unit.id),
        },
    )
    assert response.status_code == 400 and 'id="e-role"' in response.get_data(as_text=True)
    assert (
        admin_client.post(
            f"/quan-tri/to-chuc/co-quan/{snv.id}/chuc-danh/moi",
            data={
                "key": "ccvc_head",
                "title": "Trưởng phòng Công chức",
                "role": "head",
                "unit_id": str(unit.id),
                "active": "1",
            },
        ).status_code
        == 302
    )
    assert demo_org.position("SNV", "ccvc_head").unit_id == unit.id


def test_person_create_assign_and_end_holding(admin_client, demo_org):
    """Can an administrator create an officer, give them a position and end it?"""
    response = admin_client.post(
        "/quan-tri/nguoi-dung/moi",
        data={
            "username": "nguyen.moi",
            "full_name": "Nguyễn Mới",
            "kind": "officer",
            "password": "mat-khau-dai-1",
            "active": "1",
        },
    )
    assert response.status_code == 302
    user = demo_org.user("nguyen.moi")
    position = demo_org.position("SNV", "tcbc_specialist")
    response = admin_client.post(
        f"/quan-tri/nguoi-dung/{user.id}/chuc-danh",
        data={"position_id": str(position.id), "starts_on": "bad"},
    )
    assert response.status_code == 400 and 'id="e-starts_on"' in response.get_data(as_text=True)
    assert (
        admin_client.post(
            f"/quan-tri/nguoi-dung/{user.id}/chuc-danh",
            data={"position_id": str(position.id), "starts_on": "2026-12-01"},
        ).status_code
        == 302
    )
    holding = db.session.scalar(select(PositionHolding).where(PositionHolding.user_id == user.id))
    html = admin_client.get(f"/quan-tri/nguoi-dung/{user.id}").get_data(as_text=True)
    assert "Chuyên viên" in html and "01/12/2026" in html
    assert (
        admin_client.post(
            f"/quan-tri/chuc-danh-nam-giu/{holding.id}/ket-thuc", data={"ends_on": "2026-12-31"}
        ).status_code
        == 302
    )
    assert holding.ends_at is not None
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("org:%"))
    ).all()
    assert {"org:user:create", "org:holding:create", "org:holding:end"} <= set(actions)


def test_people_list_search(admin_client):
    """Does the people list filter by a search term?"""
    html = admin_client.get("/quan-tri/nguoi-dung?q=giamdoc").get_data(as_text=True)
    assert "giamdoc.snv" in html and "chuyenvien.tcbc" not in html


def test_csv_import_reports_rejected_rows(admin_client, demo_org):
    """Does the import page create good rows and list every rejected row with its reason?"""
    data = (
        "username,full_name,kind,agency,position,starts_on\n"
        "csv.one,Người Một,officer,SNV,tcbc_specialist,01/12/2026\n"
        "giamdoc.snv,Trùng,officer,,,\n"
        "csv.two,Người Hai,boss,,,\n"
    ).encode()
    response = admin_client.post(
        "/quan-tri/nguoi-dung/nhap-csv",
        data={"file": (io.BytesIO(data), "people.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "csv.one" in html and "đã có người dùng" in html and "Loại tài khoản" in html
    assert demo_org.user("csv.one") is not None and demo_org.user("csv.two") is None
