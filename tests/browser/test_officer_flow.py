"""In Chromium: an online birth registration received, appraised, approved and handed over."""

from __future__ import annotations

import pytest

from onestop.extensions import db
from tests.browser.conftest import login

pytestmark = pytest.mark.browser

FORM = {
    "child_name": "Trần Gia Bảo",
    "child_birth_date": "2026-11-28",
    "child_sex": "Nam",
    "birth_place": "Trạm y tế xã An Bình",
    "mother_name": "Nguyễn Thị Bình",
    "requester_relation": "Mẹ",
}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _submit(browser_app, key: str) -> int:
    """A birth registration submitted online through the domain, committed for the browser."""
    from sqlalchemy import select

    from onestop.domain.dossiers.attachments import Upload
    from onestop.domain.dossiers.lifecycle import submit_online
    from onestop.domain.org.models import Agency, User
    from onestop.domain.procedures.catalogue import version_by_code

    with browser_app.app_context():
        citizen = db.session.scalar(select(User).where(User.username == "001090001234"))
        agency = db.session.scalar(select(Agency).where(Agency.key == "XA-AN-BINH"))
        dossier = submit_online(
            citizen,
            version_by_code("1.001193"),
            FORM,
            [Upload("to_khai", PDF, "to-khai.pdf"), Upload("giay_chung_sinh", PDF, "cs.pdf")],
            key,
            agency_id=agency.id,
        )
        db.session.commit()
        dossier_id = dossier.id
        db.session.remove()
    return dossier_id


@pytest.fixture(scope="module")
def kt_vice_chairman(browser_app):
    """The An Bình chairman assigns the vice chairman to sign civil-status results for him (KT.)."""
    from datetime import date

    from sqlalchemy import select

    from onestop.domain.delegation.operations import delegate_authority
    from onestop.domain.org.models import Agency, Position, User

    with browser_app.app_context():
        commune = db.session.scalar(select(Agency).where(Agency.key == "XA-AN-BINH"))

        def position(key):
            return db.session.scalar(
                select(Position).where(Position.agency_id == commune.id, Position.key == key)
            )

        delegate_authority(
            db.session.scalar(select(User).where(User.username == "admin")),
            kind="KT",
            delegator_position=position("chairman"),
            delegate_position=position("vice_chairman"),
            fields=["Hộ tịch"],
            basis_number="09/QĐ-UBND",
            basis_date=date(2026, 11, 2),
            valid_from=date(2026, 11, 2),
            valid_to=date(2027, 12, 31),
        )
        db.session.commit()
        db.session.remove()


def _as(browser, live_server, username):
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, live_server, username)
    return page


def _open_from_queue(page, live_server, code):
    page.goto(f"{live_server}/can-bo/viec")
    page.click(f"#queue a:text('{code}')")
    page.wait_for_selector("#task-panel")


@pytest.mark.parametrize(
    ("key", "approver", "block"),
    [
        ("browser-own", "chutich.anbinh", ["CHỦ TỊCH", "Nghiêm Văn Tú"]),
        ("browser-kt", "phochutich.anbinh", ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Giáp Thị Hoa"]),
    ],
)
def test_desk_receives_officer_submits_leader_approves_desk_hands_over(
    browser, live_server, browser_app, kt_vice_chairman, key, approver, block
):
    """In its own name (the chairman) or on behalf (the vice chairman, KT.)."""
    try:
        _story(browser, live_server, _submit(browser_app, key), approver, block)
    finally:
        for context in list(browser.contexts):
            context.close()


def _story(browser, live_server, dossier_id, approver, block):
    desk = _as(browser, live_server, "motcua.anbinh")
    desk.goto(f"{live_server}/can-bo/mot-cua")
    desk.click(f"#to-check a[href='/can-bo/ho-so/{dossier_id}']")
    assert "Trần Gia Bảo" in desk.inner_text("body")
    desk.click("#receive")
    desk.wait_for_selector(".flash-success")
    code = desk.inner_text("h1").split()[2]
    assert code.startswith("H") and code.count("-") == 2
    assert "Đã tiếp nhận" in desk.inner_text("#dossier-status")
    _open_from_queue(desk, live_server, code)
    desk.click("#action-submit")
    desk.wait_for_selector(".flash-success")

    officer = _as(browser, live_server, "hotich.anbinh")
    _open_from_queue(officer, live_server, code)
    officer.click("#claim")
    officer.wait_for_selector(".flash-success")
    officer.fill("#comment", "Đã thẩm định, ghi sổ hộ tịch")
    officer.click("#action-submit")
    officer.wait_for_selector(".flash-success")

    leader = _as(browser, live_server, approver)
    _open_from_queue(leader, live_server, code)
    lines = [line.strip() for line in leader.inner_text("#signature-preview").splitlines()]
    assert all(line in lines for line in block), lines
    leader.click("#action-approve")
    leader.wait_for_selector(".flash-success")

    _open_from_queue(desk, live_server, code)
    desk.select_option("#method", "desk")
    desk.click("#action-hand_over")
    desk.wait_for_selector(".flash-success")
    desk.goto(f"{live_server}/can-bo/ho-so/{dossier_id}")
    assert "Đã trả kết quả" in desk.inner_text("#dossier-status")
    timeline = desk.inner_text("#timeline")
    assert "Đã thẩm định, ghi sổ hộ tịch" in timeline and "Đã có kết quả" in timeline
    # The signing jobs run in the embedded worker; the page follows them without reloading.
    desk.wait_for_function(
        "() => [...document.querySelectorAll('#documents .document-state')]"
        ".some(el => el.textContent.includes('Đã ký'))",
        timeout=60000,
    )
