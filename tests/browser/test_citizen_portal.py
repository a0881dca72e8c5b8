"""A citizen finds a procedure, applies with attachments, follows the dossier, supplements it and
downloads the signed receipt — in real headless Chromium, without help from the test client."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from onestop.extensions import db
from tests.browser.conftest import login
from tests.unit.domain.dossiers.dossier_support import PDF, PNG

pytestmark = pytest.mark.browser
CITIZEN = "001090001234"


def run_in_app(browser_app, action):
    """Do what the desk officer would do, directly in the server's database."""
    from onestop.domain.dossiers.models import Dossier

    with browser_app.app_context():
        dossier = db.session.scalar(select(Dossier).order_by(Dossier.id.desc()).limit(1))
        action(dossier)
        db.session.commit()
        dossier_id = dossier.id
        db.session.remove()
    return dossier_id


def officer(username):
    from onestop.domain.org.models import User

    return db.session.scalar(select(User).where(User.username == username))


def test_search_apply_and_see_it_in_my_dossiers(page, live_server):
    login(page, live_server, CITIZEN)
    page.goto(f"{live_server}/thu-tuc")
    page.fill("#q", "dang ky khai sinh")
    page.click("text=Tìm kiếm")
    page.click("#procedures >> text=Đăng ký khai sinh")
    assert "Thành phần hồ sơ" in page.inner_text("main")
    page.click("#apply")
    page.fill("#f_child_name", "Nguyễn An Khang")
    page.fill("#f_child_birth_date", "2026-11-20")
    page.select_option("#f_child_sex", "Nam")
    page.fill("#f_birth_place", "Trạm y tế xã An Bình")
    page.fill("#f_mother_name", "Nguyễn Thị Bình")
    page.fill("#f_requester_relation", "Mẹ")
    page.select_option("#agency", label="Ủy ban nhân dân xã An Bình")
    page.set_input_files(
        "#part_to_khai",
        files=[{"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.set_input_files(
        "#part_giay_chung_sinh",
        files=[{"name": "chung-sinh.png", "mimeType": "image/png", "buffer": PNG}],
    )
    page.click("#submit")
    page.wait_for_url(re.compile(r"/cong-dan/ho-so/\d+$"))
    assert "Chờ tiếp nhận" in page.inner_text("#dossier-status")
    page.click("text=Hồ sơ của tôi")
    assert "Đăng ký khai sinh" in page.inner_text("#my-dossiers")


def test_missing_attachment_is_explained_in_the_browser(page, live_server):
    login(page, live_server, CITIZEN)
    page.goto(f"{live_server}/cong-dan/nop/1.001193")
    page.fill("#f_child_name", "Nguyễn An")
    page.click("#submit")
    assert "bắt buộc" in page.inner_text("#part_to_khai-error")
    assert "is required" in page.inner_text("#f_mother_name-error")


def wait_for(page, selector, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if page.locator(selector).count():
            return page.locator(selector).first
        time.sleep(1)
        page.reload()
    raise AssertionError(f"{selector} did not appear within {seconds}s")


def sign_receipt(browser_app, dossier_id):
    """Render and sign the receipt here: the embedded rq worker thread cannot run jobs (SIGALRM)."""
    from onestop.domain.documents.jobs import run_render
    from onestop.domain.documents.models import Document

    with browser_app.app_context():
        document_id = db.session.scalar(
            select(Document.id).where(Document.dossier_id == dossier_id, Document.kind == "receipt")
        )
        if db.session.get(Document, document_id).state != "signed":
            run_render(document_id)
        db.session.remove()


def test_receipt_is_downloaded_and_verified_once_the_desk_receives(page, live_server, browser_app):
    from onestop.domain.dossiers.lifecycle import receive

    dossier_id = run_in_app(browser_app, lambda d: receive(d, officer("motcua.anbinh")))
    login(page, live_server, CITIZEN)
    page.goto(f"{live_server}/cong-dan/ho-so/{dossier_id}")
    assert "Đã tiếp nhận" in page.inner_text("#dossier-status")
    assert "đang tạo và ký số" in page.inner_text("#documents")
    sign_receipt(browser_app, dossier_id)
    link = wait_for(page, "a.download-receipt", seconds=10)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.click("a.verify-receipt")
    page.wait_for_load_state()
    assert "/verify/" in page.url


def test_supplement_round_in_the_browser(page, live_server, browser_app):
    from onestop.domain.dossiers.lifecycle import request_supplement

    dossier_id = run_in_app(
        browser_app,
        lambda d: request_supplement(
            d, officer("motcua.anbinh"), "Giấy chứng sinh bị mờ", ["Giấy chứng sinh"]
        ),
    )
    login(page, live_server, CITIZEN)
    page.goto(f"{live_server}/cong-dan/ho-so/{dossier_id}")
    assert "Giấy chứng sinh bị mờ" in page.inner_text("#supplement")
    page.set_input_files(
        "#supplement #part_giay_chung_sinh",
        files=[{"name": "chung-sinh-ro.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.click("#send-supplement")
    page.wait_for_load_state()
    assert "Đã gửi hồ sơ bổ sung" in page.inner_text("main")
    assert "Đã tiếp nhận" in page.inner_text("#dossier-status")
