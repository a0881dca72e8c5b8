"""In Chromium: an online birth registration received, appraised, approved and handed over."""

from __future__ import annotations

import multiprocessing

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


@pytest.fixture(scope="module", autouse=True)
def _stop_forked_scheduler(browser):
    """End the job scheduler the embedded worker forks: it holds the Playwright driver's pipe
    open, and closing the browser would then wait forever."""
    yield
    for child in multiprocessing.active_children():
        child.terminate()
        child.join(5)


@pytest.fixture(scope="module")
def online_dossier(browser_app):
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
            "browser-officer-1",
            agency_id=agency.id,
        )
        db.session.commit()
        dossier_id = dossier.id
        db.session.remove()
    return dossier_id


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


def test_desk_receives_officer_submits_chairman_approves_desk_hands_over(
    browser, live_server, online_dossier
):
    try:
        _story(browser, live_server, online_dossier)
    finally:
        for context in list(browser.contexts):
            context.close()


def _story(browser, live_server, online_dossier):
    desk = _as(browser, live_server, "motcua.anbinh")
    desk.goto(f"{live_server}/can-bo/mot-cua")
    desk.click(f"#to-check a[href='/can-bo/ho-so/{online_dossier}']")
    assert "Trần Gia Bảo" in desk.inner_text("body")
    desk.click("#receive")
    desk.wait_for_selector(".flash-success")
    code = desk.inner_text("h1").split()[2]
    assert code.startswith("H") or "-" in code
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

    chairman = _as(browser, live_server, "chutich.anbinh")
    _open_from_queue(chairman, live_server, code)
    preview = chairman.inner_text("#signature-preview")
    assert "CHỦ TỊCH" in preview and "Nghiêm Văn Tú" in preview
    chairman.click("#action-approve")
    chairman.wait_for_selector(".flash-success")

    _open_from_queue(desk, live_server, code)
    desk.select_option("#method", "desk")
    desk.click("#action-hand_over")
    desk.wait_for_selector(".flash-success")
    desk.goto(f"{live_server}/can-bo/ho-so/{online_dossier}")
    assert "Đã trả kết quả" in desk.inner_text("#dossier-status")
    timeline = desk.inner_text("#timeline")
    assert "Đã thẩm định, ghi sổ hộ tịch" in timeline and "Đã có kết quả" in timeline
    # The signing jobs run in the embedded worker; the page follows them without reloading.
    desk.wait_for_function(
        "() => [...document.querySelectorAll('#documents .document-state')]"
        ".some(el => el.textContent.includes('Đã ký'))",
        timeout=60000,
    )
