"""An administrator creates a delegation (after a refused attempt) and revokes it, in Chromium."""

from sqlalchemy import select

from onestop.domain.delegation.models import Delegation
from onestop.domain.org.models import Agency, Position
from onestop.extensions import db
from tests.browser.conftest import login


def _position_id(app, agency_key: str, key: str) -> str:
    with app.app_context():
        agency = db.session.scalar(select(Agency).where(Agency.key == agency_key))
        position = db.session.scalar(
            select(Position).where(Position.agency_id == agency.id, Position.key == key)
        )
        db.session.remove()
        return str(position.id)


def test_admin_creates_and_revokes_a_delegation(page, live_server, browser_app):
    chairman = _position_id(browser_app, "XA-HOA-LAC", "chairman")
    clerk = _position_id(browser_app, "XA-HOA-LAC", "civil_status")
    login(page, live_server, "admin")
    page.goto(f"{live_server}/quan-tri/uy-quyen/moi")
    page.select_option("#f-kind", "TUQ")
    page.select_option("#f-delegator_position_id", chairman)
    page.select_option("#f-delegate_position_id", clerk)
    page.fill("#f-procedure_codes", "1.001193")
    page.fill("#f-basis_date", "2026-12-01")
    page.fill("#f-valid_from", "2026-12-01")
    page.fill("#f-valid_to", "2027-06-30")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    # No basis number: refused, the message stands next to the field and the values are kept.
    assert page.locator("#f-basis_number[aria-invalid=true]").count() == 1
    assert page.input_value("#f-valid_to") == "2027-06-30"
    page.fill("#f-basis_number", "27/QĐ-UBND")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    assert "/quan-tri/uy-quyen/" in page.url
    delegation_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    assert "27/QĐ-UBND" in page.inner_text("main")
    page.fill("#f-reason", "Chủ tịch đã trở lại làm việc")
    page.click("text=Thu hồi ủy quyền")
    page.wait_for_load_state()
    assert "Đã thu hồi ủy quyền" in page.inner_text("main")
    with browser_app.app_context():
        delegation = db.session.get(Delegation, delegation_id)
        assert delegation.revoked_at is not None
        assert delegation.revocation_reason == "Chủ tịch đã trở lại làm việc"
        db.session.remove()
