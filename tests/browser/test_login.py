"""A citizen and an officer log in and out in a real browser."""

from tests.browser.conftest import login


def test_officer_logs_in_lands_on_the_desk_and_logs_out(page, live_server):
    login(page, live_server, "motcua.anbinh")
    assert page.url.endswith("/can-bo")
    assert "Bàn làm việc" in page.inner_text("h1")
    page.click("text=Đăng xuất")
    page.wait_for_load_state()
    assert page.url.rstrip("/") == live_server


def test_wrong_password_is_explained(page, live_server):
    login(page, live_server, "admin", "sai-mat-khau")
    assert "không đúng" in page.inner_text(".error-summary")
