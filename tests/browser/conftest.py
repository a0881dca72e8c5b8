"""Browser tests: the app served from a thread on a fresh embedded database, driven by Chromium.

Each module gets its own app, database (SQLite file, demo province seeded) and server; tests in
a module share them, so write each module as one story. The in-process job worker runs too.
"""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from onestop.extensions import db as _db
from tests.conftest import make_test_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def db():
    """Browser tests commit for real into their module's own database; no rollback wrapper."""
    yield _db


@pytest.fixture(scope="module")
def browser_app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("browser")
    app = make_test_app(
        tmp_path_factory,
        ONESTOP_INSTANCE_PATH=str(instance),
        ONESTOP_STORAGE_PATH=str(instance / "files"),
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'browser.db'}",
        REDIS_URL=None,
        WTF_CSRF_ENABLED=True,
        TESTING=False,
        ONESTOP_EMBEDDED_WORKER=True,
    )
    with app.app_context():
        _db.create_all()
        from onestop.seed.demo import seed_demo

        seed_demo()
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture(scope="module")
def live_server(browser_app):
    from onestop.infra.queue import start_embedded_worker

    start_embedded_worker(browser_app)
    server = make_server("127.0.0.1", 0, browser_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


def login(page, base_url: str, username: str, password: str = "demo-2026-onestop") -> None:
    """Log in through the real form."""
    page.goto(f"{base_url}/dang-nhap")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-submit")
    page.wait_for_load_state()
