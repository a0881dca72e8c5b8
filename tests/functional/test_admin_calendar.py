"""Calendar admin page: days off and agency hours, with a preview of the due dates that move."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from onestop.domain.calendar.models import Holiday, WorkingHoursOverride
from onestop.domain.calendar.recompute import dossier_due_at
from onestop.domain.dossiers.models import Dossier
from onestop.domain.procedures.models import Procedure
from onestop.domain.procedures.publish import WORKFLOWS_DIR, publish_paths
from onestop.extensions import db

NOW = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)  # Thursday 10:00 in Hà Nội


@pytest.fixture
def open_dossier(client, demo_org, login_as, frozen_clock):
    """A dossier received today under a 15-working-day procedure, still processing."""
    frozen_clock(NOW)
    publish_paths([WORKFLOWS_DIR / "1.001055-to-chuc-cuoc-le-ngoai-co-so-ton-giao.yaml"])
    version = (
        db.session.scalars(select(Procedure).where(Procedure.code == "1.001055"))
        .one()
        .current_version
    )
    citizen = demo_org.user("001090001234")
    dossier = Dossier(
        procedure_version_id=version.id,
        applicant_id=citizen.id,
        applicant_name=citizen.full_name,
        channel="online",
        status="processing",
        receiving_agency_id=demo_org.agency("UBND-TINH").id,
        code="H99-261203-0001",
        received_at=NOW,
        due_at=NOW,
    )
    db.session.add(dossier)
    db.session.flush()
    dossier.due_at = dossier_due_at(dossier)
    db.session.commit()
    login_as("admin")
    return dossier


def test_preview_lists_moving_due_dates_and_saves_nothing(client, open_dossier):
    """Does adding a day off first show the dossier whose due date moves, without saving?"""
    before = open_dossier.due_at
    response = client.post(
        "/quan-tri/lich/ngay",
        data={
            "day": "2026-12-10",
            "kind": "holiday",
            "name": "Nghỉ thử nghiệm",
            "intent": "preview",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="preview"' in html
    assert "dossier:H99-261203-0001" in html and 'id="confirm"' in html
    assert db.session.scalar(select(Holiday).where(Holiday.name == "Nghỉ thử nghiệm")) is None
    db.session.refresh(open_dossier)
    assert open_dossier.due_at == before


def test_confirm_saves_and_moves_the_due_date(client, open_dossier):
    """Does confirming save the day and push the dossier's due date by one working day?"""
    before = open_dossier.due_at
    response = client.post(
        "/quan-tri/lich/ngay",
        data={"day": "2026-12-10", "kind": "holiday", "name": "Nghỉ thử nghiệm", "intent": "save"},
    )
    assert response.status_code == 302
    db.session.refresh(open_dossier)
    assert open_dossier.due_at > before
    holiday = db.session.scalar(select(Holiday).where(Holiday.name == "Nghỉ thử nghiệm"))
    assert "Nghỉ thử nghiệm" in client.get("/quan-tri/lich?nam=2026").get_data(as_text=True)
    client.post(f"/quan-tri/lich/ngay/{holiday.id}/xoa", data={"intent": "save"})
    db.session.refresh(open_dossier)
    assert open_dossier.due_at == before


def test_bad_day_is_refused_by_field(client, open_dossier):
    """Is a make-up day on a weekday refused with the message by the day field?"""
    response = client.post(
        "/quan-tri/lich/ngay",
        data={"day": "2026-12-10", "kind": "makeup_workday", "name": "Làm bù", "intent": "preview"},
    )
    assert response.status_code == 400 and 'id="e-day"' in response.get_data(as_text=True)


def test_agency_hours_set_and_cleared(client, open_dossier, demo_org):
    """Can an agency get its own Saturday hours and go back to the standard ones?"""
    agency_id = str(demo_org.agency("UBND-TINH").id)
    bad = client.post(
        "/quan-tri/lich/gio",
        data={"agency_id": agency_id, "weekday": "5", "hours": "25:00-26:00", "intent": "preview"},
    )
    assert bad.status_code == 400 and 'id="e-hours"' in bad.get_data(as_text=True)
    response = client.post(
        "/quan-tri/lich/gio",
        data={"agency_id": agency_id, "weekday": "5", "hours": "08:00-11:30", "intent": "save"},
    )
    assert response.status_code == 302
    assert db.session.scalar(select(WorkingHoursOverride)).hours == "08:00-11:30"
    client.post(
        "/quan-tri/lich/gio/xoa", data={"agency_id": agency_id, "weekday": "5", "intent": "save"}
    )
    assert db.session.scalar(select(WorkingHoursOverride)) is None


def test_library_days_shown_until_seeded(client, open_dossier):
    """Before seeding, does the page show the library's days; after seeding, are they stored?"""
    html = client.get("/quan-tri/lich?nam=2026").get_data(as_text=True)
    assert 'id="library-note"' in html and "02/09/2026" in html
    response = client.post("/quan-tri/lich/nap-ngay-le", data={"intent": "save", "nam": "2026"})
    assert response.status_code == 302
    assert db.session.scalar(select(Holiday).where(Holiday.day == datetime(2026, 9, 2).date()))
    assert 'id="library-note"' not in client.get("/quan-tri/lich?nam=2026").get_data(as_text=True)
