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


STORY: dict[str, int] = {}  # the dossier this module's story follows


def run_in_app(browser_app, action):
    """Do what the desk officer would do, directly in the server's database."""
    from onestop.domain.dossiers.models import Dossier

    with browser_app.app_context():
        dossier = db.session.get(Dossier, STORY["dossier_id"])
        action(dossier)
        db.session.commit()
        db.session.remove()
    return STORY["dossier_id"]


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
    STORY["dossier_id"] = int(page.url.rsplit("/", 1)[1])
    assert "Chờ tiếp nhận" in page.inner_text("#dossier-status")
    page.click("text=Hồ sơ của tôi")
    assert "Đăng ký khai sinh" in page.inner_text("#my-dossiers")


def test_missing_attachment_is_explained_in_the_browser(page, live_server):
    login(page, live_server, CITIZEN)
    page.goto(f"{live_server}/cong-dan/nop/1.001193")
    page.fill("#f_child_name", "Nguyễn An")
    page.click("#submit")
    assert "bắt buộc" in page.inner_text("#part_to_khai-error")
    assert "Vui lòng nhập" in page.inner_text("#f_mother_name-error")


def wait_for(page, selector, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if page.locator(selector).count():
            return page.locator(selector).first
        time.sleep(1)
        page.reload()
    raise AssertionError(f"{selector} did not appear within {seconds}s")


def sign_receipt(browser_app, dossier_id):
    """Render and sign the receipt now unless the embedded worker already did."""
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


def walk_to_processed(dossier):
    from onestop.domain.workflow.runtime import act, open_tasks

    for step, username, action in (
        ("receive", "motcua.anbinh", "submit"),
        ("appraise", "hotich.anbinh", "submit"),
        ("decide", "chutich.anbinh", "approve"),
    ):
        task = next(t for t in open_tasks(dossier) if t.step_id == step)
        act(task, officer(username), action)


def test_result_is_downloaded_verified_and_rated(page, live_server, browser_app):
    from onestop.domain.documents.jobs import run_render
    from onestop.domain.documents.models import Document

    dossier_id = run_in_app(browser_app, walk_to_processed)
    with browser_app.app_context():
        result = db.session.scalar(
            select(Document).where(Document.dossier_id == dossier_id, Document.kind == "result")
        )
        run_render(result.id)
        code = db.session.get(Document, result.id).verification_code
        db.session.remove()
    login(page, live_server, CITIZEN)
    page.goto(f"{live_server}/cong-dan/ho-so/{dossier_id}")
    assert "Đã có kết quả" in page.inner_text("#dossier-status")
    with page.expect_download() as download:
        page.click("a.download-result")
    assert download.value.suggested_filename.endswith(".pdf")
    page.click("a.verify-result")
    page.wait_for_load_state()
    assert page.url.endswith(f"/verify/{code}")
    page.go_back()
    page.check("input[name=stars][value='5']")
    page.fill("#comment", "Nhanh, chu đáo")
    page.click("text=Gửi đánh giá")
    page.wait_for_load_state()
    assert "Cảm ơn bạn đã đánh giá" in page.inner_text("main")
